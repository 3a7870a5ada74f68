"""The service's addresses, and two views that fail, for the error pages."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from dowimm.urls import urlpatterns as service_urlpatterns


def refused(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("A fault made on purpose by a test")


urlpatterns = [
    path("test-refused/", refused),
    path("test-broken/", broken),
    *service_urlpatterns,
]

from django.contrib import admin
from django.urls import include, path

from dowimm import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("", include("dowimm.accounts.urls")),
    path("", include("cases.urls")),
    path("", include("meetings.urls")),
    path("", include("transport.urls")),
    path("django-admin/", admin.site.urls),
]

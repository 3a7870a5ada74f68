from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    """The cheapest page Django can serve, through the same middleware."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial, name="bench_trivial"),
    path("", include("dowimm.urls")),
]

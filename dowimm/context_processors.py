from django.conf import settings


def service(request):
    return {
        "service_name": "Direction off-site with intent to managed move",
        "authority_name": settings.AUTHORITY_NAME,
    }

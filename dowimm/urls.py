from django.contrib import admin
from django.urls import include, path

from dowimm import health
from dowimm.accounts.views import admin_sign_in

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("", include("dowimm.accounts.urls")),
    path("", include("dowimm.schools.urls")),
    path("", include("cases.urls")),
    path("", include("meetings.urls")),
    path("", include("transport.urls")),
    path("", include("dowimm.calendars.urls")),
    path("", include("dowimm.notifications.urls")),
    path("", include("dowimm.documents.urls")),
    path("", include("dowimm.audit.urls")),
    path("", include("reports.urls")),
    path("django-admin/login/", admin_sign_in),
    path("django-admin/", admin.site.urls),
]

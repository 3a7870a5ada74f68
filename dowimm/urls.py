from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from dowimm import health

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
    # Administrators sign in like everyone else, second factor included.
    path(
        "django-admin/login/",
        RedirectView.as_view(pattern_name="accounts:sign_in", query_string=True),
    ),
    path("django-admin/", admin.site.urls),
]

from django.urls import path

from dowimm.audit import views

app_name = "audit"

urlpatterns = [
    path("cases/<int:pk>/access/", views.case_access, name="case_access"),
    path(
        "cases/<int:pk>/subject-access-export/",
        views.subject_access_export,
        name="subject_access_export",
    ),
]

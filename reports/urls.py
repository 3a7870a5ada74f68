from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.report, name="report"),
    path("reports/<slug:slug>/", views.report, name="report"),
    path("reports/<slug:slug>/<slug:table>.csv", views.report_csv, name="csv"),
    path("fair-access/queues/<slug:slug>/", views.queue, name="queue"),
    path("fair-access/queues/<slug:slug>.csv", views.queue_csv, name="queue_csv"),
]

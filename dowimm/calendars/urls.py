from django.urls import path

from dowimm.calendars import views

app_name = "calendars"

urlpatterns = [
    path("calendars/", views.calendar_list, name="list"),
    path("calendars/county/", views.calendar_detail, name="county"),
    path("calendars/county/add/", views.entry_add, name="county_add"),
    path("calendars/schools/<int:school_pk>/", views.calendar_detail, name="school"),
    path("calendars/schools/<int:school_pk>/add/", views.entry_add, name="school_add"),
    path(
        "calendars/entries/<int:entry_pk>/delete/",
        views.entry_delete,
        name="entry_delete",
    ),
]

from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "dowimm.calendars"
    label = "calendars"
    verbose_name = "school calendars"

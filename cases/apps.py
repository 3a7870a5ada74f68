from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"

    def ready(self):
        from cases.placement import expected_ends_follow_calendar
        from dowimm.calendars.signals import calendar_changed

        calendar_changed.connect(
            expected_ends_follow_calendar, dispatch_uid="cases_expected_ends"
        )

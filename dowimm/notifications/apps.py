from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "dowimm.notifications"
    label = "notifications"
    verbose_name = "reminders"

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dowimm.settings")

app = Celery("dowimm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic job, in one place. Times are Europe/London (CELERY_TIMEZONE),
# so 08:00 stays 08:00 across the clock changes. Beat only queues the jobs:
# what is due and what was sent live in the database, so a run that beat
# repeats, misses or doubles around a clock change sends nothing twice and
# the next run catches up anything left.
app.conf.beat_schedule = {
    # A safety net: signed documents whose email never went out.
    "send-signed-documents": {
        "task": "dowimm.documents.tasks.send_signed_documents_due",
        "schedule": 15 * 60,
    },
    # Skips itself on days the county calendar has no school.
    "send-due-reminders": {
        "task": "dowimm.notifications.tasks.send_due_reminders",
        "schedule": crontab(hour=8, minute=0, day_of_week="mon-fri"),
    },
    # Failed emails again once their back-off has passed.
    "retry-reminders": {
        "task": "dowimm.notifications.tasks.retry_reminders",
        "schedule": crontab(minute="*/10"),
    },
    # Deletes pupils' records past their retention date; logs counts only.
    "apply-retention": {
        "task": "dowimm.audit.tasks.retention_apply",
        "schedule": crontab(hour=3, minute=15),
    },
    "faet-weekly-summary": {
        "task": "dowimm.notifications.tasks.send_weekly_summary",
        "schedule": crontab(hour=8, minute=0, day_of_week="mon"),
    },
}

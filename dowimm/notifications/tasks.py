"""
Beat's jobs (scheduled in dowimm/celery.py). Each is safe to run twice:
what is due and what was sent live in the database, not in the queue.
"""

import logging

from celery import shared_task

from dowimm.notifications import services

logger = logging.getLogger(__name__)


@shared_task
def send_due_reminders():
    report = services.reminders_daily_job()
    logger.info(
        "Reminder run: %s new, %s sent in %s emails, %s emails failed",
        report.created,
        report.reminders_sent,
        report.digests_sent,
        report.digests_failed,
    )
    return report.reminders_sent


@shared_task
def retry_reminders():
    """Send reminders whose back-off has passed, and any a crash left."""
    return services.reminders_send().reminders_sent


@shared_task(
    autoretry_for=services.DELIVERY_ERRORS,
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=6,
)
def send_weekly_summary():
    return services.weekly_summary_send()

from celery import shared_task
from django.utils import timezone

from dowimm.audit import services


@shared_task
def retention_apply():
    """
    Nightly: delete what is past its retention date, expired sessions and
    old records of signing in. Safe to run twice.
    """
    services.retention_apply(today=timezone.localdate())
    services.sign_in_records_purge(now=timezone.now())

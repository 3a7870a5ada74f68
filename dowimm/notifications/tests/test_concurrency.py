"""
Two runs at once, and a run through a real Celery worker on Redis. These
need committed data that other threads and processes can see.
"""

import datetime
import os
import threading
import time
import uuid

import pytest
import time_machine
from django.core import mail
from django.db import connection

from dowimm.notifications.models import Reminder
from dowimm.notifications.services import reminders_daily_job

from .conftest import active_placement, london

pytestmark = pytest.mark.django_db(transaction=True)

WED_22_OCT_2025 = london(2025, 10, 22)


@pytest.fixture
def placement(cast):
    # The review on Mon 3 Nov 2025 is due from Wed 22 Oct (see
    # test_reminders): four people, one email each.
    return active_placement(
        cast,
        start=datetime.date(2025, 10, 13),
        end=datetime.date(2025, 12, 12),
        reviews=[datetime.date(2025, 11, 3)],
    )


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's shared in-memory test database locks whole tables, so "
    "two writers fail rather than wait; CI runs this on PostgreSQL",
)
def test_two_runs_at_once_send_each_reminder_once(cast, placement):
    start = threading.Barrier(2)
    errors = []

    def run():
        try:
            start.wait()
            reminders_daily_job(now=WED_22_OCT_2025)
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    recipients = [m.to[0] for m in mail.outbox]
    assert len(recipients) == len(set(recipients)) == 4
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 4


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs a Redis broker: set REDIS_URL"
)
def test_the_daily_task_runs_on_a_real_worker_through_redis(cast, placement, settings):
    from celery.contrib.testing.worker import start_worker

    from dowimm.celery import app
    from dowimm.notifications import tasks

    # The worker runs in this process, so it uses the test's mail outbox;
    # its own queue keeps other workers on the same Redis out of it.
    queue = f"dowimm-test-{uuid.uuid4().hex}"
    app.conf.task_always_eager = False
    try:
        with (
            time_machine.travel(WED_22_OCT_2025, tick=True),
            start_worker(app, pool="solo", queues=[queue], perform_ping_check=False),
        ):
            tasks.send_due_reminders.apply_async(queue=queue)
            tasks.send_due_reminders.apply_async(queue=queue)
            _wait_for(lambda: len(mail.outbox) >= 4)
            time.sleep(1)
    finally:
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER

    recipients = [m.to[0] for m in mail.outbox]
    assert len(recipients) == len(set(recipients)) == 4
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 4


def _wait_for(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("The worker did not send the reminders in time")
        time.sleep(0.2)

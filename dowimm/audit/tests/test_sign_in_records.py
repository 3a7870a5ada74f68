"""The nightly job also deletes expired sessions and old sign-in records."""

import datetime
import logging

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session

from dowimm.audit import services, tasks

pytestmark = pytest.mark.django_db

NIGHT = datetime.datetime(2026, 12, 3, 3, 15, tzinfo=datetime.UTC)
# 90 days (the default) before the job runs.
CUTOFF = datetime.datetime(2026, 9, 4, 3, 15, tzinfo=datetime.UTC)
SECOND = datetime.timedelta(seconds=1)


def session_expiring(at):
    store = SessionStore()
    store["_auth_user_id"] = "1"
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=at)
    return store.session_key


def sign_in_record(model, at, username):
    # attempt_time is set on insert whatever is given, so the clock is moved.
    extra = {"get_data": "", "post_data": "", "failures_since_start": 1}
    with time_machine.travel(at, tick=False):
        return model.objects.create(
            username=username,
            ip_address="192.0.2.10",
            user_agent=f"test {username}",
            http_accept="text/html",
            path_info="/sign-in/",
            **(extra if model is AccessAttempt else {}),
        )


def test_expired_sessions_go_and_live_ones_stay():
    expired = session_expiring(NIGHT - SECOND)
    live = session_expiring(NIGHT + SECOND)

    counts = services.sign_in_records_purge(now=NIGHT)

    assert set(Session.objects.values_list("session_key", flat=True)) == {live}
    assert expired != live
    assert counts["sessions"] == 1


@pytest.mark.parametrize("model", [AccessAttempt, AccessFailureLog, AccessLog])
def test_sign_in_records_older_than_90_days_go(model):
    sign_in_record(model, CUTOFF - SECOND, "old-attempt")
    kept = sign_in_record(model, CUTOFF + SECOND, "recent-attempt")

    services.sign_in_records_purge(now=NIGHT)

    assert list(model.objects.values_list("pk", flat=True)) == [kept.pk]


def test_the_period_is_a_setting(settings):
    settings.DOWIMM_SIGN_IN_RECORDS_DAYS = 7
    sign_in_record(AccessAttempt, NIGHT - datetime.timedelta(days=7) - SECOND, "a")
    kept = sign_in_record(
        AccessAttempt, NIGHT - datetime.timedelta(days=7) + SECOND, "b"
    )

    services.sign_in_records_purge(now=NIGHT)

    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [kept.pk]


def test_the_nightly_job_purges_and_logs_counts_only(caplog):
    session_expiring(NIGHT - SECOND)
    sign_in_record(AccessAttempt, CUTOFF - SECOND, "old-attempt")
    sign_in_record(AccessFailureLog, CUTOFF - SECOND, "old-failure")

    with (
        time_machine.travel(NIGHT, tick=False),
        caplog.at_level(logging.INFO, logger="dowimm.audit"),
    ):
        tasks.retention_apply.delay()

    assert not Session.objects.exists()
    assert not AccessAttempt.objects.exists()
    assert not AccessFailureLog.objects.exists()
    assert (
        "Sign-in records: deleted 1 expired sessions, 1 attempts, 1 failures, "
        "0 sign-ins" in caplog.text
    )
    assert "old-" not in caplog.text
    assert "192.0.2.10" not in caplog.text

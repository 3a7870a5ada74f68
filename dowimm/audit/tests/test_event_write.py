"""
How a request's access events reach the database: in one insert, and on
PostgreSQL in a short transaction of their own that does not wait for the
disk (see dowimm.audit.middleware.events_write).
"""

import datetime
import uuid

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from dowimm.audit.middleware import events_write
from dowimm.audit.models import AccessEvent

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's commit setting"
)
ASYNC_COMMIT = "SET LOCAL synchronous_commit TO OFF"


def batch(size):
    return [
        AccessEvent(role="school_staff", case_id=7, view="cases:list")
        for _ in range(size)
    ]


def synchronous_commit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_events_commit_without_waiting_for_the_disk_and_only_they_do():
    with CaptureQueriesContext(connection) as queries:
        events_write(batch(1))

    # One message, which the server runs as one transaction.
    [statement] = [query["sql"] for query in queries.captured_queries]
    assert statement.startswith(f'{ASYNC_COMMIT}; INSERT INTO "audit_accessevent"')
    assert AccessEvent.objects.count() == 1
    # SET LOCAL ended with the events' transaction.
    assert synchronous_commit() == "on"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_set_local_holds_for_the_rest_of_a_message():
    # What events_write relies on: no warning, and the setting in force.
    with connection.cursor() as cursor:
        cursor.execute(f"{ASYNC_COMMIT}; SELECT current_setting('synchronous_commit')")
        assert cursor.fetchone() == ("off",)
        assert not connection.connection.notices


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_inside_someone_elses_transaction_their_commit_is_left_alone():
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        events_write(batch(3))
        assert synchronous_commit() == "on"

    assert ASYNC_COMMIT not in [query["sql"] for query in queries.captured_queries]
    assert AccessEvent.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_request_s_events_are_written_all_or_none():
    bad = AccessEvent(role="school_staff", case_id=7, view="cases:list")
    bad.at = None  # refused by the database: the column is NOT NULL

    with pytest.raises(IntegrityError):
        events_write([*batch(2), bad])

    assert not AccessEvent.objects.exists()
    # Append-only still: nothing can be taken out again.
    events_write(batch(1))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessEvent.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_each_event_is_written_as_given_what_they_share_and_what_differs():
    at = datetime.datetime(2026, 11, 30, 9, 15, tzinfo=datetime.UTC)
    request_id = uuid.UUID("00000000-0000-4000-8000-000000000001")
    shared = {"at": at, "role": "faet", "view": "cases:list", "request_id": request_id}
    events = [
        AccessEvent(case_id=11, pupil_id=21, **shared),
        AccessEvent(case_id=12, pupil_id=22, **shared),
        # A pupil shown without a case.
        AccessEvent(case_id=None, pupil_id=23, **shared),
    ]

    events_write(events)

    written = AccessEvent.objects.order_by("pk").values_list(
        "at", "role", "view", "request_id", "case_id", "pupil_id", "user_id"
    )
    common = (at, "faet", "cases:list", request_id)
    assert list(written) == [
        (*common, 11, 21, None),
        (*common, 12, 22, None),
        (*common, None, 23, None),
    ]


@pytest.mark.django_db(transaction=True)
def test_identical_events_are_each_written():
    event = {"at": datetime.datetime(2026, 11, 30, 9, 15, tzinfo=datetime.UTC)}
    event |= {"role": "faet", "case_id": 11, "view": "cases:detail"}
    event["request_id"] = uuid.UUID("00000000-0000-4000-8000-000000000002")

    events_write([AccessEvent(**event) for _ in range(3)])

    assert AccessEvent.objects.filter(case_id=11).count() == 3

"""
How a request's access events reach the database: in one insert, and on
PostgreSQL in a short transaction of their own that does not wait for the
disk (see dowimm.audit.middleware.events_write).
"""

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

    statements = [query["sql"] for query in queries.captured_queries]
    assert statements[:2] == ["BEGIN", ASYNC_COMMIT]
    assert statements[2].startswith('INSERT INTO "audit_accessevent"')
    assert statements[3:] == ["COMMIT"]
    assert AccessEvent.objects.count() == 1
    # SET LOCAL ended with the events' transaction.
    assert synchronous_commit() == "on"


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

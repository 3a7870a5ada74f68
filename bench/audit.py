"""
What writing access events adds to a request: the middleware's insert of
one request's events timed on its own, and the case page timed with and
without it. Then, on PostgreSQL, "Who has seen this child?" for one case
among a year of events for 5,000 cases.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dowimm_bench \
        .venv/bin/python bench/audit.py [--repeats 300]

The database is the test runner's (test_<name> on PostgreSQL when
DATABASE_URL is set, in-memory SQLite otherwise), created and destroyed
here. "synchronous" is a plain insert committed as any other; "as
written" is what the middleware does (on PostgreSQL, synchronous_commit
off for its own short transaction).
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from dowimm.audit import middleware  # noqa: E402
from dowimm.audit.models import AccessEvent  # noqa: E402

# A case page shows one child; a page of the case list shows 25.
BATCHES = {"case page (1 event)": 1, "list page (25 events)": 25}
WARM_UP = 20
# A year of events for 5,000 cases: 200 each on average, and 2,000 for
# the busy case whose record is read.
YEAR_OF_EVENTS = 1_000_000
CASES = 5_000
BUSY_SHARE = 500


def say(line=""):
    sys.stdout.write(f"{line}\n")
    sys.stdout.flush()


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(timings_ms):
    return (
        f"median {statistics.median(timings_ms):.2f} ms, "
        f"p95 {percentile(timings_ms, 0.95):.2f} ms"
    )


def batch(case, user, size):
    """One request's events; on a list page each names a different case."""
    now = timezone.now()
    request_id = uuid.uuid4()
    return [
        AccessEvent(
            at=now,
            user_id=user.pk,
            role=user.role,
            school_id=user.school_id,
            case_id=case.pk + shown,
            pupil_id=case.pupil_id + shown,
            view="cases:list",
            request_id=request_id,
        )
        for shown in range(size)
    ]


def time_write(write, case, user, size, repeats):
    for _ in range(WARM_UP):
        write(batch(case, user, size))
    timings = []
    for _ in range(repeats):
        events = batch(case, user, size)
        started = time.perf_counter()
        write(events)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def signed_in_client(user):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user, backend="dowimm.accounts.backends.StaffBackend")
    device = TOTPDevice.objects.create(user=user, name="Bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def time_page(client, url, repeats):
    for _ in range(WARM_UP):
        assert client.get(url).status_code == 200
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return timings


def case_page_with_and_without(client, url, repeats):
    """Interleaved in rounds, so that drift in the machine's load hits both."""
    written = middleware.events_write
    with_write, without_write = [], []
    rounds = 10
    for _ in range(rounds):
        with_write += time_page(client, url, repeats // rounds)
        middleware.events_write = lambda events: None
        try:
            without_write += time_page(client, url, repeats // rounds)
        finally:
            middleware.events_write = written
    return with_write, without_write


def year_of_events(cast, case):
    """Insert YEAR_OF_EVENTS over the last year, by the cast, across CASES."""
    staff = [
        cast.home_staff,
        cast.receiving_staff,
        cast.home_dsl,
        cast.adviser,
        cast.fair_access,
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO audit_accessevent
                (at, user_id, role, school_id, case_id, pupil_id, view, request_id)
            SELECT now() - random() * interval '365 days', who.id, who.role,
                who.school_id, seen.case_id, seen.case_id, 'cases:detail',
                gen_random_uuid()
            FROM generate_series(1, %(events)s) AS g
            CROSS JOIN LATERAL (
                SELECT CASE WHEN g %% %(busy)s = 0 THEN %(case)s
                    ELSE 1000000 + g %% %(cases)s END AS case_id
            ) AS seen
            JOIN unnest(%(users)s::bigint[], %(roles)s::text[],
                %(schools)s::bigint[]) WITH ORDINALITY
                AS who (id, role, school_id, n) ON who.n = 1 + g %% %(staff)s
            """,
            {
                "events": YEAR_OF_EVENTS,
                "busy": BUSY_SHARE,
                "case": case.pk,
                "cases": CASES,
                "users": [user.pk for user in staff],
                "roles": [user.role for user in staff],
                "schools": [user.school_id for user in staff],
                "staff": len(staff),
            },
        )
        cursor.execute("ANALYZE audit_accessevent")


def who_has_seen(cast, case):
    started = time.perf_counter()
    year_of_events(cast, case)
    seeded = time.perf_counter() - started
    shown = AccessEvent.objects.filter(case=case).count()
    say(
        f"who has seen this child: {AccessEvent.objects.count():,} events "
        f"({seeded:.0f} s to insert), {shown:,} of them for the case read"
    )
    client = signed_in_client(cast.fair_access)
    url = reverse("audit:case_access", args=[case.pk])
    timings = time_page(client, url, 50)
    # The log keeps 9,000 queries: once full, a capture would count none.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    say(
        f"who has seen this child, page for that case: "
        f"{summary(timings)}, {len(captured)} queries"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--repeats", type=int, default=300)
    args = parser.parse_args()

    from cases.tests.factories import Cast

    # A test database left by a run that was stopped is replaced.
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=False
    )
    try:
        server = ""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                server = f" {cursor.fetchone()[0]}"
        say(f"database: {connection.vendor}{server}, {args.repeats} repeats each")
        cast = Cast()
        case = cast.finding_school_case()
        user = cast.home_staff

        for name, size in BATCHES.items():
            plain = time_write(
                AccessEvent.objects.bulk_create, case, user, size, args.repeats
            )
            written = time_write(
                middleware.events_write, case, user, size, args.repeats
            )
            say(f"write, {name}, synchronous: {summary(plain)}")
            say(f"write, {name}, as written: {summary(written)}")

        client = signed_in_client(user)
        url = reverse("cases:detail", args=[case.pk])
        with_write, without_write = case_page_with_and_without(
            client, url, args.repeats
        )
        say(f"case page with the write: {summary(with_write)}")
        say(f"case page without it: {summary(without_write)}")
        added = statistics.median(with_write) - statistics.median(without_write)
        say(f"the write adds to the case page (difference of medians): {added:.2f} ms")

        if connection.vendor == "postgresql":
            who_has_seen(cast, case)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

"""
What writing access events adds to a request: the middleware's insert of
one request's events timed on its own, and the case page timed with and
without it.

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
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from dowimm.audit import middleware  # noqa: E402
from dowimm.audit.models import AccessEvent  # noqa: E402

# A case page shows one child; a page of the case list shows 25.
BATCHES = {"case page (1 event)": 1, "list page (25 events)": 25}
WARM_UP = 20


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
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

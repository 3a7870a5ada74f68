"""
How the daily reminder job scales: wall time, queries and peak memory for
500 and 5,000 active placements, on a scratch database.

    .venv/bin/python bench/reminders.py [--placements 500 5000]

The database is the test runner's (test_<name> on PostgreSQL when
DATABASE_URL is set, in-memory SQLite otherwise), created and destroyed
here: var/dowimm.sqlite3 is never touched. Mail goes to memory.

The job runs on Wed 22 Oct 2025 against the real 2025-26 county calendar,
for 60 schools of 3 staff each. Placements start on the first 30 school
days of the autumn term, so on that day some reviews are due, some are
overdue and none of the placements is ending.
"""

import argparse
import datetime
import os
import sys
import time
import tracemalloc
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dowimm.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core import mail  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

SCHOOLS = 60
STAFF_PER_SCHOOL = 3
RUN_AT = datetime.datetime(2025, 10, 22, 8, 0, tzinfo=ZoneInfo("Europe/London"))


def say(line):
    sys.stdout.write(f"{line}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--placements", type=int, nargs="+", default=[500, 5000])
    args = parser.parse_args()

    # Not setup_test_environment(): its template instrumentation would be
    # most of what is measured.
    mail.outbox = []
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # A test database left by a run that was stopped is replaced.
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=False
    )
    try:
        say(f"database: {connection.vendor}, job run at {RUN_AT:%a %d %b %Y %H:%M}")
        say(
            f"{'placements':>10} {'reminders':>9} {'emails':>6} "
            f"{'wall s':>7} {'queries':>7} {'rerun s':>7} {'rerun q':>7} "
            f"{'peak MiB':>8}"
        )
        schools = load_people()
        loaded = 0
        for total in sorted(args.placements):
            load_placements(schools, loaded, total)
            loaded = total
            say(measure(total))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def load_people():
    from dowimm.accounts.models import User
    from dowimm.calendars.services import calendar_import_csv
    from dowimm.schools.models import School

    with open(settings.BASE_DIR / "data" / "norfolk-term-dates.csv") as f:
        calendar_import_csv(file=f)
    advisers = User.objects.bulk_create(
        User(
            username=f"adviser-{n}",
            role=User.Role.INCLUSION_ADVISER,
            email=f"adviser-{n}@bench.invalid",
        )
        for n in range(SCHOOLS // 6)
    )
    schools = School.objects.bulk_create(
        School(
            urn=800000 + n,
            name=f"Bench Academy {n}",
            la_code=settings.AUTHORITY_LA_CODE,
            inclusion_adviser=advisers[n % len(advisers)],
        )
        for n in range(SCHOOLS)
    )
    User.objects.bulk_create(
        User(
            username=f"staff-{school.pk}-{n}",
            role=User.Role.SCHOOL_STAFF,
            school=school,
            is_dsl=n == 0,
            email=f"staff-{school.pk}-{n}@bench.invalid",
        )
        for school in schools
        for n in range(STAFF_PER_SCHOOL)
    )
    User.objects.create(
        username="fair-access", role=User.Role.FAIR_ACCESS, email="faet@bench.invalid"
    )
    return schools


def load_placements(schools, first, last):
    from cases.models import Case, Pupil
    from dowimm.accounts.models import User
    from dowimm.calendars.deadlines import placement_expected_end, review_schedule
    from dowimm.calendars.school_days import school_days_for
    from meetings.models import ReviewMeeting

    county = school_days_for(None)
    starts = county.school_days_between(
        datetime.date(2025, 9, 3), datetime.date(2025, 10, 24)
    )[:30]
    opener = User.objects.filter(role=User.Role.SCHOOL_STAFF).first()
    pupils = Pupil.objects.bulk_create(
        Pupil(
            legal_first_names="Bench",
            legal_surname=f"Pupil {n}",
            date_of_birth=datetime.date(2012, 1, 1),
            upn=f"B{n:012d}",
            home_address="1 Bench Road",
            home_postcode="NR1 1AA",
            sen_status=Pupil.SenStatus.NONE,
        )
        for n in range(first, last)
    )
    cases = []
    for n, pupil in zip(range(first, last), pupils, strict=True):
        start = starts[n % len(starts)]
        end = placement_expected_end(county, start)
        cases.append(
            Case(
                reference=f"BENCH-{n:05d}",
                pupil=pupil,
                home_school=schools[n % SCHOOLS],
                receiving_school=schools[(n + 1) % SCHOOLS],
                state=Case.State.ACTIVE,
                opened_by=opener,
                started_on=start,
                expected_end_on=end.end_date,
            )
        )
    cases = Case.objects.bulk_create(cases)
    # Reviews before the run were held on the day, as most are.
    ReviewMeeting.objects.bulk_create(
        ReviewMeeting(
            case=case,
            scheduled_for=on,
            face_to_face=i == 0,
            held_on=on if on < RUN_AT.date() else None,
        )
        for case in cases
        for i, on in enumerate(
            review_schedule(county, case.started_on, case.expected_end_on)
        )
    )


def measure(placements):
    from dowimm.notifications.models import Reminder
    from dowimm.notifications.services import reminders_daily_job

    def fresh():
        Reminder.objects.all().delete()
        mail.outbox = []

    fresh()
    started = time.perf_counter()
    report = reminders_daily_job(now=RUN_AT)
    wall = time.perf_counter() - started
    emails = len(mail.outbox)

    # Apart from the timed run: tracing allocations slows Python down.
    fresh()
    tracemalloc.start()
    reminders_daily_job(now=RUN_AT)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()

    fresh()
    with CaptureQueriesContext(connection) as first_run:
        reminders_daily_job(now=RUN_AT)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as rerun:
        again = reminders_daily_job(now=RUN_AT)
    rerun_wall = time.perf_counter() - started
    assert again.created == again.reminders_sent == 0, "a rerun sent something"

    return (
        f"{placements:>10} {report.reminders_sent:>9} {emails:>6} "
        f"{wall:>7.2f} {len(first_run.captured_queries):>7} "
        f"{rerun_wall:>7.2f} {len(rerun.captured_queries):>7} {peak:>8.1f}"
    )


if __name__ == "__main__":
    main()

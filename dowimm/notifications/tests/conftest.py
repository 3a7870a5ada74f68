import datetime
import io

import pytest
import time_machine
from django.conf import settings
from django.db.models import Value
from django.db.models.functions import Concat

from cases import services
from cases.models import Case, ContactLogEntry
from cases.tests.factories import Cast
from dowimm.accounts.models import User
from dowimm.calendars.services import calendar_import_csv

TERM_DATES_CSV = settings.BASE_DIR / "data" / "norfolk-term-dates.csv"

# Invented 2026-27 county terms, for these tests only: nobody has published
# Norfolk's, and data/ must not guess them. Good Friday is 26 Mar 2027.
TEST_TERMS_2026_27 = """\
academic_year,kind,start_date,end_date,label,scope
2026-27,term,2026-09-03,2026-12-18,Autumn term,county
2026-27,holiday,2026-10-26,2026-10-30,Autumn half term,county
2026-27,term,2027-01-05,2027-03-25,Spring term,county
2026-27,holiday,2027-02-15,2027-02-19,Spring half term,county
2026-27,term,2027-04-12,2027-07-21,Summer term,county
"""


def london(year, month, day, hour=8, minute=0):
    """A moment in London's local time, whichever side of a clock change."""
    from zoneinfo import ZoneInfo

    return datetime.datetime(
        year, month, day, hour, minute, tzinfo=ZoneInfo("Europe/London")
    )


@pytest.fixture
def calendars(db):
    with TERM_DATES_CSV.open(encoding="utf-8", newline="") as f:
        calendar_import_csv(file=f)
    calendar_import_csv(file=io.StringIO(TEST_TERMS_2026_27))


@pytest.fixture
def cast(calendars):
    with time_machine.travel(london(2025, 9, 8), tick=False):
        cast = Cast()
    User.objects.update(email=Concat("username", Value("@example.invalid")))
    User.objects.filter(pk=cast.receiving_staff.pk).update(
        first_name="Siân", last_name="O'Connor-Nguyễn"
    )
    for user in vars(cast).values():
        if isinstance(user, User):
            user.refresh_from_db()
    return cast


def active_placement(cast, *, serial=1, start, end, reviews, planned_on=None):
    """
    A case whose placement started on `start`, with unheld reviews. Built
    through the services to planning, then moved on directly: the planning
    tasks are not what these tests are about.
    """
    planned_on = planned_on or start - datetime.timedelta(days=7)
    with time_machine.travel(london(planned_on.year, planned_on.month, planned_on.day)):
        case = cast.planning_case(serial)
        services.planning_meeting_record(
            case_id=case.pk,
            user=cast.home_staff,
            details=planning_details(planned_on, start),
            review_dates=list(reviews),
        )
    Case.objects.filter(pk=case.pk).update(
        state=Case.State.ACTIVE, started_on=start, expected_end_on=end
    )
    _contact_every_week(case, cast.home_staff, start, end)
    return Case.objects.get(pk=case.pk)


def _contact_every_week(case, user, start, end):
    """Weekly contact throughout, so only the reminders under test are due."""
    monday = start - datetime.timedelta(days=start.weekday())
    contacts = []
    while monday <= end:
        contacts.append(
            ContactLogEntry(
                case=case,
                contact_on=monday,
                between="Both schools",
                method=ContactLogEntry.Method.PHONE,
                summary="Weekly call",
                recorded_by=user,
            )
        )
        monday += datetime.timedelta(days=7)
    ContactLogEntry.objects.bulk_create(contacts)


def planning_details(held_on, start):
    return {
        "held_on": held_on,
        "attendees": "Everyone",
        "family_understand_process": True,
        "support_agreed": "Breakfast club",
        "engagement_level": "Attends every lesson",
        "attendance_threshold_percent": 90,
        "proposed_start_on": start,
    }

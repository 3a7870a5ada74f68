"""Calendars edited in the browser: who may, and the importers' rules."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from dowimm.accounts.models import User
from dowimm.calendars.models import Calendar, CalendarEntry
from dowimm.calendars.school_days import school_days_for

from .conftest import COUNTY_SCHOOL_URN

# Thursday 3 December 2026: the county has no 2026-27 terms in data/.
TODAY = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def make_user(username, role, school=None):
    return User.objects.create_user(
        username=username, password="x" * 16, role=role, school=school
    )


@pytest.fixture
def fair_access(db):
    return make_user("fair-access", User.Role.FAIR_ACCESS)


@pytest.fixture
def school_staff(county_school):
    return make_user("school-staff", User.Role.SCHOOL_STAFF, county_school)


def entry_form(kind, start, end, label=""):
    return {
        "kind": kind,
        "start_date_0": start.day,
        "start_date_1": start.month,
        "start_date_2": start.year,
        "end_date_0": end.day,
        "end_date_1": end.month,
        "end_date_2": end.year,
        "label": label,
    }


def error_page(response):
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert "govuk-error-summary" in html
    return html


def test_fair_access_adds_a_county_term_that_counts_at_once(
    client, fair_access, county_school
):
    client.force_login(fair_access)

    response = client.post(
        reverse("calendars:county_add"),
        entry_form("term", datetime.date(2026, 9, 3), datetime.date(2026, 12, 18)),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("calendars:county") + "?year=2026-27"
    entry = CalendarEntry.objects.get(academic_year="2026-27")
    assert entry.label == "Term"
    assert entry.calendar.is_county
    assert entry.history.get().history_user == fair_access
    # Thu 3 Dec 2026 + 2 school days on the new term is Mon 7 Dec 2026.
    days = school_days_for(county_school)
    assert days.add_school_days(datetime.date(2026, 12, 3), 2) == datetime.date(
        2026, 12, 7
    )


def test_school_staff_add_a_training_day_inside_the_county_term(
    client, school_staff, county_school
):
    client.force_login(school_staff)

    response = client.post(
        reverse("calendars:school_add", args=[county_school.pk]),
        entry_form(
            "inset", datetime.date(2026, 2, 2), datetime.date(2026, 2, 2), "Training"
        ),
    )

    assert response.status_code == 302
    calendar = Calendar.objects.get(school=county_school)
    assert calendar.inherits_county
    assert school_days_for(county_school).closed_because(datetime.date(2026, 2, 2)) == (
        "Training"
    )


@pytest.mark.parametrize(
    ("kind", "start", "end", "message"),
    [
        (
            "term",
            datetime.date(2025, 12, 1),
            datetime.date(2026, 3, 27),
            "Term (1 Dec 2025 – 27 Mar 2026) overlaps Autumn term "
            "(3 Sep – 19 Dec 2025). Change the dates and try again; "
            "nothing was saved.",
        ),
        (
            "inset",
            datetime.date(2026, 8, 3),
            datetime.date(2026, 8, 3),
            "The staff training day on Mon 3 Aug 2026 is not in or next to a term. "
            "Change the dates and try again; nothing was saved.",
        ),
        (
            "holiday",
            datetime.date(2026, 2, 20),
            datetime.date(2026, 2, 16),
            "The last day must be the same as or after the first day",
        ),
        # Today is in 2026: calendars reach from 2021 to 2029.
        (
            "term",
            datetime.date(1989, 9, 4),
            datetime.date(1989, 12, 15),
            "The first day is in 1989. Enter dates from 2021 to 2029, checking "
            "the year",
        ),
        (
            "term",
            datetime.date(2026, 9, 3),
            datetime.date(2062, 12, 18),
            "The last day is in 2062. Enter dates from 2021 to 2029, checking the year",
        ),
        # The summer term ends on Fri 17 Jul 2026 and no autumn term is
        # entered yet: a week in August touches neither.
        (
            "holiday",
            datetime.date(2026, 8, 10),
            datetime.date(2026, 8, 14),
            "The holiday on 10–14 Aug 2026 is not in or next to a term. "
            "Change the dates and try again; nothing was saved.",
        ),
    ],
)
def test_bad_dates_are_refused_with_the_reason_and_nothing_is_saved(
    client, fair_access, county_calendar, kind, start, end, message
):
    client.force_login(fair_access)
    before = CalendarEntry.objects.count()

    response = client.post(
        reverse("calendars:county_add"), entry_form(kind, start, end)
    )

    assert message in error_page(response)
    assert CalendarEntry.objects.count() == before


def test_a_holiday_running_on_from_the_end_of_a_term_is_added(
    client, fair_access, county_calendar
):
    # Mon 20 Jul 2026 is the weekday after the summer term's last day.
    client.force_login(fair_access)

    response = client.post(
        reverse("calendars:county_add"),
        entry_form(
            "holiday",
            datetime.date(2026, 7, 20),
            datetime.date(2026, 9, 2),
            "Summer holiday",
        ),
    )

    assert response.status_code == 302
    assert CalendarEntry.objects.filter(
        kind=CalendarEntry.Kind.HOLIDAY, label="Summer holiday"
    ).exists()


def test_deleting_a_term_that_would_strand_a_holiday_is_refused(
    client, fair_access, county_calendar
):
    # The autumn half term (27-31 Oct 2025) lies inside the autumn term.
    client.force_login(fair_access)
    autumn = CalendarEntry.objects.get(
        calendar__school__isnull=True, label="Autumn term"
    )

    response = client.post(reverse("calendars:entry_delete", args=[autumn.pk]))

    assert (
        "It cannot be deleted: without it, the holiday on 27–31 Oct 2025 is not "
        "in or next to a term. Delete that day first." in error_page(response)
    )
    assert CalendarEntry.objects.filter(pk=autumn.pk).exists()


def test_school_staff_cannot_edit_the_county_or_another_school(
    client, school_staff, primary_school
):
    client.force_login(school_staff)

    assert client.get(reverse("calendars:county_add")).status_code == 404
    other = reverse("calendars:school_add", args=[primary_school.pk])
    assert client.get(other).status_code == 404
    entry = CalendarEntry.objects.filter(calendar__school=primary_school).first()
    delete = reverse("calendars:entry_delete", args=[entry.pk])
    assert client.post(delete).status_code == 404
    assert CalendarEntry.objects.filter(pk=entry.pk).exists()


def test_fair_access_cannot_edit_a_school_calendar(client, fair_access, county_school):
    client.force_login(fair_access)

    url = reverse("calendars:school_add", args=[county_school.pk])
    assert client.get(url).status_code == 404


def test_deleting_a_term_that_would_strand_a_training_day_is_refused(
    client, fair_access, primary_school
):
    # The primary school's own training day on Tue 14 Apr 2026 sits next to
    # the county's summer term; without the term it would be in no term.
    # The county's summer half term would be stranded too, so it goes first.
    CalendarEntry.objects.get(
        calendar__school__isnull=True, label="Summer half term"
    ).delete()
    client.force_login(fair_access)
    summer = CalendarEntry.objects.get(
        calendar__school__isnull=True, label="Summer term"
    )

    response = client.post(reverse("calendars:entry_delete", args=[summer.pk]))

    html = error_page(response)
    assert (
        "It cannot be deleted: without it, the staff training day on "
        "Tue 14 Apr 2026 is not in or next to a term. Delete that day first." in html
    )
    assert CalendarEntry.objects.filter(pk=summer.pk).exists()


def test_deleting_a_training_day_brings_the_school_day_back(client, primary_school):
    staff = make_user("primary-staff", User.Role.SCHOOL_STAFF, primary_school)
    client.force_login(staff)
    training = CalendarEntry.objects.get(
        calendar__school=primary_school, start_date=datetime.date(2025, 11, 3)
    )

    response = client.post(reverse("calendars:entry_delete", args=[training.pk]))

    assert response.status_code == 302
    assert school_days_for(primary_school).is_school_day(datetime.date(2025, 11, 3))


def test_effective_calendar_counts_the_school_days_of_a_year(
    client, school_staff, primary_school
):
    client.force_login(school_staff)

    response = client.get(
        reverse("calendars:school", args=[primary_school.pk]), {"year": "2025-26"}
    )

    html = response.content.decode()
    # Autumn term, Wed 3 Sep to Fri 19 Dec 2025: 3 weekdays in its first
    # week and 15 full weeks make 78, less half term (5) and Mon 3 Nov: 72.
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">72</td>' in html
    assert "Staff training day" in html
    assert "the school&#x27;s own terms" not in html


def test_a_year_without_terms_is_reported_not_guessed(
    client, school_staff, county_school
):
    client.force_login(school_staff)

    response = client.get(reverse("calendars:school", args=[county_school.pk]))

    html = response.content.decode()
    assert "No term dates for 2026-27 at King&#x27;s Lynn Academy." in html
    assert str(COUNTY_SCHOOL_URN) not in html

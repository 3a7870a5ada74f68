"""Dates a case page proposes and shows, on the real 2025-26 calendar."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from cases import services
from cases.tests.factories import Cast
from dowimm.calendars.services import calendar_entry_add
from meetings.models import PlanningMeeting

pytestmark = pytest.mark.django_db

THU_2_OCT_2025 = datetime.datetime(2025, 10, 2, 10, 0, tzinfo=datetime.UTC)
PLANNED_FOR_13_OCT = {
    "held_on": datetime.date(2025, 10, 2),
    "attendees": "Everyone",
    "family_understand_process": True,
    "support_agreed": "Breakfast club",
    "engagement_level": "Attends every lesson",
    "attendance_threshold_percent": 90,
    "proposed_start_on": datetime.date(2025, 10, 13),
}


@pytest.fixture
def planning_case(county_calendar):
    with time_machine.travel(THU_2_OCT_2025, tick=False):
        cast = Cast()
        yield cast, cast.planning_case()


def test_planning_meeting_proposes_a_start_and_reviews_every_10_school_days(
    client, planning_case
):
    # Earliest start after 2 school days' notice from Thu 2 Oct: Mon 6 Oct.
    # Reviews 10 school days apart: 7-10 Oct (4), 13-17 (9), Mon 20 Oct
    # (10); 21-24 (14), half term, 3-7 Nov (19), Mon 10 Nov (20); 11-14
    # (24), 17-21 (29), Mon 24 Nov (30). The 40th school day from Mon 6 Oct
    # is Fri 5 Dec, so a fourth review would fall after the end.
    cast, case = planning_case
    client.force_login(cast.home_staff)

    with time_machine.travel(THU_2_OCT_2025, tick=False):
        response = client.get(reverse("meetings:planning", args=[case.pk]))

    assert response.context["form"].initial == {
        "proposed_start_on": datetime.date(2025, 10, 6),
        "first_review_on": datetime.date(2025, 10, 20),
        "second_review_on": datetime.date(2025, 11, 10),
        "third_review_on": datetime.date(2025, 11, 24),
    }


def test_planning_meeting_reopens_as_saved_with_its_reviews(client, planning_case):
    cast, case = planning_case
    details = PLANNED_FOR_13_OCT
    reviews = [datetime.date(2025, 11, 3), datetime.date(2025, 11, 17)]
    client.force_login(cast.home_staff)

    with time_machine.travel(THU_2_OCT_2025, tick=False):
        services.planning_meeting_record(
            case_id=case.pk, user=cast.home_staff, details=details, review_dates=reviews
        )
        response = client.get(reverse("meetings:planning", args=[case.pk]))

    assert response.context["form"].initial == details | {
        "first_review_on": datetime.date(2025, 11, 3),
        "second_review_on": datetime.date(2025, 11, 17),
    }


def test_the_case_page_shows_the_last_day_to_give_notice(client, planning_case):
    # Two school days before Mon 13 Oct 2025 is Thu 9 Oct 2025.
    cast, case = planning_case
    with time_machine.travel(THU_2_OCT_2025, tick=False):
        services.planning_meeting_record(
            case_id=case.pk,
            user=cast.home_staff,
            details=PLANNED_FOR_13_OCT,
            review_dates=[datetime.date(2025, 11, 3)],
        )
        client.force_login(cast.home_staff)
        case_page = client.get(reverse("cases:detail", args=[case.pk]))
        start_page = client.get(reverse("cases:start", args=[case.pk]))

    notice = (
        "Give the family written notice of the direction off-site by "
        "<strong>Thursday 9 October 2025</strong>: 2 school days before the "
        "first day, Mon 13 Oct 2025, counted on Home Academy's calendar."
    )
    assert notice in start_page.content.decode()
    assert notice in case_page.content.decode()


def test_the_case_page_warns_of_a_booked_review_the_school_now_closes_on(
    client, planning_case
):
    # Mon 3 Nov 2025 was a school day when the review was booked; the county
    # then adds a training day on it.
    cast, case = planning_case
    with time_machine.travel(THU_2_OCT_2025, tick=False):
        services.planning_meeting_record(
            case_id=case.pk,
            user=cast.home_staff,
            details=PLANNED_FOR_13_OCT,
            review_dates=[datetime.date(2025, 11, 3), datetime.date(2025, 11, 17)],
        )
        client.force_login(cast.home_staff)
        before = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        calendar_entry_add(
            user=cast.fair_access,
            school=None,
            kind="inset",
            start_date=datetime.date(2025, 11, 3),
            end_date=datetime.date(2025, 11, 3),
            label="Staff training day",
        )
        after = client.get(reverse("cases:detail", args=[case.pk])).content.decode()

    warning = (
        "Receiving Academy is closed on the review booked for Monday 3 November "
        "2025 (Staff training day)."
    )
    assert warning not in before
    assert warning in " ".join(after.split())


def posted(details):
    """Form data for the planning meeting, each date as its day, month and year."""
    data = {}
    for name, value in details.items():
        if isinstance(value, datetime.date):
            data |= {f"{name}_0": value.day, f"{name}_1": value.month}
            data[f"{name}_2"] = value.year
        else:
            data[name] = value
    return data


def test_every_refused_planning_date_is_shown_at_once(client, planning_case):
    # Mon 27 Oct 2025 is in half term, and Sat 8 Nov 2025 is a weekend: both
    # are reported on the one submission, each against its own field.
    cast, case = planning_case
    details = PLANNED_FOR_13_OCT | {
        "proposed_start_on": datetime.date(2025, 10, 27),
        "first_review_on": datetime.date(2025, 11, 8),
    }
    client.force_login(cast.home_staff)

    with time_machine.travel(THU_2_OCT_2025, tick=False):
        response = client.post(
            reverse("meetings:planning", args=[case.pk]), posted(details)
        )

    errors = response.context["form"].errors
    assert errors["proposed_start_on"] == [
        "Receiving Academy is closed on Mon 27 Oct 2025 (Autumn half term). "
        "Choose a school day for the first day"
    ]
    assert errors["first_review_on"] == [
        "The review cannot be on a Saturday (Sat 8 Nov 2025). Choose a school day"
    ]
    assert not PlanningMeeting.objects.filter(case=case).exists()
    assert not case.reviews.exists()

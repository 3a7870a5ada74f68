import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import placement
from cases.fair_access import (
    QUEUES_BY_SLUG,
    cases_waiting,
    dashboard_figures,
    last_school_week,
)
from cases.models import Case
from cases.tests.factories import Cast
from cases.tests.test_placement import at, ending, hold_review, managed_move
from dowimm.calendars.services import calendar_import_csv
from dowimm.documents.models import DocumentVersion
from meetings.models import ReviewMeeting

pytestmark = pytest.mark.django_db

PLANNED = datetime.date(2025, 10, 2)
START = datetime.date(2025, 10, 13)
MOVED = datetime.date(2025, 10, 23)
WEDNESDAY_AFTER_HALF_TERM = datetime.date(2025, 11, 5)


@pytest.fixture
def cast():
    with (settings.BASE_DIR / "data" / "norfolk-term-dates.csv").open() as file:
        calendar_import_csv(file=file)
    with at(PLANNED):
        return Cast()


@pytest.fixture
def authority(cast):
    """One case at each interesting point, built through the services."""
    with at(PLANNED):
        active = cast.active_case(
            PLANNED, START, serial=1, reviews=[datetime.date(2025, 10, 24)]
        )
        ended = cast.active_case(PLANNED, START, serial=2)
        moved = cast.active_case(PLANNED, START, serial=3)
        cast.open_case(serial=4)

    hold_review(cast, ended, datetime.date(2025, 10, 24), ReviewMeeting.Decision.END)
    review = ended.reviews.get(held_on=datetime.date(2025, 10, 24))
    with at(datetime.date(2025, 10, 24)):
        placement.placement_end_early(
            case_id=ended.pk,
            user=cast.receiving_staff,
            review=review,
            grounds_for_suspension=None,
            details=ending(
                "family_choice",
                last_day_on=datetime.date(2025, 10, 24),
                return_on=datetime.date(2025, 11, 3),
            ),
        )
        placement.outcome_mark_sent(case_id=ended.pk, user=cast.receiving_staff)

    managed_move(cast, moved)
    with at(MOVED):
        placement.managed_move_complete(
            case_id=moved.pk, user=cast.receiving_staff, single_registration_on=MOVED
        )
    return {"active": active, "ended": ended, "moved": moved}


def counts(figures):
    return {queue.slug: count for queue, count in figures["queues"]}


def test_the_last_school_week_skips_half_term(cast):
    # Wed 5 Nov 2025: this week is not over; the week before was half term,
    # so the last complete week with school days began on Mon 20 Oct.
    assert last_school_week(WEDNESDAY_AFTER_HALF_TERM) == (
        datetime.date(2025, 10, 20),
        datetime.date(2025, 10, 26),
    )


def test_dashboard_figures_match_the_cases(authority):
    figures = dashboard_figures(WEDNESDAY_AFTER_HALF_TERM)

    stages = {state.value: count for state, count in figures["stages"]}
    assert stages["eligibility"] == 1
    assert stages["active"] == 1
    assert stages["ended"] == 1
    assert stages["managed_move"] == 1
    assert counts(figures) == {
        # Every case that started: none has had its agreement received.
        "agreements": 3,
        "outcomes": 1,
        "extensions": 0,
        "transport-exceptions": 0,
        "disputes": 0,
        # The active case's review was due on Fri 24 Oct and never held.
        "reviews-overdue": 1,
        # The active case had no contact in the week of 20 Oct.
        "contact-gaps": 1,
        # The file is due by Thu 6 Nov: not overdue yet.
        "cp-files-overdue": 0,
        "reminders-failed": 0,
    }
    assert figures["moves"] == [("Home Academy", 0, 1), ("Receiving Academy", 1, 0)]


def test_a_cp_file_not_sent_by_its_deadline_is_overdue(authority):
    figures = dashboard_figures(datetime.date(2025, 11, 7))

    assert counts(figures)["cp-files-overdue"] == 1


def test_each_dashboard_number_links_to_the_same_cases(client, cast, authority):
    client.force_login(cast.fair_access)

    with at(WEDNESDAY_AFTER_HALF_TERM):
        page = client.get(reverse("cases:list"), {"queue": "reviews-overdue"})

    html = page.content.decode()
    assert authority["active"].reference in html
    assert authority["ended"].reference not in html
    assert "1 case<" in html


def dashboard_queries(client, user):
    client.force_login(user)
    client.get(reverse("cases:fair_access_dashboard"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cases:fair_access_dashboard"))
    assert response.status_code == 200
    return len(queries)


def test_dashboard_queries_do_not_grow_with_cases(client, cast, authority):
    with at(WEDNESDAY_AFTER_HALF_TERM):
        few = dashboard_queries(client, cast.fair_access)
        for serial in range(10, 40):
            cast.open_case(serial=serial)
        many = dashboard_queries(client, cast.fair_access)

    assert Case.objects.count() == 34
    assert few == many


def agreements_waiting(today):
    queue = QUEUES_BY_SLUG["agreements"]
    return [
        (case.reference, case.waiting_since)
        for case in cases_waiting(Case.objects.all(), queue, today)
    ]


def test_an_agreement_is_awaited_from_the_first_day_or_once_its_copy_is_sent(cast):
    with at(PLANNED):
        case = cast.active_case(PLANNED, START)

    # Started ahead of its first day, with nothing sent: FAET waits for nothing.
    assert agreements_waiting(PLANNED) == []
    assert agreements_waiting(START) == [(case.reference, START)]

    sent = datetime.datetime(2025, 10, 6, 16, 30, tzinfo=datetime.UTC)
    DocumentVersion.objects.filter(
        case=case, kind=DocumentVersion.Kind.AGREEMENT, superseded_at=None
    ).update(sent_at=sent)
    assert agreements_waiting(datetime.date(2025, 10, 7)) == [
        (case.reference, datetime.date(2025, 10, 6))
    ]

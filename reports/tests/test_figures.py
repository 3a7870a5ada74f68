import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from cases.models import Outcome
from cases.tests.factories import Cast
from dowimm.calendars.services import calendar_import_csv
from reports import suppression
from reports.figures import REPORTS_BY_SLUG, median
from reports.selectors import report_scope
from reports.suppression import WITHHELD
from reports.tests.dataset import authority, case, history

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)
YEAR_2025_26 = (datetime.date(2025, 9, 1), datetime.date(2026, 8, 31))


def at(day):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC),
        tick=False,
    )


@pytest.fixture
def cast():
    with (settings.BASE_DIR / "data" / "norfolk-term-dates.csv").open() as file:
        calendar_import_csv(file=file)
    with at(TODAY):
        return Cast()


@pytest.fixture
def cases(cast):
    with at(TODAY):
        return authority(cast)


@pytest.fixture
def every_count_shown(monkeypatch):
    """
    The hand-built authority is far too small to publish: nearly every
    count in it would be withheld. Tests of what is counted turn
    withholding off; test_suppression tests what is withheld.
    """
    monkeypatch.setattr(suppression, "SMALL_GROUP", 1)


def tables(user, slug, period=YEAR_2025_26):
    scope = report_scope(user)
    built = REPORTS_BY_SLUG[slug].build(scope.cases(), period, scope)
    return {table.slug: table for table in built}


def rows(table):
    return {row[0]: row[1:] for row in table.rows}


@pytest.mark.usefixtures("every_count_shown")
def test_stages_count_the_cases_open_in_the_period(cast, cases):
    stages = rows(tables(cast.fair_access, "outcomes")["stages"])

    # The 2024-25 managed move closed before the year began.
    assert stages == {
        "Eligibility": [0],
        "Preliminary": [0],
        "Finding a receiving school": [0],
        "Planning": [0],
        "Active placement": [1],
        "Extended placement": [0],
        "Ended": [2],
        "Managed move": [2],
        "Not proceeding": [1],
    }


@pytest.mark.usefixtures("every_count_shown")
def test_outcomes_and_the_share_that_became_managed_moves(cast, cases):
    found = tables(cast.fair_access, "outcomes")

    ended = "Ended early: "
    assert rows(found["outcomes"]) == {
        "Managed move": [2],
        ended + Outcome.Reason.SERIOUS_BREACH.label: [0],
        ended + Outcome.Reason.ENGAGEMENT.label: [1],
        ended + Outcome.Reason.FAMILY_CHOICE.label: [1],
        "Withdrawn or not proceeding": [1],
    }
    # Two managed moves out of four placements that finished.
    assert rows(found["managed-move-share"])["Share that became managed moves"] == [
        "50%"
    ]


@pytest.mark.usefixtures("every_count_shown")
def test_outcomes_by_month_are_charted_with_the_same_numbers(cast, cases):
    table = tables(cast.fair_access, "outcomes")["outcomes-by-month"]

    assert table.rows == [
        ["October 2025", 0, 0, 1],
        ["November 2025", 1, 0, 0],
        ["December 2025", 0, 1, 0],
        ["January 2026", 0, 1, 0],
        ["February 2026", 1, 0, 0],
    ]
    chart_values = [[bar.value for bar in row.bars] for row in table.chart.rows]
    assert chart_values == [row[1:] for row in table.rows]


@pytest.mark.usefixtures("every_count_shown")
def test_extensions_by_reason_and_answer(cast, cases):
    table = tables(cast.fair_access, "outcomes")["extensions"]

    assert rows(table) == {"Behaviour": [1, 0, 0, 1], "Engagement": [1, 0, 1, 0]}


@pytest.mark.usefixtures("every_count_shown")
def test_moves_in_and_out_per_school(cast, cases):
    table = tables(cast.fair_access, "moves")["moves-per-school"]

    assert table.rows == [
        ["Receiving Academy", cast.receiving_school.urn, 2, 0, "100%"],
        ["Home Academy", cast.home_school.urn, 0, 1, "0%"],
        ["Other Academy", cast.other_school.urn, 0, 1, "0%"],
    ]
    # Three schools in the table: an even share is a third each.
    assert table.note.startswith(
        "Shared evenly, each of the 3 schools in the table would take 33.3% "
    )


@pytest.mark.usefixtures("every_count_shown")
def test_median_school_days_in_each_stage(cast, cases):
    table = tables(cast.fair_access, "time-in-stage")["time-in-stage"]

    # Worked on the 2025-26 county calendar (half terms 27-31 Oct and
    # 16-20 Feb, Christmas 22 Dec - 5 Jan), from the day a stage began to
    # the day before the next:
    #   case A: eligibility 5, preliminary 5, finding 5, planning 10,
    #     active 13 Oct - 19 Nov = 10 + 13 = 23 (a review row on 20 Oct
    #     does not start a new stay);
    #   case E: eligibility 5, preliminary 7, finding 3 + 1 = 4, planning
    #     3, active 12 Jan - 9 Feb = 21.
    assert rows(table) == {
        "Eligibility": [2, 5],
        "Preliminary": [2, 6],
        "Finding a receiving school": [2, 4.5],
        "Planning": [2, 6.5],
        "Active placement": [2, 22],
        "Extended placement": [0, "–"],
    }
    assert "left out" not in table.note


def test_stays_in_a_year_without_term_dates_are_left_out_and_said(cast):
    with at(TODAY):
        late = case(cast, serial=20, state="preliminary", opened="2026-09-07")
        history(late, ("eligibility", "2026-09-07"), ("preliminary", "2026-09-14"))

    table = tables(
        cast.fair_access,
        "time-in-stage",
        (datetime.date(2026, 9, 1), datetime.date(2026, 12, 31)),
    )["time-in-stage"]

    assert rows(table)["Eligibility"] == [0, "–"]
    # One stay: too few to say how many.
    assert (
        "Fewer than 5 stays fell in an academic year with no county term dates"
        in table.note
    )


def test_median_of_counted_values():
    assert median({}) is None
    assert median({3: 1}) == 3
    assert median({1: 1, 9: 1}) == 5
    assert median({1: 2, 4: 1, 10: 1}) == 2.5


def test_small_groups_are_withheld_and_so_is_what_gives_them_away(cast, cases):
    found = tables(cast.fair_access, "disproportion")

    # Six cases: five pupils with no SEN (B to F), one on SEN support (A).
    # The one is withheld; so are the five, which with the six shown under
    # "Not in care" would give the one back.
    assert rows(found["by-sen-status"])["No special educational needs"] == [
        WITHHELD,
        WITHHELD,
        WITHHELD,
        WITHHELD,
    ]
    assert rows(found["by-sen-status"])["SEN support"] == [
        WITHHELD,
        WITHHELD,
        WITHHELD,
        0,
    ]
    assert rows(found["by-care"]) == {
        "In care": [0, "0%", 0, 0],
        "Not in care": [6, "100%", WITHHELD, WITHHELD],
    }


def report_page(client, user, slug, **query):
    client.force_login(user)
    with at(TODAY):
        return client.get(reverse("reports:report", args=[slug]), query)


@pytest.mark.usefixtures("every_count_shown")
def test_filters_narrow_every_figure(client, cast, cases):
    year_9 = report_page(
        client, cast.fair_access, "outcomes", academic_year="2025-26", year_group="9"
    )
    breckland = report_page(client, cast.fair_access, "outcomes", district="Breckland")
    sen = report_page(client, cast.fair_access, "outcomes", sen_status="sen_support")
    by_school = report_page(
        client, cast.fair_access, "moves", school=cast.other_school.urn
    )

    def stages(response):
        table = next(t for t in response.context["tables"] if t.slug == "stages")
        return {label: n for label, n in table.rows if n}

    assert stages(year_9) == {"Managed move": 1}  # case A
    assert stages(breckland) == {"Managed move": 1}  # case E, from Other Academy
    assert stages(sen) == {"Managed move": 1}  # case A
    moves = by_school.context["tables"][0].rows
    assert [row[:4] for row in moves] == [
        ["Receiving Academy", cast.receiving_school.urn, 1, 0],
        ["Other Academy", cast.other_school.urn, 0, 1],
    ]


@pytest.mark.usefixtures("every_count_shown")
def test_a_date_range_replaces_the_academic_year(client, cast, cases):
    response = report_page(
        client,
        cast.fair_access,
        "outcomes",
        date_from_0="1",
        date_from_1="1",
        date_from_2="2026",
        date_to_0="28",
        date_to_1="2",
        date_to_2="2026",
    )

    outcomes = next(t for t in response.context["tables"] if t.slug == "outcomes")
    # January and February 2026: C ended, E moved.
    assert rows(outcomes)["Managed move"] == [1]
    assert rows(outcomes)["Ended early: The pupil and family chose to end it"] == [1]


def test_half_a_date_range_is_refused_with_what_to_do(client, cast, cases):
    response = report_page(
        client,
        cast.fair_access,
        "outcomes",
        date_from_0="1",
        date_from_1="1",
        date_from_2="2026",
    )

    html = response.content.decode()
    assert "<title>Error: " in html
    assert "Enter both days of the period, or neither to use the academic year" in html
    assert response.context["tables"] == []


def test_the_report_page_draws_an_accessible_chart_beside_its_table(
    client, cast, cases
):
    html = report_page(client, cast.fair_access, "moves").content.decode()

    assert 'role="img" aria-labelledby="moves-chart-title moves-chart-desc"' in html
    assert (
        '<title id="moves-chart-title">Managed moves in and out per school</title>'
        in html
    )
    assert "style=" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "<caption" in html and "Receiving Academy" in html

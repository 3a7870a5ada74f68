import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, Dispute
from dowimm.audit.models import AccessEvent
from reports.exports import csv_cell
from reports.tests.dataset import authority, many_cases
from reports.tests.test_figures import (  # noqa: F401 - fixtures
    TODAY,
    at,
    cast,
    every_count_shown,
)

pytestmark = pytest.mark.django_db

REPORT_SLUGS = ["outcomes", "moves", "time-in-stage", "disproportion"]


@pytest.fixture
def cases(cast):  # noqa: F811
    with at(TODAY):
        return authority(cast)


def stage_counts(client, user):
    client.force_login(user)
    with at(TODAY):
        response = client.get(reverse("reports:report", args=["outcomes"]))
    table = next(t for t in response.context["tables"] if t.slug == "stages")
    return {label: n for label, n in table.rows if n}


@pytest.mark.usefixtures("every_count_shown")
def test_fair_access_sees_every_school(client, cast, cases):  # noqa: F811
    assert stage_counts(client, cast.fair_access) == {
        "Active placement": 1,
        "Ended": 2,
        "Managed move": 2,
        "Not proceeding": 1,
    }


@pytest.mark.usefixtures("every_count_shown")
def test_an_adviser_sees_only_their_linked_schools(client, cast, cases):  # noqa: F811
    # Linked to Home Academy: case E went from Other Academy, so is not theirs.
    assert stage_counts(client, cast.adviser) == {
        "Active placement": 1,
        "Ended": 2,
        "Managed move": 1,
        "Not proceeding": 1,
    }
    assert stage_counts(client, cast.other_adviser) == {}


@pytest.mark.usefixtures("every_count_shown")
def test_a_school_sees_its_own_cases_and_only_its_own_moves(client, cast, cases):  # noqa: F811
    assert stage_counts(client, cast.other_staff) == {"Managed move": 1}

    client.force_login(cast.other_staff)
    with at(TODAY):
        response = client.get(reverse("reports:report", args=["moves"]))
    # Other Academy's move went to Receiving Academy: only its own row shows.
    assert [row[:4] for row in response.context["tables"][0].rows] == [
        ["Other Academy", cast.other_school.urn, 0, 1]
    ]
    assert "adviser" not in response.context["form"].fields
    assert "school" not in response.context["form"].fields


@pytest.mark.usefixtures("every_count_shown")
def test_a_school_cannot_filter_its_way_to_another_school(client, cast, cases):  # noqa: F811
    client.force_login(cast.home_staff)
    with at(TODAY):
        response = client.get(
            reverse("reports:report", args=["outcomes"]),
            {"school": cast.other_school.urn, "district": "Breckland"},
        )
    # The fields are not there for a school, so the filters are ignored and
    # the figures stay Home Academy's.
    table = next(t for t in response.context["tables"] if t.slug == "stages")
    assert {label: n for label, n in table.rows if n}["Managed move"] == 1
    assert "Other Academy" not in response.content.decode()


def test_an_adviser_cannot_pick_a_school_not_linked_to_them(client, cast, cases):  # noqa: F811
    client.force_login(cast.adviser)
    with at(TODAY):
        response = client.get(
            reverse("reports:report", args=["outcomes"]),
            {"school": cast.other_school.urn},
        )
    assert (
        "Enter the URN of a school you can see figures for" in response.content.decode()
    )
    assert response.context["tables"] == []


@pytest.mark.parametrize("who", ["transport", "admin"])
def test_no_figures_for_anyone_else(client, cast, cases, who):  # noqa: F811
    client.force_login(getattr(cast, who))
    for slug in REPORT_SLUGS:
        response = client.get(reverse("reports:report", args=[slug]))
        assert response.status_code == 404
    response = client.get(reverse("reports:csv", args=["moves", "moves-per-school"]))
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["adviser", "home_staff", "transport"])
def test_only_fair_access_has_the_queues(client, cast, cases, who):  # noqa: F811
    client.force_login(getattr(cast, who))
    assert client.get(reverse("reports:queue", args=["agreements"])).status_code == 404
    assert (
        client.get(reverse("reports:queue_csv", args=["agreements"])).status_code == 404
    )


@pytest.mark.parametrize(
    "value, written",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 1603", "'+44 1603"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Sewell Park Academy", "Sewell Park Academy"),
        (7, 7),
        (None, ""),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_made_text(value, written):
    assert csv_cell(value) == written


def read_csv(response):
    text = b"".join(
        response.streaming_content if response.streaming else [response.content]
    )
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


def test_a_figure_downloads_as_csv_neutralised_and_audited(client, cast, cases):  # noqa: F811
    cast.other_school.name = "=cmd|' /C calc'!A0"
    cast.other_school.save()
    client.force_login(cast.fair_access)

    with at(TODAY):
        response = client.get(
            reverse("reports:csv", args=["moves", "moves-per-school"])
        )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    # Two moves in all: every count is withheld, and every share of them.
    assert read_csv(response) == [
        ["School", "URN", "Moved in", "Moved out", "Share of all moves in"],
        ["Receiving Academy", str(cast.receiving_school.urn), "c", "0", "c"],
        # Sorted by name, "=" before "H".
        ["'=cmd|' /C calc'!A0", str(cast.other_school.urn), "0", "c", "c"],
        ["Home Academy", str(cast.home_school.urn), "0", "c", "c"],
    ]
    event = AccessEvent.objects.get(view="export:moves/moves-per-school")
    assert (event.user_id, event.role, event.case_id) == (
        cast.fair_access.pk,
        "fair_access",
        None,
    )


def test_a_queue_lists_each_case_with_how_long_it_has_waited(client, cast, cases):  # noqa: F811
    with at(TODAY):
        Dispute.objects.create(
            case=cases["f"],
            raised_by_school="home_school",
            about="Timetable",
            raised_on=datetime.date(2026, 2, 20),
            raised_by=cast.home_staff,
        )
    client.force_login(cast.fair_access)

    with at(TODAY):
        page = client.get(reverse("reports:queue", args=["disputes"]))
        download = client.get(reverse("reports:queue_csv", args=["disputes"]))

    html = page.content.decode()
    assert f'href="{reverse("cases:detail", args=[cases["f"].pk])}"' in html
    assert "20 Feb 2026" in html
    # Fri 20 Feb to Mon 2 Mar 2026.
    assert page.context["rows"][0][1:] == (datetime.date(2026, 2, 20), 10)
    assert read_csv(download)[1] == [
        "TEST-0006",
        "Sample Pupil",
        "Home Academy",
        "Receiving Academy",
        "Active placement",
        "2026-02-20",
        "10",
    ]
    exported = AccessEvent.objects.filter(view="reports:queue_csv")
    assert list(exported.values_list("case_id", flat=True)) == [cases["f"].pk]
    assert AccessEvent.objects.filter(view="export:queue/disputes").count() == 1


def queries_for(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries, at(TODAY):
        response = client.get(url)
    assert response.status_code == 200
    # A filter the form refuses would count no figures at all.
    form = response.context and response.context.get("form")
    assert form is None or not form.errors, form.errors
    return len(queries)


def pages():
    return [
        reverse("cases:fair_access_dashboard"),
        *[reverse("reports:report", args=[slug]) for slug in REPORT_SLUGS],
        *[
            reverse("reports:report", args=[slug]) + "?year_group=8&district=Norwich"
            for slug in REPORT_SLUGS
        ],
        reverse("reports:csv", args=["outcomes", "stages"]),
        reverse("reports:queue", args=["agreements"]),
        reverse("reports:queue", args=["contact-gaps"]),
    ]


def in_norwich(people):
    for school in (people.home_school, people.receiving_school):
        school.district = "Norwich"
        school.save(update_fields=["district"])


def test_queries_do_not_grow_from_one_case_to_a_thousand(client, cast):  # noqa: F811
    in_norwich(cast)
    client.force_login(cast.fair_access)
    with at(TODAY):
        many_cases(cast, 1)
        few = {url: queries_for(client, url) for url in pages()}
        many_cases(cast, 999, first_serial=5000)
        many = {url: queries_for(client, url) for url in pages()}

    assert Case.objects.count() == 1000
    assert many == few
    assert max(many.values()) <= 12


def test_an_advisers_queries_do_not_grow_either(client, cast):  # noqa: F811
    client.force_login(cast.adviser)
    with at(TODAY):
        many_cases(cast, 1)
        few = [queries_for(client, url) for url in pages()[1:5]]
        many_cases(cast, 999, first_serial=5000)
        many = [queries_for(client, url) for url in pages()[1:5]]

    assert many == few


def test_a_year_not_offered_is_refused_with_the_years_that_are(client, cast):  # noqa: F811
    # Today is in 2025-26, and six academic years are offered.
    client.force_login(cast.fair_access)
    with at(TODAY):
        response = client.get(
            reverse("reports:report", args=["outcomes"]), {"academic_year": "1999-00"}
        )

    assert response.context["form"].errors["academic_year"] == [
        "Choose an academic year from 2020-21 to 2025-26, or enter a date range"
    ]


def test_a_day_that_cannot_be_read_is_the_only_error_about_it(client, cast):  # noqa: F811
    client.force_login(cast.fair_access)
    period = {"date_from_0": "1", "date_from_1": "9", "date_from_2": "99999"}
    period |= {"date_to_0": "31", "date_to_1": "8", "date_to_2": "2026"}
    with at(TODAY):
        response = client.get(reverse("reports:report", args=["outcomes"]), period)

    errors = response.context["form"].errors
    assert errors["date_from"] == [
        "Enter the year of the first day of the period in full, for example 2025"
    ]
    assert "date_to" not in errors

"""
The reports' tables on the county (reports.tests.dataset.county): every
published cell below was worked out on paper from the rule in
reports.suppression, then checked against what the pages and the CSV
files show.
"""

import csv
import io
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from reports import suppression
from reports.figures import REPORTS
from reports.selectors import report_scope
from reports.suppression import WITHHELD
from reports.tests.dataset import authority, county
from reports.tests.test_figures import TODAY, YEAR_2025_26, at, cast  # noqa: F401
from reports.tests.test_suppression import worked_out

C = WITHHELD

pytestmark = pytest.mark.django_db

STAGES = [
    "Eligibility",
    "Preliminary",
    "Finding a receiving school",
    "Planning",
    "Active placement",
    "Extended placement",
    "Ended",
    "Managed move",
    "Not proceeding",
]
SEN_GROUPS = [
    "No special educational needs",
    "SEN support",
    "EHC needs assessment under way",
    "Agreed to issue an EHCP (“yes to plan”)",
    "Education, health and care plan (EHCP)",
]
REASONS = [
    "Ended early: A serious breach that would be grounds for a suspension here",
    "Ended early: The engagement level makes the placement's objective unreachable",
    "Ended early: The pupil and family chose to end it",
]
MONTHS = ["October 2025", "November 2025", "December 2025", "February 2026"]
SCHOOLS = ["Receiving Academy", "Home Academy", "Other Academy"]


@pytest.fixture
def county_cases(cast):  # noqa: F811
    with at(TODAY):
        return county(cast)


def county_tables(cast):  # noqa: F811
    scope = report_scope(cast.fair_access)
    return {
        table.slug: table
        for report in REPORTS
        for table in report.build(scope.cases(), YEAR_2025_26, scope)
    }


def by_label(table):
    return {row[0]: row[1:] for row in table.rows}


def test_the_county_shows_what_is_safe_and_withholds_the_rest(
    cast,  # noqa: F811
    county_cases,
):
    found = county_tables(cast)

    # Planning 3 and not proceeding 1 are small and cover each other.
    assert by_label(found["stages"]) == {
        "Eligibility": [0],
        "Preliminary": [0],
        "Finding a receiving school": [0],
        "Planning": [C],
        "Active placement": [6],
        "Extended placement": [0],
        "Ended": [5],
        "Managed move": [7],
        "Not proceeding": [C],
    }
    # Engagement 3 and family choice 2 add up to the 5 ended early.
    assert by_label(found["outcomes"]) == {
        "Managed move": [7],
        REASONS[0]: [0],
        REASONS[1]: [C],
        REASONS[2]: [C],
        "Withdrawn or not proceeding": [C],
    }
    assert by_label(found["managed-move-share"]) == {
        "Became managed moves": [7],
        "Ended early": [5],
        "Share that became managed moves": ["58%"],
    }
    # February's 2 moves would come back from the 7: November's 5 goes too.
    assert by_label(found["outcomes-by-month"]) == {
        "October 2025": [0, 0, C],
        "November 2025": [C, 0, 0],
        "December 2025": [0, 5, 0],
        "February 2026": [C, 0, 0],
    }
    # Two refused would come back from the 7 requested: the 5 agreed go.
    assert by_label(found["extensions"]) == {
        "Behaviour": [7, C, C, 0],
        "Engagement": [C, 0, 0, C],
    }
    # Other Academy's 2 moves out would come back from the 7: Home's 5 go.
    moves = found["moves-per-school"]
    assert [row[0] for row in moves.rows] == SCHOOLS
    assert [row[2:] for row in moves.rows] == [
        [7, 0, "100%"],
        [0, C, "0%"],
        [0, C, "0%"],
    ]
    # The EHC assessment's 4 cases would come back from the 22: SEN
    # support's 6 go. SEN support's 2 moves would come back from the 7: no
    # SEN's 5 go. The 3 in care would come back from the 22, and their 1
    # move from the 7: the 19 not in care and their 6 moves go.
    assert by_label(found["by-sen-status"]) == {
        SEN_GROUPS[0]: [12, "55%", C, C],
        SEN_GROUPS[1]: [C, C, C, C],
        SEN_GROUPS[2]: [C, C, 0, C],
        SEN_GROUPS[3]: [0, "0%", 0, 0],
        SEN_GROUPS[4]: [0, "0%", 0, 0],
    }
    assert by_label(found["by-care"]) == {
        "In care": [C, C, C, 0],
        "Not in care": [C, C, C, 5],
    }


def county_sums():
    """
    Every sum a reader of the county's reports can see or work out, as
    [total, *parts]: a cell is (table, row, column), a number a total
    they know (the 22 cases open come from the shares: 12 is 55% of 22).
    """

    def column(table, labels, i):
        return [(table, label, i) for label in labels]

    moved, ended = (
        ("outcomes", "Managed move", 0),
        ("managed-move-share", "Ended early", 0),
    )
    withdrawn = ("outcomes", "Withdrawn or not proceeding", 0)
    sums = [
        [22, *column("stages", STAGES, 0)],
        # One figure shown in two tables.
        [("stages", "Managed move", 0), moved],
        [("stages", "Ended", 0), ended],
        [("stages", "Not proceeding", 0), withdrawn],
        [("managed-move-share", "Became managed moves", 0), moved],
        [ended, *column("outcomes", REASONS, 0)],
        [moved, *column("outcomes-by-month", MONTHS, 0)],
        [ended, *column("outcomes-by-month", MONTHS, 1)],
        [withdrawn, *column("outcomes-by-month", MONTHS, 2)],
        [moved, *column("moves-per-school", SCHOOLS, 1)],
        [moved, *column("moves-per-school", SCHOOLS, 2)],
        *[
            [("extensions", reason, 0), *[("extensions", reason, i) for i in (1, 2, 3)]]
            for reason in ("Behaviour", "Engagement")
        ],
    ]
    for table, groups in (
        ("by-sen-status", SEN_GROUPS),
        ("by-care", ["In care", "Not in care"]),
    ):
        sums += [
            [22, *column(table, groups, 0)],
            [moved, *column(table, groups, 2)],
            [ended, *column(table, groups, 3)],
        ]
    return sums


def cells(tables):
    return {
        (slug, row[0], i): cell
        for slug, table in tables.items()
        for row in table.rows
        for i, cell in enumerate(row[1:])
    }


def test_no_withheld_county_figure_can_be_worked_out(
    cast,  # noqa: F811
    county_cases,
    monkeypatch,
):
    shown = cells(county_tables(cast))
    with monkeypatch.context() as exact:
        exact.setattr(suppression, "SMALL_GROUP", 1)
        true = cells(county_tables(cast))
    withheld = {cell for cell, value in shown.items() if value is WITHHELD}

    for total, *parts in county_sums():
        if total in withheld:
            continue
        total = true.get(total, total)
        left = total - sum(true[part] for part in parts if part not in withheld)
        hidden = [true[part] for part in parts if part in withheld]
        # What the total leaves is never one withheld count on its own.
        assert left == sum(hidden)
        assert hidden == [] or left not in hidden, (total, parts)
    assert worked_out(county_sums(), withheld) == set()


class Tables(HTMLParser):
    """The text of every cell of every table on a page, keyed by caption."""

    def __init__(self, html):
        super().__init__()
        self.found, self.text, self.row = {}, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in ("caption", "th", "td"):
            self.text = ""
        elif tag == "tr":
            self.row = []
        elif tag == "table":
            self.rows = []

    def handle_endtag(self, tag):
        if tag == "caption":
            self.found[self.text.strip()] = self.rows
        elif tag in ("th", "td"):
            self.row.append(self.text.strip())
        elif tag == "tr":
            self.rows.append(self.row)
        if tag in ("caption", "th", "td"):
            self.text = None

    def handle_data(self, data):
        if self.text is not None:
            self.text += data


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_every_county_csv_file_says_what_its_table_says(
    client,
    cast,  # noqa: F811
    county_cases,
):
    client.force_login(cast.fair_access)

    for report in REPORTS:
        with at(TODAY):
            page = client.get(reverse("reports:report", args=[report.slug]))
        html = page.content.decode()
        on_the_page = Tables(html).found
        for table in page.context["tables"]:
            with at(TODAY):
                download = client.get(
                    reverse("reports:csv", args=[report.slug, table.slug])
                )
            as_csv = [
                ["[c]" if cell == "c" else cell for cell in row]
                for row in read_csv(download)
            ]
            assert as_csv == on_the_page[table.caption], table.slug
            if any("[c]" in row for row in as_csv):
                assert table.withheld_note in html
                assert "[c] means withheld to protect confidentiality" in html


def test_a_chart_has_no_bar_for_a_withheld_figure(cast, county_cases):  # noqa: F811
    chart = county_tables(cast)["outcomes-by-month"].chart

    november = chart.rows[1]
    assert [(bar.value, bar.width) for bar in november.bars] == [
        (C, 0),
        (0, 0),
        (0, 0),
    ]
    december = chart.rows[2]
    assert december.bars[1].value == 5 and december.bars[1].width > 0
    assert "Figures marked [c] are withheld and have no bar." in chart.description


@pytest.mark.parametrize("report", [report.slug for report in REPORTS])
def test_one_school_and_one_year_group_show_no_count_under_5(
    client,
    cast,  # noqa: F811
    report,
):
    with at(TODAY):
        authority(cast)
    client.force_login(cast.fair_access)
    narrow = {"school": cast.receiving_school.urn, "year_group": "9"}

    with at(TODAY):
        page = client.get(reverse("reports:report", args=[report]), narrow)
        downloads = [
            read_csv(
                client.get(reverse("reports:csv", args=[report, table.slug]), narrow)
            )
            for table in page.context["tables"]
        ]

    # Only case A, a Year 9 pupil who moved to Receiving Academy, is left.
    tables = page.context["tables"]
    assert any(
        cell is WITHHELD for table in tables for row in table.rows for cell in row
    )
    for table, download in zip(tables, downloads, strict=True):
        for row, written in zip(table.rows, download[1:], strict=True):
            counts = row[table.numeric_from :]
            assert not any(isinstance(n, int) and 0 < n < 5 for n in counts)
            assert not set(written[table.numeric_from :]) & {"1", "2", "3", "4"}

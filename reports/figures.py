"""
The reports' figures. Each figure is one query over the cases a person may
see (reports.selectors) narrowed by the filters, so a page costs the same
number of queries for one case or a quarter of a million; sums, medians
and the suppression of small groups happen here, in Python, on the few
rows those queries return.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Value
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from cases.models import Case, ExtensionRequest, Outcome, Pupil, StageStay
from dowimm.calendars.school_days import NoTermDates, school_days_for
from reports.charts import bar_chart

State = Case.State
SMALL_GROUP = 5
FEWER_THAN_FIVE = "fewer than 5"
SCHOOLS_ON_THE_PAGE = 50
SCHOOLS_IN_THE_CHART = 15
# Stages a case waits in; the others are where it finishes.
TIMED_STAGES = (
    State.ELIGIBILITY,
    State.PRELIMINARY,
    State.FINDING_SCHOOL,
    State.PLANNING,
    State.ACTIVE,
    State.EXTENDED,
)


@dataclass
class Table:
    """One figure: a caption, a header and rows, shown and exported alike."""

    slug: str
    caption: str
    header: list
    rows: list
    note: str = ""
    chart: object = None
    # The page shows this many rows at most; the CSV file has them all.
    shown: int | None = None
    numeric_from: int = 1

    @property
    def rows_shown(self):
        return self.rows if self.shown is None else self.rows[: self.shown]

    @property
    def rows_left_off(self):
        return len(self.rows) - len(self.rows_shown)


def shown(n):
    """A count as published: 1 to 4 children could be recognised."""
    return FEWER_THAN_FIVE if 0 < n < SMALL_GROUP else n


def percent(part, whole):
    return f"{round(100 * part / whole)}%" if whole else "–"


def live_in(cases, period):
    """Cases open at any time in the period."""
    start, end = period
    # Compared as a moment, not as the local date of each row, so the
    # comparison is the column's own and an index can serve it.
    opened_by_end = _midnight(end + datetime.timedelta(1))
    return cases.filter(opened_at__lt=opened_by_end).exclude(closed_on__lt=start)


def finished_in(cases, period):
    return cases.filter(
        closed_on__range=period,
        state__in=(State.MANAGED_MOVE, State.ENDED, State.NOT_PROCEEDING),
    )


# --- Outcomes and stages ---------------------------------------------------


def stages_table(cases, period):
    counts = dict(live_in(cases, period).values_list("state").annotate(n=Count("pk")))
    return Table(
        "stages",
        "Cases open at any time in the period, by the stage each is at now",
        ["Stage", "Cases"],
        [[state.label, counts.get(state.value, 0)] for state in State],
    )


def finished_by_month(cases, period):
    """
    (month, state, early-ending reason, how many) for the cases finished in
    the period: one pass over the cases for both outcome figures.
    """
    rows = (
        finished_in(cases, period)
        .annotate(month=TruncMonth("closed_on"))
        .values_list("month", "state", "outcome__reason")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(_as_date(month), state, reason, n) for month, state, reason, n in rows]


def outcome_tables(finished):
    moved = ended = withdrawn = 0
    by_reason = dict.fromkeys(Outcome.Reason.values, 0)
    for _, state, reason, n in finished:
        if state == State.MANAGED_MOVE:
            moved += n
        elif state == State.ENDED:
            ended += n
            if reason:
                by_reason[reason] += n
        else:
            withdrawn += n
    outcomes = Table(
        "outcomes",
        "How cases finished in the period",
        ["Outcome", "Cases"],
        [
            ["Managed move", moved],
            *[
                [f"Ended early: {Outcome.Reason(reason).label}", n]
                for reason, n in by_reason.items()
            ],
            ["Withdrawn or not proceeding", withdrawn],
        ],
    )
    share = Table(
        "managed-move-share",
        "Placements finished in the period that became managed moves",
        ["Placements", "Number"],
        [
            ["Became managed moves", moved],
            ["Ended early", ended],
            ["Share that became managed moves", percent(moved, moved + ended)],
        ],
    )
    return [outcomes, share]


def outcomes_by_month_table(finished):
    months = {}
    columns = [State.MANAGED_MOVE, State.ENDED, State.NOT_PROCEEDING]
    for month, state, _, n in finished:
        months.setdefault(month, dict.fromkeys(columns, 0))[state] += n
    ordered = sorted(months.items())
    labels = [f"{month:%B %Y}" for month, _ in ordered]
    series = [
        (label, [counts[state] for _, counts in ordered])
        for state, label in zip(
            columns, ["Managed move", "Ended early", "Not proceeding"], strict=True
        )
    ]
    return Table(
        "outcomes-by-month",
        "Outcomes by month",
        ["Month", "Managed move", "Ended early", "Withdrawn or not proceeding"],
        [
            [label, *counts.values()]
            for label, (_, counts) in zip(labels, ordered, strict=True)
        ],
        chart=bar_chart(
            id="outcomes-by-month-chart",
            title="Outcomes by month",
            description=(
                "For each month in the period, how many cases became managed "
                "moves, ended early, or did not proceed. The table beside it "
                "gives the same numbers."
            ),
            labels=labels,
            series=series,
        )
        if ordered
        else None,
    )


def extensions_table(cases, period):
    requests = ExtensionRequest.objects.filter(requested_on__range=period)
    if cases.query.has_filters():
        # Every request belongs to a case, so the whole authority needs no join.
        requests = requests.filter(case__in=cases.values("pk"))
    rows = requests.order_by().values_list("reason", "status").annotate(n=Count("pk"))
    Status = ExtensionRequest.Status
    counts = {
        reason: dict.fromkeys(Status.values, 0)
        for reason in ExtensionRequest.Reason.values
    }
    for reason, status, n in rows:
        counts[reason][status] = n
    table_rows = [
        [
            ExtensionRequest.Reason(reason).label,
            sum(by_status.values()),
            by_status[Status.AGREED],
            by_status[Status.REFUSED],
            by_status[Status.AWAITING],
        ]
        for reason, by_status in counts.items()
    ]
    return Table(
        "extensions",
        "Extensions requested in the period",
        ["Reason", "Requested", "Agreed", "Refused", "Awaiting answers"],
        table_rows,
    )


def outcomes_report(cases, period, scope):
    finished = finished_by_month(cases, period)
    return [
        stages_table(cases, period),
        *outcome_tables(finished),
        outcomes_by_month_table(finished),
        extensions_table(cases, period),
    ]


# --- Managed moves per school ----------------------------------------------


def moves_report(cases, period, scope):
    moves = cases.filter(state=State.MANAGED_MOVE, closed_on__range=period)
    directions = []
    for direction, school in (("in", "receiving_school"), ("out", "home_school")):
        rows = moves
        if not scope.is_authority:
            # The other school of a move is not this person's to count.
            rows = rows.filter(**{f"{school}_id__in": scope.school_ids})
        directions.append(
            rows.values(
                school_id=F(f"{school}_id"),
                name=F(f"{school}__name"),
                urn=F(f"{school}__urn"),
            )
            .annotate(direction=Value(direction), n=Count("pk"))
            .order_by()
        )
    by_school = {}
    total_in = 0
    for row in directions[0].union(directions[1], all=True):
        school = by_school.setdefault(
            row["school_id"],
            {"name": row["name"], "urn": row["urn"], "in": 0, "out": 0},
        )
        school[row["direction"]] += row["n"]
        if row["direction"] == "in":
            total_in += row["n"]
    schools = sorted(by_school.values(), key=lambda s: (-s["in"], -s["out"], s["name"]))
    rows = [
        [s["name"], s["urn"], s["in"], s["out"], percent(s["in"], total_in)]
        for s in schools
    ]
    charted = schools[:SCHOOLS_IN_THE_CHART]
    chart = bar_chart(
        id="moves-chart",
        title="Managed moves in and out per school",
        description=(
            f"The {len(charted)} schools that took the most managed moves in "
            "the period: for each, the moves in and the moves out. The table "
            "beside it gives the same numbers for every school."
        ),
        labels=[s["name"] for s in charted],
        series=[
            ("Moved in", [s["in"] for s in charted]),
            ("Moved out", [s["out"] for s in charted]),
        ],
    )
    return [
        Table(
            "moves-per-school",
            "Managed moves in and out per school",
            ["School", "URN", "Moved in", "Moved out", "Share of all moves in"],
            rows,
            chart=chart if charted else None,
            shown=SCHOOLS_ON_THE_PAGE,
            numeric_from=2,
        )
    ]


# --- Time in each stage -----------------------------------------------------


def stage_stays(cases, period):
    """
    (stage, entered on, left on, how many stays) for every stay in a stage
    that ended in the period, from the stays the database keeps as each
    history row is written (cases.tallies). A case that went back to a
    stage counts each stay.
    """
    start, end = period
    stays = StageStay.objects.filter(
        left_at__gte=_midnight(start),
        left_at__lt=_midnight(end + datetime.timedelta(1)),
    )
    if cases.query.has_filters():
        # Every stay belongs to a case, so the whole authority needs no join.
        stays = stays.filter(case__in=cases.values("pk"))
    rows = (
        stays.annotate(entered_on=TruncDate("entered_at"), left_on=TruncDate("left_at"))
        .values_list("state", "entered_on", "left_on")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        (state, _as_date(entered), _as_date(left), n)
        for state, entered, left, n in rows
    ]


def _midnight(day):
    """The start of a day in the local time zone, summer time or not."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def median(counted):
    """The median of values given as {value: how many times}."""
    total = sum(counted.values())
    if not total:
        return None
    middle = [(total - 1) // 2, total // 2]
    found, seen = [], 0
    for value in sorted(counted):
        seen += counted[value]
        while middle and middle[0] < seen:
            found.append(value)
            middle.pop(0)
    return sum(found) / 2


def time_in_stage_report(cases, period, scope):
    county = school_days_for(None)
    days = {state: {} for state in TIMED_STAGES}
    left_out = 0
    for state, entered, left, n in stage_stays(cases, period):
        if state not in days:
            continue
        try:
            # School days from the day it entered to the day before it left.
            counted = county.count_school_days(entered, left - datetime.timedelta(1))
        except NoTermDates:
            left_out += n
            continue
        days[state][counted] = days[state].get(counted, 0) + n
    rows = []
    for state in TIMED_STAGES:
        middle = median(days[state])
        rows.append(
            [
                State(state).label,
                sum(days[state].values()),
                "–" if middle is None else _whole_or_half(middle),
            ]
        )
    note = (
        "School days are counted on the county calendar, from the day a case "
        "entered a stage to the day before it left. Only stays that ended in "
        "the period are counted."
    )
    if left_out:
        note += (
            f" {left_out} stay{'s' if left_out != 1 else ''} fell in an academic "
            "year with no county term dates and "
            f"{'are' if left_out != 1 else 'is'} left out: add the term dates "
            "under Calendars to count them."
        )
    return [
        Table(
            "time-in-stage",
            "Median school days in each stage",
            ["Stage", "Stays that ended in the period", "Median school days"],
            rows,
            note=note,
        )
    ]


# --- Disproportion ------------------------------------------------------------


def disproportion_report(cases, period, scope):
    rows = (
        live_in(cases, period)
        .values_list("pupil__sen_status", "pupil__in_care", "state")
        .annotate(n=Count("pk"))
    )
    by_sen = {status: _Group() for status in Pupil.SenStatus.values}
    by_care = {True: _Group(), False: _Group()}
    for sen_status, in_care, state, n in rows:
        for group in (by_sen[sen_status], by_care[in_care]):
            group.add(state, n)
    total = sum(group.cases for group in by_care.values())
    header = ["Group", "Cases", "Share of cases", "Managed moves", "Ended early"]
    note = (
        "Counts from 1 to 4 are shown as “fewer than 5”, and the shares of "
        "those groups are left out, so that no child can be recognised."
    )
    return [
        Table(
            "by-sen-status",
            "Cases open in the period by SEN status",
            header,
            [
                by_sen[status].row(Pupil.SenStatus(status).label, total)
                for status in Pupil.SenStatus.values
            ],
            note=note,
        ),
        Table(
            "by-care",
            "Cases open in the period by whether the pupil is in care",
            header,
            [
                by_care[True].row("In care", total),
                by_care[False].row("Not in care", total),
            ],
            note=note,
        ),
    ]


class _Group:
    def __init__(self):
        self.cases = self.moved = self.ended = 0

    def add(self, state, n):
        self.cases += n
        if state == State.MANAGED_MOVE:
            self.moved += n
        elif state == State.ENDED:
            self.ended += n

    def row(self, label, total):
        small = 0 < self.cases < SMALL_GROUP
        return [
            label,
            shown(self.cases),
            "–" if small else percent(self.cases, total),
            shown(self.moved),
            shown(self.ended),
        ]


# --- The reports ---------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    build: object  # function(cases, period, scope) -> [Table]


REPORTS = [
    Report("outcomes", "Outcomes, stages and extensions", outcomes_report),
    Report("moves", "Managed moves per school", moves_report),
    Report("time-in-stage", "Time in each stage", time_in_stage_report),
    Report("disproportion", "SEN status and care", disproportion_report),
]
REPORTS_BY_SLUG = {report.slug: report for report in REPORTS}


def _as_date(value):
    """Dates from raw SQL: SQLite gives text, and a month may be a datetime."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value


def _whole_or_half(value):
    return int(value) if value == int(value) else value

"""
The reports' figures. Each figure is one query over the cases a person may
see (reports.selectors) narrowed by the filters, so a page costs the same
number of queries for one case or a quarter of a million; sums and medians
happen here, in Python, on the few rows those queries return, and what is
withheld to keep children from being recognised is decided by a tally
(reports.suppression) before any table is shown or exported.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Value
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from cases.models import Case, ExtensionRequest, Outcome, Pupil, StageStay
from dowimm.calendars.school_days import NoTermDates, school_days_for
from reports.charts import TableChart
from reports.suppression import NOTE, WITHHELD, Tally, is_small, most_first

State = Case.State
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
FINAL_STAGES = (State.MANAGED_MOVE, State.ENDED, State.NOT_PROCEEDING)


@dataclass
class Table:
    """
    One figure: a caption, a header and rows, shown and exported alike.
    Until a tally publishes them, the rows hold counts and shares to be
    decided; after, each is a number, a share or WITHHELD.
    """

    slug: str
    caption: str
    header: list
    rows: list
    note: str = ""
    charted: TableChart | None = None
    # The page shows this many rows at most; the CSV file has them all.
    shown: int | None = None
    numeric_from: int = 1
    # A sort key for the published rows, when their order hangs on them.
    order: object = None

    @property
    def rows_shown(self):
        return self.rows if self.shown is None else self.rows[: self.shown]

    @property
    def rows_left_off(self):
        return len(self.rows) - len(self.rows_shown)

    @property
    def chart(self):
        return self.charted.draw(self.rows) if self.charted else None

    @property
    def withheld_note(self):
        withholds = any(cell is WITHHELD for row in self.rows for cell in row)
        return NOTE if withholds else ""


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
    return cases.filter(closed_on__range=period, state__in=FINAL_STAGES)


# --- The figures that count cases --------------------------------------------


def case_figures(cases, period, scope):
    """
    The tables of the outcomes, moves and disproportion reports, published
    together and keyed by slug. They share totals (the cases open in the
    period, the managed moves), so they are withheld together: a count
    withheld in one report cannot be worked out from another under the
    same filters.
    """
    tally = Tally()
    live = live_by_group(cases, period)
    finished = finished_by_month(cases, period)
    final = {
        state: tally.count(
            ("finished", state), sum(n for _, s, _, n in finished if s == state)
        )
        for state in FINAL_STAGES
    }
    now_at = stage_counts(tally, live, final)
    open_total = tally.adds_up(list(now_at.values()))
    tables = [
        stages_table(now_at),
        *outcome_tables(tally, finished, final),
        outcomes_by_month_table(tally, finished, final),
        moves_table(tally, cases, period, scope, final[State.MANAGED_MOVE]),
        *disproportion_tables(tally, live, now_at, open_total),
    ]
    return {table.slug: table for table in tally.publish(tables)}


def live_by_group(cases, period):
    """(SEN status, in care, stage now, how many) for the cases open in the period."""
    return list(
        live_in(cases, period)
        .values_list("pupil__sen_status", "pupil__in_care", "state")
        .annotate(n=Count("pk"))
        .order_by()
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


# --- Outcomes and stages ---------------------------------------------------


def stage_counts(tally, live, final):
    """
    The cases open in the period by the stage each is at now. A case that
    finished in the period is at its final stage now, so when as many are
    at a final stage as finished at it, they are the same cases: the same
    figure in two tables, shown or withheld alike.
    """
    counts = dict.fromkeys(State, 0)
    for _, _, state, n in live:
        counts[state] += n
    return {
        state: final[state]
        if state in final and final[state].n == n
        else tally.count(("stage", state), n)
        for state, n in counts.items()
    }


def stages_table(now_at):
    return Table(
        "stages",
        "Cases open at any time in the period, by the stage each is at now",
        ["Stage", "Cases"],
        [[state.label, count] for state, count in now_at.items()],
    )


def outcome_tables(tally, finished, final):
    by_reason = dict.fromkeys(Outcome.Reason.values, 0)
    for _, state, reason, n in finished:
        if state == State.ENDED and reason:
            by_reason[reason] += n
    reasons = {
        reason: tally.count(("ended early", reason), n)
        for reason, n in by_reason.items()
    }
    moved, ended = final[State.MANAGED_MOVE], final[State.ENDED]
    # Every placement that ends early has an outcome giving the reason.
    tally.adds_up(list(reasons.values()), to=ended)
    outcomes = Table(
        "outcomes",
        "How cases finished in the period",
        ["Outcome", "Cases"],
        [
            ["Managed move", moved],
            *[
                [f"Ended early: {Outcome.Reason(reason).label}", count]
                for reason, count in reasons.items()
            ],
            ["Withdrawn or not proceeding", final[State.NOT_PROCEEDING]],
        ],
    )
    share = Table(
        "managed-move-share",
        "Placements finished in the period that became managed moves",
        ["Placements", "Number"],
        [
            ["Became managed moves", moved],
            ["Ended early", ended],
            [
                "Share that became managed moves",
                tally.derived(percent(moved.n, moved.n + ended.n), moved, ended),
            ],
        ],
    )
    return [outcomes, share]


def outcomes_by_month_table(tally, finished, final):
    months = {}
    for month, state, _, n in finished:
        months.setdefault(month, dict.fromkeys(FINAL_STAGES, 0))[state] += n
    rows = [
        [
            f"{month:%B %Y}",
            *[
                tally.count(("month", month, state), counts[state])
                for state in FINAL_STAGES
            ],
        ]
        for month, counts in sorted(months.items())
    ]
    for column, state in enumerate(FINAL_STAGES, start=1):
        tally.adds_up([row[column] for row in rows], to=final[state])
    return Table(
        "outcomes-by-month",
        "Outcomes by month",
        ["Month", "Managed move", "Ended early", "Withdrawn or not proceeding"],
        rows,
        charted=TableChart(
            id="outcomes-by-month-chart",
            title="Outcomes by month",
            description=(
                "For each month in the period, how many cases became managed "
                "moves, ended early, or did not proceed. The table beside it "
                "gives the same numbers."
            ),
            columns=[("Managed move", 1), ("Ended early", 2), ("Not proceeding", 3)],
        ),
    )


def extensions_table(cases, period):
    """Extension requests share no total with another figure: a tally of their own."""
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
    tally = Tally()
    table_rows = []
    for reason, by_status in counts.items():
        answers = [
            tally.count(("extensions", reason, status), by_status[status])
            for status in (Status.AGREED, Status.REFUSED, Status.AWAITING)
        ]
        requested = tally.count(("extensions", reason), sum(by_status.values()))
        tally.adds_up(answers, to=requested)
        table_rows.append([ExtensionRequest.Reason(reason).label, requested, *answers])
    table = Table(
        "extensions",
        "Extensions requested in the period",
        ["Reason", "Requested", "Agreed", "Refused", "Awaiting answers"],
        table_rows,
    )
    return tally.publish([table])[0]


def outcomes_report(cases, period, scope):
    figures = case_figures(cases, period, scope)
    return [
        figures["stages"],
        figures["outcomes"],
        figures["managed-move-share"],
        figures["outcomes-by-month"],
        extensions_table(cases, period),
    ]


# --- Managed moves per school ----------------------------------------------


def moves_table(tally, cases, period, scope, moved):
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
    for row in directions[0].union(directions[1], all=True):
        school = by_school.setdefault(
            row["school_id"],
            {"name": row["name"], "urn": row["urn"], "in": 0, "out": 0},
        )
        school[row["direction"]] += row["n"]
    rows = [
        [
            school["name"],
            school["urn"],
            tally.count(("moved in", school_id), school["in"]),
            tally.count(("moved out", school_id), school["out"]),
        ]
        for school_id, school in by_school.items()
    ]
    ins, outs = [row[2] for row in rows], [row[3] for row in rows]
    # A column that counts every managed move counts the same moves as the
    # outcomes report: one figure. Otherwise its total shows in no table,
    # but the shares give the one for moves in away.
    total_in = tally.adds_up(ins, to=moved if _sum(ins) == moved.n else None)
    total_out = tally.adds_up(outs, to=moved if _sum(outs) == moved.n else None)
    if total_in.n + total_out.n == moved.n:
        # No move has both its schools here (as for one school's own
        # figures), so each move is counted once, in or out.
        tally.adds_up([total_in, total_out], to=moved)
    for row in rows:
        row.append(tally.derived(percent(row[2].n, total_in.n), row[2], total_in))
    return Table(
        "moves-per-school",
        "Managed moves in and out per school",
        ["School", "URN", "Moved in", "Moved out", "Share of all moves in"],
        rows,
        note=even_share_note(len(rows)),
        charted=TableChart(
            id="moves-chart",
            title="Managed moves in and out per school",
            description=(
                f"The first {SCHOOLS_IN_THE_CHART} schools in the table, "
                "those that took the most managed moves in the period: for "
                "each, the moves in and the moves out. The table beside it "
                "gives the same numbers for every school."
            ),
            columns=[("Moved in", 2), ("Moved out", 3)],
            most_rows=SCHOOLS_IN_THE_CHART,
        ),
        shown=SCHOOLS_ON_THE_PAGE,
        numeric_from=2,
        order=lambda row: (most_first(row[2]), most_first(row[3]), row[0]),
    )


def even_share_note(schools):
    """What a school's share of the moves in would be if none took more."""
    if schools < 2:
        return ""
    return (
        f"Shared evenly, each of the {schools} schools in the table would take "
        f"{100 / schools:.1f}% of the moves in. A school well above that takes "
        "more than its share."
    )


def moves_report(cases, period, scope):
    return [case_figures(cases, period, scope)["moves-per-school"]]


def _sum(counts):
    return sum(count.n for count in counts)


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
    # Stays share no total with another figure: a tally of their own.
    tally = Tally()
    rows = []
    for state in TIMED_STAGES:
        stays = tally.count(("stays", state), sum(days[state].values()))
        middle = median(days[state])
        middle = "–" if middle is None else _whole_or_half(middle)
        rows.append([State(state).label, stays, tally.derived(middle, stays)])
    note = (
        "School days are counted on the county calendar, from the day a case "
        "entered a stage to the day before it left. Only stays that ended in "
        "the period are counted."
    )
    if left_out:
        how_many = "Fewer than 5" if is_small(left_out) else left_out
        note += (
            f" {how_many} stays fell in an academic year with no county term "
            "dates and are left out: add the term dates under Calendars to "
            "count them."
        )
    table = Table(
        "time-in-stage",
        "Median school days in each stage",
        ["Stage", "Stays that ended in the period", "Median school days"],
        rows,
        note=note,
    )
    return tally.publish([table])


# --- Disproportion ------------------------------------------------------------


def disproportion_tables(tally, live, now_at, open_total):
    by_sen = {status: _Group(("sen", status)) for status in Pupil.SenStatus.values}
    by_care = {True: _Group(("in care",)), False: _Group(("not in care",))}
    for sen_status, in_care, state, n in live:
        for group in (by_sen[sen_status], by_care[in_care]):
            group.add(state, n)
    sen_rows = [
        by_sen[status].row(tally, Pupil.SenStatus(status).label, open_total)
        for status in Pupil.SenStatus.values
    ]
    care_rows = [
        by_care[True].row(tally, "In care", open_total),
        by_care[False].row(tally, "Not in care", open_total),
    ]
    # Each column adds up to a figure of the stages table.
    columns = [
        (1, open_total),
        (3, now_at[State.MANAGED_MOVE]),
        (4, now_at[State.ENDED]),
    ]
    for rows in (sen_rows, care_rows):
        for column, total in columns:
            tally.adds_up([row[column] for row in rows], to=total)
    header = ["Group", "Cases", "Share of cases", "Managed moves", "Ended early"]
    return [
        Table(
            "by-sen-status",
            "Cases open in the period by SEN status",
            header,
            sen_rows,
        ),
        Table(
            "by-care",
            "Cases open in the period by whether the pupil is in care",
            header,
            care_rows,
        ),
    ]


def disproportion_report(cases, period, scope):
    figures = case_figures(cases, period, scope)
    return [figures["by-sen-status"], figures["by-care"]]


class _Group:
    def __init__(self, key):
        self.key = key
        self.cases = self.moved = self.ended = 0

    def add(self, state, n):
        self.cases += n
        if state == State.MANAGED_MOVE:
            self.moved += n
        elif state == State.ENDED:
            self.ended += n

    def row(self, tally, label, total):
        cases = tally.count((*self.key, "cases"), self.cases)
        return [
            label,
            cases,
            tally.derived(percent(self.cases, total.n), cases, total),
            tally.count((*self.key, "managed moves"), self.moved),
            tally.count((*self.key, "ended early"), self.ended),
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

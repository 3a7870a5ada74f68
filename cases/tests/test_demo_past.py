import datetime

import pytest
import time_machine
from django.conf import settings

from cases.demo_past import CASES, load_past_year
from cases.fair_access import queue_counts
from cases.models import Case, ManagedMove, StageStay
from cases.tests.factories import UserFactory
from dowimm.accounts.models import User
from dowimm.calendars.services import calendar_import_csv
from dowimm.schools.models import School
from dowimm.schools.services import school_import_gias
from reports.figures import REPORTS_BY_SLUG
from reports.selectors import report_scope

pytestmark = pytest.mark.django_db

State = Case.State
YEAR = (datetime.date(2025, 9, 1), datetime.date(2026, 8, 31))
LOADED = datetime.datetime(2026, 12, 4, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def past_year():
    data = settings.BASE_DIR / "data"
    with (data / "gias-norfolk-secondary.csv").open("rb") as file:
        school_import_gias(file=file)
    with (data / "norfolk-term-dates.csv").open() as file:
        calendar_import_csv(file=file)
    with time_machine.travel(LOADED, tick=False):
        load_past_year(list(School.objects.order_by("urn")))


def test_every_past_case_opened_and_finished_in_2025_26(past_year):
    cases = Case.objects.all()

    assert cases.count() == CASES
    for case in cases:
        history = list(case.history.order_by("history_date"))
        assert YEAR[0] <= case.opened_at.date() and case.closed_on <= YEAR[1]
        assert case.state in (State.MANAGED_MOVE, State.ENDED, State.NOT_PROCEEDING)
        assert history[0].state == State.ELIGIBILITY
        assert history[-1].state == case.state
        assert case.reference == f"DWM-2025-{case.pk:04d}"
    # Each change of stage starts a stay (cases.tallies); all but the last
    # of each case have ended.
    assert StageStay.objects.count() == sum(case.history.count() for case in cases)
    assert StageStay.objects.filter(left_at=None).count() == CASES


def test_the_reports_for_2025_26_show_the_past_year(past_year):
    faet = UserFactory(role=User.Role.FAIR_ACCESS)
    scope = report_scope(faet)
    moved = Case.objects.filter(state=State.MANAGED_MOVE).count()

    outcomes = {
        table.slug: table
        for table in REPORTS_BY_SLUG["outcomes"].build(scope.cases(), YEAR, scope)
    }
    moves = REPORTS_BY_SLUG["moves"].build(scope.cases(), YEAR, scope)[0]

    finished = {row[0]: row[1] for row in outcomes["outcomes"].rows}
    assert finished["Managed move"] == moved >= 5
    # The favoured schools take enough moves in to show.
    assert max(row[2] for row in moves.rows if isinstance(row[2], int)) >= 5


def test_the_past_year_leaves_nothing_waiting_for_the_team(past_year):
    # Its agreements, outcomes and child-protection files were all dealt
    # with at the time: the queues are for this year's cases.
    waiting = {queue.slug: n for queue, n in queue_counts(LOADED.date()) if n}

    assert waiting == {}


def test_past_managed_moves_follow_the_scheme_in_order(past_year):
    # Offered at the review that decided it; the file sent and received on
    # weekdays after the move.
    for move in ManagedMove.objects.select_related("review", "case__cp_file_transfer"):
        transfer = move.case.cp_file_transfer
        assert move.offered_on == move.review.held_on
        assert move.single_registration_on < transfer.sent_on < transfer.received_on
        assert transfer.sent_on.weekday() < 5 and transfer.received_on.weekday() < 5

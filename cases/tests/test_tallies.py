"""
The tallies the database keeps for the Fair Access dashboard (cases.tallies)
must always equal a count of the cases themselves, whatever changed them.
"""

import datetime
from collections import Counter

import pytest

from cases import placement, services
from cases.fair_access import QUEUES_BY_SLUG, dashboard_figures
from cases.models import (
    Case,
    CaseReviewDue,
    ChildProtectionFileTransfer,
    ContactLogEntry,
    ContactWeekTally,
    ManagedMove,
    SchoolMoveTally,
    StageStay,
    StageTally,
)
from cases.placement import cp_file_sent_record
from cases.tests.test_fair_access import (  # noqa: F401
    MOVED,
    PLANNED,
    START,
    WEDNESDAY_AFTER_HALF_TERM,
    authority,
    cast,
)
from cases.tests.test_placement import at
from meetings.models import ReviewMeeting

pytestmark = pytest.mark.django_db


def academic_year(day):
    return day.year if day.month >= 9 else day.year - 1


def recount():
    """What the tallies should say, counted from the cases."""
    stages = {}
    moves = {}
    for case in Case.objects.all():
        stages[case.state] = stages.get(case.state, 0) + 1
        if case.state == Case.State.MANAGED_MOVE and case.closed_on:
            year = academic_year(case.closed_on)
            for school, side in (
                (case.receiving_school_id, 0),
                (case.home_school_id, 1),
            ):
                counted = moves.setdefault((school, year), [0, 0])
                counted[side] += 1
    sent = set(ChildProtectionFileTransfer.objects.values_list("case_id", flat=True))
    files = {move.pk: move.case_id in sent for move in ManagedMove.objects.all()}
    reviews = {
        case.pk: min(
            (r.scheduled_for for r in case.reviews.all() if r.held_on is None),
            default=None,
        )
        for case in Case.objects.prefetch_related("reviews")
        if case.state in Case.PLACEMENT_STATES
    }
    moves = {key: tuple(n) for key, n in moves.items()}
    return stages, moves, files, stays(), reviews, contact_weeks()


def contact_weeks():
    """Each week's placements, started before it, with a contact in it."""
    weeks = set()
    for contact in ContactLogEntry.objects.select_related("case"):
        case = contact.case
        monday = contact.contact_on - datetime.timedelta(contact.contact_on.weekday())
        if case.state in Case.PLACEMENT_STATES and case.started_on < monday:
            weeks.add((case.pk, monday))
    return dict(Counter(monday for _, monday in weeks))


def stays():
    """Each case's stays: its history rows that changed the stage, in order."""
    found = {}
    rows = (
        Case.history.filter(id__in=Case.objects.values("pk"))
        .exclude(history_type="-")
        .order_by("id", "history_date", "history_id")
    )
    for row in rows:
        case = found.setdefault(row.id, [])
        if not case or case[-1][0] != row.state:
            if case:
                case[-1][2] = row.history_date
            case.append([row.state, row.history_date, None])
    return {
        (case_id, *stay) for case_id, case in found.items() for stay in map(tuple, case)
    }


def tallied():
    stages = dict(StageTally.objects.exclude(cases=0).values_list("state", "cases"))
    moves = {
        (row.school_id, row.academic_year): (row.moved_in, row.moved_out)
        for row in SchoolMoveTally.objects.all()
        if row.moved_in or row.moved_out
    }
    files = dict(ManagedMove.objects.values_list("pk", "cp_file_sent"))
    stays = set(
        StageStay.objects.values_list("case_id", "state", "entered_at", "left_at")
    )
    reviews = dict(CaseReviewDue.objects.values_list("case_id", "first_unheld_on"))
    weeks = dict(
        ContactWeekTally.objects.exclude(cases=0).values_list("week_on", "cases")
    )
    return stages, moves, files, stays, reviews, weeks


def assert_tallies_match():
    assert tallied() == recount()


def test_tallies_follow_a_case_through_the_stages_before_placement(cast):  # noqa: F811
    with at(PLANNED):
        cast.open_case(serial=1)
        assert_tallies_match()
        cast.preliminary_case(serial=2)
        assert_tallies_match()
        cast.finding_school_case(serial=3)
        assert_tallies_match()
        planning = cast.planning_case(serial=4)
        assert_tallies_match()
        services.case_close_not_proceeding(
            case_id=planning.pk, user=cast.home_staff, reason="The family moved away"
        )
        assert_tallies_match()

    assert dict(StageTally.objects.values_list("state", "cases")) == {
        "eligibility": 1,
        "preliminary": 1,
        "finding_school": 1,
        # Each stage it passed through counted it once, then let it go.
        "planning": 0,
        "not_proceeding": 1,
    }


def test_tallies_follow_placements_moves_and_files(cast, authority):  # noqa: F811
    # The authority: one case still eligible, one active, one ended early,
    # one managed move from the home school to the receiving school.
    assert_tallies_match()
    assert SchoolMoveTally.objects.filter(academic_year=2025).count() == 2
    assert tallied()[1] == {
        (cast.receiving_school.pk, 2025): (1, 0),
        (cast.home_school.pk, 2025): (0, 1),
    }
    assert tallied()[2] == {authority["moved"].managed_move.pk: False}

    with at(MOVED + datetime.timedelta(days=1)):
        cp_file_sent_record(
            case_id=authority["moved"].pk,
            user=cast.home_dsl,
            sent_on=MOVED,
            method=ChildProtectionFileTransfer.Method.SECURE_SYSTEM,
            contents="The whole file",
        )
    assert_tallies_match()
    assert tallied()[2] == {authority["moved"].managed_move.pk: True}

    ChildProtectionFileTransfer.objects.all().delete()
    assert_tallies_match()


def test_the_first_unheld_review_follows_reviews_booked_held_and_removed(
    cast,  # noqa: F811
    authority,  # noqa: F811
):
    active = authority["active"]
    due = CaseReviewDue.objects.filter(case=active)
    # Booked for Fri 24 Oct and never held.
    assert due.get().first_unheld_on == datetime.date(2025, 10, 24)

    review = active.reviews.get(held_on=None)
    active.reviews.create(scheduled_for=datetime.date(2025, 10, 20), face_to_face=True)
    assert due.get().first_unheld_on == datetime.date(2025, 10, 20)
    active.reviews.filter(scheduled_for=datetime.date(2025, 10, 20)).delete()
    assert_tallies_match()
    ReviewMeeting.objects.filter(pk=review.pk).update(
        held_on=datetime.date(2025, 10, 24)
    )
    assert due.get().first_unheld_on is None
    assert_tallies_match()


def test_tallies_follow_edits_and_deletes_made_outside_the_services(
    cast,  # noqa: F811
    authority,  # noqa: F811
):
    moved = Case.objects.filter(pk=authority["moved"].pk)

    # An administrator corrects the day of single registration back into
    # the year before, then the home school.
    moved.update(closed_on=datetime.date(2025, 7, 1))
    assert_tallies_match()
    assert tallied()[1] == {
        (cast.receiving_school.pk, 2024): (1, 0),
        (cast.home_school.pk, 2024): (0, 1),
    }
    moved.update(home_school=cast.other_school)
    assert_tallies_match()

    Case.objects.filter(state=Case.State.ELIGIBILITY).delete()
    assert_tallies_match()
    # The offer holds on to its review; it goes first.
    ManagedMove.objects.filter(case__in=moved).delete()
    moved.delete()
    assert_tallies_match()
    assert tallied()[1] == {}


WEEK_OF_20_OCT = datetime.date(2025, 10, 20)


def contact_gaps():
    """The dashboard's count of contact gaps, checked against its list."""
    queue = QUEUES_BY_SLUG["contact-gaps"]
    counted = dict(
        (queue.slug, n)
        for queue, n in dashboard_figures(WEDNESDAY_AFTER_HALF_TERM)["queues"]
    )["contact-gaps"]
    listed = queue.filter(Case.objects.all(), WEDNESDAY_AFTER_HALF_TERM).count()
    assert counted == listed
    assert_tallies_match()
    return counted


def test_contact_weeks_follow_contacts_as_they_are_recorded_moved_and_removed(
    cast,  # noqa: F811
    authority,  # noqa: F811
):
    # On Wed 5 Nov 2025 the last school week began on Mon 20 Oct (the week
    # after was half term). The active case, started Mon 13 Oct, has no
    # contact that week; the ended case and the managed move are not in
    # placement.
    active = authority["active"]
    assert contact_gaps() == 1

    with at(datetime.date(2025, 10, 22)):
        contact = placement.contact_record(
            case_id=active.pk,
            user=cast.receiving_staff,
            contact_on=datetime.date(2025, 10, 21),
            between="Form tutor and parent",
            method=ContactLogEntry.Method.PHONE,
            summary="A good first week back",
        )
    assert contact_gaps() == 0
    assert ContactWeekTally.objects.get(week_on=WEEK_OF_20_OCT).cases == 1

    # A second contact that week is not a second case; removing it leaves one.
    second = ContactLogEntry.objects.create(
        case=active,
        contact_on=datetime.date(2025, 10, 24),
        between="Both schools",
        method=ContactLogEntry.Method.EMAIL,
        summary="Review arrangements",
        recorded_by=cast.receiving_staff,
    )
    assert ContactWeekTally.objects.get(week_on=WEEK_OF_20_OCT).cases == 1
    second.delete()
    assert contact_gaps() == 0

    # Corrected to Fri 17 Oct: the week of 20 Oct has its gap again, and the
    # week of 13 Oct counts the case, started on its Monday, not before it.
    contacts = ContactLogEntry.objects.filter(pk=contact.pk)
    contacts.update(contact_on=datetime.date(2025, 10, 17))
    assert contact_gaps() == 1
    assert not ContactWeekTally.objects.filter(cases__gt=0).exists()

    # Put on the ended case by mistake, then back.
    contacts.update(contact_on=datetime.date(2025, 10, 21), case=authority["ended"])
    assert contact_gaps() == 1
    contacts.update(case=active)
    assert contact_gaps() == 0

    contacts.delete()
    assert contact_gaps() == 1


def test_contact_weeks_follow_placements_that_start_end_and_go(
    cast,  # noqa: F811
    authority,  # noqa: F811
):
    active = Case.objects.filter(pk=authority["active"].pk)
    ContactLogEntry.objects.create(
        case=active.get(),
        contact_on=datetime.date(2025, 10, 21),
        between="Form tutor and parent",
        method=ContactLogEntry.Method.PHONE,
        summary="Settling in",
        recorded_by=cast.receiving_staff,
    )
    assert contact_gaps() == 0

    # A start corrected to Mon 20 Oct: the placement did not run before
    # that week, so it neither counts in it nor has a gap there.
    active.update(started_on=WEEK_OF_20_OCT)
    assert contact_gaps() == 0
    assert not ContactWeekTally.objects.filter(cases__gt=0).exists()
    active.update(started_on=START)
    assert ContactWeekTally.objects.get(week_on=WEEK_OF_20_OCT).cases == 1

    active.update(state=Case.State.EXTENDED)
    assert contact_gaps() == 0
    active.update(state=Case.State.ENDED)
    assert contact_gaps() == 0
    assert not ContactWeekTally.objects.filter(cases__gt=0).exists()
    active.update(state=Case.State.ACTIVE)
    assert ContactWeekTally.objects.get(week_on=WEEK_OF_20_OCT).cases == 1

    # Its contacts go before it, as any delete of a case does.
    active.delete()
    assert contact_gaps() == 0
    assert not ContactWeekTally.objects.filter(cases__gt=0).exists()

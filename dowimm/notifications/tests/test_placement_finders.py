"""
Reminders for the placement and its end, on the real 2025-26 county
calendar (half term 27 to 31 Oct 2025): contact gaps, attendance below the
threshold, extensions, Outcomes Forms and the child-protection file.
"""

import datetime

import pytest
import time_machine

from cases import placement
from cases.models import ChildProtectionFileTransfer
from cases.tests.test_placement import ending, hold_review, managed_move
from dowimm.notifications.finders import Scope, find_due
from dowimm.notifications.models import Reminder

from .conftest import london

pytestmark = pytest.mark.django_db

Kind = Reminder.Kind
PLANNED = datetime.date(2025, 10, 2)
START = datetime.date(2025, 10, 13)


@pytest.fixture
def active(cast):
    with time_machine.travel(london(2025, 10, 2), tick=False):
        return cast.active_case(PLANNED, START)


def due(on, kind):
    with time_machine.travel(london(on.year, on.month, on.day), tick=False):
        return [d for d in find_due(Scope(today=on)) if d.kind == kind]


def ids(*users):
    return frozenset(user.pk for user in users)


def both_schools(cast):
    return ids(cast.home_staff, cast.home_dsl, cast.receiving_staff, cast.receiving_dsl)


def test_the_last_school_week_without_contact_is_reminded(cast, active):
    with time_machine.travel(london(2025, 10, 15), tick=False):
        placement.contact_record(
            case_id=active.pk,
            user=cast.home_staff,
            contact_on=datetime.date(2025, 10, 15),
            between="Heads of year",
            method="phone",
            summary="Settling in",
        )

    # Wed 22 Oct: the week of 13 Oct had a contact, so nothing is due.
    assert due(datetime.date(2025, 10, 22), Kind.CONTACT_GAP) == []
    # Wed 5 Nov: the week of 20 Oct had none; half term's week has no
    # school days and is not a gap.
    [gap] = due(datetime.date(2025, 11, 5), Kind.CONTACT_GAP)
    assert gap.due_on == datetime.date(2025, 10, 20)
    assert gap.recipient_ids == both_schools(cast)


def test_attendance_below_the_threshold_is_reminded_once_per_absence(cast, active):
    # By Fri 17 Oct: 5 school days, 10 sessions; a whole day missed leaves
    # 8 of 10 attended, 80%, below the agreed 90%.
    with time_machine.travel(london(2025, 10, 16), tick=False):
        placement.absence_record(
            case_id=active.pk,
            user=cast.receiving_staff,
            absent_on=datetime.date(2025, 10, 16),
            sessions=["am", "pm"],
            authorised=False,
            reason="Did not arrive",
        )

    [below] = due(datetime.date(2025, 10, 17), Kind.ATTENDANCE_BELOW)

    assert below.due_on == datetime.date(2025, 10, 16)
    assert below.message == "Attendance is 80.0%, below the agreed 90%: hold a review"
    assert below.recipient_ids == both_schools(cast) | ids(cast.adviser)


def test_each_party_still_to_answer_an_extension_is_reminded(cast, active):
    hold_review(
        cast,
        active,
        datetime.date(2025, 12, 5),
        "request_extension",
        next_on=datetime.date(2025, 12, 12),
    )
    review = active.reviews.get(held_on=datetime.date(2025, 12, 5))
    with time_machine.travel(london(2025, 12, 5), tick=False):
        extension = placement.extension_request(
            case_id=active.pk,
            user=cast.receiving_staff,
            review=review,
            reason="engagement",
            request="Two more weeks",
            extra_school_days=10,
        )
        placement.extension_answer(
            extension_id=extension.pk,
            user=cast.fair_access,
            party="fair_access",
            agreed=True,
            notes="",
        )

    [waiting] = due(datetime.date(2025, 12, 8), Kind.EXTENSION_WAITING)

    assert waiting.recipient_ids == ids(cast.home_staff, cast.home_dsl)
    assert waiting.due_on == datetime.date(2025, 12, 5)


def test_an_outcomes_form_is_chased_to_the_sender_then_the_receiver(cast, active):
    hold_review(cast, active, datetime.date(2025, 11, 14), "end")
    review = active.reviews.get(held_on=datetime.date(2025, 11, 14))
    with time_machine.travel(london(2025, 11, 14), tick=False):
        placement.placement_end_early(
            case_id=active.pk,
            user=cast.receiving_staff,
            review=review,
            grounds_for_suspension=None,
            details=ending("family_choice"),
        )

    [to_send] = due(datetime.date(2025, 11, 17), Kind.OUTCOME_WAITING)
    assert to_send.recipient_ids == ids(cast.receiving_staff, cast.receiving_dsl)

    with time_machine.travel(london(2025, 11, 17), tick=False):
        placement.outcome_mark_sent(case_id=active.pk, user=cast.receiving_staff)
    [to_receive] = due(datetime.date(2025, 11, 18), Kind.OUTCOME_WAITING)
    assert to_receive.recipient_ids == ids(cast.fair_access)


def test_the_cp_file_is_reminded_to_the_home_dsls_then_the_receiving_dsls(cast, active):
    managed_move(cast, active)
    moved = datetime.date(2025, 10, 23)
    with time_machine.travel(london(2025, 10, 23), tick=False):
        placement.managed_move_complete(
            case_id=active.pk, user=cast.receiving_staff, single_registration_on=moved
        )

    # Due Thu 6 Nov (5 school days after Thu 23 Oct, half term skipped).
    # On Mon 3 Nov, 2 school days ahead is Wed 5 Nov: not yet.
    assert due(datetime.date(2025, 11, 3), Kind.CP_FILE_DUE) == []
    [send] = due(datetime.date(2025, 11, 4), Kind.CP_FILE_DUE)
    assert send.due_on == datetime.date(2025, 11, 6)
    assert send.recipient_ids == ids(cast.home_dsl)

    with time_machine.travel(london(2025, 11, 4), tick=False):
        placement.cp_file_sent_record(
            case_id=active.pk,
            user=cast.home_dsl,
            sent_on=datetime.date(2025, 11, 4),
            method=ChildProtectionFileTransfer.Method.SECURE_SYSTEM,
            contents="The whole file",
        )
    [confirm] = due(datetime.date(2025, 11, 5), Kind.CP_FILE_DUE)
    assert confirm.recipient_ids == ids(cast.receiving_dsl)

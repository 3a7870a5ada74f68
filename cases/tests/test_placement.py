"""
The placement and its end, on the real Norfolk 2025-26 county calendar:
autumn term 3 Sep to 19 Dec 2025 with half term 27 to 31 Oct, Christmas
holiday 22 Dec to 5 Jan, spring term from Tue 6 Jan 2026.
"""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from cases import placement, services
from cases.checklist import stage_tasks
from cases.models import (
    AgreementSignature,
    Case,
    ChildProtectionFileTransfer,
    Dispute,
    ExtensionAnswer,
    ExtensionRequest,
    Outcome,
)
from cases.monitoring import cp_file_due, placement_monitoring
from cases.services import CaseRuleError, signature_record
from cases.tests.factories import Cast, pupil_details
from dowimm.calendars.models import CalendarEntry
from dowimm.calendars.services import (
    calendar_entry_add,
    calendar_entry_delete,
    calendar_import_csv,
)
from dowimm.documents.models import DocumentVersion
from dowimm.documents.selectors import current_version
from dowimm.documents.tests.factories import pdf_text
from meetings.models import ReviewMeeting

pytestmark = pytest.mark.django_db

PLANNED = datetime.date(2025, 10, 2)  # Thu: the planning meeting
START = datetime.date(2025, 10, 13)  # Mon: the first day
# 40 school days from Mon 13 Oct, skipping half term 27-31 Oct: five weeks
# to Fri 21 Nov make 30 (13-17, 20-24 Oct, 3-7, 10-14, 17-21 Nov), then
# 24-28 Nov (35) and 1-5 Dec... counting each week of five: 13 Oct (5),
# 20 Oct (10), 3 Nov (15), 10 Nov (20), 17 Nov (25), 24 Nov (30), 1 Dec
# (35), 8 Dec (40): Fri 12 Dec 2025.
EXPECTED_END = datetime.date(2025, 12, 12)
FIRST_REVIEW = datetime.date(2025, 10, 24)
Decision = ReviewMeeting.Decision


def at(day):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC),
        tick=False,
    )


@pytest.fixture
def cast():
    with (settings.BASE_DIR / "data" / "norfolk-term-dates.csv").open() as file:
        calendar_import_csv(file=file)
    with at(PLANNED):
        return Cast()


@pytest.fixture
def active(cast):
    with at(PLANNED):
        return cast.active_case(PLANNED, START, reviews=[FIRST_REVIEW])


def hold_review(cast, case, held_on, decision, *, engagement="met", next_on=None):
    with at(held_on):
        return placement.review_record(
            case_id=case.pk,
            user=cast.receiving_staff,
            review_id=case.reviews.filter(held_on__isnull=True).first().pk
            if case.reviews.filter(held_on__isnull=True).exists()
            else None,
            details={
                "held_on": held_on,
                "face_to_face": True,
                "attendees": "Both schools, pupil, mother",
                "incidents": "",
                "engagement": engagement,
                "engagement_notes": "",
                "pupil_voice": "It is going better than I thought",
                "family_voice": "Much calmer at home",
                "concerns_and_support": "",
                "strategies_shared": "Movement breaks",
                "reintegration_planning": "",
                "travel_plan_review": "",
                "decision": decision,
            },
            next_review_on=next_on,
        )


def absent(cast, case, day, sessions=("am", "pm"), authorised=True):
    with at(day):
        placement.absence_record(
            case_id=case.pk,
            user=cast.receiving_staff,
            absent_on=day,
            sessions=list(sessions),
            authorised=authorised,
            reason="Unwell",
        )


def test_placement_starts_with_forty_school_days_on_the_receiving_calendar(active):
    assert active.state == Case.State.ACTIVE
    assert active.expected_end_on == EXPECTED_END


def test_whole_days_of_authorised_absence_move_the_end(cast, active):
    # Tue 4 and Wed 5 Nov missed with authorisation: day 40 becomes day
    # 42, two school days after Fri 12 Dec: Tue 16 Dec 2025.
    absent(cast, active, datetime.date(2025, 11, 4))
    absent(cast, active, datetime.date(2025, 11, 5))

    active.refresh_from_db()
    assert active.expected_end_on == datetime.date(2025, 12, 16)
    assert "2 days of authorised absence" in active.expected_end_explanation


def test_a_training_day_added_during_the_placement_moves_the_end(cast, active):
    # The receiving school adds its own training day on Mon 3 Nov 2025, a
    # day inside the placement: day 40 becomes Mon 15 Dec 2025.
    with at(datetime.date(2025, 10, 20)):
        entry = calendar_entry_add(
            user=cast.receiving_staff,
            school=active.receiving_school,
            kind=CalendarEntry.Kind.INSET,
            start_date=datetime.date(2025, 11, 3),
            end_date=datetime.date(2025, 11, 3),
        )

    active.refresh_from_db()
    assert active.expected_end_on == datetime.date(2025, 12, 15)
    latest = active.history.first()
    assert latest.history_change_reason == (
        "Expected end moved from Fri 12 Dec 2025 to Mon 15 Dec 2025: term dates changed"
    )
    assert latest.history_user == cast.receiving_staff

    with at(datetime.date(2025, 10, 21)):
        calendar_entry_delete(user=cast.receiving_staff, entry_id=entry.pk)
    active.refresh_from_db()
    assert active.expected_end_on == EXPECTED_END


def test_a_county_closure_moves_ends_only_where_the_county_calendar_counts(
    cast, active
):
    # Fri 21 Nov 2025 closed across the county: this placement's school
    # follows the county, so day 40 becomes Mon 15 Dec 2025.
    with at(datetime.date(2025, 10, 20)):
        calendar_entry_add(
            user=cast.fair_access,
            school=None,
            kind=CalendarEntry.Kind.CLOSURE,
            start_date=datetime.date(2025, 11, 21),
            end_date=datetime.date(2025, 11, 21),
        )

    active.refresh_from_db()
    assert active.expected_end_on == datetime.date(2025, 12, 15)


def test_a_training_day_after_the_end_leaves_the_end_and_history_alone(cast, active):
    rows_before = active.history.count()
    with at(datetime.date(2025, 10, 20)):
        calendar_entry_add(
            user=cast.receiving_staff,
            school=active.receiving_school,
            kind=CalendarEntry.Kind.INSET,
            start_date=datetime.date(2025, 12, 15),
            end_date=datetime.date(2025, 12, 15),
        )

    active.refresh_from_db()
    assert active.expected_end_on == EXPECTED_END
    assert active.history.count() == rows_before


def test_unauthorised_and_half_day_absence_leave_the_end_alone(cast, active):
    absent(cast, active, datetime.date(2025, 11, 4), authorised=False)
    absent(cast, active, datetime.date(2025, 11, 5), sessions=("am",))

    active.refresh_from_db()
    assert active.expected_end_on == EXPECTED_END


def test_absence_on_a_day_the_school_is_closed_is_refused(cast, active):
    with pytest.raises(CaseRuleError, match="closed on Wed 29 Oct 2025: choose"):
        absent(cast, active, datetime.date(2025, 10, 29))


def test_the_same_session_cannot_be_recorded_twice(cast, active):
    absent(cast, active, datetime.date(2025, 11, 4), sessions=("am",))

    with pytest.raises(CaseRuleError, match="already recorded for that session"):
        absent(cast, active, datetime.date(2025, 11, 4))


def test_attendance_below_the_threshold_asks_both_schools_for_a_review(cast, active):
    # Mon 13 to Fri 24 Oct: 10 school days, 20 sessions. One authorised and
    # two unauthorised sessions missed: 17 of 20 attended, 85.0%, under 90%.
    absent(cast, active, datetime.date(2025, 10, 14), sessions=("am",))
    absent(cast, active, datetime.date(2025, 10, 21), authorised=False)

    with at(datetime.date(2025, 10, 24)):
        monitoring = placement_monitoring(active)
        tasks = stage_tasks(active, monitoring)

    attendance = monitoring.attendance
    assert (attendance.sessions_possible, attendance.sessions_attended) == (20, 17)
    assert attendance.percent == 85.0
    assert attendance.below_threshold
    review_needed = [t for t in tasks if t.title.startswith("Review needed")]
    assert review_needed[0].owner == "Both schools"


def test_a_week_with_school_days_and_no_contact_is_a_gap(cast, active):
    with at(datetime.date(2025, 10, 15)):
        placement.contact_record(
            case_id=active.pk,
            user=cast.home_staff,
            contact_on=datetime.date(2025, 10, 15),
            between="Heads of year",
            method="phone",
            summary="Settling in well",
        )

    # On Wed 5 Nov: the weeks of 13 Oct (contact) and 20 Oct (none) are
    # over; half term's week has no school days; this week is not over.
    with at(datetime.date(2025, 11, 5)):
        monitoring = placement_monitoring(active)

    assert monitoring.contact_weeks == [
        (datetime.date(2025, 10, 13), True),
        (datetime.date(2025, 10, 20), False),
    ]
    assert monitoring.weeks_without_contact == [datetime.date(2025, 10, 20)]


def test_a_contact_sent_twice_is_recorded_once(cast, active):
    def record(summary):
        with at(datetime.date(2025, 10, 15)):
            placement.contact_record(
                case_id=active.pk,
                user=cast.home_staff,
                contact_on=datetime.date(2025, 10, 15),
                between="Heads of year",
                method="phone",
                summary=summary,
            )

    record("Settling in well")
    with pytest.raises(CaseRuleError, match="This contact is already recorded"):
        record("Settling in well")
    record("A second call: lunchtime went badly")

    assert active.contacts.count() == 2


def test_weekly_contact_is_owed_from_the_first_day(cast, active):
    def contact_task(day):
        with at(day):
            tasks = stage_tasks(active, placement_monitoring(active))
        [task] = [t for t in tasks if t.title == "Record contact every week"]
        return task.done, task.status

    # Started ahead of Mon 13 Oct: nothing is owed, nor yet done.
    assert contact_task(datetime.date(2025, 10, 9)) == (False, "From 13 Oct 2025")
    # During the first week, which is not over yet, no week has been missed.
    assert contact_task(datetime.date(2025, 10, 15)) == (True, "Up to date")
    # By Tue 21 Oct the week of 13 Oct is over without a contact.
    assert contact_task(datetime.date(2025, 10, 21)) == (
        False,
        "1 week without contact",
    )


def test_the_next_review_cannot_leave_the_expected_end_unreviewed(cast, active):
    # The placement is expected to end on Fri 12 Dec 2025; Mon 15 Dec is the
    # next school day.
    with pytest.raises(CaseRuleError) as refused:
        hold_review(
            cast,
            active,
            FIRST_REVIEW,
            Decision.CONTINUE,
            next_on=datetime.date(2025, 12, 15),
        )

    assert refused.value.message == (
        "The next review must be by the placement's expected end, Fri 12 Dec "
        "2025, so that a review decides what happens then. Choose a date on or "
        "before it"
    )
    assert refused.value.field == "next_review_on"
    assert not active.reviews.filter(held_on__isnull=False).exists()
    review = hold_review(
        cast, active, FIRST_REVIEW, Decision.CONTINUE, next_on=EXPECTED_END
    )
    assert review.held_on == FIRST_REVIEW


def test_a_review_in_the_future_is_refused_with_the_forms_other_errors(
    cast, active, client
):
    # The first review is booked for Fri 24 Oct 2025; today is Thu 16 Oct.
    url = reverse("cases:review_record", args=[active.pk])
    client.force_login(cast.receiving_staff)

    with at(datetime.date(2025, 10, 16)):
        opened = client.get(url).context["form"]
        sent = client.post(
            url,
            {"held_on_0": "24", "held_on_1": "10", "held_on_2": "2025"},
        ).context["form"]

    assert "held_on" not in opened.initial
    assert sent.errors["held_on"] == [
        "Enter the date of the review as today or a date in the past"
    ]
    assert "pupil_voice" in sent.errors


def test_each_review_confirms_the_next(cast, active):
    review = hold_review(
        cast,
        active,
        FIRST_REVIEW,
        Decision.CONTINUE,
        next_on=datetime.date(2025, 11, 14),
    )

    assert review.sessions_possible == 20
    upcoming = active.reviews.filter(held_on__isnull=True).get()
    assert upcoming.scheduled_for == datetime.date(2025, 11, 14)


def next_reviews_after_the_first(cast, booked, next_on):
    """The reviews still to come once the first review sets the next."""
    with at(PLANNED):
        case = cast.active_case(PLANNED, START, reviews=[FIRST_REVIEW, *booked])
    hold_review(cast, case, FIRST_REVIEW, Decision.CONTINUE, next_on=next_on)
    upcoming = case.reviews.filter(held_on__isnull=True)
    return case, [review.scheduled_for for review in upcoming]


def test_the_next_review_takes_the_place_of_reviews_booked_before_it(cast):
    # Booked at planning: Fri 24 Oct, Fri 7 Nov, Fri 21 Nov and Fri 5 Dec.
    # The first review fixes the next for Fri 21 Nov, so 7 Nov is not held.
    nov_7, nov_21, dec_5 = (
        datetime.date(2025, 11, 7),
        datetime.date(2025, 11, 21),
        datetime.date(2025, 12, 5),
    )

    case, upcoming = next_reviews_after_the_first(cast, [nov_7, nov_21, dec_5], nov_21)

    assert upcoming == [nov_21, dec_5]
    assert case.history.first().history_change_reason == (
        "Review held on Fri 24 Oct 2025; next review Fri 21 Nov 2025 in place "
        "of the one booked for Fri 7 Nov 2025"
    )


def test_a_next_review_between_bookings_moves_the_first_of_them(cast):
    nov_7, nov_12, dec_5 = (
        datetime.date(2025, 11, 7),
        datetime.date(2025, 11, 12),
        datetime.date(2025, 12, 5),
    )

    _, upcoming = next_reviews_after_the_first(cast, [nov_7, dec_5], nov_12)

    assert upcoming == [nov_12, dec_5]


@pytest.mark.parametrize(
    ("next_on", "message"),
    [
        # Half term at every Norfolk school: 27 to 31 Oct 2025.
        (datetime.date(2025, 10, 28), r"Tue 28 Oct 2025 \(Autumn half term\)"),
        (datetime.date(2025, 11, 8), r"cannot be on a Saturday \(Sat 8 Nov 2025\)"),
        # Christmas Day 2026 lies beyond the recorded terms: still closed.
        (datetime.date(2026, 12, 25), r"closed on Fri 25 Dec 2026 \(Christmas Day\)"),
    ],
)
def test_the_next_review_must_be_on_a_school_day(cast, active, next_on, message):
    with pytest.raises(CaseRuleError, match=message):
        hold_review(cast, active, FIRST_REVIEW, Decision.CONTINUE, next_on=next_on)

    assert not active.reviews.filter(held_on__isnull=False).exists()


def test_reviews_are_recorded_in_the_order_they_are_held(cast, active):
    hold_review(
        cast,
        active,
        FIRST_REVIEW,
        Decision.CONTINUE,
        next_on=datetime.date(2025, 11, 7),
    )

    with pytest.raises(
        CaseRuleError, match="A review held on Fri 24 Oct 2025 is already recorded"
    ):
        hold_review(
            cast,
            active,
            FIRST_REVIEW,
            Decision.CONTINUE,
            next_on=datetime.date(2025, 11, 14),
        )

    assert active.reviews.filter(held_on__isnull=False).count() == 1
    upcoming = active.reviews.filter(held_on__isnull=True).get()
    assert upcoming.scheduled_for == datetime.date(2025, 11, 7)


def test_a_review_that_continues_needs_the_next_date(cast, active):
    with pytest.raises(CaseRuleError, match="Enter the date of the next review"):
        hold_review(cast, active, FIRST_REVIEW, Decision.CONTINUE)


def request_extension(cast, case, days=10):
    hold_review(
        cast,
        case,
        datetime.date(2025, 12, 5),
        Decision.REQUEST_EXTENSION,
        next_on=datetime.date(2025, 12, 12),
    )
    review = case.reviews.get(held_on=datetime.date(2025, 12, 5))
    with at(datetime.date(2025, 12, 5)):
        return placement.extension_request(
            case_id=case.pk,
            user=cast.receiving_staff,
            review=review,
            reason=ExtensionRequest.Reason.ENGAGEMENT,
            request="More time to settle into the new timetable",
            extra_school_days=days,
        )


def answer(cast, extension, party, agreed=True):
    user = cast.fair_access if party == "fair_access" else cast.home_staff
    with at(datetime.date(2025, 12, 8)):
        return placement.extension_answer(
            extension_id=extension.pk, user=user, party=party, agreed=agreed, notes=""
        )


def test_an_extension_agreed_by_everyone_extends_the_placement(cast, active):
    extension = request_extension(cast, active, days=10)

    for party in ("home_school", "family"):
        answer(cast, extension, party)
        active.refresh_from_db()
        assert active.state == Case.State.ACTIVE
    answer(cast, extension, "fair_access")

    # 10 more school days after Fri 12 Dec: 15-19 Dec make 5, then the
    # Christmas holiday to Mon 5 Jan; Tue 6 to Fri 9 Jan make 9 and Mon
    # 12 Jan 2026 is the 10th.
    active.refresh_from_db()
    extension.refresh_from_db()
    assert active.state == Case.State.EXTENDED
    assert active.expected_end_on == datetime.date(2026, 1, 12)
    assert extension.new_expected_end_on == datetime.date(2026, 1, 12)


def test_a_party_cannot_agree_an_extension_twice(cast, active):
    extension = request_extension(cast, active)
    answer(cast, extension, "home_school")

    with pytest.raises(CaseRuleError, match="answer is already recorded"):
        answer(cast, extension, "home_school")

    assert ExtensionAnswer.objects.filter(extension=extension).count() == 1


def test_one_refusal_refuses_the_extension(cast, active):
    extension = request_extension(cast, active)

    answer(cast, extension, "fair_access", agreed=False)

    extension.refresh_from_db()
    active.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.REFUSED
    assert active.state == Case.State.ACTIVE


def test_an_extension_needs_a_review_that_asked_for_it(cast, active):
    review = hold_review(
        cast,
        active,
        FIRST_REVIEW,
        Decision.CONTINUE,
        next_on=datetime.date(2025, 11, 7),
    )

    with pytest.raises(CaseRuleError, match="decides to request an extension"):
        placement.extension_request(
            case_id=active.pk,
            user=cast.receiving_staff,
            review=review,
            reason="behaviour",
            request="More time",
            extra_school_days=5,
        )


def ending(reason, **overrides):
    details = {
        "reason": reason,
        "incident": "",
        "evidence": "Meetings with the family; a mentor; a part-time start",
        "last_day_on": datetime.date(2025, 11, 14),
        "return_on": datetime.date(2025, 11, 17),
        "successes": "Made friends in the football club",
        "pupil_voice": "I want to go back",
        "family_voice": "We agree",
        "dispute_raised": False,
    }
    details.update(overrides)
    return details


def end(cast, case, details, grounds_for_suspension=None):
    review = case.reviews.filter(decision=Decision.END).first()
    with at(datetime.date(2025, 11, 14)):
        return placement.placement_end_early(
            case_id=case.pk,
            user=cast.receiving_staff,
            review=review,
            grounds_for_suspension=grounds_for_suspension,
            details=details,
        )


def test_attendance_and_contact_stop_counting_on_the_last_day(cast, active):
    # Ended with a last day of Fri 14 Nov 2025: 13-17 Oct, 20-24 Oct, half
    # term, 3-7 Nov and 10-14 Nov make 20 school days, whenever it is read.
    hold_review(cast, active, datetime.date(2025, 11, 14), Decision.END)
    end(cast, active, ending(Outcome.Reason.FAMILY_CHOICE))
    active.refresh_from_db()

    with at(datetime.date(2025, 12, 10)):
        monitoring = placement_monitoring(active)

    assert monitoring.attendance.school_days == 20
    assert monitoring.contact_weeks[-1][0] == datetime.date(2025, 11, 10)


def test_ending_needs_a_review_that_decided_to_end(cast, active):
    with pytest.raises(CaseRuleError, match="Hold a review meeting"):
        end(cast, active, ending(Outcome.Reason.FAMILY_CHOICE))

    active.refresh_from_db()
    assert active.state == Case.State.ACTIVE


def test_the_family_can_choose_to_end_the_placement(cast, active):
    hold_review(cast, active, datetime.date(2025, 11, 14), Decision.END)

    outcome = end(cast, active, ending(Outcome.Reason.FAMILY_CHOICE))

    active.refresh_from_db()
    assert active.state == Case.State.ENDED
    assert outcome.family_voice == "We agree"
    assert [t.title for t in stage_tasks(active)] == [
        "Send the Outcomes Form to the Fair Access team",
        "Mark the Outcomes Form received",
        "Offer a reintegration meeting and record the plan",
        "Mark the DOWIMM Agreement received",
    ]


def test_a_minor_infraction_cannot_end_a_placement(cast, active):
    hold_review(cast, active, datetime.date(2025, 11, 14), Decision.END)
    details = ending(Outcome.Reason.SERIOUS_BREACH, incident="Late to two lessons")

    with pytest.raises(CaseRuleError, match="A minor infraction cannot end"):
        end(cast, active, details, grounds_for_suspension=False)

    active.refresh_from_db()
    assert active.state == Case.State.ACTIVE
    assert not Outcome.objects.exists()


def test_a_breach_needs_an_answer_on_suspension(cast, active):
    hold_review(cast, active, datetime.date(2025, 11, 14), Decision.END)
    details = ending(Outcome.Reason.SERIOUS_BREACH, incident="Assault on a pupil")

    with pytest.raises(CaseRuleError) as refused:
        end(cast, active, details, grounds_for_suspension=None)

    assert refused.value.message == (
        "Select yes if the breach would be grounds for a suspension at your school"
    )
    assert refused.value.field == "grounds_for_suspension"


def test_a_serious_breach_ends_the_placement(cast, active):
    hold_review(cast, active, datetime.date(2025, 11, 14), Decision.END)
    details = ending(Outcome.Reason.SERIOUS_BREACH, incident="Assault on a pupil")

    end(cast, active, details, grounds_for_suspension=True)

    active.refresh_from_db()
    assert active.state == Case.State.ENDED


def test_ending_for_engagement_needs_the_concern_raised_at_an_earlier_review(
    cast, active
):
    hold_review(
        cast, active, datetime.date(2025, 11, 14), Decision.END, engagement="not_met"
    )

    with pytest.raises(CaseRuleError, match="raised at an earlier review"):
        end(cast, active, ending(Outcome.Reason.ENGAGEMENT))


def test_ending_for_engagement_after_an_earlier_concern(cast, active):
    hold_review(
        cast,
        active,
        FIRST_REVIEW,
        Decision.CONTINUE,
        engagement="partly",
        next_on=datetime.date(2025, 11, 14),
    )
    hold_review(
        cast, active, datetime.date(2025, 11, 14), Decision.END, engagement="not_met"
    )

    end(cast, active, ending(Outcome.Reason.ENGAGEMENT))

    active.refresh_from_db()
    assert active.state == Case.State.ENDED


def ended(cast, active):
    hold_review(cast, active, datetime.date(2025, 11, 14), Decision.END)
    end(cast, active, ending(Outcome.Reason.FAMILY_CHOICE))
    return active


def plan(**overrides):
    details = {
        "meeting_offered_on": datetime.date(2025, 11, 14),
        "meeting_held_on": datetime.date(2025, 11, 14),
        "key_adult": "Head of year",
        "fresh_start_arrangements": "New tutor group",
        "timetable": "Full timetable",
        "reduced_timetable": False,
        "parental_agreement_on": None,
        "reduced_timetable_ends_on": None,
        "support": "Mentor twice a week",
        "review_on": datetime.date(2025, 12, 1),
    }
    details.update(overrides)
    return details


def test_a_reduced_timetable_needs_written_agreement_and_an_end(cast, active):
    ended(cast, active)

    with (
        at(datetime.date(2025, 11, 14)),
        pytest.raises(CaseRuleError, match="parents' written agreement"),
    ):
        placement.reintegration_plan_record(
            case_id=active.pk,
            user=cast.home_staff,
            details=plan(reduced_timetable=True),
        )
    with (
        at(datetime.date(2025, 11, 14)),
        pytest.raises(CaseRuleError, match="must be time-limited"),
    ):
        placement.reintegration_plan_record(
            case_id=active.pk,
            user=cast.home_staff,
            details=plan(
                reduced_timetable=True,
                parental_agreement_on=datetime.date(2025, 11, 14),
            ),
        )


def test_the_reintegration_meeting_is_held_before_the_return(cast, active):
    ended(cast, active)

    with (
        at(datetime.date(2025, 11, 18)),
        pytest.raises(
            CaseRuleError, match="before the pupil returns on Mon 17 Nov 2025"
        ),
    ):
        placement.reintegration_plan_record(
            case_id=active.pk,
            user=cast.home_staff,
            details=plan(meeting_held_on=datetime.date(2025, 11, 18)),
        )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        # The placement began on Mon 13 Oct 2025; today is Fri 14 Nov.
        (
            {"meeting_offered_on": datetime.date(2025, 10, 10)},
            "meeting_offered_on",
            "on or after the placement started, Mon 13 Oct 2025",
        ),
        (
            {"meeting_held_on": datetime.date(2025, 11, 17)},
            "meeting_held_on",
            "today or in the past",
        ),
        (
            {
                "meeting_offered_on": datetime.date(2025, 11, 14),
                "meeting_held_on": datetime.date(2025, 11, 13),
            },
            "meeting_held_on",
            "on or after the day it was offered, Fri 14 Nov 2025",
        ),
        (
            {"review_on": datetime.date(2025, 11, 29)},
            "review_on",
            r"plan's review cannot be on a Saturday \(Sat 29 Nov 2025\)",
        ),
        # The pupil returns on Mon 17 Nov 2025: 26 weeks on is 18 May 2026.
        (
            {
                "reduced_timetable": True,
                "parental_agreement_on": datetime.date(2025, 11, 14),
                "reduced_timetable_ends_on": datetime.date(2026, 5, 19),
            },
            "reduced_timetable_ends_on",
            "Tue 19 May 2026 is more than 26 weeks after the return",
        ),
    ],
)
def test_reintegration_dates_that_cannot_be_right_are_refused(
    cast, active, change, field, message
):
    ended(cast, active)

    with at(datetime.date(2025, 11, 14)), pytest.raises(CaseRuleError) as refused:
        placement.reintegration_plan_record(
            case_id=active.pk, user=cast.home_staff, details=plan(**change)
        )

    assert refused.match(message)
    assert refused.value.field == field
    assert not hasattr(Case.objects.get(pk=active.pk), "reintegration_plan")


def test_the_return_is_on_a_day_the_home_school_is_open(cast, active):
    hold_review(cast, active, datetime.date(2025, 11, 14), Decision.END)

    with pytest.raises(CaseRuleError, match="return cannot be on a Saturday"):
        end(
            cast,
            active,
            ending(Outcome.Reason.FAMILY_CHOICE, return_on=datetime.date(2025, 11, 15)),
        )


def test_tasks_that_wait_on_another_cannot_be_started_yet(cast, active):
    def task(case, title):
        with at(datetime.date(2025, 11, 14)):
            case = Case.objects.get(pk=case.pk)
            tasks = stage_tasks(case, placement_monitoring(case))
        return next(t for t in tasks if t.title == title)

    with at(PLANNED):
        planning = cast.planning_case(serial=2, on=PLANNED)
    start = task(planning, "Start the placement")
    assert (start.blocked, start.status) == (True, "Cannot start yet")

    ended(cast, active)
    received = "Mark the Outcomes Form received"
    assert task(active, received).blocked
    placement.outcome_mark_sent(case_id=active.pk, user=cast.receiving_staff)
    assert not task(active, received).blocked


def test_a_placement_that_has_begun_cannot_be_closed_as_not_proceeding(
    cast, active, client
):
    client.force_login(cast.home_staff)

    with at(FIRST_REVIEW):
        page = client.get(reverse("cases:close", args=[active.pk])).content.decode()
        with pytest.raises(CaseRuleError, match="began on Mon 13 Oct 2025"):
            services.case_close_not_proceeding(
                case_id=active.pk, user=cast.home_staff, reason="Changed our minds"
            )

    assert "The placement began on 13 October 2025, so the case cannot be" in page


def test_a_placement_recorded_as_started_can_be_closed_before_its_first_day(
    cast, active, mailoutbox, django_capture_on_commit_callbacks
):
    # Started on Thu 2 Oct for a first day of Mon 13 Oct; the family
    # withdraws on Thu 9 Oct, and the receiving school hears.
    cast.receiving_school.named_contact_email = "office@receiving.invalid"
    cast.receiving_school.save(update_fields=["named_contact_email"])

    with (
        at(datetime.date(2025, 10, 9)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.case_close_not_proceeding(
            case_id=active.pk, user=cast.home_staff, reason="The family moved away"
        )

    active.refresh_from_db()
    assert active.state == Case.State.NOT_PROCEEDING
    assert active.closed_on == datetime.date(2025, 10, 9)
    # The school's office and the case's named contact there.
    [email] = mailoutbox
    assert email.to == [active.receiving_contact_email, "office@receiving.invalid"]
    assert email.subject == (
        f"The DOWIMM placement will not go ahead: case {active.reference}"
    )


def test_a_step_already_confirmed_says_when_instead_of_asking_again(
    cast, active, client
):
    url = reverse("cases:agreement_received", args=[active.pk])
    client.force_login(cast.fair_access)

    with at(FIRST_REVIEW):
        before = client.get(url).content.decode()
        placement.agreement_mark_received(case_id=active.pk, user=cast.fair_access)
        after = client.get(url).content.decode()

    assert "Mark as received" in before
    assert "Mark as received" not in after
    assert "DOWIMM Agreement marked as received on 24 October 2025." in after


def test_outcomes_form_is_sent_then_received(cast, active):
    ended(cast, active)

    with pytest.raises(CaseRuleError, match="has not been sent yet"):
        placement.outcome_mark_received(case_id=active.pk, user=cast.fair_access)
    placement.outcome_mark_sent(case_id=active.pk, user=cast.receiving_staff)
    placement.outcome_mark_received(case_id=active.pk, user=cast.fair_access)

    active.outcome.refresh_from_db()
    assert active.outcome.received_by_faet_on is not None


MOVED = datetime.date(2025, 10, 23)  # Thu, the day before half term


def managed_move(cast, case):
    hold_review(cast, case, datetime.date(2025, 10, 22), Decision.OFFER_MANAGED_MOVE)
    review = case.reviews.get(held_on=datetime.date(2025, 10, 22))
    with at(datetime.date(2025, 10, 22)):
        placement.managed_move_offer(
            case_id=case.pk, user=cast.receiving_staff, review=review
        )
        Party = AgreementSignature.Party
        carer = case.pupil.carers.get()
        for party, signer in (
            (Party.HOME_SCHOOL, None),
            (Party.RECEIVING_SCHOOL, None),
            (Party.PARENT_CARER, carer),
            (Party.PUPIL, None),
        ):
            signature_record(
                case_id=case.pk,
                user=cast.receiving_staff
                if party == Party.RECEIVING_SCHOOL
                else cast.home_staff,
                party=party,
                carer=signer,
                signed_by_name="A Signer",
                signed_on=datetime.date(2025, 10, 22),
                method=AgreementSignature.Method.IN_APP,
                scan=None,
                document=AgreementSignature.Document.MANAGED_MOVE_AGREEMENT,
            )


def test_a_managed_move_needs_every_signature(cast, active):
    hold_review(cast, active, datetime.date(2025, 10, 22), Decision.OFFER_MANAGED_MOVE)
    review = active.reviews.get(held_on=datetime.date(2025, 10, 22))
    with at(MOVED):
        placement.managed_move_offer(
            case_id=active.pk, user=cast.receiving_staff, review=review
        )
        with pytest.raises(CaseRuleError, match="still needs 4 signatures"):
            placement.managed_move_complete(
                case_id=active.pk,
                user=cast.receiving_staff,
                single_registration_on=MOVED,
            )


def test_a_managed_move_cannot_begin_before_everyone_signed(cast, active):
    # Everyone signed on Wed 22 Oct 2025; the placement began on 13 Oct.
    managed_move(cast, active)

    with at(MOVED), pytest.raises(CaseRuleError) as refused:
        placement.managed_move_complete(
            case_id=active.pk,
            user=cast.receiving_staff,
            single_registration_on=datetime.date(2025, 10, 21),
        )

    assert refused.value.message == (
        "The move can begin only once everyone has signed the Managed Move "
        "Agreement, which was on Wed 22 Oct 2025. Enter that date or a later one"
    )
    active.refresh_from_db()
    assert active.state == Case.State.ACTIVE


def test_a_managed_move_completes_and_sets_the_cp_file_deadline(cast, active):
    managed_move(cast, active)
    with at(MOVED):
        placement.managed_move_complete(
            case_id=active.pk, user=cast.receiving_staff, single_registration_on=MOVED
        )

    active.refresh_from_db()
    assert active.state == Case.State.MANAGED_MOVE
    # 5 school days of the home school after Thu 23 Oct 2025: Fri 24 Oct,
    # then half term, then Mon 3 to Thu 6 Nov.
    assert cp_file_due(active).due == datetime.date(2025, 11, 6)


def test_the_cp_file_task_shows_its_deadline_until_the_file_is_sent(cast, active):
    managed_move(cast, active)
    with at(MOVED):
        placement.managed_move_complete(
            case_id=active.pk, user=cast.receiving_staff, single_registration_on=MOVED
        )

    def send_task(on):
        with at(on):
            case = Case.objects.get(pk=active.pk)
            tasks = stage_tasks(case, None, cp_file_due(case))
        return next(t for t in tasks if t.title == "Send the child-protection file")

    # Due Thu 6 Nov 2025 (the test above): late from Fri 7 Nov.
    assert send_task(datetime.date(2025, 11, 7)).status == "Due by 6 Nov 2025 – overdue"
    with at(datetime.date(2025, 11, 7)):
        placement.cp_file_sent_record(
            case_id=active.pk,
            user=cast.home_dsl,
            sent_on=datetime.date(2025, 11, 7),
            method=ChildProtectionFileTransfer.Method.SECURE_SYSTEM,
            contents="The whole file",
        )
    sent = send_task(datetime.date(2025, 11, 7))
    assert (sent.done, sent.status, sent.overdue) == (True, "", False)


def test_deletion_from_the_roll_is_never_backdated(cast, active):
    managed_move(cast, active)
    with at(MOVED):
        placement.managed_move_complete(
            case_id=active.pk, user=cast.receiving_staff, single_registration_on=MOVED
        )

    with at(MOVED), pytest.raises(CaseRuleError, match="never backdated"):
        placement.home_roll_deletion_record(
            case_id=active.pk,
            user=cast.home_staff,
            deleted_on=datetime.date(2025, 10, 22),
        )


def test_cp_file_receipt_cannot_come_before_it_was_sent(cast, active):
    managed_move(cast, active)
    with at(datetime.date(2025, 11, 4)):
        placement.managed_move_complete(
            case_id=active.pk, user=cast.receiving_staff, single_registration_on=MOVED
        )
        with pytest.raises(CaseRuleError, match="has not recorded sending"):
            placement.cp_file_receipt_record(
                case_id=active.pk,
                user=cast.receiving_dsl,
                received_on=datetime.date(2025, 11, 4),
                stored_where="Safeguarding system",
            )
        placement.cp_file_sent_record(
            case_id=active.pk,
            user=cast.home_dsl,
            sent_on=datetime.date(2025, 11, 4),
            method=ChildProtectionFileTransfer.Method.SECURE_SYSTEM,
            contents="The whole file",
        )
        with pytest.raises(CaseRuleError, match="cannot have been received before"):
            placement.cp_file_receipt_record(
                case_id=active.pk,
                user=cast.receiving_dsl,
                received_on=datetime.date(2025, 11, 3),
                stored_where="Safeguarding system",
            )


def test_the_receiving_dsl_is_offered_the_receipt_only_once_the_file_is_sent(
    cast, active, client
):
    managed_move(cast, active)
    receipt = reverse("cases:cp_file_received", args=[active.pk])
    client.force_login(cast.receiving_dsl)
    with at(MOVED):
        placement.managed_move_complete(
            case_id=active.pk, user=cast.receiving_staff, single_registration_on=MOVED
        )
        before = client.get(reverse("cases:detail", args=[active.pk])).content
        placement.cp_file_sent_record(
            case_id=active.pk,
            user=cast.home_dsl,
            sent_on=MOVED,
            method=ChildProtectionFileTransfer.Method.SECURE_SYSTEM,
            contents="The whole file",
        )
        after = client.get(reverse("cases:detail", args=[active.pk])).content

    assert receipt not in before.decode()
    assert "Cannot start yet" in before.decode()
    assert receipt in after.decode()


def test_a_dispute_goes_to_a_panel_only_after_failed_mediation(cast, active):
    with at(FIRST_REVIEW):
        dispute = placement.dispute_raise(
            case_id=active.pk, user=cast.receiving_staff, about="Attendance coding"
        )
        assert dispute.raised_by_school == Dispute.RaisedBy.RECEIVING_SCHOOL

        with pytest.raises(CaseRuleError, match="only when mediation has not"):
            placement.dispute_panel_record(
                dispute_id=dispute.pk,
                user=cast.fair_access,
                panel=Dispute.Panel.VIRTUAL_PANEL,
                panel_on=FIRST_REVIEW,
                decision="Continue",
            )
        placement.dispute_mediation_record(
            dispute_id=dispute.pk,
            user=cast.fair_access,
            dates="24 Oct 2025",
            notes="No agreement",
            outcome=Dispute.Mediation.NOT_RESOLVED,
        )
        placement.dispute_panel_record(
            dispute_id=dispute.pk,
            user=cast.fair_access,
            panel=Dispute.Panel.FAIR_ACCESS_PANEL,
            panel_on=FIRST_REVIEW,
            decision="The placement continues",
        )

    dispute.refresh_from_db()
    assert dispute.closed_on == FIRST_REVIEW


def test_a_review_after_the_latest_absence_answers_review_needed(cast, active):
    absent(cast, active, datetime.date(2025, 10, 14), sessions=("am",))
    absent(cast, active, datetime.date(2025, 10, 21), authorised=False)
    hold_review(
        cast,
        active,
        FIRST_REVIEW,
        Decision.CONTINUE,
        next_on=datetime.date(2025, 11, 7),
    )

    with at(datetime.date(2025, 10, 24)):
        titles = [t.title for t in stage_tasks(active, placement_monitoring(active))]

    assert not any(title.startswith("Review needed") for title in titles)


def case_page_queries(client, case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    url = reverse("cases:detail", args=[case.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_case_page_costs_the_same_queries_however_much_is_recorded(
    client, cast, active
):
    client.force_login(cast.home_dsl)
    with at(datetime.date(2025, 10, 24)):
        few = case_page_queries(client, active)
    for day in (14, 15, 16, 17, 20, 21, 22):
        absent(cast, active, datetime.date(2025, 10, day), sessions=("am",))
        with at(datetime.date(2025, 10, day)):
            placement.contact_record(
                case_id=active.pk,
                user=cast.home_staff,
                contact_on=datetime.date(2025, 10, day),
                between="Heads of year",
                method="phone",
                summary="Daily check-in",
            )
    hold_review(
        cast,
        active,
        FIRST_REVIEW,
        Decision.CONTINUE,
        next_on=datetime.date(2025, 11, 7),
    )

    with at(datetime.date(2025, 10, 24)):
        many = case_page_queries(client, active)

    assert few == many


# The documents written at the end of a placement


def rendered_text(case, kind):
    version = current_version(case, kind)
    assert version is not None, f"no {kind} version"
    version.refresh_from_db()
    _, text = pdf_text(version.pdf.read())
    return text


def test_the_outcomes_form_says_why_and_when_the_pupil_returns(
    cast, active, django_capture_on_commit_callbacks
):
    hold_review(cast, active, datetime.date(2025, 11, 14), Decision.END)
    with django_capture_on_commit_callbacks(execute=True):
        end(cast, active, ending(Outcome.Reason.FAMILY_CHOICE))

    text = rendered_text(active, DocumentVersion.Kind.OUTCOMES)

    for expected in (
        "DOWIMM Outcomes Form",
        "The placement of Rowan Testpupil at Receiving Academy ended early",
        "Rowan Testpupil, born 14 May 2012",
        "First day Monday 13 October 2025",
        f"Reason it ended {Outcome.Reason.FAMILY_CHOICE.label}",
        "Final review meeting 14 November 2025",
        "Last day at the receiving school Friday 14 November 2025",
        "Return to the home school Monday 17 November 2025",
        "Dispute raised No",
        "Meetings with the family; a mentor; a part-time start",
        "Made friends in the football club",
        "I want to go back",
        "We agree",
    ):
        assert expected in text, expected
    assert "OFFICIAL-SENSITIVE" in text


def test_the_managed_move_agreement_names_both_rolls_and_every_signer(
    cast, active, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        managed_move(cast, active)

    text = rendered_text(active, DocumentVersion.Kind.MANAGED_MOVE)

    for expected in (
        "Managed Move Agreement",
        "Receiving Academy has offered Rowan Testpupil a permanent place",
        "Leaving Home Academy",
        "Joining Receiving Academy",
        "Trial placement began Monday 13 October 2025",
        "Place offered Wednesday 22 October 2025",
        "within 5 school days",
        "Home school Home Academy",
        "Receiving school Receiving Academy",
        "Pupil Rowan Testpupil",
    ):
        assert expected in text, expected


def test_a_pupil_given_an_ehcp_mid_placement_is_flagged_and_faet_told(
    cast, active, client, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.FAET_MAILBOX = "faet@norfolk.invalid"
    cast.adviser.email = "adviser@norfolk.invalid"
    cast.adviser.save()

    with (
        at(datetime.date(2025, 11, 3)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.pupil_update(
            case_id=active.pk,
            user=cast.home_staff,
            pupil_details=pupil_details(sen_status="ehcp"),
        )

    # The change is kept; the case says what it means.
    active.refresh_from_db()
    assert active.pupil.sen_status == "ehcp"
    assert active.state == Case.State.ACTIVE
    reason = active.history.first().history_change_reason
    assert reason.startswith("Pupil details changed. A DOWIMM cannot be used: the ")
    assert "agree with them how the placement ends" in reason
    [email] = mailoutbox
    assert email.to == ["adviser@norfolk.invalid", "faet@norfolk.invalid"]
    assert "Testpupil" not in email.subject + email.body
    client.force_login(cast.receiving_staff)
    with at(datetime.date(2025, 11, 3)):
        page = client.get(reverse("cases:detail", args=[active.pk]))
    assert "has an education, health and care plan" in page.content.decode()


def test_a_placement_cannot_start_for_a_pupil_taken_into_care(cast):
    with at(PLANNED):
        case = cast.planning_case(on=PLANNED)
        cast.complete_planning(case, PLANNED, START, reviews=[FIRST_REVIEW])
        services.pupil_update(
            case_id=case.pk,
            user=cast.home_staff,
            pupil_details=pupil_details(in_care=True),
        )

    with at(START), pytest.raises(CaseRuleError, match="the pupil is in the care"):
        services.placement_start(
            case_id=case.pk, user=cast.home_staff, started_on=START
        )

    case.refresh_from_db()
    assert case.state == Case.State.PLANNING
    assert "The placement cannot start: close the case as not proceeding" in (
        case.history.first().history_change_reason
    )


def test_the_case_page_offers_only_the_decisions_a_review_has_made(
    cast, active, client
):
    client.force_login(cast.receiving_staff)
    offer = reverse("cases:managed_move_offer", args=[active.pk])
    end = reverse("cases:end_early", args=[active.pk])

    with at(FIRST_REVIEW):
        before = client.get(reverse("cases:detail", args=[active.pk]))
    hold_review(cast, active, FIRST_REVIEW, Decision.OFFER_MANAGED_MOVE)
    with at(FIRST_REVIEW):
        after = client.get(reverse("cases:detail", args=[active.pk]))

    with at(FIRST_REVIEW):
        placement.managed_move_offer(
            case_id=active.pk,
            user=cast.receiving_staff,
            review=active.reviews.get(held_on=FIRST_REVIEW),
        )
        offered = client.get(reverse("cases:detail", args=[active.pk]))

    assert offer not in before.content.decode()
    assert "record that review first" in before.content.decode()
    assert offer in after.content.decode()
    assert end not in after.content.decode()
    # Once the move is offered, the page no longer asks for a deciding review.
    assert offer not in offered.content.decode()
    assert "record that review first" not in offered.content.decode()


def test_a_planning_form_opened_after_the_start_says_its_stage_is_over(
    cast, active, client
):
    client.force_login(cast.home_staff)
    url = reverse("meetings:planning", args=[active.pk])

    with at(FIRST_REVIEW):
        page = client.get(url).content.decode()
        posted = client.post(url, {"attendees": "Head of year"})

    over = "This case is at the “Active placement” stage, so this can no longer be"
    assert over in page
    assert "<form" not in page.split("<main")[1]
    # A form sent from a page opened earlier is refused, keeping what was typed.
    assert "Head of year" in posted.content.decode()
    assert not posted.context["form"].is_valid()


def test_an_ended_placement_shows_no_expected_end(cast, active, client):
    client.force_login(cast.receiving_staff)
    page = reverse("cases:detail", args=[active.pk])
    with at(FIRST_REVIEW):
        during = client.get(page).content.decode()
    hold_review(cast, active, datetime.date(2025, 11, 14), Decision.END)
    end(cast, active, ending(Outcome.Reason.FAMILY_CHOICE))

    with at(datetime.date(2025, 11, 14)):
        after = client.get(page).content.decode()

    assert "Friday 12 December 2025" in during
    assert "Expected end" not in after


def test_a_training_day_added_on_a_booked_review_is_flagged(cast, active, client):
    with at(datetime.date(2025, 10, 20)):
        calendar_entry_add(
            user=cast.fair_access,
            school=None,
            kind=CalendarEntry.Kind.INSET,
            start_date=FIRST_REVIEW,
            end_date=FIRST_REVIEW,
            label="Staff training day",
        )
        client.force_login(cast.receiving_staff)
        page = client.get(reverse("cases:detail", args=[active.pk]))

    assert (
        "Receiving Academy is closed on the review booked for Friday 24 October "
        "2025 (Staff training day). Agree another day"
    ) in " ".join(page.content.decode().split())

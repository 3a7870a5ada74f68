"""
Writes and moves during the placement and at its end: contacts, absence,
reviews, extensions, ending early, reintegration, the managed move, the
child-protection file and disputes.

These follow the same pattern as cases.services: lock the case, check the
stage and the scheme's rules, save, record history, refuse with a
CaseRuleError that says what to do.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cases.checklist import signatures_awaited
from cases.models import (
    Absence,
    AgreementSignature,
    Case,
    ChildProtectionFileTransfer,
    ContactLogEntry,
    Dispute,
    ExtensionAnswer,
    ExtensionRequest,
    ManagedMove,
    Outcome,
    ReintegrationPlan,
)
from cases.services import (
    PLANNING_HORIZON,
    CaseRuleError,
    _lock,
    _move,
    _not_already_recorded,
    _not_before_opened,
    _not_in_future,
    _record,
    check_open_at,
)
from dowimm.calendars.deadlines import cp_file_deadline, placement_expected_end
from dowimm.calendars.school_days import NoTermDates, format_day, school_days_for
from meetings.models import ReviewMeeting

logger = logging.getLogger(__name__)

State = Case.State
PLACEMENT = Case.PLACEMENT_STATES
AFTER_START = (*PLACEMENT, State.ENDED, State.MANAGED_MOVE)


def _save(instance, user):
    instance._history_user = user
    instance.save()
    return instance


def _not_before_start(case, on, field):
    if on < case.started_on:
        raise CaseRuleError(
            f"The date must be on or after the placement started, "
            f"{format_day(case.started_on)}",
            field=field,
        )


def _require_review(case, review, decision, message):
    """The step must follow a held review of this case that decided it."""
    if (
        review is None
        or review.case_id != case.pk
        or not review.is_held
        or review.decision != decision
    ):
        raise CaseRuleError(message, field="review")


def _open_at_receiving_school(case, day, field):
    try:
        open_that_day = school_days_for(case.receiving_school).is_school_day(day)
    except NoTermDates as missing:
        raise CaseRuleError(f"Cannot check that day: {missing}", field=field) from None
    if not open_that_day:
        raise CaseRuleError(
            f"{case.receiving_school.name} was closed on {format_day(day)}: "
            "choose a day the school was open",
            field=field,
        )


# Dates of the placement


def authorised_absence_days(case):
    """School days the pupil missed entirely, with the absence authorised."""
    sessions = {}
    for absence in case.absences.all():
        if absence.authorised:
            sessions.setdefault(absence.absent_on, set()).add(absence.session)
    return sorted(day for day, missed in sessions.items() if len(missed) == 2)


def placement_length(case):
    agreed = case.extensions.filter(status=ExtensionRequest.Status.AGREED)
    return settings.DOWIMM_PLACEMENT_SCHOOL_DAYS + sum(
        extension.extra_school_days for extension in agreed
    )


def expected_end_recalculate(case):
    """
    Work out the expected end again after absence or an extension. Without
    term dates far enough ahead the old date stands, with the reason shown.
    """
    try:
        end = placement_expected_end(
            school_days_for(case.receiving_school),
            case.started_on,
            authorised_absence_days=authorised_absence_days(case),
            length=placement_length(case),
        )
    except NoTermDates as missing:
        case.expected_end_explanation = (
            f"Could not be worked out again: {missing}. The Fair Access team or "
            "the school can add the term dates."
        )
        return
    case.expected_end_on = end.end_date
    case.expected_end_explanation = end.explanation


def expected_ends_follow_calendar(sender, *, calendar, user, **kwargs):
    """
    Count the expected end of every running placement again when term dates
    change on the calendar its receiving school follows: a training day added
    later moves the end as surely as one known at the start.
    """
    cases = Case.objects.filter(state__in=PLACEMENT, started_on__isnull=False)
    if calendar.school_id is not None:
        cases = cases.filter(receiving_school_id=calendar.school_id)
    # The county's calendar reaches every school that borrows its terms, so
    # every placement is counted again; only those that move are saved.
    for case in cases.select_for_update(of=("self",)).select_related(
        "receiving_school"
    ):
        before = case.expected_end_on, case.expected_end_explanation
        expected_end_recalculate(case)
        if case.expected_end_on != before[0]:
            _record(
                case,
                user,
                f"Expected end moved from {format_day(before[0])} to "
                f"{format_day(case.expected_end_on)}: term dates changed",
            )
        elif case.expected_end_explanation != before[1]:
            _record(case, user, "Expected end checked again: term dates changed")


# During the placement


@transaction.atomic
def contact_record(*, case_id, user, contact_on, between, method, summary):
    case = _lock(case_id, State.PLANNING, *PLACEMENT)
    _not_before_opened(case, contact_on, "contact_on")
    _not_in_future(contact_on, "contact_on")
    _not_already_recorded(
        case.contacts,
        "contact",
        contact_on=contact_on,
        method=method,
        between=between,
        summary=summary,
    )
    contact = _save(
        ContactLogEntry(
            case=case,
            contact_on=contact_on,
            between=between,
            method=method,
            summary=summary,
            recorded_by=user,
        ),
        user,
    )
    _record(case, user, "Contact recorded")
    return contact


@transaction.atomic
def absence_record(*, case_id, user, absent_on, sessions, authorised, reason):
    case = _lock(case_id, *PLACEMENT)
    _not_before_start(case, absent_on, "absent_on")
    _not_in_future(absent_on, "absent_on")
    _open_at_receiving_school(case, absent_on, "absent_on")
    taken = set(
        case.absences.filter(absent_on=absent_on).values_list("session", flat=True)
    )
    if taken & set(sessions):
        raise CaseRuleError(
            f"An absence is already recorded for that session on "
            f"{format_day(absent_on)}",
            field="sessions",
        )

    for session in sessions:
        _save(
            Absence(
                case=case,
                absent_on=absent_on,
                session=session,
                authorised=authorised,
                reason=reason,
                recorded_by=user,
            ),
            user,
        )
    if authorised:
        expected_end_recalculate(case)
    kind = "Authorised" if authorised else "Unauthorised"
    _record(case, user, f"{kind} absence recorded for {format_day(absent_on)}")


@transaction.atomic
def review_record(*, case_id, user, review_id, details, next_review_on):
    """
    Record a review that was held. Each review confirms the next one, unless
    it decided to end the placement or offer a managed move.
    """
    case = _lock(case_id, *PLACEMENT)
    review = case.reviews.get(pk=review_id) if review_id else ReviewMeeting(case=case)
    held_on = details["held_on"]
    _not_before_start(case, held_on, "held_on")
    _not_in_future(held_on, "held_on")
    Decision = ReviewMeeting.Decision
    continues = details["decision"] in (Decision.CONTINUE, Decision.REQUEST_EXTENSION)
    if continues and not next_review_on:
        raise CaseRuleError("Enter the date of the next review", field="next_review_on")
    if next_review_on and next_review_on <= held_on:
        raise CaseRuleError(
            "The next review must be after this one", field="next_review_on"
        )
    if next_review_on:
        check_open_at(
            case.receiving_school, next_review_on, "next review", "next_review_on"
        )
    end = case.expected_end_on
    if next_review_on and end and next_review_on > end:
        # A later date would leave the end of the placement unreviewed; an
        # agreed extension moves the expected end.
        raise CaseRuleError(
            f"The next review must be by the placement's expected end, "
            f"{format_day(end)}, so that a review decides what happens then. "
            "Choose a date on or before it",
            field="next_review_on",
        )
    latest = (
        case.reviews.filter(held_on__isnull=False)
        .exclude(pk=review.pk)
        .order_by("-held_on")
        .first()
    )
    if latest and held_on <= latest.held_on:
        raise CaseRuleError(
            f"A review held on {format_day(latest.held_on)} is already recorded. "
            "Reviews are recorded in the order they are held: enter the date of "
            "a later review",
            field="held_on",
        )

    for name, value in details.items():
        setattr(review, name, value)
    review.scheduled_for = review.scheduled_for or held_on
    review.recorded_by = user
    review.sessions_possible, authorised, unauthorised = _sessions_since_last_review(
        case, review
    )
    review.sessions_absent_authorised = authorised
    review.sessions_absent_unauthorised = unauthorised
    _save(review, user)
    reason = f"Review held on {format_day(held_on)}"
    if next_review_on:
        reason += _confirm_next_review(case, user, next_review_on)
    _record(case, user, reason)
    return review


def _sessions_since_last_review(case, review):
    earlier = [
        r.held_on
        for r in case.reviews.filter(held_on__isnull=False).exclude(pk=review.pk)
        if r.held_on < review.held_on
    ]
    since = max(earlier) + datetime.timedelta(days=1) if earlier else case.started_on
    try:
        days = school_days_for(case.receiving_school).count_school_days(
            since, review.held_on
        )
    except NoTermDates:
        days = None
    absences = case.absences.filter(absent_on__gte=since, absent_on__lte=review.held_on)
    authorised = sum(1 for absence in absences if absence.authorised)
    unauthorised = len(absences) - authorised
    return (days * 2 if days is not None else None), authorised, unauthorised


def _confirm_next_review(case, user, next_review_on):
    """
    The review just held fixed the date of the next one. The first review
    still to come moves to that date, unless one is booked on it already;
    reviews booked before it are no longer held. Reviews booked after it
    stay as planned. Returns what changed, for the case history.
    """
    upcoming = list(case.reviews.filter(held_on__isnull=True))
    on_the_day = [r for r in upcoming if r.scheduled_for == next_review_on]
    next_review = on_the_day[0] if on_the_day else None
    if next_review is None:
        next_review = upcoming[0] if upcoming else ReviewMeeting(case=case)
        next_review.scheduled_for = next_review_on
        _save(next_review, user)
    dropped = [
        r
        for r in upcoming
        if r.pk != next_review.pk and r.scheduled_for <= next_review_on
    ]
    for review in dropped:
        review._history_user = user
        review.delete()
    said = f"; next review {format_day(next_review_on)}"
    if dropped:
        days = " and ".join(format_day(r.scheduled_for) for r in dropped)
        said += f" in place of the one booked for {days}"
        if len(dropped) > 1:
            said = said.replace("the one", "those")
    return said


# Extensions


@transaction.atomic
def extension_request(*, case_id, user, review, reason, request, extra_school_days):
    case = _lock(case_id, *PLACEMENT)
    _require_review(
        case,
        review,
        ReviewMeeting.Decision.REQUEST_EXTENSION,
        "Hold a review that decides to request an extension first",
    )
    if case.extensions.filter(status=ExtensionRequest.Status.AWAITING).exists():
        raise CaseRuleError("An extension request is already waiting for answers")
    if not 1 <= extra_school_days <= settings.DOWIMM_PLACEMENT_SCHOOL_DAYS:
        raise CaseRuleError(
            "Ask for between 1 and "
            f"{settings.DOWIMM_PLACEMENT_SCHOOL_DAYS} more school days",
            field="extra_school_days",
        )
    extension = _save(
        ExtensionRequest(
            case=case,
            review=review,
            reason=reason,
            request=request,
            extra_school_days=extra_school_days,
            requested_on=timezone.localdate(),
            requested_by=user,
        ),
        user,
    )
    _record(case, user, f"Extension of {extra_school_days} school days requested")
    return extension


@transaction.atomic
def extension_answer(*, extension_id, user, party, agreed, notes):
    """
    One party's answer. Any refusal refuses the request; when the home
    school, the family and FAET have all agreed, the placement is extended.
    """
    extension = ExtensionRequest.objects.get(pk=extension_id)
    case = _lock(extension.case_id, *PLACEMENT)
    extension.refresh_from_db()
    if extension.status != ExtensionRequest.Status.AWAITING:
        raise CaseRuleError(
            f"This request is already {extension.get_status_display().lower()}"
        )
    if extension.answers.filter(party=party).exists():
        raise CaseRuleError(
            f"The {ExtensionAnswer.Party(party).label.lower()}'s answer is already "
            "recorded. Nothing was changed.",
            field="party",
        )
    answer = _save(
        ExtensionAnswer(
            extension=extension,
            party=party,
            agreed=agreed,
            notes=notes,
            answered_on=timezone.localdate(),
            answered_by=user,
        ),
        user,
    )
    label = answer.get_party_display()

    if not agreed:
        extension.status = ExtensionRequest.Status.REFUSED
        _save(extension, user)
        _record(case, user, f"Extension refused by the {label.lower()}")
        return answer

    if extension.answers.count() < len(ExtensionAnswer.Party):
        _record(case, user, f"Extension agreed by the {label.lower()}")
        return answer

    extension.status = ExtensionRequest.Status.AGREED
    _save(extension, user)
    expected_end_recalculate(case)
    extension.new_expected_end_on = case.expected_end_on
    _save(extension, user)
    _move(case, "extend", user, "Extension agreed by everyone")
    return answer


# Ending early


@transaction.atomic
def placement_end_early(*, case_id, user, review, grounds_for_suspension, details):
    """The receiving school ends the placement for one of the three reasons."""
    case = _lock(case_id, *PLACEMENT)
    _require_review(
        case,
        review,
        ReviewMeeting.Decision.END,
        "Hold a review meeting that decides to end the placement first",
    )
    _check_ending_reason(case, review, grounds_for_suspension, details)
    last_day = details["last_day_on"]
    _not_before_start(case, last_day, "last_day_on")
    if details["return_on"] <= last_day:
        raise CaseRuleError(
            "The return date must be after the last day at the receiving school",
            field="return_on",
        )
    check_open_at(case.home_school, details["return_on"], "return", "return_on")

    outcome = _save(
        Outcome(case=case, review=review, completed_by=user, **details), user
    )
    case.closed_on = last_day
    case.closed_reason = f"Ended early: {outcome.get_reason_display()}"
    _move(case, "end_early", user, f"Placement ended early: {outcome.reason}")
    return outcome


def _check_ending_reason(case, review, grounds_for_suspension, details):
    Reason = Outcome.Reason
    reason = details["reason"]
    if reason == Reason.SERIOUS_BREACH:
        if not details["incident"]:
            raise CaseRuleError("Describe the incident", field="incident")
        if grounds_for_suspension is None:
            raise CaseRuleError(
                "Select yes if the breach would be grounds for a suspension at "
                "your school",
                field="grounds_for_suspension",
            )
        if not grounds_for_suspension:
            raise CaseRuleError(
                "A minor infraction cannot end a placement. Raise the concern "
                "at a review and agree a plan to keep the placement going.",
                field="grounds_for_suspension",
            )
    if reason == Reason.ENGAGEMENT:
        raised_before = case.reviews.filter(
            held_on__lt=review.held_on,
            engagement__in=[
                ReviewMeeting.Engagement.PARTLY,
                ReviewMeeting.Engagement.NOT_MET,
            ],
        )
        if not raised_before.exists():
            raise CaseRuleError(
                "The engagement concern must have been raised at an earlier "
                "review before the placement can end for this reason",
                field="reason",
            )


@transaction.atomic
def outcome_mark_sent(*, case_id, user):
    case = _lock(case_id, State.ENDED)
    if case.outcome.sent_to_faet_on:
        raise CaseRuleError("The Outcomes Form is already marked as sent")
    case.outcome.sent_to_faet_on = timezone.localdate()
    _save(case.outcome, user)
    _record(case, user, "Outcomes Form sent to the Fair Access team")


@transaction.atomic
def outcome_mark_received(*, case_id, user):
    case = _lock(case_id, State.ENDED)
    outcome = case.outcome
    if outcome.sent_to_faet_on is None:
        raise CaseRuleError("The Outcomes Form has not been sent yet")
    if outcome.received_by_faet_on:
        raise CaseRuleError("The Outcomes Form is already marked as received")
    outcome.received_by_faet_on = timezone.localdate()
    _save(outcome, user)
    _record(case, user, "Outcomes Form received by the Fair Access team")


@transaction.atomic
def agreement_mark_received(*, case_id, user):
    case = _lock(case_id, *AFTER_START)
    if case.agreement_received_by_faet_on:
        raise CaseRuleError("The agreement is already marked received")
    case.agreement_received_by_faet_on = timezone.localdate()
    _record(case, user, "DOWIMM Agreement received by the Fair Access team")


@transaction.atomic
def reintegration_plan_record(*, case_id, user, details):
    case = _lock(case_id, State.ENDED)
    return_on = case.outcome.return_on
    offered_on, held_on = details["meeting_offered_on"], details["meeting_held_on"]
    _not_before_start(case, offered_on, "meeting_offered_on")
    _not_in_future(offered_on, "meeting_offered_on")
    if held_on:
        _not_in_future(held_on, "meeting_held_on")
        if held_on < offered_on:
            raise CaseRuleError(
                "The meeting must be held on or after the day it was offered, "
                f"{format_day(offered_on)}",
                field="meeting_held_on",
            )
    if details["reduced_timetable"]:
        if not details["parental_agreement_on"]:
            raise CaseRuleError(
                "A reduced timetable needs the parents' written agreement: enter "
                "the date they agreed",
                field="parental_agreement_on",
            )
        if not details["reduced_timetable_ends_on"]:
            raise CaseRuleError(
                "Enter when the reduced timetable ends: it must be time-limited",
                field="reduced_timetable_ends_on",
            )
        _not_in_future(details["parental_agreement_on"], "parental_agreement_on")
        ends_on = details["reduced_timetable_ends_on"]
        if ends_on <= return_on:
            raise CaseRuleError(
                "The reduced timetable must end after the return date",
                field="reduced_timetable_ends_on",
            )
        if ends_on > return_on + PLANNING_HORIZON:
            raise CaseRuleError(
                f"A reduced timetable is for a short time, and "
                f"{format_day(ends_on)} is more than 26 weeks after the return. "
                "Check the year, or agree an earlier end",
                field="reduced_timetable_ends_on",
            )
    if held_on and held_on > return_on:
        raise CaseRuleError(
            f"Hold the reintegration meeting before the pupil returns on "
            f"{format_day(return_on)}",
            field="meeting_held_on",
        )
    if details["review_on"] <= return_on:
        raise CaseRuleError(
            "The plan's review must be after the return date", field="review_on"
        )
    check_open_at(case.home_school, details["review_on"], "plan's review", "review_on")

    plan = getattr(case, "reintegration_plan", None) or ReintegrationPlan(case=case)
    for name, value in details.items():
        setattr(plan, name, value)
    plan.recorded_by = user
    _save(plan, user)
    _record(case, user, "Reintegration plan recorded")
    return plan


# The managed move


@transaction.atomic
def managed_move_offer(*, case_id, user, review):
    case = _lock(case_id, *PLACEMENT)
    _require_review(
        case,
        review,
        ReviewMeeting.Decision.OFFER_MANAGED_MOVE,
        "Hold a review meeting that decides to offer a managed move first",
    )
    if hasattr(case, "managed_move"):
        raise CaseRuleError("A managed move has already been offered")
    move = _save(
        ManagedMove(
            case=case, review=review, offered_on=timezone.localdate(), offered_by=user
        ),
        user,
    )
    _record(case, user, "Managed move offered")
    return move


@transaction.atomic
def managed_move_complete(*, case_id, user, single_registration_on):
    case = _lock(case_id, *PLACEMENT)
    if not hasattr(case, "managed_move"):
        raise CaseRuleError("The receiving school has not offered a managed move")
    awaited = signatures_awaited(
        case, AgreementSignature.Document.MANAGED_MOVE_AGREEMENT
    )
    if awaited:
        raise CaseRuleError(
            f"The Managed Move Agreement still needs {len(awaited)} signature"
            f"{'s' if len(awaited) > 1 else ''}"
        )
    _not_before_start(case, single_registration_on, "single_registration_on")
    _not_in_future(single_registration_on, "single_registration_on")
    signed = case.signatures.filter(
        document=AgreementSignature.Document.MANAGED_MOVE_AGREEMENT
    ).aggregate(last=Max("signed_on"))["last"]
    if signed and single_registration_on < signed:
        raise CaseRuleError(
            "The move can begin only once everyone has signed the Managed Move "
            f"Agreement, which was on {format_day(signed)}. Enter that date or "
            "a later one",
            field="single_registration_on",
        )
    _open_at_receiving_school(case, single_registration_on, "single_registration_on")
    move = case.managed_move
    move.single_registration_on = single_registration_on
    move.cp_file_due_on = _cp_file_due_on(case, single_registration_on)
    _save(move, user)
    case.closed_on = single_registration_on
    case.closed_reason = "Managed move completed"
    _move(case, "complete_managed_move", user, "Managed move completed")
    return move


def _cp_file_due_on(case, moved_on):
    try:
        return cp_file_deadline(school_days_for(case.home_school), moved_on).due
    except NoTermDates:
        logger.warning("No term dates to set the CP-file deadline of case %s", case.pk)
        return None


@transaction.atomic
def cme_informed_record(*, case_id, user, side, informed_on):
    """`side` is "home" or "receiving": each school tells the CME team."""
    case = _lock(case_id, State.MANAGED_MOVE)
    move = case.managed_move
    _not_in_future(informed_on, "informed_on")
    if informed_on < move.single_registration_on:
        raise CaseRuleError(
            "The date must be on or after the move", field="informed_on"
        )
    setattr(move, f"{side}_cme_informed_on", informed_on)
    _save(move, user)
    _record(case, user, f"Children Missing Education team told by the {side} school")


@transaction.atomic
def home_roll_deletion_record(*, case_id, user, deleted_on):
    case = _lock(case_id, State.MANAGED_MOVE)
    move = case.managed_move
    if deleted_on < move.single_registration_on:
        raise CaseRuleError(
            "A deletion from the roll is never backdated: the date must be on or "
            f"after the move, {format_day(move.single_registration_on)}",
            field="deleted_on",
        )
    _not_in_future(deleted_on, "deleted_on")
    move.home_deleted_from_roll_on = deleted_on
    _save(move, user)
    _record(case, user, "Pupil deleted from the home school's roll")


@transaction.atomic
def cp_file_sent_record(*, case_id, user, sent_on, method, contents):
    case = _lock(case_id, State.MANAGED_MOVE)
    if hasattr(case, "cp_file_transfer"):
        raise CaseRuleError("The child-protection file is already recorded as sent")
    if sent_on < case.managed_move.single_registration_on:
        raise CaseRuleError(
            "The file is sent once the move has happened: the date must be on "
            "or after it",
            field="sent_on",
        )
    _not_in_future(sent_on, "sent_on")
    transfer = _save(
        ChildProtectionFileTransfer(
            case=case, sent_on=sent_on, method=method, contents=contents, sent_by=user
        ),
        user,
    )
    _record(case, user, "Child-protection file sent")
    return transfer


@transaction.atomic
def cp_file_receipt_record(*, case_id, user, received_on, stored_where):
    case = _lock(case_id, State.MANAGED_MOVE)
    transfer = getattr(case, "cp_file_transfer", None)
    if transfer is None:
        raise CaseRuleError(
            "The home school has not recorded sending the file yet, so its "
            "receipt cannot be confirmed"
        )
    if transfer.received_on:
        raise CaseRuleError("Receipt of the file is already confirmed")
    if received_on < transfer.sent_on:
        raise CaseRuleError(
            f"The file was sent on {format_day(transfer.sent_on)}: it cannot "
            "have been received before that",
            field="received_on",
        )
    _not_in_future(received_on, "received_on")
    transfer.received_on = received_on
    transfer.received_by = user
    transfer.stored_where = stored_where
    _save(transfer, user)
    _record(case, user, "Child-protection file received")
    return transfer


# Disputes


@transaction.atomic
def dispute_raise(*, case_id, user, about):
    case = _lock(case_id, State.PLANNING, *AFTER_START)
    side = (
        Dispute.RaisedBy.HOME_SCHOOL
        if user.school_id == case.home_school_id
        else Dispute.RaisedBy.RECEIVING_SCHOOL
    )
    dispute = _save(
        Dispute(
            case=case,
            raised_by_school=side,
            about=about,
            raised_on=timezone.localdate(),
            raised_by=user,
        ),
        user,
    )
    _record(
        case,
        user,
        f"Dispute raised by the {dispute.get_raised_by_school_display().lower()}",
    )
    return dispute


@transaction.atomic
def dispute_mediation_record(*, dispute_id, user, dates, notes, outcome):
    dispute = Dispute.objects.get(pk=dispute_id)
    case = _lock(dispute.case_id)
    dispute.refresh_from_db()
    if not dispute.is_open:
        raise CaseRuleError("This dispute is already closed")
    dispute.mediation_dates = dates
    dispute.mediation_notes = notes
    dispute.mediation_outcome = outcome
    if outcome == Dispute.Mediation.RESOLVED:
        dispute.closed_on = timezone.localdate()
    _save(dispute, user)
    _record(
        case, user, f"Mediation recorded: {dispute.get_mediation_outcome_display()}"
    )
    return dispute


@transaction.atomic
def dispute_panel_record(*, dispute_id, user, panel, panel_on, decision):
    dispute = Dispute.objects.get(pk=dispute_id)
    case = _lock(dispute.case_id)
    dispute.refresh_from_db()
    if dispute.mediation_outcome != Dispute.Mediation.NOT_RESOLVED:
        raise CaseRuleError(
            "A dispute goes to a panel only when mediation has not resolved it",
            field="panel",
        )
    if not dispute.is_open:
        raise CaseRuleError("This dispute is already closed")
    dispute.panel = panel
    dispute.panel_on = panel_on
    dispute.panel_decision = decision
    dispute.closed_on = timezone.localdate()
    _save(dispute, user)
    _record(case, user, f"{dispute.get_panel_display()} decided the dispute")
    return dispute

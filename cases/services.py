"""
Every write to a case, and every move between its stages.

Each function locks the case row, checks the stage and the scheme's rules,
saves, and records a history row naming the person and the reason. A rule
that refuses raises CaseRuleError with a message written for the person
at the screen; nothing is saved when it does.
"""

import contextlib
import datetime
import logging
import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from cases.checklist import (
    planning_outstanding,
    preliminary_outstanding,
    signatures_awaited,
)
from cases.models import (
    AgreementSignature,
    Case,
    Consent,
    Intervention,
    ParentCarer,
    Pupil,
    ReceivingSchoolApproach,
    SafeguardingShare,
)
from dowimm.calendars.deadlines import notice_deadline, placement_expected_end
from dowimm.calendars.school_days import (
    NoTermDates,
    bank_holiday,
    format_day,
    school_days_for,
)
from dowimm.documents.selectors import KIND_FOR_DOCUMENT, current_version
from dowimm.files import case_upload_room_check
from dowimm.schools.models import School
from meetings.models import PlanningMeeting, PreliminaryMeeting, ReviewMeeting

logger = logging.getLogger(__name__)

State = Case.State

# How far ahead a planning meeting may plan: past this a date is a slip of
# the year, not a plan.
PLANNING_HORIZON = datetime.timedelta(weeks=26)
# The planning meeting's review dates, in order (meetings.forms).
REVIEW_FIELDS = (
    "first_review_on",
    "second_review_on",
    "third_review_on",
    "fourth_review_on",
)


class CaseRuleError(Exception):
    """A rule of the scheme refused the change. `field` names the input."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = [self]

    @classmethod
    def several(cls, errors):
        """
        One refusal for several rules broken at once, so that a form can show
        each against its own field instead of one at a time.
        """
        if len(errors) == 1:
            return errors[0]
        refusal = cls(" ".join(error.message for error in errors), errors[0].field)
        refusal.errors = errors
        return refusal


class UpnOnOpenCase(CaseRuleError):
    """
    The pupil already has an open case. The message is safe for anyone who
    enters the UPN; `naming_the_case()` is for those who may see that case.
    """

    def __init__(self, case):
        super().__init__(
            "This pupil already has an open case. Ask the Fair Access and "
            "Exclusions Team about it before starting another",
            field="upn",
        )
        self.case = case

    def naming_the_case(self):
        return CaseRuleError(
            f"This UPN is already on an open case, {self.case.reference}",
            field="upn",
        )


def _upload_room_check(case, upload, field):
    try:
        case_upload_room_check(case, upload)
    except ValidationError as error:
        raise CaseRuleError(error.messages[0], field=field) from None


def _lock(case_id, *states):
    """The case, locked for this transaction, if it is in one of `states`."""
    case = Case.objects.select_for_update().select_related("pupil").get(pk=case_id)
    if states and case.state not in states:
        logger.info("Refused a change to case %s in state %s", case.pk, case.state)
        raise CaseRuleError(
            f"This case is at the “{case.get_state_display()}” stage, so that "
            "cannot be done now. Nothing was changed."
        )
    return case


def _record(case, user, reason):
    """Save the case with a history row saying who did what."""
    case.updated_at = timezone.now()
    case._history_user = user
    case._change_reason = reason
    case.save()


def _move(case, transition_name, user, reason):
    transition_method = getattr(case, transition_name)
    if not can_proceed(transition_method):
        logger.info(
            "Refused transition %s on case %s in state %s",
            transition_name,
            case.pk,
            case.state,
        )
        raise CaseRuleError(
            f"This case has moved on to “{case.get_state_display()}” since the "
            "page was opened. Nothing was changed."
        )
    transition_method()
    _record(case, user, reason)


def _not_before_opened(case, on, field):
    if on < timezone.localtime(case.opened_at).date():
        raise CaseRuleError(
            "The date must be on or after the day the case was opened, "
            f"{timezone.localtime(case.opened_at):%-d %B %Y}",
            field=field,
        )


def _not_in_future(on, field):
    if on > timezone.localdate():
        raise CaseRuleError("The date must be today or in the past", field=field)


def _same_text(a, b):
    """Whether two pieces of typed text say the same, spacing and case aside."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _not_already_recorded(records, what, **same):
    """
    Refuse a record the same as one already saved, as a form sent twice (by
    the back button, or a second press of its button) would make.
    """
    texts = {name: value for name, value in same.items() if isinstance(value, str)}
    exact = {name: value for name, value in same.items() if name not in texts}
    for record in records.filter(**exact):
        if all(_same_text(getattr(record, n), v) for n, v in texts.items()):
            raise CaseRuleError(
                f"This {what} is already recorded on the case. Nothing was added"
            )


def open_case_for_upn(upn):
    return Case.objects.filter(pupil__upn=upn, state__in=Case.OPEN_STATES).first()


# Opening a case and the pupil's details


@transaction.atomic
def case_open(*, user, pupil_details):
    """Open a case at the user's school for a pupil described by a form."""
    existing = open_case_for_upn(pupil_details["upn"])
    if existing:
        raise UpnOnOpenCase(existing)

    pupil = Pupil(**pupil_details)
    _check_year_fits_the_school(pupil, user.school)
    pupil._history_user = user
    pupil.save()
    case = Case(pupil=pupil, home_school=user.school, opened_by=user)
    # The reference needs the primary key, so the first save is only a
    # step: the history row comes with the second.
    case.skip_history_when_saving = True
    case.save()
    del case.skip_history_when_saving
    case.reference = f"DWM-{timezone.localtime(case.opened_at):%Y}-{case.pk:04d}"
    _record(case, user, "Case opened")
    return case


# The year groups of each GIAS phase whose ages are fixed; other phases
# (all-through, middle, 16 plus) are not checked.
YEARS_OF_PHASE = {"Primary": range(0, 7), "Secondary": range(7, 14)}


def _check_year_fits_the_school(pupil, school):
    """Refuse a date of birth that puts the pupil outside the school's years."""
    years = YEARS_OF_PHASE.get(school.phase)
    year = pupil.year_group()
    if years is None or year in years:
        return
    in_year = "Reception" if year == 0 else f"Year {year}"
    raise CaseRuleError(
        f"{school.name} is a {school.phase.lower()} school, but a pupil born on "
        f"{pupil.date_of_birth:%-d %B %Y} is in {in_year} this school year. "
        "Check the date of birth",
        field="date_of_birth",
    )


@transaction.atomic
def pupil_update(*, case_id, user, pupil_details):
    case = _lock(case_id, *Case.OPEN_STATES)
    existing = open_case_for_upn(pupil_details["upn"])
    if existing and existing.pk != case.pk:
        raise UpnOnOpenCase(existing)

    pupil = case.pupil
    was_eligible = eligibility_hard_stop(case, False) is None
    for name, value in pupil_details.items():
        setattr(pupil, name, value)
    _check_year_fits_the_school(pupil, case.home_school)
    pupil._history_user = user
    pupil.save()
    lost = case.state != State.ELIGIBILITY and eligibility_lost(case)
    if was_eligible and lost:
        # The change is true and must be kept; the case cannot go on as a
        # DOWIMM, and FAET and the adviser decide with the school what next.
        _record(case, user, f"Pupil details changed. {lost}")
        _tell_eligibility_lost(case)
    else:
        _record(case, user, "Pupil details changed")
    return pupil


def eligibility_lost(case):
    """
    What to do when a pupil past the eligibility check no longer meets it
    (an EHCP, a decision to issue one, or care), or None.
    """
    stop = eligibility_hard_stop(case, False)
    if stop is None or not case.is_open:
        return None
    if case.state in Case.PLACEMENT_STATES:
        return (
            f"{stop} The Fair Access and Exclusions Team and the Inclusion "
            "Adviser have been told: agree with them how the placement ends."
        )
    return f"{stop} The placement cannot start: close the case as not proceeding."


def _tell_eligibility_lost(case):
    adviser = case.home_school.inclusion_adviser
    email_once_saved(
        case,
        f"DOWIMM criteria no longer met on {case.reference}",
        f"The pupil's details on case {case.reference} ({case.get_state_display()}) "
        "were changed, and the pupil no longer meets the criteria for a DOWIMM.\n\n"
        "Sign in to dowimm to see the case.\n",
        [settings.FAET_MAILBOX, adviser and adviser.email],
    )


def email_once_saved(case, subject, body, recipients):
    """
    Email once the change is committed; a failed send is logged and must
    not undo what was saved. Subjects name the case, never the pupil.
    Returns whether anyone was left to email.
    """
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return False

    def send():
        try:
            send_mail(subject, body, None, recipients)
        except (smtplib.SMTPException, OSError):
            logger.exception("Email about case %s failed", case.pk)

    transaction.on_commit(send)
    return True


@transaction.atomic
def carer_add(*, case_id, user, details):
    case = _lock(case_id, *Case.OPEN_STATES)
    carer = ParentCarer(pupil=case.pupil, **details)
    carer._history_user = user
    carer.save()
    _record(case, user, "Parent or carer added")
    return carer


# Eligibility


def eligibility_hard_stop(case, purpose_is_low_attendance):
    """The reason a DOWIMM can never be used for this pupil, or None."""
    pupil = case.pupil
    if pupil.sen_status == Pupil.SenStatus.EHCP:
        return (
            "A DOWIMM cannot be used: the pupil has an education, health and "
            "care plan. Talk to the SEND team about an annual review instead."
        )
    if pupil.sen_status == Pupil.SenStatus.YES_TO_PLAN:
        return (
            "A DOWIMM cannot be used: the local authority has agreed to issue "
            "an education, health and care plan for this pupil."
        )
    if pupil.in_care:
        return (
            "A DOWIMM cannot be used: the pupil is in the care of the local "
            "authority. Talk to the Virtual School about other support."
        )
    if purpose_is_low_attendance:
        return (
            "A DOWIMM cannot be used to resolve low attendance. Use the "
            "attendance support pathway instead."
        )
    return None


@transaction.atomic
def case_confirm_eligible(*, case_id, user, answers):
    """
    Record why a DOWIMM is appropriate and move the case to preliminary.
    Outside the scheme's three reasons, an adviser must have been consulted
    and agreed.
    """
    case = _lock(case_id, State.ELIGIBILITY)
    stop = eligibility_hard_stop(case, answers["purpose_is_low_attendance"])
    if stop:
        raise CaseRuleError(stop)

    for name, value in answers.items():
        setattr(case, name, value)
    if case.meets_a_scheme_reason:
        # The other-reason answers are only for when none of the reasons
        # apply: kept beside a reason, they would read as a second ground.
        case.other_reason, case.consultation_notes = "", ""
        case.consulted_adviser, case.consulted_on = None, None
        case.consultation_agreed = None
    else:
        if not (case.other_reason and case.consulted_adviser and case.consulted_on):
            raise CaseRuleError(
                "Outside the three reasons, record the reason, the Inclusion "
                "Adviser you consulted and when",
                field="other_reason",
            )
        if not case.consultation_agreed:
            raise CaseRuleError(
                "The Inclusion Adviser did not agree, so the case cannot go on. "
                "Close it as not proceeding instead.",
                field="consultation_agreed",
            )
        # Schools often ask the adviser before they open a case.
        opened = timezone.localtime(case.opened_at).date()
        if case.consulted_on < opened - PLANNING_HORIZON:
            raise CaseRuleError(
                "Enter a consultation in the 26 weeks before the case was "
                f"opened on {format_day(opened)}, or since. Check the year",
                field="consulted_on",
            )
        _not_in_future(case.consulted_on, "consulted_on")
    _move(case, "confirm_eligible", user, "Eligibility confirmed")
    return case


# Preliminary


@transaction.atomic
def intervention_add(*, case_id, user, description, started_on, outcome):
    case = _lock(case_id, State.PRELIMINARY)
    _not_in_future(started_on, "started_on")
    reception = case.pupil.reception_started_on
    if started_on < reception:
        raise CaseRuleError(
            f"The intervention cannot have started before the pupil began "
            f"Reception, in September {reception.year}",
            field="started_on",
        )
    _not_already_recorded(
        case.interventions,
        "intervention",
        description=description,
        started_on=started_on,
    )
    intervention = Intervention(
        case=case,
        description=description,
        started_on=started_on,
        outcome=outcome,
        recorded_by=user,
    )
    intervention._history_user = user
    intervention.save()
    _record(case, user, "Intervention recorded")
    return intervention


@transaction.atomic
def preliminary_meeting_record(*, case_id, user, held_on, attendees, notes):
    case = _lock(case_id, State.PRELIMINARY)
    _not_before_opened(case, held_on, "held_on")
    _not_in_future(held_on, "held_on")
    meeting, _ = PreliminaryMeeting.objects.update_or_create(
        case=case,
        defaults={
            "held_on": held_on,
            "attendees": attendees,
            "notes": notes,
            "recorded_by": user,
        },
    )
    _record(case, user, "Preliminary meeting recorded")
    return meeting


@transaction.atomic
def provision_plan_upload(*, case_id, user, upload):
    case = _lock(case_id, State.PRELIMINARY)
    _upload_room_check(case, upload, "file")
    old = case.provision_plan.name if case.provision_plan else None
    case.provision_plan_name = upload.name[:255]
    case.provision_plan.save(upload.name, upload, save=False)
    case.provision_plan_uploaded_at = timezone.now()
    _record(case, user, "Provision Plan uploaded")
    if old:
        # Keep the previous file until the new one is safely recorded.
        transaction.on_commit(lambda: case.provision_plan.storage.delete(old))
    return case


@transaction.atomic
def pathway_agree(*, case_id, user, decided_on, best_interests_statement):
    case = _lock(case_id, State.PRELIMINARY)
    outstanding = preliminary_outstanding(case)
    if outstanding:
        raise CaseRuleError(
            "The pathway can be agreed once the home school has finished: "
            + ", ".join(outstanding).lower()
        )
    _not_before_opened(case, decided_on, "decided_on")
    _not_in_future(decided_on, "decided_on")
    case.pathway_decided_by = user
    case.pathway_decided_on = decided_on
    case.best_interests_statement = best_interests_statement
    _move(case, "agree_pathway", user, "Pathway agreed by the Inclusion Adviser")
    return case


@transaction.atomic
def pathway_decline(*, case_id, user, decided_on, reason):
    """The adviser declines the pathway: the case closes as not proceeding."""
    case = _lock(case_id, State.PRELIMINARY)
    _not_in_future(decided_on, "decided_on")
    case.pathway_decided_by = user
    case.pathway_decided_on = decided_on
    case.closed_on = timezone.localdate()
    case.closed_reason = f"The Inclusion Adviser declined the pathway: {reason}"
    _move(case, "close_not_proceeding", user, case.closed_reason)
    return case


@transaction.atomic
def case_close_not_proceeding(*, case_id, user, reason):
    """
    Close a case that will not go ahead: before its placement's first day,
    even once the start is recorded. The schools involved are told.
    """
    case = _lock(case_id, *Case.BEFORE_START_STATES, State.ACTIVE)
    if case.has_begun:
        raise CaseRuleError(
            f"The placement began on {format_day(case.started_on)}, so it cannot "
            "be closed as not proceeding. Hold a review that decides to end it, "
            "then end it early"
        )
    case.closed_on = timezone.localdate()
    case.closed_reason = reason
    withdrawn = _withdraw_awaiting_approaches(case, user)
    told = [*withdrawn, case.receiving_school] if case.receiving_school else withdrawn
    email_once_saved(
        case,
        f"The DOWIMM placement will not go ahead: case {case.reference}",
        f"{case.home_school.name} has closed case {case.reference}: the DOWIMM "
        "placement will not go ahead. Nothing more is needed from your "
        "school.\n",
        [school.named_contact_email for school in told]
        + [case.receiving_contact_email],
    )
    _move(
        case,
        "close_not_proceeding",
        user,
        f"Closed as not proceeding: {reason}{_withdrawn(withdrawn)}",
    )
    return case


# Finding a receiving school


def _withdraw_awaiting_approaches(case, user):
    """Withdraw the approaches still waiting; returns their schools."""
    awaiting = case.approaches.filter(
        answer=ReceivingSchoolApproach.Answer.AWAITING
    ).select_related("school")
    schools = []
    for approach in awaiting:
        approach.answer = ReceivingSchoolApproach.Answer.WITHDRAWN
        approach._history_user = user
        approach.save()
        schools.append(approach.school)
    return schools


def _withdrawn(schools):
    """The words for the case's history about approaches withdrawn."""
    if not schools:
        return ""
    return "; approaches withdrawn: " + ", ".join(s.name for s in schools)


def schools_by_distance(case):
    """Other schools, nearest to the home school first, across boundaries too."""
    home = case.home_school
    schools = School.objects.exclude(pk=home.pk)
    ranked = [(school.distance_km(home), school) for school in schools]
    ranked.sort(key=lambda pair: (pair[0] is None, pair[0] or 0, pair[1].name))
    return ranked


@transaction.atomic
def approach_record(*, case_id, user, school, approached_on, notes):
    case = _lock(case_id, State.FINDING_SCHOOL)
    if school.pk == case.home_school_id:
        raise CaseRuleError(
            "Choose a school other than the pupil's home school", field="school"
        )
    if case.approaches.filter(
        school=school, answer=ReceivingSchoolApproach.Answer.AWAITING
    ).exists():
        raise CaseRuleError(
            f"{school.name} has already been approached and has not answered yet",
            field="school",
        )
    _not_before_opened(case, approached_on, "approached_on")
    _not_in_future(approached_on, "approached_on")
    approach = ReceivingSchoolApproach(
        case=case, school=school, approached_on=approached_on, notes=notes
    )
    approach._history_user = user
    approach.save()
    _record(case, user, f"Approached {school.name}")
    # Staff at the school answer in dowimm; the named contact hears at once
    # rather than from the next morning's reminders.
    email_once_saved(
        case,
        f"Will you take a DOWIMM placement? Case {case.reference}",
        f"{case.home_school.name} has asked {school.name} to consider a DOWIMM "
        f"placement for a pupil (case {case.reference}).\n\n"
        "Sign in to dowimm to read the referral and answer.\n",
        [school.named_contact_email],
    )
    return approach


@transaction.atomic
def approach_answer(*, approach_id, user, accept, notes):
    """
    The approached school answers. The first school to accept becomes the
    receiving school and the case moves to planning; approaches to other
    schools still waiting are withdrawn.
    """
    approach = ReceivingSchoolApproach.objects.get(pk=approach_id)
    case = _lock(approach.case_id, State.FINDING_SCHOOL)
    approach.refresh_from_db()
    if approach.answer != ReceivingSchoolApproach.Answer.AWAITING:
        raise CaseRuleError(
            f"This approach has already been answered: "
            f"{approach.get_answer_display().lower()}. Nothing was changed."
        )
    if not accept and not notes.strip():
        raise CaseRuleError(
            "Say why your school declines: the home school and the Fair Access "
            "and Exclusions Team need the reason",
            field="notes",
        )

    approach.answer = (
        ReceivingSchoolApproach.Answer.ACCEPTED
        if accept
        else ReceivingSchoolApproach.Answer.DECLINED
    )
    approach.answered_on = timezone.localdate()
    approach.answered_by = user
    approach.answer_notes = notes
    approach._history_user = user
    approach.save()
    school = approach.school
    answered = "accepted" if accept else "declined"
    # The home school hears at once, not from the next morning's reminders.
    email_once_saved(
        case,
        f"{school.name} {answered} the DOWIMM placement: case {case.reference}",
        f"{school.name} has {answered} the DOWIMM placement for case "
        f"{case.reference}.\n\nSign in to dowimm to read their notes and "
        "see what comes next.\n",
        [case.home_school.named_contact_email, case.home_contact_email],
    )
    if not accept:
        _record(case, user, f"{school.name} declined")
        return approach

    withdrawn = _withdraw_awaiting_approaches(case, user)
    case.receiving_school = school
    reason = f"{school.name} accepted{_withdrawn(withdrawn)}"
    _move(case, "accept_placement", user, reason)
    return approach


# Planning


@transaction.atomic
def consent_record(*, case_id, user, carer, given_on, method):
    case = _lock(case_id, State.PLANNING)
    if carer is not None and carer.pupil_id != case.pupil_id:
        raise CaseRuleError("Choose a parent or carer of this pupil", field="given_by")
    if case.consents.filter(carer=carer).exists():
        raise CaseRuleError(
            "Consent from this person is already recorded", field="given_by"
        )
    _not_in_future(given_on, "given_on")
    consent = Consent(case=case, carer=carer, given_on=given_on, method=method)
    consent._history_user = user
    consent.save()
    _record(case, user, f"Consent recorded: {consent.given_by}")
    return consent


@transaction.atomic
def planning_meeting_record(*, case_id, user, details, review_dates):
    case = _lock(case_id, State.PLANNING)
    refusals = _planning_refusals(
        case, details["held_on"], details["proposed_start_on"], review_dates
    )
    # The first refusal for each field, and every one for the form as a whole.
    shown = {}
    for refusal in filter(None, refusals):
        shown.setdefault(refusal.field or len(shown), refusal)
    if shown:
        raise CaseRuleError.several(list(shown.values()))

    meeting, _ = PlanningMeeting.objects.update_or_create(
        case=case, defaults={**details, "recorded_by": user}
    )
    case.reviews.filter(held_on__isnull=True).delete()
    for number, review_on in enumerate(sorted(set(review_dates))):
        ReviewMeeting.objects.create(
            case=case, scheduled_for=review_on, face_to_face=number == 0
        )
    _record(case, user, "Planning meeting recorded")
    return meeting


def _refusal(check, *args):
    """The CaseRuleError that `check(*args)` raises, or None."""
    try:
        check(*args)
    except CaseRuleError as refusal:
        return refusal
    return None


def _planning_refusals(case, held_on, start, review_dates):
    """
    Every rule the planning meeting's dates break. Dates that could never
    work are refused now, before everyone signs an agreement that shows
    them, rather than when the placement starts. Where the calendars do not
    reach a date yet, only weekends and bank holidays are refused.
    """
    yield _refusal(_not_before_opened, case, held_on, "held_on")
    yield _refusal(_not_in_future, held_on, "held_on")
    if start < held_on:
        yield CaseRuleError(
            "The proposed start date must be after the planning meeting",
            field="proposed_start_on",
        )
    if any(review <= start for review in review_dates):
        yield CaseRuleError(
            "Each review date must be after the proposed start date",
            field="first_review_on",
        )
    if review_dates != sorted(set(review_dates)):
        yield CaseRuleError(
            "Enter the review dates in order, each on a different day",
            field="first_review_on",
        )
    if start > held_on + PLANNING_HORIZON:
        yield CaseRuleError(
            f"The proposed start, {format_day(start)}, is more than 26 weeks "
            "after the planning meeting. Check the year",
            field="proposed_start_on",
        )
    # Each review's error goes with its own field, in the planning form's order.
    reviews = [
        (REVIEW_FIELDS[min(n, len(REVIEW_FIELDS) - 1)], "review", review)
        for n, review in enumerate(review_dates)
    ]
    if reviews and reviews[-1][2] > start + PLANNING_HORIZON:
        field, _, last = reviews[-1]
        yield CaseRuleError(
            f"The review on {format_day(last)} is more than 26 weeks "
            "after the first day, and a placement lasts about 8 school weeks. "
            "Check the year",
            field=field,
        )
    planned = [("proposed_start_on", "first day", start), *reviews]
    # Weekends first, for every date, so that a weekend is reported even
    # where the calendars do not reach it yet.
    for field, what, day in planned:
        yield _refusal(_check_weekday, day, what, field)
    for field, what, day in planned:
        yield _refusal(check_open_at, case.receiving_school, day, what, field)
    # Without the home school's terms the notice is checked at the start.
    with contextlib.suppress(NoTermDates):
        yield _refusal(_check_notice_given, case, start, "proposed_start_on")


def _check_weekday(day, what, field):
    if day.weekday() >= 5:
        raise CaseRuleError(
            f"The {what} cannot be on a {day:%A} ({format_day(day)}). "
            "Choose a school day",
            field=field,
        )


def check_open_at(school, day, what, field):
    """
    Refuse a day the school is closed, naming why. Beyond the school's
    recorded terms only weekends and bank holidays are known to be closed:
    term dates are never guessed.
    """
    _check_weekday(day, what, field)
    school_days = school_days_for(school)
    try:
        closed_because = school_days.closed_because(day)
    except NoTermDates:
        closed_because = bank_holiday(day)
    if closed_because:
        raise CaseRuleError(
            f"{school.name} is closed on {format_day(day)} "
            f"({closed_because}). Choose a school day for the {what}",
            field=field,
        )


@transaction.atomic
def safeguarding_share_record(*, case_id, user, details):
    case = _lock(case_id, State.PLANNING)
    _not_in_future(details["shared_on"], "shared_on")
    share, _ = SafeguardingShare.objects.update_or_create(
        case=case, defaults={**details, "shared_by": user}
    )
    _record(case, user, "Safeguarding information shared")
    return share


@transaction.atomic
def safer_recruitment_record(*, case_id, user, assured_by, assured_on):
    case = _lock(case_id, State.PLANNING)
    _not_in_future(assured_on, "assured_on")
    case.safer_recruitment_assured_by = assured_by
    case.safer_recruitment_assured_on = assured_on
    _record(case, user, "Safer-recruitment assurance given")
    return case


@transaction.atomic
def named_contact_record(*, case_id, user, side, name, email):
    """`side` is "home" or "receiving": each school names its own contact."""
    case = _lock(case_id, State.PLANNING)
    setattr(case, f"{side}_contact_name", name)
    setattr(case, f"{side}_contact_email", email)
    _record(case, user, f"Named contact for the {side} school recorded")
    return case


@transaction.atomic
def tour_record(*, case_id, user, tour_on):
    case = _lock(case_id, State.PLANNING)
    # The task is done by the tour itself, not by booking it.
    _not_in_future(tour_on, "tour_on")
    case.tour_on = tour_on
    _record(case, user, "Tour of the receiving school recorded")
    return case


@transaction.atomic
def signature_record(
    *,
    case_id,
    user,
    party,
    carer,
    signed_by_name,
    signed_on,
    method,
    scan,
    document=AgreementSignature.Document.DOWIMM_AGREEMENT,
):
    """
    Record a signature on the DOWIMM Agreement (in planning) or on the
    Managed Move Agreement (once the receiving school has offered one).
    """
    Document = AgreementSignature.Document
    if document == Document.DOWIMM_AGREEMENT:
        case = _lock(case_id, State.PLANNING)
    else:
        case = _lock(case_id, *Case.PLACEMENT_STATES)
        if not hasattr(case, "managed_move"):
            raise CaseRuleError(
                "The receiving school has not offered a managed move yet"
            )
    is_carer = party == AgreementSignature.Party.PARENT_CARER
    if is_carer and (carer is None or carer.pupil_id != case.pupil_id):
        raise CaseRuleError("Choose which parent or carer signed", field="party")
    version = current_version(case, KIND_FOR_DOCUMENT[document])
    if version is None:
        raise CaseRuleError(
            f"The {document.label} has not been prepared yet, so it cannot be signed"
        )
    Party = AgreementSignature.Party
    school = {
        Party.HOME_SCHOOL: case.home_school,
        Party.RECEIVING_SCHOOL: case.receiving_school,
    }.get(party)
    if school is not None and user.school_id != school.pk:
        raise CaseRuleError(
            f"Only staff of {school.name} can sign for it or record its signature",
            field="party",
        )
    signer = (party, carer.pk if is_carer else None)
    if signer not in signatures_awaited(case, document):
        raise CaseRuleError(
            "This party has already signed the current version", field="party"
        )
    name = _signer_name(case, party, carer, signed_by_name)
    if method == AgreementSignature.Method.PAPER and not scan:
        raise CaseRuleError("Upload a scan of the signed paper copy", field="scan")
    _not_in_future(signed_on, "signed_on")
    # The signature counts for the current version, so it cannot predate it.
    prepared_on = timezone.localdate(version.created_at)
    if signed_on < prepared_on:
        raise CaseRuleError(
            f"Enter a date on or after {prepared_on:%A %-d %B %Y}, when this "
            f"version of the {document.label} was prepared: nobody can sign it "
            "before it exists. A copy signed earlier is of an older version, so "
            "ask them to sign the current one",
            field="signed_on",
        )
    if scan:
        _upload_room_check(case, scan, "scan")

    signature = AgreementSignature(
        case=case,
        document=document,
        party=party,
        carer=carer if is_carer else None,
        signed_by_name=name,
        signed_on=signed_on,
        method=method,
        recorded_by=user,
    )
    if scan:
        signature.scan.save(scan.name, scan, save=False)
    signature._history_user = user
    signature.save()
    _record(
        case,
        user,
        f"{signature.get_document_display()} signed: {signature.get_party_display()}",
    )
    return signature


def _signer_name(case, party, carer, typed):
    """
    The name kept with a signature recorded by staff. A parent, carer or
    the pupil signs in the name the case holds for them, which needs only a
    letter in it (as when they sign from a link); for a school, it is the
    member of staff who signed, as typed, and typed text with no letters,
    or with the digits, underscores or colons of an internal key such as
    "parent_carer:4", is refused.
    """
    Party = AgreementSignature.Party
    if party == Party.PARENT_CARER:
        name = carer.full_name
        refusal = CaseRuleError(
            "Add the full name of this parent or carer to their details, then "
            "record their signature",
            field="party",
        )
    elif party == Party.PUPIL:
        name = case.pupil.legal_name
        refusal = CaseRuleError("Add the pupil's legal name first", field="party")
    else:
        name = typed
        home = party == Party.HOME_SCHOOL
        school = case.home_school if home else case.receiving_school
        refusal = CaseRuleError(
            f"Enter the name of the person who signed for {school.name}, as "
            "written on the paper copy",
            field="signed_by_name",
        )
    was_typed = party not in (Party.PARENT_CARER, Party.PUPIL)
    name = " ".join(name.split())
    looks_like_a_key = was_typed and any(c.isdigit() or c in "_:@" for c in name)
    if not any(c.isalpha() for c in name) or looks_like_a_key:
        raise refusal
    return name


# The placement


def _check_notice_given(case, first_day, field="started_on"):
    """The family must have written notice 2 school days before the first day."""
    due = notice_deadline(school_days_for(case.home_school), first_day).due
    if timezone.localdate() > due:
        raise CaseRuleError(
            f"Written notice must reach the family by {due:%A %-d %B %Y}, 2 school "
            f"days before a first day of {first_day:%A %-d %B %Y}. Choose a later "
            "first day in the planning meeting.",
            field=field,
        )


@transaction.atomic
def placement_start(*, case_id, user, started_on):
    """
    Start the placement on a day the receiving school is open, and work out
    its expected end on that school's calendar.
    """
    case = _lock(case_id, State.PLANNING)
    lost = eligibility_lost(case)
    if lost:
        raise CaseRuleError(lost)
    outstanding = planning_outstanding(case)
    if outstanding:
        raise CaseRuleError(
            "The placement can start once planning is complete. Still to do: "
            # Lower-case each task's first letter only: "DOWIMM" keeps its capitals.
            + "; ".join(task[:1].lower() + task[1:] for task in outstanding)
        )
    if started_on < case.planning_meeting.held_on:
        raise CaseRuleError(
            "The start date must be after the planning meeting", field="started_on"
        )
    school = case.receiving_school
    try:
        school_days = school_days_for(school)
        if not school_days.is_school_day(started_on):
            raise CaseRuleError(
                f"{school.name} is closed on {started_on:%A %-d %B %Y} "
                f"({school_days.closed_because(started_on)}). Choose a school "
                f"day, such as {school_days.next_school_day(started_on):%A %-d %B %Y}",
                field="started_on",
            )
        end = placement_expected_end(school_days, started_on)
        _check_notice_given(case, started_on)
    except NoTermDates as missing:
        raise CaseRuleError(missing.advice, field="started_on") from None
    agreed = case.planning_meeting.proposed_start_on
    if started_on != agreed:
        raise CaseRuleError(
            f"The agreement everyone signed gives the first day as "
            f"{agreed:%A %-d %B %Y}. To start on another day, change the proposed "
            "start in the planning meeting: the agreement will then need signing "
            "again.",
            field="started_on",
        )

    case.started_on = started_on
    case.expected_end_on = end.end_date
    case.expected_end_explanation = end.explanation
    _move(case, "start_placement", user, "Placement started")
    return case

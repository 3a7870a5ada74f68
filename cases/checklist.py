"""
What each stage of a case still needs, and whose job each item is.

The case page draws its task list from here, and the services use the
same lists as the guards on moving a case on, so the two never disagree.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from cases.models import AgreementSignature, Case
from dowimm.documents.selectors import (
    KIND_FOR_DOCUMENT,
    awaited_parties,
    current_version,
)

HOME = "Home school"
HOME_DSL = "Home school DSL"
RECEIVING = "Receiving school"
ADVISER = "Inclusion Adviser"
TRANSPORT = "Transport officer"
APPROACHED = "Approached schools"
RECEIVING_DSL = "Receiving school DSL"
EITHER = "Either school"
BOTH = "Both schools"
FAIR_ACCESS = "Fair Access team"


@dataclass(frozen=True)
class Task:
    title: str
    owner: str
    done: bool
    url_name: str
    permission: str
    status: str = ""
    required: bool = True
    overdue: bool = False
    url_extra: tuple = ()
    # Waiting on another task first: shown without a link to its form.
    blocked: bool = False

    def url(self, case):
        return reverse(self.url_name, args=[case.pk, *self.url_extra])


def eligibility_tasks(case):
    return [
        Task(
            "Check eligibility",
            HOME,
            case.state != Case.State.ELIGIBILITY,
            "cases:eligibility",
            "cases.act_for_home_school",
        ),
    ]


def preliminary_tasks(case):
    meeting = getattr(case, "preliminary_meeting", None)
    interventions = len(case.interventions.all())
    return [
        Task(
            "Record interventions already tried",
            HOME,
            interventions > 0,
            "cases:intervention_add",
            "cases.act_for_home_school",
            status=f"{interventions} recorded" if interventions else "",
        ),
        Task(
            "Record the preliminary meeting",
            HOME,
            meeting is not None,
            "meetings:preliminary",
            "cases.act_for_home_school",
        ),
        Task(
            "Upload the Provision Plan",
            HOME,
            bool(case.provision_plan),
            "cases:provision_plan",
            "cases.act_for_home_school",
        ),
    ]


def pathway_task(case):
    return Task(
        "Agree the pathway",
        ADVISER,
        case.pathway_decided_on is not None,
        "cases:pathway",
        "cases.decide_pathway",
    )


def finding_school_tasks(case):
    approaches = case.approaches.all()
    return [
        Task(
            "Approach receiving schools",
            HOME,
            bool(approaches),
            "cases:approach_add",
            "cases.act_for_home_school",
            status=f"{len(approaches)} approached" if approaches else "",
        ),
        Task(
            "Accept or decline the approach",
            APPROACHED,
            case.receiving_school_id is not None,
            "cases:detail",
            "cases.answer_approach",
        ),
    ]


def _signature_parties(case):
    """Everyone who must sign: both schools, each carer with PR, the pupil."""
    Party = AgreementSignature.Party
    parties = [(Party.HOME_SCHOOL, None), (Party.RECEIVING_SCHOOL, None)]
    parties += [
        (Party.PARENT_CARER, carer.pk)
        for carer in case.pupil.carers.all()
        if carer.has_parental_responsibility
    ]
    parties.append((Party.PUPIL, None))
    return parties


def signatures_awaited(case, document=AgreementSignature.Document.DOWIMM_AGREEMENT):
    """
    (party, carer id) pairs still to sign the current version of the
    document, in app, online or on paper; everyone while none is prepared.
    """
    version = _current_version(case, KIND_FOR_DOCUMENT[document])
    if version is None:
        return _signature_parties(case)
    return [(p["party"], p["carer_id"]) for p in awaited_parties(version)]


def _current_version(case, kind):
    # The case page brings the current versions with the case.
    versions = getattr(case, "current_documents", None)
    if versions is None:
        return current_version(case, kind)
    return next((version for version in versions if version.kind == kind), None)


def consents_awaited(case):
    needed = {
        carer.pk
        for carer in case.pupil.carers.all()
        if carer.has_parental_responsibility
    }
    needed.add(None)
    given = {consent.carer_id for consent in case.consents.all()}
    return needed - given


def _transport_task(case):
    request = getattr(case, "transport_request", None)
    if not case.transport_needed:
        return Task(
            "Record whether transport is needed",
            HOME,
            case.transport_needed is not None,
            "transport:travel",
            "transport.answer_travel",
            status="Not needed" if case.transport_needed is not None else "",
        )
    approved = request is not None and request.is_approved
    return Task(
        "Transport decision",
        TRANSPORT,
        approved,
        "transport:request",
        "transport.work_request",
        status="Approved" if approved else request.get_status_display(),
    )


def planning_tasks(case):
    carers_with_pr = [
        c for c in case.pupil.carers.all() if c.has_parental_responsibility
    ]
    consents_missing = consents_awaited(case)
    signatures_missing = signatures_awaited(case)
    return [
        Task(
            "Add parents and carers with parental responsibility",
            HOME,
            bool(carers_with_pr),
            "cases:carer_add",
            "cases.act_for_home_school",
            status=f"{len(carers_with_pr)} added" if carers_with_pr else "",
        ),
        Task(
            "Record consent from the pupil and each parent or carer",
            HOME,
            bool(carers_with_pr) and not consents_missing,
            "cases:consent_add",
            "cases.act_for_home_school",
            status=f"{len(consents_missing)} awaited" if consents_missing else "",
        ),
        Task(
            "Record the planning meeting",
            HOME,
            hasattr(case, "planning_meeting"),
            "meetings:planning",
            "cases.act_for_home_school",
        ),
        _transport_task(case),
        Task(
            "Share safeguarding information",
            HOME_DSL,
            hasattr(case, "safeguarding"),
            "cases:safeguarding",
            "cases.share_safeguarding",
        ),
        Task(
            "Give safer-recruitment assurance",
            RECEIVING,
            case.safer_recruitment_assured_on is not None,
            "cases:safer_recruitment",
            "cases.act_for_receiving_school",
        ),
        Task(
            "Name the home school's contact",
            HOME,
            bool(case.home_contact_name),
            "cases:home_contact",
            "cases.act_for_home_school",
        ),
        Task(
            "Name the receiving school's contact",
            RECEIVING,
            bool(case.receiving_contact_name),
            "cases:receiving_contact",
            "cases.act_for_receiving_school",
        ),
        Task(
            "Record the tour of the receiving school",
            RECEIVING,
            case.tour_on is not None,
            "cases:tour",
            "cases.act_for_receiving_school",
        ),
        Task(
            "Get the DOWIMM Agreement signed",
            BOTH,
            bool(carers_with_pr) and not signatures_missing,
            "documents:detail",
            "cases.act_for_either_school",
            status=f"{len(signatures_missing)} awaited" if signatures_missing else "",
            url_extra=(
                KIND_FOR_DOCUMENT[AgreementSignature.Document.DOWIMM_AGREEMENT],
            ),
        ),
    ]


def start_task(case, planning):
    """Starting the placement, which waits on the planning tasks given."""
    waiting = case.started_on is None and not all(task.done for task in planning)
    return Task(
        "Start the placement",
        HOME,
        case.started_on is not None,
        "cases:start",
        "cases.act_for_home_school",
        status="Cannot start yet" if waiting else "",
        blocked=waiting,
    )


def placement_tasks(case, monitoring):
    today = timezone.localdate()
    gaps = monitoring.weeks_without_contact
    if gaps:
        contact = f"{len(gaps)} week{'s' if len(gaps) != 1 else ''} without contact"
    elif case.started_on > today:
        # Contact is owed week by week once the placement begins.
        contact = f"From {case.started_on:%-d %b %Y}"
    else:
        contact = "Up to date"
    tasks = [
        Task(
            "Record contact every week",
            EITHER,
            not gaps and case.started_on <= today,
            "cases:contact_add",
            "cases.act_for_either_school",
            status=contact,
            overdue=bool(gaps),
        ),
        Task(
            "Record absence",
            RECEIVING,
            True,
            "cases:absence_add",
            "cases.act_for_receiving_school",
            status="As it happens",
        ),
    ]
    next_review = next((r for r in case.reviews.all() if not r.is_held), None)
    tasks.append(
        Task(
            "Record the next review",
            RECEIVING,
            False,
            "cases:review_record",
            "cases.act_for_receiving_school",
            status=f"Due {next_review.scheduled_for:%-d %b %Y}"
            if next_review
            else "Not scheduled",
            overdue=bool(next_review and next_review.scheduled_for < today),
        )
    )
    attendance = monitoring.attendance
    if attendance and attendance.below_threshold and not _reviewed_since_absence(case):
        tasks.append(
            Task(
                f"Review needed: attendance {attendance.percent}% is below "
                f"{attendance.threshold_percent}%",
                BOTH,
                False,
                "cases:review_record",
                "cases.act_for_either_school",
                status="Review needed",
                overdue=True,
            )
        )
    tasks += _extension_tasks(case) + _managed_move_offer_tasks(case)
    tasks.append(_agreement_received_task(case))
    return tasks


def _reviewed_since_absence(case):
    """A review held on or after the latest absence answers "review needed"."""
    absences = [absence.absent_on for absence in case.absences.all()]
    held = [review.held_on for review in case.reviews.all() if review.is_held]
    return bool(absences and held) and max(held) >= max(absences)


def _extension_tasks(case):
    waiting = [e for e in case.extensions.all() if e.status == e.Status.AWAITING]
    if not waiting:
        return []
    answered = {answer.party for answer in waiting[0].answers.all()}
    return [
        Task(
            "Answer the extension request for the home school and the family",
            HOME,
            {"home_school", "family"} <= answered,
            "cases:extension_answer",
            "cases.act_for_home_school",
        ),
        Task(
            "Answer the extension request for the Fair Access team",
            FAIR_ACCESS,
            "fair_access" in answered,
            "cases:extension_answer",
            "cases.act_for_fair_access",
        ),
    ]


def _managed_move_offer_tasks(case):
    if not hasattr(case, "managed_move"):
        return []
    awaited = signatures_awaited(
        case, AgreementSignature.Document.MANAGED_MOVE_AGREEMENT
    )
    return [
        Task(
            "Get the Managed Move Agreement signed",
            BOTH,
            not awaited,
            "documents:detail",
            "cases.act_for_either_school",
            status=f"{len(awaited)} awaited" if awaited else "",
            url_extra=(
                KIND_FOR_DOCUMENT[AgreementSignature.Document.MANAGED_MOVE_AGREEMENT],
            ),
        ),
        Task(
            "Record the move onto the receiving school's roll",
            RECEIVING,
            False,
            "cases:managed_move_complete",
            "cases.act_for_receiving_school",
        ),
    ]


def _agreement_received_task(case):
    return Task(
        "Mark the DOWIMM Agreement received",
        FAIR_ACCESS,
        case.agreement_received_by_faet_on is not None,
        "cases:agreement_received",
        "cases.act_for_fair_access",
    )


def ended_tasks(case):
    outcome = case.outcome
    plan = getattr(case, "reintegration_plan", None)
    return [
        Task(
            "Send the Outcomes Form to the Fair Access team",
            RECEIVING,
            outcome.sent_to_faet_on is not None,
            "cases:outcome_sent",
            "cases.act_for_receiving_school",
        ),
        Task(
            "Mark the Outcomes Form received",
            FAIR_ACCESS,
            outcome.received_by_faet_on is not None,
            "cases:outcome_received",
            "cases.act_for_fair_access",
            status="" if outcome.sent_to_faet_on else "Cannot start yet",
            blocked=not outcome.sent_to_faet_on,
        ),
        Task(
            "Offer a reintegration meeting and record the plan",
            HOME,
            plan is not None and plan.meeting_held_on is not None,
            "cases:reintegration_plan",
            "cases.act_for_home_school",
        ),
        _agreement_received_task(case),
    ]


def managed_move_tasks(case, cp_deadline=None):
    move = case.managed_move
    transfer = getattr(case, "cp_file_transfer", None)
    sent = transfer is not None
    late = bool(cp_deadline and not sent and cp_deadline.due < timezone.localdate())
    return [
        Task(
            "Tell the Children Missing Education team (home school)",
            HOME,
            move.home_cme_informed_on is not None,
            "cases:cme_home",
            "cases.act_for_home_school",
        ),
        Task(
            "Tell the Children Missing Education team (receiving school)",
            RECEIVING,
            move.receiving_cme_informed_on is not None,
            "cases:cme_receiving",
            "cases.act_for_receiving_school",
        ),
        Task(
            "Record the deletion from the home school's roll",
            HOME,
            move.home_deleted_from_roll_on is not None,
            "cases:roll_deletion",
            "cases.act_for_home_school",
        ),
        Task(
            "Send the child-protection file",
            HOME_DSL,
            sent,
            "cases:cp_file_sent",
            "cases.send_cp_file",
            # Once sent, the task shows as done rather than as its deadline.
            status=""
            if sent or not cp_deadline
            else f"Due by {cp_deadline.due:%-d %b %Y}" + (" – overdue" if late else ""),
            overdue=late,
        ),
        Task(
            "Confirm receipt of the child-protection file",
            RECEIVING_DSL,
            sent and transfer.received_on is not None,
            "cases:cp_file_received",
            "cases.receive_cp_file",
            status="" if sent else "Cannot start yet",
            blocked=not sent,
        ),
        _agreement_received_task(case),
    ]


def stage_tasks(case, monitoring=None, cp_deadline=None):
    """The task list for the case's current stage."""
    State = Case.State
    if case.state == State.ELIGIBILITY:
        return eligibility_tasks(case)
    if case.state == State.PRELIMINARY:
        return preliminary_tasks(case) + [pathway_task(case)]
    if case.state == State.FINDING_SCHOOL:
        return finding_school_tasks(case)
    if case.state == State.PLANNING:
        planning = planning_tasks(case)
        return [*planning, start_task(case, planning)]
    if case.state in Case.PLACEMENT_STATES and monitoring is not None:
        return placement_tasks(case, monitoring)
    if case.state == State.ENDED:
        return ended_tasks(case)
    if case.state == State.MANAGED_MOVE:
        return managed_move_tasks(case, cp_deadline)
    return []


def preliminary_outstanding(case):
    return [task.title for task in preliminary_tasks(case) if not task.done]


def planning_outstanding(case):
    return [task.title for task in planning_tasks(case) if not task.done]

"""
What each stage of a case still needs, and whose job each item is.

The case page draws its task list from here, and the services use the
same lists as the guards on moving a case on, so the two never disagree.
"""

from dataclasses import dataclass

from django.urls import reverse

from cases.models import AgreementSignature, Case

HOME = "Home school"
HOME_DSL = "Home school DSL"
RECEIVING = "Receiving school"
ADVISER = "Inclusion Adviser"
TRANSPORT = "Transport officer"
APPROACHED = "Approached schools"


@dataclass(frozen=True)
class Task:
    title: str
    owner: str
    done: bool
    url_name: str
    permission: str
    status: str = ""
    required: bool = True

    def url(self, case):
        return reverse(self.url_name, args=[case.pk])


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


def signatures_awaited(case):
    signed = {(s.party, s.carer_id) for s in case.signatures.all()}
    return [party for party in _signature_parties(case) if party not in signed]


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
    if case.transport_needed is None:
        return Task(
            "Record whether transport is needed",
            HOME,
            False,
            "cases:transport_need",
            "cases.act_for_home_school",
        )
    if not case.transport_needed:
        return Task(
            "Record whether transport is needed",
            HOME,
            True,
            "cases:transport_need",
            "cases.act_for_home_school",
            status="Not needed",
        )
    approved = request is not None and request.is_approved
    return Task(
        "Transport decision",
        TRANSPORT,
        approved,
        "transport:decide",
        "cases.decide_transport",
        status="Approved" if approved else "Awaiting a decision",
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
            "Record signatures on the agreement",
            HOME,
            bool(carers_with_pr) and not signatures_missing,
            "cases:signature_add",
            "cases.act_for_home_school",
            status=f"{len(signatures_missing)} awaited" if signatures_missing else "",
        ),
    ]


def start_task(case):
    return Task(
        "Start the placement",
        HOME,
        case.started_on is not None,
        "cases:start",
        "cases.act_for_home_school",
    )


def stage_tasks(case):
    """The task list for the case's current stage, or [] once it has begun."""
    State = Case.State
    if case.state == State.ELIGIBILITY:
        return eligibility_tasks(case)
    if case.state == State.PRELIMINARY:
        return preliminary_tasks(case) + [pathway_task(case)]
    if case.state == State.FINDING_SCHOOL:
        return finding_school_tasks(case)
    if case.state == State.PLANNING:
        return planning_tasks(case) + [start_task(case)]
    return []


def preliminary_outstanding(case):
    return [task.title for task in preliminary_tasks(case) if not task.done]


def planning_outstanding(case):
    return [task.title for task in planning_tasks(case) if not task.done]

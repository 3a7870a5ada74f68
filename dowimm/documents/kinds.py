"""
The documents dowimm produces, each described once: its title, template,
who signs it, when it exists, and what it shows.

A new kind needs a template, a `ready` (whether the case holds what the
document shows), a `context` and its `parties`; versions, signing and
delivery are the same for every kind.
"""

from dataclasses import dataclass, field

from django.conf import settings

from cases.models import AgreementSignature, Case
from dowimm.calendars.deadlines import placement_expected_end
from dowimm.calendars.school_days import NoTermDates, school_days_for
from dowimm.documents.models import DocumentVersion

Kind = DocumentVersion.Kind
Party = AgreementSignature.Party


@dataclass(frozen=True)
class DocumentKind:
    kind: str
    title: str
    template: str
    file_stem: str
    # The document is rebuilt when the case changes only in these states;
    # afterwards the signed version stands.
    editable_states: tuple
    ready: callable
    context: callable
    parties: callable
    summary: str = ""
    extra: dict = field(default_factory=dict)

    def file_name(self, case, number=None, signed=False):
        """An ASCII name: mail clients and some file systems mangle others."""
        name = f"{self.file_stem}-{case.reference}"
        if number is not None and not signed:
            name += f"-version-{number}"
        return f"{name}.pdf"


def _party(party, label, name, carer=None):
    return {
        "party": str(party),
        "carer_id": carer.pk if carer else None,
        "label": label,
        "name": name,
    }


def family_and_school_parties(case):
    """Both schools, each parent or carer with parental responsibility, the pupil."""
    parties = [
        _party(Party.HOME_SCHOOL, "Home school", case.home_school.name),
        _party(Party.RECEIVING_SCHOOL, "Receiving school", case.receiving_school.name),
    ]
    parties += [
        _party(
            Party.PARENT_CARER,
            carer.relationship or "Parent or carer",
            carer.full_name,
            carer,
        )
        for carer in case.pupil.carers.all()
        if carer.has_parental_responsibility
    ]
    parties.append(_party(Party.PUPIL, "Pupil", case.pupil.display_name))
    return parties


def agreement_ready(case):
    return case.receiving_school_id is not None and hasattr(case, "planning_meeting")


def _expected_end(case, start):
    if case.expected_end_on:
        return case.expected_end_on
    try:
        school_days = school_days_for(case.receiving_school)
        return placement_expected_end(school_days, start).end_date
    except NoTermDates:
        # No term dates reach that far yet: the end is set when it starts.
        return None


def agreement_context(case):
    meeting = case.planning_meeting
    start = case.started_on or meeting.proposed_start_on
    home, receiving = case.home_school, case.receiving_school
    return {
        "case": case,
        "pupil": case.pupil,
        "home": home,
        "receiving": receiving,
        "adviser": home.inclusion_adviser,
        "meeting": meeting,
        "start": start,
        "expected_end": _expected_end(case, start),
        "reviews": list(case.reviews.all()),
        "report_to": case.receiving_contact_name or receiving.named_contact,
        "safeguarding_shared_on": getattr(
            getattr(case, "safeguarding", None), "shared_on", None
        ),
        "carers": [c for c in case.pupil.carers.all() if c.has_parental_responsibility],
        "placement_days": settings.DOWIMM_PLACEMENT_SCHOOL_DAYS,
        "authority_name": settings.AUTHORITY_NAME,
    }


def _base_context(case):
    return {
        "case": case,
        "pupil": case.pupil,
        "home": case.home_school,
        "receiving": case.receiving_school,
        "authority_name": settings.AUTHORITY_NAME,
    }


def school_parties(case):
    return family_and_school_parties(case)[:2]


def home_and_family_parties(case):
    return [
        p
        for p in family_and_school_parties(case)
        if p["party"] != Party.RECEIVING_SCHOOL
    ]


def outcomes_context(case):
    return {**_base_context(case), "outcome": case.outcome}


def managed_move_context(case):
    parties = family_and_school_parties(case)
    return {**_base_context(case), "move": case.managed_move, "parties": parties}


def reintegration_context(case):
    return {
        **_base_context(case),
        "plan": case.reintegration_plan,
        "outcome": getattr(case, "outcome", None),
        "parties": home_and_family_parties(case),
    }


KINDS = {
    Kind.AGREEMENT: DocumentKind(
        kind=Kind.AGREEMENT,
        title="DOWIMM Agreement",
        template="documents/agreement.html",
        file_stem="DOWIMM-agreement",
        editable_states=(Case.State.PLANNING,),
        ready=agreement_ready,
        context=agreement_context,
        parties=family_and_school_parties,
        summary=(
            "How the placement at the receiving school will work: the dates, "
            "the support, the reviews and what everyone has agreed to do."
        ),
    ),
    Kind.OUTCOMES: DocumentKind(
        kind=Kind.OUTCOMES,
        title="DOWIMM Outcomes Form",
        template="documents/outcomes.html",
        file_stem="DOWIMM-outcomes",
        editable_states=(Case.State.ENDED,),
        ready=lambda case: hasattr(case, "outcome"),
        context=outcomes_context,
        parties=school_parties,
        summary="Why the placement ended early and when the pupil returns.",
    ),
    Kind.MANAGED_MOVE: DocumentKind(
        kind=Kind.MANAGED_MOVE,
        title="Managed Move Agreement",
        template="documents/managed_move.html",
        file_stem="managed-move-agreement",
        editable_states=(Case.State.ACTIVE, Case.State.EXTENDED),
        ready=lambda case: hasattr(case, "managed_move"),
        context=managed_move_context,
        parties=family_and_school_parties,
        summary="The pupil's permanent move onto the receiving school's roll.",
    ),
    Kind.REINTEGRATION: DocumentKind(
        kind=Kind.REINTEGRATION,
        title="Reintegration plan",
        template="documents/reintegration_plan.html",
        file_stem="reintegration-plan",
        editable_states=(Case.State.ENDED,),
        ready=lambda case: hasattr(case, "reintegration_plan"),
        context=reintegration_context,
        parties=home_and_family_parties,
        summary="How the pupil returns to the home school for a fresh start.",
    ),
}


def kind_for(slug):
    """The DocumentKind for a URL's slug, or None."""
    try:
        return KINDS[Kind(slug)]
    except ValueError:
        return None

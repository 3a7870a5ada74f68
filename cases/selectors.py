from django.db.models import Prefetch, Q
from django.http import Http404

from cases.models import AgreementSignature, Case, Consent, ReceivingSchoolApproach
from cases.rules import can


def case_queryset():
    """Cases with the pupil and schools every list and page shows."""
    return Case.objects.select_related(
        "pupil", "home_school", "receiving_school", "home_school__inclusion_adviser"
    )


def cases_visible_to(user):
    """
    Every case the user may open, as the full case or as a referral summary.
    This mirrors the predicates in cases.rules as one query.
    """
    cases = case_queryset()
    if not user.is_authenticated:
        return cases.none()
    if user.is_fair_access:
        return cases
    if user.is_inclusion_adviser:
        return cases.filter(home_school__inclusion_adviser=user)
    if user.is_school_staff:
        awaiting = ReceivingSchoolApproach.objects.filter(
            school_id=user.school_id, answer=ReceivingSchoolApproach.Answer.AWAITING
        ).values("case_id")
        return cases.filter(
            Q(home_school_id=user.school_id)
            | Q(receiving_school_id=user.school_id)
            | Q(pk__in=awaiting)
        )
    return cases.none()


# Everything the case page shows, fetched together so the page costs the
# same few queries however far the case has gone.
CASE_PAGE_RELATED = (
    "planning_meeting",
    "preliminary_meeting",
    "outcome",
    "reintegration_plan",
    "managed_move__offered_by",
    "cp_file_transfer__sent_by",
    "cp_file_transfer__received_by",
    "safeguarding__shared_by",
    "transport_request",
    "travel_answer",
    "pathway_decided_by",
    "consulted_adviser",
)
CASE_PAGE_PREFETCH = (
    "pupil__carers",
    "interventions",
    "reviews",
    "absences",
    "contacts",
    "disputes",
    "extensions__answers",
    Prefetch("consents", queryset=Consent.objects.select_related("carer")),
    Prefetch("signatures", queryset=AgreementSignature.objects.select_related("carer")),
)


def case_page_queryset():
    return (
        case_queryset()
        .select_related(*CASE_PAGE_RELATED)
        .prefetch_related("approaches__school", *CASE_PAGE_PREFETCH)
    )


def get_case_or_404(user, pk, perm="cases.view_case", queryset=None):
    """The case, if the user holds `perm` on it; otherwise 404 as if absent."""
    if queryset is None:
        # The approaches decide whether an approached school may look.
        queryset = case_queryset().prefetch_related("approaches")
    try:
        case = queryset.get(pk=pk)
    except (Case.DoesNotExist, ValueError):
        raise Http404("No such case") from None
    if not can(user, perm, case):
        raise Http404("No such case")
    return case

from django.db.models import Q
from django.http import Http404

from cases.models import Case, ReceivingSchoolApproach
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


def get_case_or_404(user, pk, perm="cases.view_case"):
    """The case, if the user holds `perm` on it; otherwise 404 as if absent."""
    try:
        # The approaches decide whether an approached school may look.
        case = case_queryset().prefetch_related("approaches").get(pk=pk)
    except (Case.DoesNotExist, ValueError):
        raise Http404("No such case") from None
    if not can(user, perm, case):
        raise Http404("No such case")
    return case

"""
Who sees which figures. Every report and export asks `report_scope` and
counts only the cases its scope returns, so the rule lives here alone.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from cases.models import Case
from dowimm.schools.models import School


@dataclass(frozen=True)
class Scope:
    """The schools a person may see figures for; None means the authority."""

    description: str
    school_ids: object = None

    @property
    def is_authority(self):
        return self.school_ids is None

    def cases(self):
        """The cases whose home or receiving school is in scope."""
        cases = Case.objects.order_by()
        if self.school_ids is None:
            return cases
        return cases.filter(
            Q(home_school_id__in=self.school_ids)
            | Q(receiving_school_id__in=self.school_ids)
        )

    def schools(self):
        schools = School.objects.all()
        if self.school_ids is None:
            return schools
        return schools.filter(pk__in=self.school_ids)


def report_scope(user):
    """
    Only the Fair Access and Exclusions Team sees the whole authority; an
    Inclusion Adviser sees the schools linked to them; school staff see
    their own school. Anyone else is told the page does not exist.
    """
    if not user.is_authenticated:
        raise Http404("No figures without signing in")
    if user.is_fair_access:
        return Scope("every school in the authority")
    if user.is_inclusion_adviser:
        linked = School.objects.filter(inclusion_adviser=user).values("pk")
        return Scope("the schools linked to you", linked)
    if user.is_school_staff:
        return Scope("your school", [user.school_id])
    raise Http404("No figures for this role")

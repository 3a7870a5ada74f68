"""
Who may see and do what on a case: the one place that decides.

Views ask `can(user, "cases.<permission>", case)`; lists use
`cases.selectors.cases_visible_to`, which must agree with these predicates
(tests walk both). Anyone without permission gets a 404, never a 403, so
a crafted URL does not even confirm that a case exists.
"""

import rules


def can(user, permission, case):
    """
    Whether `user` holds `permission` on `case`. Unlike User.has_perm this
    gives superusers nothing extra: administrators run the service, and
    seeing children's cases is not part of that.
    """
    return rules.has_perm(permission, user, case)


@rules.predicate
def is_home_school_staff(user, case):
    return user.is_school_staff and case.home_school_id == user.school_id


@rules.predicate
def is_receiving_school_staff(user, case):
    return (
        user.is_school_staff
        and case.receiving_school_id is not None
        and case.receiving_school_id == user.school_id
    )


@rules.predicate
def is_awaiting_school_staff(user, case):
    """Staff of a school that has been approached and has not answered."""
    if not user.is_school_staff:
        return False
    return any(
        approach.school_id == user.school_id
        for approach in case.approaches.all()
        if approach.answer == approach.Answer.AWAITING
    )


@rules.predicate
def is_linked_adviser(user, case):
    return (
        user.is_inclusion_adviser and case.home_school.inclusion_adviser_id == user.pk
    )


@rules.predicate
def is_fair_access_officer(user):
    return user.is_authenticated and user.is_fair_access


@rules.predicate
def is_dsl(user):
    return user.is_authenticated and user.is_dsl


@rules.predicate
def is_transport_officer(user):
    return user.is_authenticated and user.is_transport_officer


@rules.predicate
def is_open(user, case):
    return case.is_open


@rules.predicate
def is_live(user, case):
    """Not closed as not proceeding: ended placements and moves have follow-ups."""
    return case.state != case.State.NOT_PROCEEDING


is_case_school_staff = is_home_school_staff | is_receiving_school_staff
can_view_case = is_case_school_staff | is_linked_adviser | is_fair_access_officer

# The whole case, bar safeguarding details.
rules.add_perm("cases.view_case", can_view_case)
# A referral summary: no safeguarding, no family contact details.
rules.add_perm("cases.view_referral", can_view_case | is_awaiting_school_staff)
rules.add_perm(
    "cases.view_safeguarding",
    (is_dsl & is_case_school_staff) | is_linked_adviser | is_fair_access_officer,
)
rules.add_perm("cases.act_for_home_school", is_home_school_staff & is_live)
rules.add_perm("cases.act_for_receiving_school", is_receiving_school_staff & is_live)
rules.add_perm("cases.act_for_either_school", is_case_school_staff & is_live)
rules.add_perm("cases.share_safeguarding", is_home_school_staff & is_dsl & is_live)
rules.add_perm("cases.send_cp_file", is_home_school_staff & is_dsl & is_live)
rules.add_perm("cases.receive_cp_file", is_receiving_school_staff & is_dsl & is_live)
rules.add_perm("cases.act_for_fair_access", is_fair_access_officer & is_live)
rules.add_perm("cases.decide_pathway", is_linked_adviser & is_open)
rules.add_perm("cases.answer_approach", is_awaiting_school_staff & is_open)

"""
Who may see and do what with a case's transport. Transport officers see
the transport pages of any case with a request, and never the case page:
they get the facts the journey needs, not safeguarding or review notes.
"""

import rules

from cases.rules import (
    can_view_case,
    is_case_school_staff,
    is_fair_access_officer,
    is_home_school_staff,
    is_live,
    is_open,
    is_transport_officer,
)


@rules.predicate
def has_request(user, case):
    return getattr(case, "transport_request", None) is not None


rules.add_perm(
    "transport.view_request", has_request & (is_transport_officer | can_view_case)
)
rules.add_perm("transport.answer_travel", is_home_school_staff & is_open)
rules.add_perm("transport.work_request", has_request & is_transport_officer & is_live)
rules.add_perm(
    "transport.authorise_exception",
    has_request & (is_transport_officer | is_fair_access_officer) & is_open,
)
rules.add_perm(
    "transport.write_travel_plan", has_request & is_case_school_staff & is_live
)
rules.add_perm("transport.view_queue", is_transport_officer)
rules.add_perm(
    "transport.view_panel_pack", is_transport_officer | is_fair_access_officer
)

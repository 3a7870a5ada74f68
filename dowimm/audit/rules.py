"""Who may see the record of access to a case, and export a pupil's data."""

import rules

from cases.rules import (
    is_dsl,
    is_fair_access_officer,
    is_home_school_staff,
    is_linked_adviser,
)

# The home school keeps safeguarding responsibility, so its DSL answers
# for who has seen the child; the adviser and FAET oversee every case.
rules.add_perm(
    "audit.view_case_access",
    (is_home_school_staff & is_dsl) | is_linked_adviser | is_fair_access_officer,
)
rules.add_perm("audit.export_subject_access", is_fair_access_officer)

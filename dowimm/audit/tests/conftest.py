# The access matrix's cast and case in planning, shared with these tests.
from cases.tests.test_access import cast, planning_case  # noqa: F401

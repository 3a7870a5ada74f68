"""
Who may edit which calendar. The county's calendar is the Fair Access and
Exclusions Team's; a school's own calendar is its staff's. Term dates are
public, so any member of staff may read any calendar.

The object of each permission is a School, or None for the county calendar.
"""

import rules


@rules.predicate
def is_county(user, school):
    return school is None


@rules.predicate
def is_staff_of_the_school(user, school):
    return (
        school is not None
        and user.is_authenticated
        and user.is_school_staff
        and user.school_id == school.pk
    )


@rules.predicate
def is_fair_access_officer(user):
    return user.is_authenticated and user.is_fair_access


@rules.predicate
def is_signed_in_staff(user):
    return user.is_authenticated and bool(user.role)


rules.add_perm("calendars.view_calendar", is_signed_in_staff)
rules.add_perm(
    "calendars.edit_calendar",
    (is_county & is_fair_access_officer) | is_staff_of_the_school,
)

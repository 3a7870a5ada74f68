"""
How a placement is going, read from its records: attendance against the
agreed threshold, weeks without contact, the face-to-face review rule and
the child-protection file deadline. The case page, the reminders and the
Fair Access dashboard all read these.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from dowimm.calendars.deadlines import cp_file_deadline
from dowimm.calendars.school_days import NoTermDates, school_days_for

# Warn when the end is this close and no review has been face to face.
FACE_TO_FACE_WARNING_SCHOOL_DAYS = 10
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Attendance:
    school_days: int
    sessions_possible: int
    absent_authorised: int
    absent_unauthorised: int
    threshold_percent: int | None

    @property
    def sessions_attended(self):
        return (
            self.sessions_possible - self.absent_authorised - self.absent_unauthorised
        )

    @property
    def percent(self):
        if not self.sessions_possible:
            return None
        return round(100 * self.sessions_attended / self.sessions_possible, 1)

    @property
    def below_threshold(self):
        return (
            self.percent is not None
            and self.threshold_percent is not None
            and self.percent < self.threshold_percent
        )


@dataclass(frozen=True)
class Monitoring:
    attendance: Attendance | None
    contact_weeks: list  # (Monday, had a contact) for each week with school days
    missing_term_dates: str = ""
    face_to_face_warning: bool = False
    # The receiving school's calendar, loaded once for the page to reuse.
    school_days: object = None

    @property
    def weeks_without_contact(self):
        return [monday for monday, contacted in self.contact_weeks if not contacted]


def placement_monitoring(case, today=None):
    """What the case page shows about a placement that has started."""
    today = today or timezone.localdate()
    # Counted to the end: expected, or the day the placement ended or the
    # pupil moved for good.
    until = min(today, case.expected_end_on or today, case.closed_on or today)
    if case.started_on is None or until < case.started_on:
        return Monitoring(attendance=None, contact_weeks=[])
    school_days = school_days_for(case.receiving_school)
    try:
        return Monitoring(
            attendance=attendance(case, school_days, until),
            contact_weeks=contact_weeks(case, school_days, until, today),
            face_to_face_warning=_face_to_face_warning(case, school_days, today),
            school_days=school_days,
        )
    except NoTermDates as missing:
        return Monitoring(
            attendance=None,
            contact_weeks=[],
            missing_term_dates=str(missing),
            school_days=school_days,
        )


def attendance(case, school_days, until):
    days = school_days.count_school_days(case.started_on, until)
    absences = [a for a in case.absences.all() if a.absent_on <= until]
    authorised = sum(1 for absence in absences if absence.authorised)
    meeting = getattr(case, "planning_meeting", None)
    return Attendance(
        school_days=days,
        sessions_possible=days * 2,
        absent_authorised=authorised,
        absent_unauthorised=len(absences) - authorised,
        threshold_percent=meeting.attendance_threshold_percent if meeting else None,
    )


def contact_weeks(case, school_days, until, today):
    """Each calendar week with a school day, up to the last complete one."""
    contacted = {
        contact.contact_on - datetime.timedelta(days=contact.contact_on.weekday())
        for contact in case.contacts.all()
    }
    this_monday = today - datetime.timedelta(days=today.weekday())
    weeks = school_days.weeks_with_school_days(case.started_on, until)
    return [
        (monday, monday in contacted)
        for monday in weeks
        if monday < this_monday or monday in contacted
    ]


def _face_to_face_warning(case, school_days, today):
    if any(r.is_held and r.face_to_face for r in case.reviews.all()):
        return False
    if case.expected_end_on is None or case.expected_end_on < today:
        return False
    left = school_days.count_school_days(today, case.expected_end_on)
    return left <= FACE_TO_FACE_WARNING_SCHOOL_DAYS


def cp_file_due(case):
    """The child-protection file deadline after a managed move, or None."""
    move = getattr(case, "managed_move", None)
    if move is None or move.single_registration_on is None:
        return None
    try:
        return cp_file_deadline(
            school_days_for(case.home_school), move.single_registration_on
        )
    except NoTermDates:
        return None

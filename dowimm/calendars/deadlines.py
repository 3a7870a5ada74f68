"""
The scheme's dates, counted in school days.

Each function takes a `SchoolDays` (see `school_days_for`) so that a page can
ask many questions of one calendar without going back to the database.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings

from dowimm.calendars.school_days import ONE_DAY, Closure, format_day


@dataclass(frozen=True)
class Deadline:
    due: datetime.date
    explanation: str


@dataclass(frozen=True)
class PlacementEnd:
    """When a placement is expected to end, and what pushed the date back."""

    start_date: datetime.date
    end_date: datetime.date
    length: int
    authorised_absence_days: tuple[datetime.date, ...]
    closures: tuple[Closure, ...]

    @property
    def explanation(self):
        not_counted = [str(closure) for closure in self.closures]
        if absences := len(self.authorised_absence_days):
            not_counted.append(f"{_days(absences)} of authorised absence")

        explanation = (
            f"{_school_days(self.length)} from {format_day(self.start_date)} "
            f"to {format_day(self.end_date)}"
        )
        if not_counted:
            explanation += "; not counted: " + ", ".join(not_counted)
        return explanation


def placement_expected_end(school_days, start, authorised_absence_days=(), length=None):
    """
    The day the pupil attends their `length`th school day (40 by default),
    counting start as day 1. Each authorised absence on a school day pushes the
    end one school day later; absence on other days changes nothing.
    """
    length = settings.DOWIMM_PLACEMENT_SCHOOL_DAYS if length is None else length
    if length < 1:
        raise ValueError(f"a placement lasts at least 1 school day, not {length}")

    absent = set(authorised_absence_days)
    absences = []
    attended = 0
    for day in school_days.school_days_from(start):
        if day in absent:
            absences.append(day)
            continue
        attended += 1
        if attended == length:
            break

    return PlacementEnd(
        start_date=start,
        end_date=day,
        length=length,
        authorised_absence_days=tuple(absences),
        closures=tuple(school_days.closures_between(start, day)),
    )


def review_schedule(school_days, start, until, interval=None):
    """Review dates every `interval` school days after start, up to until."""
    interval = interval or settings.DOWIMM_REVIEW_INTERVAL_SCHOOL_DAYS
    days_after_start = school_days.school_days_between(start + ONE_DAY, until)
    return days_after_start[interval - 1 :: interval]


def cp_file_deadline(school_days, move_date, within=None):
    """
    The day the child-protection file is due: the `within`th school day (5 by
    default) of the sending school after the move. For a move in a holiday that
    is the `within`th school day of the new term, which the same count gives.
    """
    within = within or settings.DOWIMM_CP_FILE_SCHOOL_DAYS
    due = school_days.add_school_days(move_date, within)

    reason = school_days.closed_because(move_date)
    if reason in (None, "weekend"):
        explanation = (
            f"{_school_days(within)} after the move on {format_day(move_date)}"
        )
    else:
        explanation = (
            f"{_school_days(within)} after the move on {format_day(move_date)}, "
            f"which was not a school day ({reason}): day 1 is the next school day"
        )
    return Deadline(due, explanation)


def notice_deadline(school_days, first_day, notice=None):
    """The last day written notice of a direction off-site can be given."""
    notice = notice or settings.DOWIMM_PLANNING_NOTICE_SCHOOL_DAYS
    due = school_days.add_school_days(first_day, -notice)
    explanation = (
        f"{_school_days(notice)} before the first day, {format_day(first_day)}"
    )
    return Deadline(due, explanation)


def _school_days(n):
    return "1 school day" if n == 1 else f"{n} school days"


def _days(n):
    return "1 day" if n == 1 else f"{n} days"

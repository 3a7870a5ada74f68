"""
Which days are school days, read from a school's calendar.

Load a school's calendar once with `school_days_for(school)`; every question
after that is answered in memory.
"""

import datetime
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import islice

import holidays
from django.db import connection
from django.db.models import Q

from dowimm.calendars.models import Calendar, CalendarEntry
from dowimm.prepared_statements import prepared
from dowimm.schools.models import School

ONE_DAY = datetime.timedelta(days=1)
SATURDAY = 5


class NoTermDates(Exception):
    """A date depends on an academic year for which no terms are recorded."""

    def __init__(self, academic_year, place):
        self.academic_year = academic_year
        self.place = place
        super().__init__(f"no term dates for {academic_year} at {place}")

    @property
    def advice(self):
        """What a person at the screen can do about it, in a sentence or two."""
        return (
            f"There are no term dates for {self.academic_year} at {self.place} "
            "yet, so dates that depend on them cannot be worked out. The "
            "school's own staff can add them to its calendar, or the Fair "
            "Access and Exclusions Team to the county calendar, under "
            "Calendars."
        )


def academic_year_of(day):
    """The academic year (1 Sep to 31 Aug) holding day, written like "2025-26"."""
    return _year_label(_first_calendar_year(day))


def academic_year_bounds(academic_year):
    """The first and last day of an academic year written like "2025-26"."""
    return _year_bounds(int(academic_year[:4]))


def format_day(day):
    return f"{day:%a} {day.day} {day:%b %Y}"


def format_span(start, end):
    if start == end:
        return format_day(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%b %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"


def is_weekday(day):
    return day.weekday() < SATURDAY


def next_weekday(day):
    day += ONE_DAY
    while not is_weekday(day):
        day += ONE_DAY
    return day


def previous_weekday(day):
    day -= ONE_DAY
    while not is_weekday(day):
        day -= ONE_DAY
    return day


@dataclass(frozen=True)
class Closure:
    """A stretch of weekdays on which the school is shut, and why."""

    label: str
    start: datetime.date
    end: datetime.date

    def __str__(self):
        return f"{self.label} {format_span(self.start, self.end)}"


class _AcademicYear:
    """One academic year of a calendar, with its school days worked out."""

    def __init__(self, first_year, entries):
        self.first, self.last = _year_bounds(first_year)
        self.terms = [e for e in entries if e.kind == CalendarEntry.Kind.TERM]
        self.closures = sorted(
            (e for e in entries if e.kind != CalendarEntry.Kind.TERM),
            key=lambda e: e.start_date,
        )
        self.closed = self._closed_weekdays(first_year)
        self.days = sorted(
            day
            for term in self.terms
            for day in _dates(
                max(term.start_date, self.first), min(term.end_date, self.last)
            )
            if is_weekday(day) and day not in self.closed
        )
        self.day_set = frozenset(self.days)

    def _closed_weekdays(self, first_year):
        """Weekdays shut by this calendar or by an England bank holiday."""
        closed = dict(_bank_holidays_on_weekdays(first_year))
        for entry in self.closures:
            for day in _dates(entry.start_date, entry.end_date):
                closed[day] = entry.label
        return closed


class SchoolDays:
    """
    The school days of one school, computed in memory from calendar entries.

    `entries` are the school's own (or the county's, for the county itself).
    `county_entries` are inherited for any academic year in which `entries`
    hold no term; None means nothing is inherited.
    """

    def __init__(self, place, entries, county_entries=None):
        self.place = place
        self._own = list(entries)
        self._county = None if county_entries is None else list(county_entries)
        self._years = {}

    def academic_year(self, academic_year):
        """
        One academic year, written like "2025-26": its `terms`, `closures`
        (the calendar's entries) and school `days`.
        """
        return self._year(academic_year_bounds(academic_year)[0])

    def is_school_day(self, day):
        return day in self._year(day).day_set

    def next_school_day(self, day):
        """The first school day on or after day."""
        return next(self.school_days_from(day))

    def previous_school_day(self, day):
        """The last school day on or before day."""
        return next(self._school_days_back_from(day))

    def add_school_days(self, start, n):
        """
        The nth school day after start (start itself never counts); a negative
        n counts back, so -2 is the second school day before start. n=0 gives
        start back unchanged.
        """
        if n > 0:
            return _nth(self.school_days_from(start + ONE_DAY), n)
        if n < 0:
            return _nth(self._school_days_back_from(start - ONE_DAY), -n)
        return start

    def nth_school_day_from(self, start, n):
        """The nth school day counting start as day 1 when it is a school day."""
        if n < 1:
            raise ValueError(f"count school days from 1, not {n}")
        return _nth(self.school_days_from(start), n)

    def school_days_from(self, start):
        """Every school day on or after start, in order, for as long as asked."""
        day = start
        while True:
            year = self._year(day)
            yield from year.days[bisect_left(year.days, day) :]
            day = year.last + ONE_DAY

    def school_days_between(self, start, end):
        """The school days from start to end, both included."""
        days = []
        for year in self._years_spanning(start, end):
            days += year.days[
                bisect_left(year.days, start) : bisect_right(year.days, end)
            ]
        return days

    def count_school_days(self, start, end):
        """How many school days from start to end, both included."""
        return len(self.school_days_between(start, end))

    def weeks_with_school_days(self, start, end):
        """The Mondays of the calendar weeks holding a school day from start to end."""
        mondays = {
            day - datetime.timedelta(days=day.weekday())
            for day in self.school_days_between(start, end)
        }
        return sorted(mondays)

    def closed_because(self, day):
        """Why day is not a school day ("weekend", a label...), or None if it is."""
        year = self._year(day)
        if day in year.day_set:
            return None
        if not is_weekday(day):
            return "weekend"
        if day in year.closed:
            return year.closed[day]
        return "between terms"

    def explain_day(self, day):
        reason = self.closed_because(day)
        if reason is None:
            return f"{format_day(day)} is a school day"
        return f"{format_day(day)} is not a school day: {reason}"

    def closures_between(self, start, end):
        """
        The stretches of weekdays from start to end on which the school is shut:
        the calendar's holidays, training days and closures whole, plus bank
        holidays and gaps between terms that no entry already covers.
        """
        found = {}
        for year in self._years_spanning(start, end):
            for entry in year.closures:
                if entry.start_date <= end and entry.end_date >= start:
                    closure = Closure(entry.label, entry.start_date, entry.end_date)
                    found[closure] = None
            for closure in _uncovered_closures(year, start, end):
                found[closure] = None
        return sorted(found, key=lambda c: (c.start, c.end))

    def _years_spanning(self, start, end):
        first_years = range(_first_calendar_year(start), _first_calendar_year(end) + 1)
        return [self._year(datetime.date(y, 9, 1)) for y in first_years]

    def _school_days_back_from(self, start):
        day = start
        while True:
            year = self._year(day)
            yield from reversed(year.days[: bisect_right(year.days, day)])
            day = year.first - ONE_DAY

    def _year(self, day):
        first_year = _first_calendar_year(day)
        if first_year not in self._years:
            self._years[first_year] = self._load_year(first_year)
        return self._years[first_year]

    def _load_year(self, first_year):
        entries = self._entries_for_year(first_year)
        if not any(e.kind == CalendarEntry.Kind.TERM for e in entries):
            raise NoTermDates(_year_label(first_year), self.place)
        return _AcademicYear(first_year, entries)

    def _entries_for_year(self, first_year):
        first, last = _year_bounds(first_year)
        own = _overlapping(self._own, first, last)
        if self._county is None or any(e.kind == CalendarEntry.Kind.TERM for e in own):
            return own
        return _overlapping(self._county, first, last) + own


def calendar_for_school(school):
    """The calendar a school keeps: its own, else the county's (None if neither)."""
    calendars = Calendar.objects.filter(Q(school=school) | Q(school__isnull=True))
    return min(calendars, key=lambda c: c.is_county, default=None)


def school_days_for(school=None):
    """
    The school days of a school (or of the county calendar when school is
    None), from at most three queries however many days are asked about
    afterwards; usually one, as each process keeps the calendars it has
    loaded until any calendar changes.
    """
    if connection.in_atomic_block:
        # A transaction may see its own changes, committed or not yet, so it
        # neither reads nor fills the cache.
        return _load_school_days(school)
    return _cached_school_days(
        calendars_version(), getattr(school, "pk", None), getattr(school, "name", "")
    )


def calendars_version():
    """
    A value that changes whenever any calendar or calendar entry is saved
    or deleted, in any process: each change writes a history row, and rows
    are only ever added. The count catches a row committed after one with
    a higher id; the highest id catches rows added after others were
    pruned. Changes made without a history row (bulk updates, raw SQL) are
    not seen until the processes restart.
    """
    with connection.cursor() as cursor:
        cursor.execute(*prepared("calendars_version", _version_sql()))
        return cursor.fetchone()


@cache
def _version_sql():
    # Built once: simple_history makes a new manager class on each `.history`.
    counts = []
    for model in (Calendar.history.model, CalendarEntry.history.model):
        table, pk = model._meta.db_table, model._meta.pk.column
        counts += [
            f"(SELECT COUNT(*) FROM {table})",
            f"(SELECT MAX({pk}) FROM {table})",
        ]
    return f"SELECT {', '.join(counts)}"


@lru_cache(maxsize=500)
def _cached_school_days(version, school_pk, school_name):
    """
    One school's days as of `version`, shared by every request in the
    process: nothing changes it once built but the years it works out as
    they are asked for. The school's name is in the key because it appears
    in `NoTermDates`.
    """
    school = None
    if school_pk is not None:
        school = School(pk=school_pk, name=school_name)
    return _load_school_days(school)


def _load_school_days(school):
    wanted = Q(school__isnull=True)
    if school is not None:
        wanted |= Q(school=school)
    calendars = Calendar.objects.filter(wanted).prefetch_related("entries")
    by_school = {c.school_id: c for c in calendars}
    county, own = by_school.get(None), by_school.get(getattr(school, "pk", None))

    county_entries = list(county.entries.all()) if county else []
    if school is None:
        return SchoolDays(county.name if county else "the county", county_entries)
    if own is None:
        return SchoolDays(school.name, county_entries)
    inherited = county_entries if own.inherits_county else None
    return SchoolDays(school.name, own.entries.all(), inherited)


def school_days_for_schools(schools):
    """
    The school days of each of `schools`, keyed by school id, from two
    queries however many schools there are.
    """
    schools = {school.pk: school for school in schools}
    wanted = Q(school__isnull=True) | Q(school__in=list(schools))
    calendars = Calendar.objects.filter(wanted).prefetch_related("entries")
    by_school = {c.school_id: c for c in calendars}
    county = by_school.get(None)
    county_entries = list(county.entries.all()) if county else []

    days = {}
    for pk, school in schools.items():
        own = by_school.get(pk)
        if own is None:
            days[pk] = SchoolDays(school.name, county_entries)
        else:
            inherited = county_entries if own.inherits_county else None
            days[pk] = SchoolDays(school.name, own.entries.all(), inherited)
    return days


def bank_holiday(day):
    """The name of the England bank holiday on day, or None."""
    return dict(_bank_holidays_on_weekdays(_first_calendar_year(day))).get(day)


@lru_cache(maxsize=32)
def _bank_holidays_on_weekdays(first_year):
    """
    England's bank holidays on weekdays in one academic year. Cached: the
    holidays package takes milliseconds a year, and a reminder run asks for
    every school's calendar.
    """
    first, last = _year_bounds(first_year)
    bank_holidays = holidays.country_holidays(
        "GB", subdiv="ENG", years=(first_year, first_year + 1)
    )
    return tuple(
        (day, name)
        for day, name in sorted(bank_holidays.items())
        if first <= day <= last and is_weekday(day)
    )


def _uncovered_closures(year, start, end):
    """Bank holidays and out-of-term weekdays that no calendar entry explains."""
    covered = {
        day
        for entry in year.closures
        for day in _dates(entry.start_date, entry.end_date)
    }
    runs = []
    for day in _dates(max(start, year.first), min(end, year.last)):
        if not is_weekday(day) or day in covered or day in year.day_set:
            continue
        label = year.closed.get(day) or "between terms"
        if runs and runs[-1].label == label and next_weekday(runs[-1].end) == day:
            runs[-1] = Closure(label, runs[-1].start, day)
        else:
            runs.append(Closure(label, day, day))
    return runs


def _first_calendar_year(day):
    return day.year if day.month >= 9 else day.year - 1


def _year_bounds(first_year):
    return datetime.date(first_year, 9, 1), datetime.date(first_year + 1, 8, 31)


def _year_label(first_year):
    return f"{first_year}-{(first_year + 1) % 100:02d}"


def _overlapping(entries, first, last):
    return [e for e in entries if e.start_date <= last and e.end_date >= first]


def _dates(start, end):
    day = start
    while day <= end:
        yield day
        day += ONE_DAY


def _nth(days, n):
    return next(islice(days, n - 1, None))

"""
Writes to calendars: term dates imported from CSV or iCalendar files, and
entries added or deleted in the browser.

An import either saves every line of a file or nothing, and importing the same
file again changes nothing. An entry added or deleted in the browser passes the
same checks as a line of a file.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass

import icalendar
from django.conf import settings
from django.db import transaction

from dowimm.calendars.models import Calendar, CalendarEntry
from dowimm.calendars.school_days import (
    ONE_DAY,
    academic_year_bounds,
    academic_year_of,
    format_span,
    next_weekday,
    previous_weekday,
)
from dowimm.calendars.signals import calendar_changed

CSV_COLUMNS = ("academic_year", "kind", "start_date", "end_date", "label", "scope")
COUNTY_SCOPE = "county"
# Kinds of entry that only make sense in a term or beside one; bank
# holidays come from the holidays package and may fall anywhere.
DAYS_OFF_BY_A_TERM = (
    CalendarEntry.Kind.HOLIDAY,
    CalendarEntry.Kind.INSET,
    CalendarEntry.Kind.CLOSURE,
)
ACADEMIC_YEAR = re.compile(r"(\d{4})-(\d{2})")

# Checked in order: "half term" before "term", "bank holiday" before "holiday".
KIND_WORDS = (
    (re.compile(r"\bbank holiday\b"), CalendarEntry.Kind.BANK_HOLIDAY),
    (re.compile(r"\bhalf[ -]term\b"), CalendarEntry.Kind.HOLIDAY),
    (re.compile(r"\b(training|inset|staff development)\b"), CalendarEntry.Kind.INSET),
    (re.compile(r"\b(holiday|holidays|break|vacation)\b"), CalendarEntry.Kind.HOLIDAY),
    (re.compile(r"\b(closure|closed)\b"), CalendarEntry.Kind.CLOSURE),
    (re.compile(r"\bterm\b"), CalendarEntry.Kind.TERM),
)


class CalendarImportError(Exception):
    """A file refused whole, with the line at fault where there is one."""

    def __init__(self, line, reason):
        self.line = line
        self.reason = reason
        super().__init__(f"line {line}: {reason}" if line else reason)


@dataclass
class CalendarImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def __str__(self):
        return (
            f"{self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.skipped} skipped"
        )


@dataclass(frozen=True)
class _Row:
    """One entry read from a file; `line` is None for one already saved."""

    line: int | None
    kind: str
    start_date: datetime.date
    end_date: datetime.date
    label: str
    academic_year: str

    @property
    def key(self):
        return (self.kind, self.start_date, self.end_date)

    @property
    def kind_label(self):
        return CalendarEntry.Kind(self.kind).label


def county_calendar_get_or_create():
    calendar, _ = Calendar.objects.get_or_create(
        school=None,
        defaults={
            "name": f"{settings.AUTHORITY_NAME} model calendar",
            "inherits_county": False,
        },
    )
    return calendar


def school_calendar_get_or_create(*, school):
    calendar, _ = Calendar.objects.get_or_create(
        school=school, defaults={"name": f"{school.name} calendar"}
    )
    return calendar


def calendar_import_csv(*, file, school=None, scope=None):
    """
    Import term dates laid out like data/norfolk-term-dates.csv.

    Rows scoped "county" go to the county calendar. Rows scoped to a school's
    own calendar go to `school`'s calendar when a school is given (`scope`
    picks which, if the file holds several) and are skipped otherwise.
    """
    rows_by_scope = _read_csv(file)
    county_rows = rows_by_scope.pop(COUNTY_SCOPE, [])
    school_rows = []
    if school is not None:
        school_rows = rows_by_scope.pop(_school_scope(rows_by_scope, scope), [])

    with transaction.atomic():
        county = county_calendar_get_or_create()
        imports = {county: county_rows}
        if school is not None:
            imports[school_calendar_get_or_create(school=school)] = school_rows
        result = _import_rows(imports, county)

    result.skipped = sum(len(rows) for rows in rows_by_scope.values())
    return result


def calendar_import_ics(*, file, school=None, kind=None):
    """
    Import the all-day events of an iCalendar file into school's own calendar,
    or the county's when school is None. With no kind, each event's kind is
    told from words in its SUMMARY.
    """
    rows = _read_ics(file, kind)
    with transaction.atomic():
        county = county_calendar_get_or_create()
        if school is None:
            return _import_rows({county: rows}, county)
        calendar = school_calendar_get_or_create(school=school)
        return _import_rows({calendar: rows}, county)


def calendar_entry_add(*, user, school, kind, start_date, end_date, label=""):
    """
    Add one entry to `school`'s own calendar, or the county's when school is
    None. Refused with CalendarImportError (no line) on the importers' rules.
    """
    row = _row(1, kind, start_date, end_date, label, academic_year_of(start_date))
    with transaction.atomic():
        county = county_calendar_get_or_create()
        if school is None:
            calendar = _locked(county)
        else:
            calendar = _locked(school_calendar_get_or_create(school=school))
        if calendar.entries.filter(
            kind=kind, start_date=start_date, end_date=end_date
        ).exists():
            raise CalendarImportError(
                None, f"the calendar already has this {row.kind_label}"
            )
        _check_calendars({calendar: [row]}, county)
        entry = CalendarEntry(
            calendar=calendar,
            kind=row.kind,
            start_date=row.start_date,
            end_date=row.end_date,
            label=row.label,
            academic_year=row.academic_year,
        )
        entry._history_user = user
        entry.save()
        calendar_changed.send(Calendar, calendar=calendar, user=user)
    return entry


def calendar_entry_delete(*, user, entry_id):
    """
    Delete an entry, unless that would leave a holiday, training day or
    closure away from every term (here, or in a school calendar that borrows
    the county's terms).
    """
    with transaction.atomic():
        entry = CalendarEntry.objects.select_related("calendar").get(pk=entry_id)
        county = county_calendar_get_or_create()
        entry._history_user = user
        entry.delete()
        affected = [entry.calendar]
        if entry.calendar == county and entry.kind == CalendarEntry.Kind.TERM:
            affected += Calendar.objects.filter(
                school__isnull=False, inherits_county=True
            )
        _check_calendars({calendar: [] for calendar in affected}, county)
        calendar_changed.send(Calendar, calendar=entry.calendar, user=user)
    return entry


def _locked(calendar):
    # Two people adding terms at once must not both pass the overlap check.
    return Calendar.objects.select_for_update().get(pk=calendar.pk)


def _check_calendars(imports, county):
    """Check every calendar as it would be with the rows added."""
    county_terms = _terms(_merged(county, imports.get(county, [])))
    for calendar, rows in imports.items():
        merged = _merged(calendar, rows)
        _check_terms_do_not_overlap(merged)
        inherited = county_terms if calendar.inherits_county else []
        _check_days_off_by_a_term(merged, _terms(merged) + inherited)


def _import_rows(imports, county):
    """Check every calendar as it would be after the import, then save."""
    _check_calendars(imports, county)
    result = CalendarImportResult()
    for calendar, rows in imports.items():
        created_before = result.created
        _save_rows(calendar, rows, result)
        # A changed label moves no school day.
        if result.created > created_before:
            calendar_changed.send(Calendar, calendar=calendar, user=None)
    return result


def _merged(calendar, rows):
    """The calendar's saved entries overlaid with the file's rows."""
    saved = calendar.entries.values_list(
        "kind", "start_date", "end_date", "label", "academic_year"
    )
    merged = {
        (kind, start, end): _Row(None, kind, start, end, label, year)
        for kind, start, end, label, year in saved
    }
    merged.update((row.key, row) for row in rows)
    return list(merged.values())


def _terms(rows):
    return [row for row in rows if row.kind == CalendarEntry.Kind.TERM]


def _check_terms_do_not_overlap(rows):
    terms = sorted(_terms(rows), key=lambda row: row.start_date)
    for earlier, later in zip(terms, terms[1:], strict=False):
        if later.start_date <= earlier.end_date:
            culprit, other = (later, earlier) if later.line else (earlier, later)
            culprit_span = format_span(culprit.start_date, culprit.end_date)
            other_span = format_span(other.start_date, other.end_date)
            raise CalendarImportError(
                culprit.line,
                f"{culprit.label} ({culprit_span}) overlaps {other.label} "
                f"({other_span})",
            )


def _check_days_off_by_a_term(rows, terms):
    """
    Refuse a holiday, training day or closure that is neither in a term nor
    next to one. Training days are often the weekday just before a term's
    first day or after its last (the county's terms are pupils' days), and a
    holiday runs on from the end of a term, so those count as next to it.
    """
    for row in rows:
        if row.kind not in DAYS_OFF_BY_A_TERM:
            continue
        widened_start = previous_weekday(row.start_date)
        widened_end = next_weekday(row.end_date)
        if not any(
            t.start_date <= widened_end and t.end_date >= widened_start for t in terms
        ):
            span = format_span(row.start_date, row.end_date)
            raise CalendarImportError(
                row.line,
                f"the {row.kind_label} on {span} is not in or next to a term",
            )


def _save_rows(calendar, rows, result):
    # save() rather than bulk_create, so that each change writes a history row.
    saved = {(e.kind, e.start_date, e.end_date): e for e in calendar.entries.all()}
    for row in {row.key: row for row in rows}.values():
        entry = saved.get(row.key)
        if entry is None:
            CalendarEntry.objects.create(
                calendar=calendar,
                kind=row.kind,
                start_date=row.start_date,
                end_date=row.end_date,
                label=row.label,
                academic_year=row.academic_year,
            )
            result.created += 1
        elif (entry.label, entry.academic_year) != (row.label, row.academic_year):
            entry.label, entry.academic_year = row.label, row.academic_year
            entry.save()
            result.updated += 1
        else:
            result.unchanged += 1


def _school_scope(rows_by_scope, scope):
    school_scopes = sorted(rows_by_scope)
    if scope is not None:
        if scope not in rows_by_scope:
            raise CalendarImportError(None, f"no rows have the scope '{scope}'")
        return scope
    if len(school_scopes) > 1:
        raise CalendarImportError(
            None,
            "the file holds more than one school's calendar ("
            + ", ".join(school_scopes)
            + "): say which scope to import",
        )
    return school_scopes[0] if school_scopes else None


def _read_csv(file):
    reader = csv.DictReader(io.StringIO(_read_text(file)))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise CalendarImportError(1, "missing columns: " + ", ".join(missing))

    rows_by_scope = {}
    for record in reader:
        line = reader.line_num
        scope = (record["scope"] or "").strip()
        if not scope:
            raise CalendarImportError(line, "the scope is empty")
        scope = COUNTY_SCOPE if scope.casefold() == COUNTY_SCOPE else scope
        rows_by_scope.setdefault(scope, []).append(_row_from_csv(line, record))
    return rows_by_scope


def _row_from_csv(line, record):
    kind = (record["kind"] or "").strip().lower()
    if kind not in CalendarEntry.Kind.values:
        raise CalendarImportError(
            line,
            f"the kind '{kind}' is not one of " + ", ".join(CalendarEntry.Kind.values),
        )
    return _row(
        line,
        kind,
        _csv_date(line, record, "start_date"),
        _csv_date(line, record, "end_date"),
        (record["label"] or "").strip(),
        (record["academic_year"] or "").strip(),
    )


def _csv_date(line, record, column):
    value = (record[column] or "").strip()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CalendarImportError(
            line, f"{column} '{value}' is not a date written like 2025-09-03"
        ) from None


def _row(line, kind, start, end, label, academic_year):
    """Check what a single line can show wrong, wherever it was read from."""
    label = label or CalendarEntry.Kind(kind).label.capitalize()
    if end < start:
        raise CalendarImportError(
            line, f"{label} ends on {end}, before it starts on {start}"
        )

    if next_weekday(start - ONE_DAY) > end:
        meaning = (
            "so it has no school days"
            if kind == CalendarEntry.Kind.TERM
            else "when schools are closed anyway"
        )
        raise CalendarImportError(
            line,
            f"{label} ({format_span(start, end)}) falls only on a weekend, {meaning}",
        )

    match = ACADEMIC_YEAR.fullmatch(academic_year)
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise CalendarImportError(
            line, f"the academic year '{academic_year}' is not written like 2025-26"
        )
    first, last = academic_year_bounds(academic_year)
    ends_in_year = kind != CalendarEntry.Kind.TERM or end <= last
    if not (first <= start <= last and ends_in_year):
        raise CalendarImportError(
            line, f"{label} ({start} to {end}) is not in academic year {academic_year}"
        )
    return _Row(line, kind, start, end, label, academic_year)


def _read_ics(file, kind):
    text = _read_text(file)
    try:
        ical = icalendar.Calendar.from_ical(text)
    except ValueError:
        raise CalendarImportError(None, "the file is not an iCalendar file") from None
    if ical.name != "VCALENDAR":
        raise CalendarImportError(None, "the file is not an iCalendar file")

    event_lines = [
        number
        for number, content in enumerate(text.splitlines(), start=1)
        if content.strip().upper() == "BEGIN:VEVENT"
    ]
    events = ical.walk("VEVENT")
    return [
        _row_from_event(line, event, kind)
        for line, event in zip(event_lines, events, strict=True)
    ]


def _row_from_event(line, event, kind):
    summary = str(event.get("SUMMARY", "")).strip()
    if "RRULE" in event:
        raise CalendarImportError(
            line, f"'{summary}' repeats: list each occurrence as its own event"
        )
    start = _event_date(line, event, "DTSTART", summary)
    if "DTEND" in event:
        # An all-day event's DTEND is the day after its last day.
        end = _event_date(line, event, "DTEND", summary) - ONE_DAY
    elif "DURATION" in event:
        end = start + event["DURATION"].dt - ONE_DAY
    else:
        end = start

    kind = kind or _kind_from_summary(line, summary)
    return _row(line, kind, start, end, summary, academic_year_of(start))


def _event_date(line, event, name, summary):
    if name not in event:
        raise CalendarImportError(line, f"'{summary}' has no {name}")
    try:
        value = event[name].dt
    except (AttributeError, ValueError):
        # icalendar keeps an unreadable value and complains only when asked.
        raise CalendarImportError(
            line, f"the {name} of '{summary}' is not a date"
        ) from None
    if isinstance(value, datetime.datetime):
        raise CalendarImportError(line, f"'{summary}' is not an all-day event")
    return value


def _kind_from_summary(line, summary):
    words = summary.casefold()
    for pattern, kind in KIND_WORDS:
        if pattern.search(words):
            return kind
    raise CalendarImportError(
        line, f"cannot tell what kind of day '{summary}' is: give the kind"
    )


def _read_text(file):
    content = file.read()
    if isinstance(content, str):
        return content.removeprefix("\ufeff")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CalendarImportError(None, "the file is not UTF-8 text") from None

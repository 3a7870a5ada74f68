import csv
import io
from dataclasses import dataclass, field
from typing import BinaryIO

from django.db import transaction

from dowimm.schools.models import School

# GIAS column header -> School field. Every other column in the extract is
# ignored: a full download has about 140 of them.
GIAS_COLUMNS = {
    "URN": "urn",
    "EstablishmentName": "name",
    "LA (code)": "la_code",
    "LA (name)": "la_name",
    "EstablishmentStatus (name)": "status",
    "PhaseOfEducation (name)": "phase",
    "DistrictAdministrative (name)": "district",
    "Street": "street",
    "Town": "town",
    "Postcode": "postcode",
    "Easting": "easting",
    "Northing": "northing",
}
REQUIRED_GIAS_COLUMNS = ("URN", "EstablishmentName", "LA (code)")


class SchoolImportError(Exception):
    """The file as a whole cannot be imported; nothing has been written."""


class BadRow(Exception):
    pass


@dataclass
class SkippedRow:
    line: int
    reason: str


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[SkippedRow] = field(default_factory=list)


def school_import_gias(*, file: BinaryIO) -> ImportReport:
    """Add or update schools from a GIAS establishment extract.

    Schools are matched by URN. Only the GIAS columns are written, so the
    locally kept fields (day times, adviser, contacts, DSL) survive a
    re-import. Raises SchoolImportError, before writing anything, if the
    file cannot be read or lacks a required column.
    """
    reader = csv.reader(io.StringIO(_decode(file.read())))
    header = [name.strip() for name in next(reader, [])]
    columns = _column_positions(header)
    report = ImportReport()

    with transaction.atomic():
        schools = {school.urn: school for school in School.objects.all()}
        first_seen_on = {}

        # Lines are counted as a spreadsheet shows them: the header is
        # line 1, and blank lines still take a number.
        for line, row in enumerate(reader, start=2):
            if not any(value.strip() for value in row):
                continue
            try:
                values = _school_values(row, columns)
                _check_not_repeated(values["urn"], line, first_seen_on)
            except BadRow as error:
                report.skipped.append(SkippedRow(line=line, reason=str(error)))
                continue
            _save_school(values, schools, report)

    return report


def _decode(data: bytes) -> str:
    # GIAS downloads are Windows-1252; files saved by other tools are often
    # UTF-8, sometimes with a byte order mark.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise SchoolImportError(
            "The file is not a CSV saved as UTF-8 or Windows-1252 text."
        ) from error


def _column_positions(header: list[str]) -> dict[str, int]:
    if not header:
        raise SchoolImportError("The file is empty.")

    missing = [name for name in REQUIRED_GIAS_COLUMNS if name not in header]
    if missing:
        raise SchoolImportError(
            "The file is missing the required column(s): " + ", ".join(missing) + "."
        )

    return {
        GIAS_COLUMNS[name]: position
        for position, name in enumerate(header)
        if name in GIAS_COLUMNS
    }


def _school_values(row: list[str], columns: dict[str, int]) -> dict:
    """The School fields for one row, only for the columns the file has."""
    text = {
        field_name: row[position].strip() if position < len(row) else ""
        for field_name, position in columns.items()
    }

    values = dict(text)
    values["urn"] = _parse_urn(text["urn"])
    if not text["name"]:
        raise BadRow("EstablishmentName is empty")
    if "postcode" in text:
        values["postcode"] = normalise_postcode(text["postcode"])
    for field_name in ("easting", "northing"):
        if field_name in text:
            values[field_name] = _parse_grid_reference(field_name, text[field_name])

    _check_lengths(values)
    return values


def _parse_urn(text: str) -> int:
    if not text:
        raise BadRow("URN is empty")
    if not text.isdigit():
        raise BadRow(f"URN is not a number: {text!r}")
    return int(text)


def _parse_grid_reference(field_name: str, text: str) -> int | None:
    # Some establishments (closed, or not yet open) have no grid reference.
    if not text:
        return None
    if not text.isdigit():
        raise BadRow(f"{field_name.capitalize()} is not a number: {text!r}")
    return int(text)


def _check_lengths(values: dict) -> None:
    # SQLite would store an over-long value, PostgreSQL would abort the whole
    # import, so refuse the one row instead.
    for field_name, value in values.items():
        max_length = School._meta.get_field(field_name).max_length
        if max_length and len(value) > max_length:
            label = School._meta.get_field(field_name).verbose_name
            raise BadRow(f"The {label} is longer than {max_length} characters")


def _check_not_repeated(urn: int, line: int, first_seen_on: dict) -> None:
    if urn in first_seen_on:
        raise BadRow(f"URN {urn} is repeated from line {first_seen_on[urn]}")
    first_seen_on[urn] = line


def normalise_postcode(text: str) -> str:
    """Upper case, with one space before the last three characters."""
    compact = "".join(text.split()).upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def _save_school(values: dict, schools: dict, report: ImportReport) -> None:
    school = schools.get(values["urn"])
    if school is None:
        schools[values["urn"]] = School.objects.create(**values)
        report.added += 1
        return

    changed = [name for name, value in values.items() if getattr(school, name) != value]
    if not changed:
        report.unchanged += 1
        return

    for name in changed:
        setattr(school, name, values[name])
    school.save(update_fields=changed)
    report.updated += 1


# What a school's own staff keep up to date; the rest comes from GIAS or is
# set by administrators.
DETAILS_KEPT_BY_THE_SCHOOL = (
    "headteacher",
    "named_contact",
    "named_contact_email",
    "dsl_name",
    "dsl_email",
    "day_starts",
    "day_ends",
)


@transaction.atomic
def school_details_update(*, user, school_id, details):
    """Save the details a school's staff keep, with who changed them."""
    school = School.objects.select_for_update().get(pk=school_id)
    for name in DETAILS_KEPT_BY_THE_SCHOOL:
        setattr(school, name, details[name])
    school._history_user = user
    school._change_reason = "Details updated by the school"
    school.save()
    return school

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from dowimm.calendars.models import Calendar, CalendarEntry
from dowimm.calendars.services import CalendarImportError, calendar_import_csv
from dowimm.calendars.tests.conftest import TERM_DATES_CSV
from dowimm.schools.models import School

pytestmark = pytest.mark.django_db

HEADER = "academic_year,kind,start_date,end_date,label,scope\n"
AUTUMN_TERM = "2025-26,term,2025-09-03,2025-12-19,Autumn term,county\n"
HALF_TERM = "2025-26,holiday,2025-10-27,2025-10-31,Autumn half term,county\n"

# The data file: 9 county rows, and 15 rows for "one primary school"
# (2 training days in 2025-26 and a whole calendar for 2024-25).
COUNTY_ROWS = 9
PRIMARY_ROWS = 15


def import_text(text, **kwargs):
    return calendar_import_csv(file=io.StringIO(text), **kwargs)


def import_data_file(**kwargs):
    with TERM_DATES_CSV.open(encoding="utf-8", newline="") as f:
        return calendar_import_csv(file=f, **kwargs)


def test_county_rows_go_to_the_county_calendar():
    result = import_data_file()

    county = Calendar.objects.get(school=None)
    assert county.name == "Norfolk County Council model calendar"
    assert county.entries.count() == COUNTY_ROWS
    assert (result.created, result.skipped) == (COUNTY_ROWS, PRIMARY_ROWS)
    autumn = county.entries.get(kind=CalendarEntry.Kind.TERM, label="Autumn term")
    assert (autumn.start_date, autumn.end_date) == (
        date(2025, 9, 3),
        date(2025, 12, 19),
    )
    assert autumn.academic_year == "2025-26"


def test_school_rows_go_to_the_named_school_calendar():
    school = School.objects.create(urn=900001, name="Test Primary School")

    result = import_data_file(school=school)

    assert result.created == COUNTY_ROWS + PRIMARY_ROWS
    assert result.skipped == 0
    assert school.calendar.entries.count() == PRIMARY_ROWS
    assert school.calendar.inherits_county


def test_importing_the_same_file_again_changes_nothing():
    school = School.objects.create(urn=900001, name="Test Primary School")
    import_data_file(school=school)
    history_rows = CalendarEntry.history.count()

    result = import_data_file(school=school)

    assert (result.created, result.updated) == (0, 0)
    assert result.unchanged == COUNTY_ROWS + PRIMARY_ROWS
    assert CalendarEntry.objects.count() == COUNTY_ROWS + PRIMARY_ROWS
    assert CalendarEntry.history.count() == history_rows
    assert Calendar.objects.count() == 2


def test_a_new_label_updates_the_entry_and_writes_history():
    import_text(HEADER + AUTUMN_TERM)

    result = import_text(HEADER + AUTUMN_TERM.replace("Autumn term", "Term 1"))

    assert result.updated == 1
    entry = CalendarEntry.objects.get()
    assert entry.label == "Term 1"
    assert entry.history.count() == 2


def test_the_same_row_twice_in_a_file_is_imported_once():
    result = import_text(HEADER + AUTUMN_TERM + AUTUMN_TERM)

    assert result.created == 1
    assert CalendarEntry.objects.count() == 1


def test_a_training_day_just_before_a_term_is_accepted():
    # Mon 5 Jan is the weekday before the spring term's first day.
    import_text(
        HEADER
        + "2025-26,term,2026-01-06,2026-03-27,Spring term,county\n"
        + "2025-26,inset,2026-01-05,2026-01-05,Staff training day,county\n"
    )

    assert CalendarEntry.objects.filter(kind=CalendarEntry.Kind.INSET).count() == 1


def assert_refused(text, message, **kwargs):
    with pytest.raises(CalendarImportError) as raised:
        import_text(text, **kwargs)
    assert str(raised.value) == message
    assert not CalendarEntry.objects.exists()
    assert not Calendar.objects.exists()


def test_a_term_that_ends_before_it_starts_is_refused():
    assert_refused(
        HEADER + "2025-26,term,2025-12-19,2025-09-03,Autumn term,county\n",
        "line 2: Autumn term ends on 2025-09-03, before it starts on 2025-12-19",
    )


def test_overlapping_terms_are_refused_and_nothing_is_imported():
    assert_refused(
        HEADER
        + AUTUMN_TERM
        + HALF_TERM
        + "2025-26,term,2025-12-01,2026-03-27,Spring term,county\n",
        "line 4: Spring term (1 Dec 2025 – 27 Mar 2026) overlaps "
        "Autumn term (3 Sep – 19 Dec 2025)",
    )


def test_a_term_overlapping_one_already_saved_is_refused():
    import_text(HEADER + AUTUMN_TERM)

    with pytest.raises(CalendarImportError, match="^line 2: Winter term"):
        import_text(HEADER + "2025-26,term,2025-12-15,2026-03-27,Winter term,county\n")
    assert CalendarEntry.objects.count() == 1


def test_a_training_day_outside_every_term_is_refused():
    # Mon 3 Aug 2026 is in the summer holiday of 2025-26.
    assert_refused(
        HEADER
        + AUTUMN_TERM
        + "2025-26,term,2026-04-15,2026-07-17,Summer term,county\n"
        + "2025-26,inset,2026-08-03,2026-08-03,Staff training day,county\n",
        "line 4: the staff training day on Mon 3 Aug 2026 is not in or next to a term",
    )


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        ("2025-10-04", "2025-10-04", "Sat 4 Oct 2025"),
        ("2025-10-04", "2025-10-05", "4–5 Oct 2025"),
    ],
)
def test_a_training_day_only_at_a_weekend_is_refused(start, end, shown):
    # Sat 4 and Sun 5 Oct 2025, in the autumn term.
    assert_refused(
        HEADER
        + AUTUMN_TERM
        + f"2025-26,inset,{start},{end},Staff training day,county\n",
        f"line 3: Staff training day ({shown}) falls only on a weekend, when "
        "schools are closed anyway",
    )


def test_a_term_only_at_a_weekend_is_refused():
    assert_refused(
        HEADER + "2026-27,term,2026-09-05,2026-09-06,Autumn term,county\n",
        "line 2: Autumn term (5–6 Sep 2026) falls only on a weekend, so it has "
        "no school days",
    )


def test_a_closure_over_a_weekend_and_a_monday_is_kept():
    import_text(
        HEADER + AUTUMN_TERM + "2025-26,closure,2025-10-04,2025-10-06,,county\n"
    )

    assert CalendarEntry.objects.filter(kind="closure").count() == 1


def test_a_holiday_away_from_every_term_is_refused():
    # The autumn term ends on Fri 19 Dec 2025; Mon 2 Feb 2026 is far from it.
    assert_refused(
        HEADER
        + AUTUMN_TERM
        + "2025-26,holiday,2026-02-02,2026-02-06,Winter break,county\n",
        "line 3: the holiday on 2–6 Feb 2026 is not in or next to a term",
    )


def test_a_holiday_starting_the_weekday_after_a_term_is_imported():
    result = import_text(
        HEADER
        + AUTUMN_TERM
        + "2025-26,holiday,2025-12-22,2026-01-05,Christmas holiday,county\n"
    )

    assert result.created == 2


def test_a_school_training_day_is_checked_against_the_county_terms():
    school = School.objects.create(urn=900001, name="Test Primary School")

    assert_refused(
        HEADER
        + AUTUMN_TERM
        + "2025-26,inset,2026-02-02,2026-02-02,Staff training day,our school\n",
        "line 3: the staff training day on Mon 2 Feb 2026 is not in or next to a term",
        school=school,
    )


def test_an_unknown_kind_is_refused():
    assert_refused(
        HEADER + AUTUMN_TERM + "2025-26,sports day,2025-07-01,2025-07-01,x,county\n",
        "line 3: the kind 'sports day' is not one of "
        "term, holiday, inset, bank_holiday, closure",
    )


def test_a_bad_date_is_refused():
    assert_refused(
        HEADER + "2025-26,term,2025-09-31,2025-12-19,Autumn term,county\n",
        "line 2: start_date '2025-09-31' is not a date written like 2025-09-03",
    )


def test_a_date_outside_its_academic_year_is_refused():
    assert_refused(
        HEADER + "2024-25,term,2025-09-03,2025-12-19,Autumn term,county\n",
        "line 2: Autumn term (2025-09-03 to 2025-12-19) "
        "is not in academic year 2024-25",
    )


def test_a_badly_written_academic_year_is_refused():
    assert_refused(
        HEADER + "2025/26,term,2025-09-03,2025-12-19,Autumn term,county\n",
        "line 2: the academic year '2025/26' is not written like 2025-26",
    )


def test_a_file_without_the_columns_is_refused():
    assert_refused(
        "year,kind,start,end\n2025-26,term,2025-09-03,2025-12-19\n",
        "line 1: missing columns: academic_year, start_date, end_date, label, scope",
    )


def test_a_file_of_several_schools_needs_a_scope():
    school = School.objects.create(urn=900001, name="Test Primary School")
    text = (
        HEADER
        + AUTUMN_TERM
        + "2025-26,inset,2025-11-03,2025-11-03,Training,school a\n"
        + "2025-26,inset,2025-11-04,2025-11-04,Training,school b\n"
    )

    with pytest.raises(CalendarImportError, match="more than one school"):
        import_text(text, school=school)
    result = import_text(text, school=school, scope="school b")

    assert result.skipped == 1
    assert school.calendar.entries.get().start_date == date(2025, 11, 4)


def test_command_imports_the_county_csv():
    out = io.StringIO()

    call_command("import_term_dates", str(TERM_DATES_CSV), stdout=out)

    assert out.getvalue().endswith(
        f"norfolk-term-dates.csv: {COUNTY_ROWS} created, 0 updated, 0 unchanged, "
        f"{PRIMARY_ROWS} skipped\n"
    )
    assert Calendar.objects.get().is_county


def test_command_imports_a_school_calendar_by_urn():
    School.objects.create(urn=900001, name="Test Primary School")

    call_command("import_term_dates", str(TERM_DATES_CSV), "--school", "900001")

    assert CalendarEntry.objects.filter(calendar__school__urn=900001).count() == (
        PRIMARY_ROWS
    )


def test_command_reports_the_line_at_fault(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + AUTUMN_TERM + "2025-26,term,2025-13-01,x,Bad,county\n")

    with pytest.raises(CommandError, match="line 3: start_date '2025-13-01'"):
        call_command("import_term_dates", str(bad))


def test_command_refuses_an_unknown_urn():
    with pytest.raises(CommandError, match="No school has URN 1"):
        call_command("import_term_dates", str(TERM_DATES_CSV), "--school", "1")

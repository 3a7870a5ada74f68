import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from dowimm.calendars.models import Calendar, CalendarEntry
from dowimm.calendars.school_days import school_days_for
from dowimm.calendars.services import CalendarImportError, calendar_import_ics
from dowimm.schools.models import School

pytestmark = pytest.mark.django_db

Kind = CalendarEntry.Kind


def ics(*events):
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//term dates//EN"]
    for number, (summary, start, end) in enumerate(events):
        lines += [
            "BEGIN:VEVENT",
            f"UID:event-{number}@test",
            "DTSTAMP:20250101T000000Z",
            f"SUMMARY:{summary}",
            f"DTSTART;VALUE=DATE:{start}",
            f"DTEND;VALUE=DATE:{end}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


# DTEND is the day after the last day: 20 Dec for a term ending Fri 19 Dec.
AUTUMN_2025 = ics(
    ("Autumn Term", "20250903", "20251220"),
    ("Autumn Half Term", "20251027", "20251101"),
    ("INSET day", "20251103", "20251104"),
)


def import_ics(text, **kwargs):
    return calendar_import_ics(file=io.BytesIO(text.encode()), **kwargs)


def entry_spans(calendar):
    return {
        (e.kind, e.start_date, e.end_date, e.academic_year)
        for e in calendar.entries.all()
    }


def test_dtend_is_the_day_after_the_last_day():
    import_ics(AUTUMN_2025)

    county = Calendar.objects.get(school=None)
    assert entry_spans(county) == {
        (Kind.TERM, date(2025, 9, 3), date(2025, 12, 19), "2025-26"),
        (Kind.HOLIDAY, date(2025, 10, 27), date(2025, 10, 31), "2025-26"),
        (Kind.INSET, date(2025, 11, 3), date(2025, 11, 3), "2025-26"),
    }


def test_imported_days_count_as_school_days():
    import_ics(AUTUMN_2025)
    school_days = school_days_for()

    assert not school_days.is_school_day(date(2025, 10, 31))
    assert not school_days.is_school_day(date(2025, 11, 3))
    assert school_days.is_school_day(date(2025, 11, 4))
    assert school_days.is_school_day(date(2025, 12, 19))


def test_kind_is_told_from_the_summary():
    import_ics(
        ics(
            ("Spring term", "20260106", "20260328"),
            ("Christmas holidays", "20251222", "20260106"),
            ("Staff Training Day", "20260105", "20260106"),
            ("Early May Bank Holiday", "20260504", "20260505"),
            ("School closed: polling day", "20260226", "20260227"),
        )
    )

    kinds = dict(CalendarEntry.objects.values_list("label", "kind"))
    assert kinds == {
        "Spring term": Kind.TERM,
        "Christmas holidays": Kind.HOLIDAY,
        "Staff Training Day": Kind.INSET,
        "Early May Bank Holiday": Kind.BANK_HOLIDAY,
        "School closed: polling day": Kind.CLOSURE,
    }


def test_importing_the_same_file_again_changes_nothing():
    import_ics(AUTUMN_2025)

    result = import_ics(AUTUMN_2025)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert CalendarEntry.objects.count() == 3


def test_school_events_go_to_the_school_calendar_and_inherit_county_terms():
    school = School.objects.create(urn=900001, name="Test Primary School")
    import_ics(ics(("Autumn term", "20250903", "20251220")))

    import_ics(ics(("Training day", "20251103", "20251104")), school=school)

    assert entry_spans(school.calendar) == {
        (Kind.INSET, date(2025, 11, 3), date(2025, 11, 3), "2025-26"),
    }
    assert not school_days_for(school).is_school_day(date(2025, 11, 3))


def test_given_kind_overrides_the_summary():
    import_ics(ics(("Sports day", "20250903", "20251220")), kind=Kind.TERM)

    assert CalendarEntry.objects.get().kind == Kind.TERM


def test_a_summary_without_a_known_word_is_refused():
    with pytest.raises(CalendarImportError) as raised:
        import_ics(ics(("Sports day", "20250903", "20251220")))

    # The event starts on line 4, after BEGIN:VCALENDAR, VERSION and PRODID.
    assert str(raised.value) == (
        "line 4: cannot tell what kind of day 'Sports day' is: give the kind"
    )


def test_a_file_that_is_not_icalendar_is_refused():
    with pytest.raises(CalendarImportError, match="not an iCalendar file"):
        import_ics("academic_year,kind\n2025-26,term\n")
    assert not Calendar.objects.exists()


def test_an_event_with_a_time_is_refused():
    text = AUTUMN_2025.replace(
        "DTSTART;VALUE=DATE:20251103", "DTSTART:20251103T090000Z"
    ).replace("DTEND;VALUE=DATE:20251104", "DTEND:20251103T150000Z")

    with pytest.raises(CalendarImportError, match="^line 18: 'INSET day' is not an"):
        import_ics(text)
    assert not CalendarEntry.objects.exists()


def test_an_event_ending_as_it_starts_is_refused():
    with pytest.raises(CalendarImportError, match="ends on 2025-11-02, before"):
        import_ics(ics(("INSET day", "20251103", "20251103")))


def test_a_bad_date_is_refused():
    with pytest.raises(CalendarImportError, match="DTSTART of 'Autumn term' is not"):
        import_ics(ics(("Autumn term", "20251399", "20251220")))


def test_a_training_day_outside_every_term_is_refused():
    with pytest.raises(CalendarImportError, match="not in or next to a term"):
        import_ics(ics(("Training day", "20260803", "20260804")))
    assert not CalendarEntry.objects.exists()


def test_command_imports_into_a_school_calendar(tmp_path):
    School.objects.create(urn=900001, name="Test Primary School")
    path = tmp_path / "dates.ics"
    path.write_text(AUTUMN_2025)
    out = io.StringIO()

    call_command("import_term_dates_ics", str(path), "--school", "900001", stdout=out)

    assert out.getvalue().endswith(
        "dates.ics: 3 created, 0 updated, 0 unchanged, 0 skipped\n"
    )
    assert Calendar.objects.get(school__urn=900001).entries.count() == 3


def test_command_refuses_a_file_that_is_not_icalendar(tmp_path):
    path = tmp_path / "dates.ics"
    path.write_text("hello")

    with pytest.raises(CommandError, match="not an iCalendar file. Nothing was"):
        call_command("import_term_dates_ics", str(path), "--county")

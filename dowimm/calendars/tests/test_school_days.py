"""
School days on the county's 2025-26 calendar (data/norfolk-term-dates.csv).

Every expected date below was counted by hand on a printed calendar:
autumn term Wed 3 Sep - Fri 19 Dec 2025, half term Mon 27 - Fri 31 Oct,
Christmas Mon 22 Dec - Mon 5 Jan, spring term Tue 6 Jan - Fri 27 Mar 2026,
Easter Mon 30 Mar - Mon 13 Apr, summer term Wed 15 Apr - Fri 17 Jul 2026,
early May bank holiday Mon 4 May, summer half term Mon 25 - Fri 29 May.
"""

from datetime import date

import pytest

from dowimm.calendars.models import CalendarEntry
from dowimm.calendars.school_days import (
    Closure,
    NoTermDates,
    SchoolDays,
    academic_year_of,
    calendar_for_school,
    school_days_for,
)

MON_13_OCT_2025 = date(2025, 10, 13)
FRI_24_OCT_2025 = date(2025, 10, 24)
SAT_25_OCT_2025 = date(2025, 10, 25)
WED_29_OCT_2025_HALF_TERM = date(2025, 10, 29)
MON_3_NOV_2025 = date(2025, 11, 3)
TUE_4_NOV_2025 = date(2025, 11, 4)


def test_academic_year_runs_from_september_to_august():
    assert academic_year_of(date(2025, 9, 1)) == "2025-26"
    assert academic_year_of(date(2026, 8, 31)) == "2025-26"
    assert academic_year_of(date(1999, 9, 1)) == "1999-00"


def test_weekday_in_term_is_a_school_day(county_days):
    assert county_days.is_school_day(MON_13_OCT_2025)
    assert county_days.explain_day(MON_13_OCT_2025) == "Mon 13 Oct 2025 is a school day"


def test_weekend_in_term_is_not_a_school_day(county_days):
    assert not county_days.is_school_day(SAT_25_OCT_2025)
    assert county_days.closed_because(SAT_25_OCT_2025) == "weekend"


def test_half_term_is_not_a_school_day(county_days):
    assert not county_days.is_school_day(WED_29_OCT_2025_HALF_TERM)
    assert county_days.explain_day(WED_29_OCT_2025_HALF_TERM) == (
        "Wed 29 Oct 2025 is not a school day: Autumn half term"
    )


def test_county_inset_days_before_term_are_between_terms(county_days):
    # The county's autumn term starts on Wed 3 Sep: Mon 1 and Tue 2 Sep are
    # staff days, not pupils' days.
    assert not county_days.is_school_day(date(2025, 9, 2))
    assert county_days.closed_because(date(2025, 9, 2)) == "between terms"
    assert county_days.is_school_day(date(2025, 9, 3))


def test_early_may_bank_holiday_is_not_a_school_day(county_days):
    assert not county_days.is_school_day(date(2026, 5, 4))
    assert county_days.is_school_day(date(2026, 5, 5))


def test_bank_holiday_is_closed_even_when_the_calendar_leaves_it_out():
    term = CalendarEntry(
        kind=CalendarEntry.Kind.TERM,
        start_date=date(2026, 4, 15),
        end_date=date(2026, 7, 17),
        label="Summer term",
    )
    school_days = SchoolDays("a test calendar", [term])

    assert not school_days.is_school_day(date(2026, 5, 4))
    assert school_days.closed_because(date(2026, 5, 4)) == "May Day"


def test_school_training_day_closes_only_that_school(county_days, primary_days):
    assert county_days.is_school_day(MON_3_NOV_2025)
    assert not primary_days.is_school_day(MON_3_NOV_2025)
    assert primary_days.closed_because(MON_3_NOV_2025) == "Staff training day"


def test_school_that_inherits_keeps_the_county_holidays(primary_days):
    assert not primary_days.is_school_day(WED_29_OCT_2025_HALF_TERM)
    assert primary_days.is_school_day(TUE_4_NOV_2025)


def test_school_without_a_calendar_keeps_the_county_calendar(county_school):
    assert calendar_for_school(county_school).is_county


def test_school_with_a_calendar_keeps_its_own(primary_school):
    calendar = calendar_for_school(primary_school)

    assert calendar.school == primary_school


def test_next_school_day_skips_weekend_and_half_term(county_days):
    assert county_days.next_school_day(SAT_25_OCT_2025) == MON_3_NOV_2025
    assert county_days.next_school_day(MON_13_OCT_2025) == MON_13_OCT_2025


def test_previous_school_day_skips_half_term(county_days):
    assert county_days.previous_school_day(WED_29_OCT_2025_HALF_TERM) == FRI_24_OCT_2025


def test_add_school_days_excludes_the_start(county_days):
    assert county_days.add_school_days(FRI_24_OCT_2025, 1) == MON_3_NOV_2025
    # Mon 13 Oct + 5 = Mon 20 Oct: Tue 14 .. Fri 17 are 1-4.
    assert county_days.add_school_days(MON_13_OCT_2025, 5) == date(2025, 10, 20)


def test_add_negative_school_days_counts_back(county_days):
    assert county_days.add_school_days(MON_3_NOV_2025, -1) == FRI_24_OCT_2025
    assert county_days.add_school_days(MON_3_NOV_2025, -2) == date(2025, 10, 23)


def test_add_school_days_skips_a_school_training_day(primary_days):
    # Fri 24 Oct + 1: half term, then the school's training day Mon 3 Nov.
    assert primary_days.add_school_days(FRI_24_OCT_2025, 1) == TUE_4_NOV_2025


def test_nth_school_day_from_counts_a_school_day_start_as_day_1(county_days):
    assert county_days.nth_school_day_from(MON_13_OCT_2025, 1) == MON_13_OCT_2025
    assert county_days.nth_school_day_from(MON_13_OCT_2025, 5) == date(2025, 10, 17)


def test_nth_school_day_from_a_holiday_starts_at_the_next_school_day(county_days):
    assert county_days.nth_school_day_from(WED_29_OCT_2025_HALF_TERM, 1) == (
        MON_3_NOV_2025
    )


def test_nth_school_day_from_refuses_day_0(county_days):
    with pytest.raises(ValueError):
        county_days.nth_school_day_from(MON_13_OCT_2025, 0)


def test_count_school_days_over_half_term(county_days, primary_days):
    # Mon 20 - Fri 24 Oct (5), half term, Mon 3 - Fri 7 Nov (5).
    start, end = date(2025, 10, 20), date(2025, 11, 7)

    assert county_days.count_school_days(start, end) == 10
    assert primary_days.count_school_days(start, end) == 9


def test_school_days_between_includes_both_ends(county_days):
    assert county_days.school_days_between(FRI_24_OCT_2025, MON_3_NOV_2025) == [
        FRI_24_OCT_2025,
        MON_3_NOV_2025,
    ]


def test_weeks_with_school_days_leave_out_half_term_week(county_days):
    weeks = county_days.weeks_with_school_days(MON_13_OCT_2025, date(2025, 11, 16))

    assert weeks == [
        date(2025, 10, 13),
        date(2025, 10, 20),
        date(2025, 11, 3),
        date(2025, 11, 10),
    ]


def test_weeks_with_school_days_over_christmas(county_days):
    # Autumn term ends Fri 19 Dec; spring term starts Tue 6 Jan.
    weeks = county_days.weeks_with_school_days(date(2025, 12, 15), date(2026, 1, 11))

    assert weeks == [date(2025, 12, 15), date(2026, 1, 5)]


def test_closures_between_over_easter(county_days):
    closures = county_days.closures_between(date(2026, 3, 9), date(2026, 5, 20))

    assert closures == [
        Closure("Easter holiday", date(2026, 3, 30), date(2026, 4, 13)),
        Closure("between terms", date(2026, 4, 14), date(2026, 4, 14)),
        Closure("Early May bank holiday", date(2026, 5, 4), date(2026, 5, 4)),
    ]
    assert [str(c) for c in closures] == [
        "Easter holiday 30 Mar – 13 Apr 2026",
        "between terms Tue 14 Apr 2026",
        "Early May bank holiday Mon 4 May 2026",
    ]


def test_year_without_term_dates_raises_no_term_dates(county_days):
    with pytest.raises(NoTermDates) as raised:
        county_days.is_school_day(date(2026, 9, 7))

    assert str(raised.value) == "no term dates for 2026-27 at King's Lynn Academy"
    assert raised.value.academic_year == "2026-27"


def test_next_school_day_after_summer_term_needs_next_years_dates(county_days):
    with pytest.raises(NoTermDates, match="no term dates for 2026-27"):
        county_days.next_school_day(date(2026, 7, 20))


def test_counting_to_the_end_of_august_needs_no_next_year(county_days):
    # Wed 1 - Fri 3 Jul (3), 6-10 (5), 13-17 (5); summer holiday after.
    assert county_days.count_school_days(date(2026, 7, 1), date(2026, 8, 31)) == 13


def test_school_own_terms_replace_the_county_for_their_year(primary_days):
    # 2024-25 comes from the school's own calendar; the county has none.
    assert primary_days.is_school_day(date(2024, 10, 24))
    assert primary_days.closed_because(date(2024, 10, 25)) == "Staff training day"
    assert primary_days.nth_school_day_from(date(2025, 1, 6), 1) == date(2025, 1, 7)


def test_county_has_no_2024_25_term_dates(county_calendar):
    with pytest.raises(NoTermDates) as raised:
        school_days_for().is_school_day(date(2024, 10, 24))

    assert str(raised.value) == (
        "no term dates for 2024-25 at Norfolk County Council model calendar"
    )


def test_school_that_does_not_inherit_needs_its_own_terms(primary_school):
    calendar = primary_school.calendar
    calendar.inherits_county = False
    calendar.save()
    school_days = school_days_for(primary_school)

    with pytest.raises(NoTermDates, match="no term dates for 2025-26 at Test Primary"):
        school_days.is_school_day(MON_13_OCT_2025)


def test_school_days_are_loaded_in_two_queries(
    primary_school, django_assert_num_queries
):
    with django_assert_num_queries(2):
        school_days = school_days_for(primary_school)
        school_days.count_school_days(date(2024, 9, 1), date(2026, 8, 31))
        school_days.nth_school_day_from(MON_13_OCT_2025, 40)


def test_no_calendars_at_all_raises_no_term_dates(db):
    with pytest.raises(NoTermDates, match="no term dates for 2025-26 at the county"):
        school_days_for().is_school_day(MON_13_OCT_2025)

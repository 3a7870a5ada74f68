"""
The scheme's dates on the county's 2025-26 calendar, counted by hand.

Weeks of school days from Mon 13 Oct 2025: 13-17 Oct (days 1-5), 20-24 Oct
(6-10), half term 27-31 Oct, 3-7 Nov (11-15), 10-14 (16-20), 17-21 (21-25),
24-28 (26-30), 1-5 Dec (31-35), 8-12 Dec (36-40).
"""

from datetime import date

import pytest

from dowimm.calendars.deadlines import (
    cp_file_deadline,
    notice_deadline,
    placement_expected_end,
    review_schedule,
)
from dowimm.calendars.school_days import NoTermDates

MON_13_OCT_2025 = date(2025, 10, 13)
FRI_12_DEC_2025 = date(2025, 12, 12)
MON_15_DEC_2025 = date(2025, 12, 15)


def test_placement_from_mon_13_oct_ends_fri_12_dec_after_half_term(county_days):
    end = placement_expected_end(county_days, MON_13_OCT_2025)

    assert end.end_date == FRI_12_DEC_2025
    assert end.explanation == (
        "40 school days from Mon 13 Oct 2025 to Fri 12 Dec 2025; "
        "not counted: Autumn half term 27–31 Oct 2025"
    )


def test_placement_at_school_with_training_day_3_nov_ends_mon_15_dec(primary_days):
    end = placement_expected_end(primary_days, MON_13_OCT_2025)

    assert end.end_date == MON_15_DEC_2025
    assert end.explanation == (
        "40 school days from Mon 13 Oct 2025 to Mon 15 Dec 2025; "
        "not counted: Autumn half term 27–31 Oct 2025, "
        "Staff training day Mon 3 Nov 2025"
    )


def test_two_days_authorised_absence_end_two_school_days_later(county_days):
    # Fri 12 Dec + 2 school days = Mon 15, Tue 16 Dec.
    absent = [date(2025, 11, 4), date(2025, 11, 5)]

    end = placement_expected_end(county_days, MON_13_OCT_2025, absent)

    assert end.end_date == date(2025, 12, 16)
    assert end.authorised_absence_days == tuple(absent)
    assert end.explanation.endswith(
        "Autumn half term 27–31 Oct 2025, 2 days of authorised absence"
    )


def test_absence_on_a_day_that_is_not_a_school_day_moves_nothing(county_days):
    half_term_and_weekend = [date(2025, 10, 29), date(2025, 11, 8)]

    end = placement_expected_end(county_days, MON_13_OCT_2025, half_term_and_weekend)

    assert end.end_date == FRI_12_DEC_2025
    assert end.authorised_absence_days == ()


def test_absence_after_the_end_moves_nothing(county_days):
    end = placement_expected_end(county_days, MON_13_OCT_2025, [MON_15_DEC_2025])

    assert end.end_date == FRI_12_DEC_2025


def test_placement_across_christmas_from_mon_1_dec_ends_mon_9_feb(county_days):
    # 1-19 Dec (15), Christmas, Tue 6 - Fri 9 Jan (19), 12-16 (24), 19-23 (29),
    # 26-30 (34), 2-6 Feb (39), Mon 9 Feb (40).
    end = placement_expected_end(county_days, date(2025, 12, 1))

    assert end.end_date == date(2026, 2, 9)
    assert "Christmas holiday 22 Dec 2025 – 5 Jan 2026" in end.explanation


def test_placement_across_easter_and_early_may_from_mon_9_mar_ends_wed_20_may(
    county_days,
):
    # 9-27 Mar (15), Easter and Tue 14 Apr, Wed 15 - Fri 17 Apr (18),
    # 20-24 (23), 27 Apr - 1 May (28), bank holiday Mon 4 May, 5-8 (32),
    # 11-15 (37), Mon 18 - Wed 20 May (40).
    end = placement_expected_end(county_days, date(2026, 3, 9))

    assert end.end_date == date(2026, 5, 20)
    assert end.explanation == (
        "40 school days from Mon 9 Mar 2026 to Wed 20 May 2026; not counted: "
        "Easter holiday 30 Mar – 13 Apr 2026, between terms Tue 14 Apr 2026, "
        "Early May bank holiday Mon 4 May 2026"
    )


def test_placement_starting_in_half_term_counts_from_the_next_school_day(
    county_days,
):
    # Day 1 is Mon 3 Nov; 3 Nov - 19 Dec is 7 full weeks (35), then
    # Christmas, Tue 6 - Fri 9 Jan (39), Mon 12 Jan (40).
    end = placement_expected_end(county_days, date(2025, 10, 29))

    assert end.end_date == date(2026, 1, 12)


def test_placement_running_into_a_year_without_term_dates_raises(county_days):
    with pytest.raises(NoTermDates, match="no term dates for 2026-27"):
        placement_expected_end(county_days, date(2026, 7, 6))


def test_placement_length_is_a_setting(county_days, settings):
    settings.DOWIMM_PLACEMENT_SCHOOL_DAYS = 5

    end = placement_expected_end(county_days, MON_13_OCT_2025)

    assert end.end_date == date(2025, 10, 17)
    assert end.explanation == "5 school days from Mon 13 Oct 2025 to Fri 17 Oct 2025"


def test_reviews_every_10_school_days_until_the_end(county_days):
    # +10: Mon 3 Nov; +20: Mon 17 Nov; +30: Mon 1 Dec; +40 would be Mon 15 Dec.
    reviews = review_schedule(county_days, MON_13_OCT_2025, until=FRI_12_DEC_2025)

    assert reviews == [date(2025, 11, 3), date(2025, 11, 17), date(2025, 12, 1)]


def test_reviews_include_the_last_day_when_it_falls_due(county_days):
    reviews = review_schedule(county_days, MON_13_OCT_2025, until=MON_15_DEC_2025)

    assert reviews[-1] == MON_15_DEC_2025


def test_cp_file_due_5_school_days_after_a_move_in_term(county_days, primary_days):
    # Thu 23 Oct: Fri 24 (1), half term, Mon 3 (2) .. Thu 6 Nov (5).
    thu_23_oct = date(2025, 10, 23)

    assert cp_file_deadline(county_days, thu_23_oct).due == date(2025, 11, 6)
    # The school's training day on Mon 3 Nov pushes it to Fri 7 Nov.
    assert cp_file_deadline(primary_days, thu_23_oct).due == date(2025, 11, 7)


def test_cp_file_for_a_move_in_half_term_is_due_on_5th_day_of_new_term(
    county_days, primary_days
):
    # Half term ends Fri 31 Oct; Mon 3 Nov is day 1, Fri 7 Nov day 5.
    deadline = cp_file_deadline(county_days, date(2025, 10, 29))

    assert deadline.due == date(2025, 11, 7)
    assert deadline.explanation == (
        "5 school days after the move on Wed 29 Oct 2025, which was not a school "
        "day (Autumn half term): day 1 is the next school day"
    )
    # At the school, Tue 4 Nov is day 1 and Mon 10 Nov day 5.
    assert cp_file_deadline(primary_days, date(2025, 10, 29)).due == date(2025, 11, 10)


def test_cp_file_for_a_move_at_christmas_is_due_on_5th_day_of_spring_term(
    county_days,
):
    # Spring term starts Tue 6 Jan: 6, 7, 8, 9 Jan, Mon 12 Jan.
    assert cp_file_deadline(county_days, date(2025, 12, 23)).due == date(2026, 1, 12)


def test_cp_file_explanation_for_a_move_on_a_school_day(county_days):
    deadline = cp_file_deadline(county_days, date(2025, 10, 23))

    assert deadline.explanation == "5 school days after the move on Thu 23 Oct 2025"


def test_notice_is_due_2_school_days_before_the_first_day(county_days):
    deadline = notice_deadline(county_days, MON_13_OCT_2025)

    # Fri 10 Oct is 1 school day before, Thu 9 Oct 2.
    assert deadline.due == date(2025, 10, 9)
    assert deadline.explanation == (
        "2 school days before the first day, Mon 13 Oct 2025"
    )


def test_notice_for_a_start_after_half_term_is_due_before_it(county_days):
    # Back from Mon 3 Nov: half term, Fri 24 Oct (1), Thu 23 Oct (2).
    assert notice_deadline(county_days, date(2025, 11, 3)).due == date(2025, 10, 23)

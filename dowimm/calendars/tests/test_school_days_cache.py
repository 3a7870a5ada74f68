"""
Each process keeps the calendars it has loaded, and must never answer from
them once any calendar has changed, in this process or another.
"""

from datetime import date

import pytest
from django.db import transaction

from dowimm.calendars.models import CalendarEntry
from dowimm.calendars.school_days import school_days_for
from dowimm.calendars.services import calendar_entry_add, calendar_entry_delete

# A Monday in the county's autumn term 2025 (data/norfolk-term-dates.csv).
MON_3_NOV_2025 = date(2025, 11, 3)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_school_calendar_is_loaded_once_until_it_changes(
    county_school, django_assert_num_queries
):
    days = school_days_for(county_school)

    with django_assert_num_queries(1):
        assert school_days_for(county_school) is days


def test_a_closure_added_after_loading_is_seen_at_once(county_school):
    assert school_days_for(county_school).is_school_day(MON_3_NOV_2025)

    entry = calendar_entry_add(
        user=None,
        school=None,
        kind=CalendarEntry.Kind.CLOSURE,
        start_date=MON_3_NOV_2025,
        end_date=MON_3_NOV_2025,
        label="Flooding",
    )
    days = school_days_for(county_school)
    assert days.closed_because(MON_3_NOV_2025) == "Flooding"

    calendar_entry_delete(user=None, entry_id=entry.pk)
    assert school_days_for(county_school).is_school_day(MON_3_NOV_2025)


def test_an_entry_saved_by_another_process_is_seen(county_school):
    assert school_days_for(county_school).is_school_day(MON_3_NOV_2025)

    # What an edit in another process leaves behind: the row and its history.
    county_entry = CalendarEntry.objects.filter(calendar__school=None).first()
    CalendarEntry.objects.create(
        calendar=county_entry.calendar,
        kind=CalendarEntry.Kind.INSET,
        start_date=MON_3_NOV_2025,
        end_date=MON_3_NOV_2025,
        label="Staff training",
        academic_year="2025-26",
    )

    assert not school_days_for(county_school).is_school_day(MON_3_NOV_2025)


def test_a_transaction_neither_reads_nor_fills_the_cache(county_school):
    days = school_days_for(county_school)

    with transaction.atomic():
        inside = school_days_for(county_school)

    assert inside is not days
    assert school_days_for(county_school) is days

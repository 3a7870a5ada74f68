from datetime import date

import pytest
from django.db import IntegrityError

from dowimm.calendars.models import Calendar, CalendarEntry
from dowimm.schools.models import School

pytestmark = pytest.mark.django_db


def test_there_is_only_one_county_calendar():
    Calendar.objects.create(name="County", inherits_county=False)

    with pytest.raises(IntegrityError):
        Calendar.objects.create(name="Another county", inherits_county=False)


def test_many_schools_each_have_a_calendar():
    for urn in (900001, 900002):
        school = School.objects.create(urn=urn, name=f"School {urn}")
        Calendar.objects.create(name=f"School {urn} calendar", school=school)

    assert Calendar.objects.count() == 2


def test_the_county_calendar_cannot_inherit_from_itself():
    with pytest.raises(IntegrityError):
        Calendar.objects.create(name="County", inherits_county=True)


def test_an_entry_cannot_end_before_it_starts():
    county = Calendar.objects.create(name="County", inherits_county=False)

    with pytest.raises(IntegrityError):
        CalendarEntry.objects.create(
            calendar=county,
            kind=CalendarEntry.Kind.TERM,
            start_date=date(2025, 12, 19),
            end_date=date(2025, 9, 3),
            label="Autumn term",
            academic_year="2025-26",
        )

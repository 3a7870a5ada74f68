import pytest
from django.conf import settings

from dowimm.calendars.school_days import school_days_for
from dowimm.calendars.services import calendar_import_csv
from dowimm.schools.models import School

TERM_DATES_CSV = settings.BASE_DIR / "data" / "norfolk-term-dates.csv"

# The data file names this school only as "one primary school"; its own
# 2025-26 training days are Mon 3 Nov 2025 and Tue 14 Apr 2026.
PRIMARY_URN = 900001
COUNTY_SCHOOL_URN = 900002


@pytest.fixture
def county_calendar(db):
    with TERM_DATES_CSV.open(encoding="utf-8", newline="") as f:
        calendar_import_csv(file=f)


@pytest.fixture
def primary_school(county_calendar):
    school = School.objects.create(urn=PRIMARY_URN, name="Test Primary School")
    with TERM_DATES_CSV.open(encoding="utf-8", newline="") as f:
        calendar_import_csv(file=f, school=school)
    return school


@pytest.fixture
def county_school(county_calendar):
    """A school with no calendar of its own."""
    return School.objects.create(urn=COUNTY_SCHOOL_URN, name="King's Lynn Academy")


@pytest.fixture
def county_days(county_school):
    return school_days_for(county_school)


@pytest.fixture
def primary_days(primary_school):
    return school_days_for(primary_school)

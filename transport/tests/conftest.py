import datetime

import pytest
import time_machine
from django.core.management import call_command

from cases.tests.factories import Cast, set_transport_need

# Thursday 3 December 2026, a school day with no bank holiday near it.
TODAY = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.UTC)

# Real grid references from data/gias-norfolk-secondary.csv.
HEWETT_ACADEMY = (622737, 306864)
SEWELL_PARK_ACADEMY = (623204, 310576)
THE_OPEN_ACADEMY = (625082, 310392)

# Invented postcodes, placed on those grid references.
HOME_POSTCODE = "NR4 7ZZ"
BOARDING_POSTCODE = "NR3 9ZZ"
ONSPD_CSV = (
    "pcd,pcd2,pcds,dointr,doterm,oseast1m,osnrth1m,osgrdind\n"
    f"NR4 7ZZ,NR4  7ZZ,{HOME_POSTCODE},199901,,{HEWETT_ACADEMY[0]},"
    f"{HEWETT_ACADEMY[1]},1\n"
    f"NR3 9ZZ,NR3  9ZZ,{BOARDING_POSTCODE},199901,,{THE_OPEN_ACADEMY[0]},"
    f"{THE_OPEN_ACADEMY[1]},1\n"
    "ZZ9 9ZZ,ZZ9  9ZZ,ZZ9 9ZZ,199901,200012,,,9\n"
)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def cast():
    cast = Cast()
    cast.home_school.easting, cast.home_school.northing = HEWETT_ACADEMY
    cast.home_school.named_contact_email = "office@home.example.invalid"
    cast.home_school.save()
    school = cast.receiving_school
    school.easting, school.northing = SEWELL_PARK_ACADEMY
    school.named_contact_email = "office@receiving.example.invalid"
    school.day_starts = datetime.time(8, 40)
    school.day_ends = datetime.time(15, 10)
    school.save()
    cast.adviser.email = "adviser@example.invalid"
    cast.adviser.save()
    return cast


@pytest.fixture
def postcodes(tmp_path):
    """The postcode directory, loaded from a small ONSPD-layout file."""
    path = tmp_path / "onspd.csv"
    path.write_text(ONSPD_CSV, encoding="utf-8")
    call_command("import_postcodes", str(path))
    return path


@pytest.fixture
def requested(cast, postcodes):
    """A case in planning whose pupil lives at HOME_POSTCODE and needs transport."""
    case = cast.planning_case()
    case.pupil.home_postcode = HOME_POSTCODE
    case.pupil.save()
    set_transport_need(case, cast.home_staff, True)
    case.refresh_from_db()
    return case

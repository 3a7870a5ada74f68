import csv
import datetime
import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from dowimm.schools.models import School
from dowimm.schools.services import (
    SchoolImportError,
    normalise_postcode,
    school_import_gias,
)

GIAS_NORFOLK_SECONDARY = settings.BASE_DIR / "data" / "gias-norfolk-secondary.csv"

HEADER = [
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentName",
    "EstablishmentStatus (name)",
    "PhaseOfEducation (name)",
    "Street",
    "Town",
    "Postcode",
    "Easting",
    "Northing",
    "DistrictAdministrative (name)",
]
ST_MARYS = [
    "100001",
    "926",
    "Norfolk",
    "St Mary\u2019s Academy",
    "Open",
    "Secondary",
    "1 Church Lane",
    "Norwich",
    "nr1  2ab",
    "623000",
    "308000",
    "Norwich",
]
SMITH_JONES = [
    "100002",
    "926",
    "Norfolk",
    "Smith, Jones and Co Academy",
    "Open",
    "Secondary",
    "",
    "King's Lynn",
    "PE304QG",
    "562000",
    "320000",
    "King's Lynn and West Norfolk",
]


def gias_csv(rows, header=HEADER, encoding="utf-8"):
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows([header, *rows])
    return io.BytesIO(text.getvalue().encode(encoding))


def import_real_file():
    with open(GIAS_NORFOLK_SECONDARY, "rb") as gias_file:
        return school_import_gias(file=gias_file)


@pytest.mark.django_db
def test_real_file_imports_every_school():
    report = import_real_file()

    assert (report.added, report.updated, report.skipped) == (59, 0, [])
    assert School.objects.count() == 59
    assert School.objects.filter(la_code="926").count() == 53


@pytest.mark.django_db
def test_real_file_keeps_apostrophes_and_commas_in_names():
    import_real_file()

    assert School.objects.get(urn=136202).name == "King's Lynn Academy"
    assert School.objects.get(urn=140557).name == "St Clement's High School"
    assert School.objects.get(urn=137913).name == "Notre Dame High School, Norwich"


@pytest.mark.django_db
def test_real_file_fills_gias_fields():
    import_real_file()

    school = School.objects.get(urn=140534)
    assert school.name == "Attleborough Academy"
    assert (school.la_code, school.la_name) == ("926", "Norfolk")
    assert (school.status, school.phase) == ("Open", "Secondary")
    assert school.district == "Breckland"
    assert (school.easting, school.northing) == (604917, 295591)


@pytest.mark.django_db
def test_schools_outside_the_authority_are_kept():
    import_real_file()

    beccles = School.objects.get(urn=138274)
    assert beccles.la_code == "935"
    assert not beccles.in_authority
    assert School.objects.get(urn=140534).in_authority


@pytest.mark.django_db
def test_windows_1252_file_decodes_curly_apostrophe():
    file = gias_csv([ST_MARYS, SMITH_JONES], encoding="cp1252")
    assert b"Mary\x92s" in file.getvalue()

    report = school_import_gias(file=file)

    assert report.added == 2
    assert School.objects.get(urn=100001).name == "St Mary\u2019s Academy"
    smith_jones = School.objects.get(urn=100002)
    assert smith_jones.name == "Smith, Jones and Co Academy"
    assert smith_jones.town == "King's Lynn"


@pytest.mark.django_db
def test_utf8_file_with_byte_order_mark_finds_urn_column():
    report = school_import_gias(file=gias_csv([ST_MARYS], encoding="utf-8-sig"))

    assert report.added == 1
    assert School.objects.get(urn=100001).name == "St Mary\u2019s Academy"


@pytest.mark.django_db
def test_postcodes_are_normalised():
    school_import_gias(file=gias_csv([ST_MARYS, SMITH_JONES]))

    assert School.objects.get(urn=100001).postcode == "NR1 2AB"
    assert School.objects.get(urn=100002).postcode == "PE30 4QG"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("nr1 2ab", "NR1 2AB"),
        ("NR12AB", "NR1 2AB"),
        (" pe30   4qg ", "PE30 4QG"),
        ("", ""),
    ],
)
def test_normalise_postcode(text, expected):
    assert normalise_postcode(text) == expected


@pytest.mark.django_db
def test_reimport_updates_changed_name_and_keeps_local_fields():
    import_real_file()
    School.objects.filter(urn=140534).update(
        day_starts=datetime.time(8, 30), named_contact="Head of Year 7"
    )
    renamed = GIAS_NORFOLK_SECONDARY.read_bytes().replace(
        b"Attleborough Academy", b"Attleborough High Academy"
    )

    report = school_import_gias(file=io.BytesIO(renamed))

    assert (report.added, report.updated, report.unchanged) == (0, 1, 58)
    assert School.objects.count() == 59
    school = School.objects.get(urn=140534)
    assert school.name == "Attleborough High Academy"
    assert school.day_starts == datetime.time(8, 30)
    assert school.named_contact == "Head of Year 7"


@pytest.mark.django_db
def test_absent_optional_column_leaves_field_alone():
    school_import_gias(file=gias_csv([ST_MARYS]))
    header = ["URN", "EstablishmentName", "LA (code)"]

    report = school_import_gias(
        file=gias_csv([["100001", "St Mary's Academy", "926"]], header=header)
    )

    assert report.updated == 1
    school = School.objects.get(urn=100001)
    assert school.name == "St Mary's Academy"
    assert (school.town, school.postcode) == ("Norwich", "NR1 2AB")


@pytest.mark.django_db
def test_missing_required_columns_stop_before_writing():
    school_import_gias(file=gias_csv([ST_MARYS]))
    header = [name for name in HEADER if name not in ("URN", "LA (code)")]

    with pytest.raises(SchoolImportError) as error:
        school_import_gias(file=gias_csv([SMITH_JONES[2:]], header=header))

    assert "URN, LA (code)" in str(error.value)
    assert list(School.objects.values_list("urn", flat=True)) == [100001]


@pytest.mark.django_db
def test_command_names_missing_column(tmp_path):
    path = tmp_path / "no-name.csv"
    path.write_text("URN,LA (code)\r\n100001,926\r\n")

    with pytest.raises(CommandError, match="EstablishmentName"):
        call_command("import_schools", str(path))

    assert not School.objects.exists()


@pytest.mark.django_db
def test_bad_rows_are_reported_by_line_and_the_rest_import():
    bad_urn = ["12a", *ST_MARYS[1:]]
    bad_easting = [*SMITH_JONES[:9], "n/a", *SMITH_JONES[10:]]
    no_name = ["100003", "926", "Norfolk", " ", *ST_MARYS[4:]]
    good = ["100004", "926", "Norfolk", "Good Academy", *ST_MARYS[4:]]

    report = school_import_gias(
        file=gias_csv([ST_MARYS, bad_urn, bad_easting, no_name, good])
    )

    assert report.added == 2
    assert [(row.line, row.reason) for row in report.skipped] == [
        (3, "URN is not a number: '12a'"),
        (4, "Easting is not a number: 'n/a'"),
        (5, "EstablishmentName is empty"),
    ]
    assert set(School.objects.values_list("urn", flat=True)) == {100001, 100004}


@pytest.mark.django_db
def test_repeated_urn_is_skipped():
    report = school_import_gias(file=gias_csv([ST_MARYS, ST_MARYS]))

    assert report.added == 1
    assert [(row.line, row.reason) for row in report.skipped] == [
        (3, "URN 100001 is repeated from line 2"),
    ]


@pytest.mark.django_db
def test_command_prints_summary_and_skipped_lines(tmp_path):
    path = tmp_path / "gias.csv"
    path.write_bytes(gias_csv([ST_MARYS, ["x", *ST_MARYS[1:]]]).getvalue())
    stdout, stderr = io.StringIO(), io.StringIO()

    call_command("import_schools", str(path), stdout=stdout, stderr=stderr)

    assert stdout.getvalue() == "1 added, 0 updated, 0 unchanged, 1 row skipped\n"
    assert stderr.getvalue() == "Line 3 skipped: URN is not a number: 'x'\n"


def test_distance_between_two_norfolk_schools():
    attleborough = School(name="Attleborough Academy", easting=604917, northing=295591)
    dereham = School(
        name="Dereham Neatherd High School", easting=599949, northing=313239
    )

    # Eastings differ by 604917 - 599949 = 4968 m, northings by
    # 313239 - 295591 = 17648 m. 4968² + 17648² = 24681024 + 311451904
    # = 336132928, and √336132928 ≈ 18333.93 m (18333.9² = 336131889,
    # 18334² = 336135556), so about 18.334 km.
    assert attleborough.distance_km(dereham) == pytest.approx(18.334, abs=0.001)
    assert dereham.distance_km(attleborough) == attleborough.distance_km(dereham)


def test_distance_unknown_without_grid_reference():
    attleborough = School(easting=604917, northing=295591)
    unplaced = School(easting=None, northing=None)

    assert attleborough.distance_km(unplaced) is None

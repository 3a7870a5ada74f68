"""Retention at the pupil's 25th birthday, and the subject access export."""

import csv
import datetime
import io
import json
import logging
import time
import zipfile

import pytest
import time_machine
from django.urls import reverse

from cases.models import Case, Pupil
from cases.tests.factories import PDF_BYTES, Cast
from dowimm.audit import services
from dowimm.audit.models import AccessEvent
from dowimm.files import private_storage

pytestmark = pytest.mark.django_db

OPENED = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
# A pupil born 14 May 2012 turns 25 on 14 May 2037.
DAY_BEFORE_25TH = datetime.date(2037, 5, 13)
TWENTY_FIFTH_BIRTHDAY = datetime.date(2037, 5, 14)


@pytest.fixture
def cast():
    with time_machine.travel(OPENED, tick=False):
        yield Cast()


@pytest.fixture
def case(cast):
    with time_machine.travel(OPENED, tick=False):
        return cast.finding_school_case()


def test_the_retention_date_is_the_25th_birthday():
    assert services.retention_date(Pupil(date_of_birth=datetime.date(2012, 5, 14))) == (
        TWENTY_FIFTH_BIRTHDAY
    )
    # Born on 29 February: 1 March in a year without one.
    leap = Pupil(date_of_birth=datetime.date(2012, 2, 29))
    assert services.retention_date(leap) == datetime.date(2037, 3, 1)


def test_the_case_page_shows_when_the_records_go(client, cast, case):
    client.force_login(cast.home_staff)

    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()

    assert "These records are deleted on 14 May 2037" in page


def test_nothing_goes_before_the_25th_birthday(case):
    services.retention_apply(today=DAY_BEFORE_25TH)

    assert Case.objects.filter(pk=case.pk).exists()


def test_on_the_25th_birthday_everything_about_the_pupil_goes(
    cast, case, caplog, django_capture_on_commit_callbacks
):
    with time_machine.travel(OPENED, tick=False):
        younger = cast.open_case(
            serial=2, date_of_birth=datetime.date(2012, 5, 15), legal_surname="Kept"
        )
    plan_file = Case.objects.get(pk=case.pk).provision_plan.name
    assert private_storage.exists(plan_file)
    pupil_id = case.pupil_id

    with (
        caplog.at_level(logging.INFO, logger="dowimm.audit"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        counts = services.retention_apply(today=TWENTY_FIFTH_BIRTHDAY)

    assert not Case.objects.filter(pk=case.pk).exists()
    assert not Pupil.objects.filter(pk=pupil_id).exists()
    assert not Case.history.filter(id=case.pk).exists()
    assert not Pupil.history.filter(id=pupil_id).exists()
    assert not private_storage.exists(plan_file)
    assert Case.objects.filter(pk=younger.pk).exists()
    assert counts["pupils"] == 1
    assert counts["cases"] == 1
    assert counts["files"] == 1
    assert "Testpupil" not in caplog.text
    assert "Retention: deleted 1 pupils, 1 cases" in caplog.text


def test_access_events_outlive_the_records_they_point_at(client, cast, case):
    client.force_login(cast.home_staff)
    client.get(reverse("cases:detail", args=[case.pk]))

    services.retention_apply(today=TWENTY_FIFTH_BIRTHDAY)

    # Ids only: nothing in them names the child once the records are gone.
    assert AccessEvent.objects.get().case_id == case.pk


def test_the_subject_access_export_holds_everything_about_the_pupil(client, cast, case):
    with time_machine.travel(OPENED, tick=False):
        cast.open_case(serial=2, **{"legal_surname": "Someone-Else"})
    client.force_login(cast.home_staff)
    client.get(reverse("cases:detail", args=[case.pk]))
    client.force_login(cast.fair_access)

    started = time.monotonic()
    response = client.get(reverse("audit:subject_access_export", args=[case.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    elapsed = time.monotonic() - started

    assert elapsed < 60
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    records = json.loads(archive.read("records.json"))
    models = {record["model"] for record in records}
    assert {"cases.pupil", "cases.case", "cases.parentcarer"} <= models
    pupil = next(r for r in records if r["model"] == "cases.pupil")
    assert pupil["fields"]["legal_surname"] == "Testpupil"
    assert "Someone-Else" not in archive.read("records.json").decode()
    history = json.loads(archive.read("history.json"))
    reasons = {row["fields"].get("history_change_reason") for row in history}
    assert "Provision Plan uploaded" in reasons
    plan = Case.objects.get(pk=case.pk).provision_plan.name
    assert archive.read(f"documents/{plan}") == PDF_BYTES
    events = list(
        csv.DictReader(io.StringIO(archive.read("access-events.csv").decode()))
    )
    assert [(e["user id"], e["page"]) for e in events] == [
        (str(cast.home_staff.pk), "cases:detail")
    ]

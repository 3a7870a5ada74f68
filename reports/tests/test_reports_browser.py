import datetime
import re

import pytest
import time_machine
from django.conf import settings
from playwright.sync_api import expect

from cases.models import Dispute
from cases.tests.factories import Cast
from conftest import assert_accessible, sign_in
from dowimm.calendars.services import calendar_import_csv
from reports.tests.dataset import authority

TODAY = datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC)
PASSWORD = "a long test passphrase"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_fair_access_reads_the_queues_and_reports(live_server, browser_page):
    page, base_url = browser_page, live_server.url
    with time_machine.travel(TODAY, tick=True):
        with (settings.BASE_DIR / "data" / "norfolk-term-dates.csv").open() as file:
            calendar_import_csv(file=file)
        cast = Cast()
        cases = authority(cast)
        Dispute.objects.create(
            case=cases["f"],
            raised_by_school="home_school",
            about="Timetable",
            raised_on=datetime.date(2026, 2, 20),
            raised_by=cast.home_staff,
        )

        sign_in(page, base_url, "fair-access", PASSWORD)
        page.goto(f"{base_url}/fair-access/")
        assert_accessible(page)

        page.get_by_role("link", name="Disputes to mediate or take to a panel").click()
        expect(page.get_by_role("cell", name="20 Feb 2026")).to_be_visible()
        assert_accessible(page)

        page.goto(f"{base_url}/reports/")
        assert_accessible(page)
        for name in (
            "Managed moves per school",
            "Time in each stage",
            "SEN status and care",
        ):
            page.get_by_role("link", name=name).click()
            expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
            assert_accessible(page)

        page.goto(f"{base_url}/reports/moves/")
        chart = page.get_by_role("img", name="Managed moves in and out per school")
        expect(chart).to_be_visible()

        page.goto(f"{base_url}/reports/?date_from_0=1&date_from_1=1&date_from_2=2026")
        expect(page).to_have_title(re.compile("^Error: "))
        assert_accessible(page)

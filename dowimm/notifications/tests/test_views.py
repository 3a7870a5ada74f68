import datetime

import pytest
import time_machine
from django.urls import reverse

from dowimm.notifications.models import Reminder
from dowimm.notifications.services import reminders_daily_job

from .conftest import active_placement, london

pytestmark = pytest.mark.django_db

WED_22_OCT_2025 = london(2025, 10, 22)
SENT_HEADING = '<h2 class="govuk-heading-m">Sent to you</h2>'


@pytest.fixture
def placement(cast):
    return active_placement(
        cast,
        start=datetime.date(2025, 10, 13),
        end=datetime.date(2025, 12, 12),
        reviews=[datetime.date(2025, 11, 3)],
    )


def page_for(client, user):
    client.force_login(user)
    with time_machine.travel(WED_22_OCT_2025, tick=False):
        return client.get(reverse("notifications:mine")).content.decode()


def test_people_see_what_they_will_be_reminded_of_then_what_was_sent(
    client, cast, placement
):
    before = page_for(client, cast.home_staff)
    coming, sent = before.split(SENT_HEADING)
    assert "Review on Mon 3 Nov 2025 (face to face)" in coming
    assert "Nothing has been sent to you yet." in sent

    reminders_daily_job(now=WED_22_OCT_2025)

    after = page_for(client, cast.home_staff)
    coming, sent = after.split(SENT_HEADING)
    assert "Nothing is waiting for you." in coming
    assert "22 Oct 2025, 08:00" in sent
    assert "Reviews coming up: Review on Mon 3 Nov 2025 (face to face)" in sent


def test_no_one_sees_reminders_about_cases_they_cannot_see(client, cast, placement):
    reminders_daily_job(now=WED_22_OCT_2025)

    html = page_for(client, cast.other_staff)

    assert placement.reference not in html
    assert "Nothing is waiting for you." in html


def test_the_fair_access_team_sees_reminders_that_could_not_be_sent(
    client, cast, placement
):
    reminders_daily_job(now=WED_22_OCT_2025)
    Reminder.objects.filter(recipient=cast.receiving_staff).update(
        status=Reminder.Status.FAILED, attempts=4, last_error="SMTPRecipientsRefused"
    )

    html = page_for(client, cast.fair_access)

    assert "1 reminder could not be sent after every retry." in html
    assert "4 attempts: SMTPRecipientsRefused" in html
    assert "Siân O&#x27;Connor-Nguyễn" in html
    assert "could not be sent after every retry" not in page_for(
        client, cast.home_staff
    )

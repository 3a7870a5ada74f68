"""
Transport in a real browser: the home school answers the travel question,
the transport officer records the route, the quote (after a refused zero
cost) and the panel's approval, and the home school sees the planning task
done. Every page is checked with axe at WCAG 2.2 AA.

It stops at the approval on the case page: starting the placement needs
the school calendars, which other tests cover.
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from conftest import assert_accessible
from transport.models import TransportRequest


def sign_in(page, base_url, user):
    """
    Start a signed-in session without the sign-in pages, which are tested
    on their own: the second factor is marked as given for this session.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "Browser test"}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": base_url,
            }
        ]
    )


def load(page, action):
    with page.expect_navigation():
        action()
    assert_accessible(page)


def visit(page, url):
    load(page, lambda: page.goto(url))


def click_link(page, name):
    load(page, page.get_by_role("link", name=name, exact=True).click)


def submit(page, button):
    load(page, page.get_by_role("button", name=button, exact=True).click)


def fill_date(page, legend, on):
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(on.day))
    group.get_by_label("Month").fill(str(on.month))
    group.get_by_label("Year").fill(str(on.year))


def choose(page, legend, option):
    page.get_by_role("group", name=legend).get_by_label(option, exact=True).check()


def expect_success(page, message):
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(message)


def expect_task_status(page, title, status):
    task = page.locator(".govuk-task-list__item", has_text=title)
    expect(task.locator(".govuk-task-list__status")).to_have_text(status)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_transport_goes_from_request_to_panel_approval(
    live_server, browser_page, cast, postcodes
):
    from django.utils import timezone

    page = browser_page
    base_url = live_server.url
    today = timezone.localdate()
    case = cast.planning_case()
    case.pupil.home_postcode = "NR4 7ZZ"
    case.pupil.save()
    case_url = f"{base_url}/cases/{case.pk}/"

    # The home school asks the family how the pupil will get there.
    sign_in(page, base_url, cast.home_staff)
    visit(page, case_url)
    click_link(page, "Record whether transport is needed")
    choose(
        page,
        "How will the pupil get to the receiving school?",
        "Neither: they need transport",
    )
    submit(page, "Save and continue")
    expect_success(page, "Travel to school recorded")
    expect_task_status(page, "Transport decision", "Awaiting a quote")

    # The transport officer finds it in the queue.
    sign_in(page, base_url, cast.transport)
    visit(page, f"{base_url}/transport/")
    awaiting = page.get_by_role("table", name="Awaiting a quote")
    expect(awaiting).to_contain_text("Rowan Testpupil")
    load(page, awaiting.get_by_role("link", name=case.reference).click)
    main = page.locator("main")
    expect(main).to_contain_text("2.32 miles in a straight line")
    expect(main).to_contain_text("arriving for 8:40 a.m., leaving at 3:10 p.m.")

    click_link(page, "Record the route and arrangement")
    choose(page, "Is there a suitable public route to the school?", "Yes")
    page.locator("#id_walk_to_stop_miles").fill("0.4")
    choose(page, "Which arrangement will the panel be asked for?", "Bus pass")
    choose(
        page, "Will transport continue if the placement becomes a managed move?", "Yes"
    )
    submit(page, "Save the route and arrangement")
    expect_success(page, "Route and arrangement saved")
    expect(main).to_contain_text("A suitable public route has a stop 0.40 miles")

    click_link(page, "Record that a quote was requested")
    fill_date(page, "Date requested", today)
    submit(page, "Record the quote request")
    expect_success(page, "Quote request recorded")

    click_link(page, "Record the quote received")
    fill_date(page, "Date received", today)
    page.get_by_label("Supplier").fill("Konectbus")
    page.get_by_label("Daily cost (£)").fill("0")
    page.get_by_label("Total cost for the placement (£)").fill("168.00")
    submit(page, "Record the quote")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter a cost of more than £0.00, in pounds and pence"
    )
    page.get_by_label("Daily cost (£)").fill("4.20")
    submit(page, "Record the quote")
    expect_success(page, "Quote recorded")
    expect(main).to_contain_text("£4.20 a day, £168.00 for the placement")

    click_link(page, "Record the panel's decision")
    fill_date(page, "Panel date", today)
    page.get_by_label("Panel members").fill("Transport manager\nFAET officer")
    choose(page, "Did the panel approve transport for this placement?", "Yes, approved")
    page.get_by_label("Reasons").fill("A bus pass is the cheapest suitable option")
    submit(page, "Record the panel's decision")
    expect_success(page, "Panel decision recorded and the schools told")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Approved for the placement")

    # The home school sees the planning task done.
    sign_in(page, base_url, cast.home_staff)
    visit(page, case_url)
    expect_task_status(page, "Transport decision", "Approved")
    expect(page.locator("main")).to_contain_text("Approved for the placement: bus pass")
    assert TransportRequest.objects.get(case=case).is_approved

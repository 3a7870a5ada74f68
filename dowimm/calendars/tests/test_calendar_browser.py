"""
The calendar editor and the reminders page in a real browser, on the demo,
with axe checking every page at WCAG 2.2 AA.
"""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from conftest import assert_accessible, second_factor_enter

PASSWORD = "dowimm-demo"


def load(page, action):
    with page.expect_navigation():
        action()
    assert_accessible(page)


def sign_in(page, base_url, username):
    load(page, lambda: page.goto(f"{base_url}/sign-in/"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    load(page, page.get_by_role("button", name="Sign in").click)
    second_factor_enter(page, username)


def fill_date(page, legend, day, month, year):
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_school_adds_a_training_day_and_sees_its_year(
    live_server, browser_page, settings
):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    page = browser_page
    base_url = live_server.url

    sign_in(page, base_url, "receiving-staff")
    load(page, page.get_by_role("link", name="Reminders", exact=True).click)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your reminders")
    load(page, page.get_by_role("link", name="Calendars", exact=True).click)
    load(
        page,
        page.get_by_role("link", name="Sewell Park Academy's calendar").click,
    )
    load(page, lambda: page.goto(page.url + "?year=2025-26"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendar for 2025-26")

    # A training day in the summer holiday is refused, with the reason.
    load(page, page.get_by_role("button", name="Add dates").click)
    page.get_by_label("Staff training day").check()
    fill_date(page, "First day", 3, 8, 2026)
    fill_date(page, "Last day", 3, 8, 2026)
    load(page, page.get_by_role("button", name="Add to the calendar").click)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "The staff training day on Mon 3 Aug 2026 is not in or next to a term"
    )
    expect(page).to_have_title(
        "Error: Add dates – Sewell Park Academy – "
        "Direction off-site with intent to managed move"
    )

    fill_date(page, "First day", 2, 2, 2026)
    fill_date(page, "Last day", 2, 2, 2026)
    page.get_by_label("Name", exact=True).fill("Staff training day")
    load(page, page.get_by_role("button", name="Add to the calendar").click)
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Staff training day added to the calendar"
    )
    # The county's 2025-26 terms: autumn 78 weekdays less half term (73),
    # spring 59 less half term (54), summer 68 less 4 May and half term
    # (62): 189 school days, and the training day takes one.
    expect(page.locator("main")).to_contain_text(
        "188 school days, on the county's terms"
    )

    load(
        page,
        page.get_by_role("link", name="Delete Staff training day, 2 Feb 2026").click,
    )
    load(page, page.get_by_role("button", name="Delete").click)
    expect(page.locator("main")).to_contain_text("189 school days")

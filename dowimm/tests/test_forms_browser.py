"""
What a new user meets in a real browser, on the demo: forms answered by the
GOV.UK error summary rather than the browser's own bubbles, phone numbers
kept in one form, a DSL named as one, and the service's own missing page.
Every page is checked with axe at WCAG 2.2 AA.
"""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from cases.models import Case
from conftest import assert_accessible, second_factor_enter

PASSWORD = "dowimm-demo"
SERVICE = "Direction off-site with intent to managed move"


def load(page, action):
    with page.expect_navigation():
        action()
    assert_accessible(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_dsl_adds_a_carer_and_is_told_how_to_write_the_details(
    live_server, browser_page, settings
):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    case = Case.objects.get(pupil__legal_surname="Whitmore")
    page = browser_page
    base_url = live_server.url

    load(page, lambda: page.goto(f"{base_url}/sign-in/"))
    page.get_by_label("Username").fill("home-dsl")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    load(page, page.get_by_role("button", name="Sign in").click)
    second_factor_enter(page, "home-dsl")
    expect(page.locator(".dowimm-account__role")).to_have_text(
        "School staff (designated safeguarding lead)"
    )

    load(page, lambda: page.goto(f"{base_url}/cases/{case.pk}/carers/add/"))
    page.get_by_label("Full name").fill("Dana Whitmore")
    page.get_by_label("Relationship to the pupil").fill("Aunt")
    page.get_by_role("radio", name="Yes").check()
    page.get_by_label("Phone number").fill("ring the office")
    # Chromium would stop a form with a type="email" box here, if let.
    page.get_by_label("Email address").fill("dana.example.com")
    load(page, page.get_by_role("button", name="Add parent or carer").click)

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "Enter a telephone number, like 01632 960 001, 07700 900 982 "
        "or +44 808 157 0192"
    )
    expect(summary).to_contain_text(
        "Enter an email address in the correct format, like name@example.com"
    )
    assert page.title().startswith("Error: Add a parent or carer")

    page.get_by_label("Phone number").fill("+44 (0)7700 900 982")
    page.get_by_label("Email address").fill("dana@example.com")
    load(page, page.get_by_role("button", name="Add parent or carer").click)
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Parent or carer added"
    )
    assert case.pupil.carers.get(full_name="Dana Whitmore").phone == "07700 900982"

    load(page, lambda: page.goto(f"{base_url}/no-such-page/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page).to_have_title(f"Page not found – {SERVICE}")

    # The DSL keeps the school's own details from their account.
    load(page, lambda: page.goto(f"{base_url}/account/"))
    load(page, page.get_by_role("link", name="Change your school's details").click)
    page.get_by_label("Headteacher").fill("Dr Imogen Castell")
    page.get_by_label("School day ends").fill("8am")
    load(page, page.get_by_role("button", name="Save the school's details").click)
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the time the school day ends as hours and minutes, like 08:45"
    )
    page.get_by_label("School day ends").fill("15:20")
    load(page, page.get_by_role("button", name="Save the school's details").click)
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "details saved"
    )
    expect(page.get_by_text("Dr Imogen Castell")).to_be_visible()

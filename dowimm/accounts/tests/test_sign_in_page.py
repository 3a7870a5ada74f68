import pytest
from playwright.sync_api import expect

from conftest import assert_accessible

SERVICE_NAME = "Direction off-site with intent to managed move"


def test_sign_in_page_has_a_form_that_can_post(client):
    response = client.get("/sign-in/")

    assert response.status_code == 200
    assert b'name="csrfmiddlewaretoken"' in response.content
    assert b'<form method="post" novalidate>' in response.content
    assert b'name="password"' in response.content
    assert b'autocomplete="current-password"' in response.content


@pytest.mark.django_db
def test_wrong_password_titles_the_page_as_an_error(client):
    response = client.post(
        "/sign-in/", {"username": "nobody", "password": "not-the-password"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert f"<title>Error: Sign in – {SERVICE_NAME}</title>" in html
    assert 'class="govuk-error-summary"' in html
    # The summary's link for a non-field error goes to the first field.
    assert 'href="#id_username"' in html
    assert "not-the-password" not in html


@pytest.mark.django_db
def test_an_empty_sign_in_says_what_to_enter(client):
    response = client.post("/sign-in/", {"username": "", "password": ""})

    assert response.context["form"].errors == {
        "username": ["Enter your username"],
        "password": ["Enter your password"],
    }


@pytest.mark.browser
def test_sign_in_page_is_accessible(live_server, transactional_db, browser_page):
    browser_page.goto(f"{live_server.url}/sign-in/")

    assert browser_page.title() == f"Sign in – {SERVICE_NAME}"
    assert_accessible(browser_page)


@pytest.mark.browser
def test_sign_in_errors_are_accessible(live_server, transactional_db, browser_page):
    browser_page.goto(f"{live_server.url}/sign-in/")
    browser_page.get_by_role("button", name="Sign in").click()

    expect(browser_page).to_have_title(f"Error: Sign in – {SERVICE_NAME}")
    # GOV.UK Frontend's JavaScript moves focus to the summary once it runs.
    expect(browser_page.locator(".govuk-error-summary")).to_be_focused()
    assert_accessible(browser_page)


@pytest.mark.browser
def test_a_first_sign_in_sets_up_the_app_in_the_browser(
    live_server, transactional_db, browser_page
):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from dowimm.accounts.tests.factories import PASSPHRASE, staff_member

    page = browser_page
    user = staff_member(username="new-starter")
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill("new-starter")
    page.get_by_label("Password", exact=True).fill(PASSPHRASE)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_title(f"Set up an authenticator app – {SERVICE_NAME}")
    expect(page.locator(".dowimm-qr svg")).to_be_visible()
    assert_accessible(page)
    device = TOTPDevice.objects.get(user=user)
    page.get_by_label("Code from your authenticator app").fill(
        f"{TOTP(device.bin_key).token():06d}"
    )
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_title(f"Save your recovery codes – {SERVICE_NAME}")
    assert page.locator(".dowimm-recovery-codes li").count() == 10
    assert_accessible(page)
    page.get_by_role("link", name="I have saved my recovery codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")


@pytest.mark.browser
def test_the_timeout_warning_keeps_what_was_typed(
    live_server, transactional_db, browser_page
):
    from conftest import sign_in
    from dowimm.accounts.tests.factories import PASSPHRASE, staff_member

    page = browser_page
    page.clock.install()
    staff_member(username="typist")
    sign_in(page, live_server.url, "typist", PASSPHRASE)
    page.goto(f"{live_server.url}/cases/new/")
    page.get_by_label("Legal surname").fill("Half-typed")

    page.clock.run_for("28:01")

    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_visible()
    assert_accessible(page)
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_label("Legal surname")).to_have_value("Half-typed")

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

"""
The service's own error pages, in the GOV.UK patterns: in production
(DEBUG off), and for a missing page in the demo (DEBUG on) too.
"""

import pytest
from django.test import Client

from cases.tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("dowimm.tests.error_page_urls")]

SERVICE = "Direction off-site with intent to managed move"


@pytest.fixture
def signed_in(client):
    client.force_login(UserFactory(username="someone", school=None, role="fair_access"))
    return client


def test_a_missing_page_says_page_not_found(signed_in, settings):
    settings.DEBUG = False

    response = signed_in.get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert f"<title>Page not found – {SERVICE}</title>" in html
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in html
    assert "If you typed the web address, check it is correct." in html
    assert '<main class="govuk-main-wrapper" id="main-content"' in html


def test_a_case_that_does_not_exist_says_page_not_found(signed_in, settings):
    settings.DEBUG = False

    response = signed_in.get("/cases/999999/")

    assert response.status_code == 404
    assert f"<title>Page not found – {SERVICE}</title>" in response.content.decode()


def test_a_refused_page_says_you_cannot_view_it(signed_in, settings):
    settings.DEBUG = False

    response = signed_in.get("/test-refused/")

    html = response.content.decode()
    assert response.status_code == 403
    assert f"<title>You cannot view this page – {SERVICE}</title>" in html
    assert "contact the Fair Access and Exclusions Team" in html


def test_a_fault_says_sorry_without_the_details(signed_in, settings):
    settings.DEBUG = False
    signed_in.raise_request_exception = False

    response = signed_in.get("/test-broken/")

    html = response.content.decode()
    assert response.status_code == 500
    assert "<title>Sorry, there is a problem with the service</title>" in html
    assert "Try again later." in html
    assert "RuntimeError" not in html
    assert "A fault made on purpose" not in html


@pytest.mark.parametrize("address", ["/no-such-page/", "/cases/999999/"])
def test_the_demo_shows_the_service_page_for_a_missing_page(
    signed_in, settings, address
):
    settings.DEBUG = True

    response = signed_in.get(address)

    html = response.content.decode()
    assert response.status_code == 404
    assert f"<title>Page not found – {SERVICE}</title>" in html
    assert "URLconf" not in html  # Django's technical page lists the patterns


def test_the_demo_keeps_the_traceback_for_a_fault(signed_in, settings):
    # Whoever runs the demo and meets a fault needs the details to report.
    settings.DEBUG = True
    signed_in.raise_request_exception = False

    response = signed_in.get("/test-broken/")

    assert response.status_code == 500
    assert "A fault made on purpose by a test" in response.content.decode()


@pytest.mark.parametrize("debug", [False, True])
def test_someone_signed_out_gets_the_same_page_not_found(settings, debug):
    settings.DEBUG = debug

    response = Client().get("/no-such-page/")

    assert response.status_code == 404
    assert f"<title>Page not found – {SERVICE}</title>" in response.content.decode()

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases.tests.factories import Cast
from conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return Cast()


def listed(client, user, **query):
    client.force_login(user)
    return client.get(reverse("cases:list"), query).content.decode()


def test_the_school_filter_finds_cases_by_part_of_a_school_name(client, cast):
    home = cast.open_case(serial=1)
    elsewhere = cast.open_case(serial=2)
    type(elsewhere).objects.filter(pk=elsewhere.pk).update(
        home_school=cast.other_school
    )

    # "me aca" is in Home Academy and not in Other Academy.
    html = listed(client, cast.fair_access, school="me aca")

    assert home.reference in html
    assert elsewhere.reference not in html
    assert "1 case<" in html


def test_the_school_filter_finds_cases_by_urn_home_or_receiving(client, cast):
    home = cast.open_case(serial=1)
    type(home).objects.filter(pk=home.pk).update(receiving_school=cast.receiving_school)
    cast.open_case(serial=2)

    by_receiving = listed(client, cast.fair_access, school=cast.receiving_school.urn)
    by_other = listed(client, cast.fair_access, school=cast.other_school.urn)

    assert home.reference in by_receiving
    assert "1 case<" in by_receiving
    assert "No cases match." in by_other


def test_the_school_filter_is_a_labelled_box_with_a_hint(client, cast):
    html = listed(client, cast.fair_access)

    assert (
        '<label class="govuk-label" for="id_school">School name or URN</label>' in html
    )
    assert 'aria-describedby="id_school-hint"' in html
    assert '<div id="id_school-hint" class="govuk-hint">' in html
    assert "<select" not in html.split('id="id_school"')[1].split("</div>")[0]


def test_a_school_name_too_long_is_refused_with_what_to_do(client, cast):
    html = listed(client, cast.fair_access, school="x" * 101)

    assert "Enter at most 100 characters of the school" in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_fair_access_finds_a_schools_cases_by_typing_its_urn(live_server, browser_page):
    page, base_url = browser_page, live_server.url
    cast = Cast()
    home = cast.open_case(serial=1)
    elsewhere = cast.open_case(serial=2)
    type(elsewhere).objects.filter(pk=elsewhere.pk).update(
        home_school=cast.other_school
    )

    sign_in(page, base_url, "fair-access", "a long test passphrase")
    page.goto(f"{base_url}/")
    assert_accessible(page)
    page.get_by_label("School name or URN").fill(str(cast.home_school.urn))
    page.get_by_role("button", name="Filter").click()

    expect(page.get_by_role("link", name=home.reference)).to_be_visible()
    expect(page.get_by_role("link", name=elsewhere.reference)).to_have_count(0)
    assert_accessible(page)

"""A school's own staff keep its contacts and school day up to date."""

import datetime

import pytest
from django.urls import reverse

from cases.tests.factories import Cast

pytestmark = pytest.mark.django_db

URL = reverse("schools:details")

DETAILS = {
    "headteacher": "Dr Imogen Castell",
    "named_contact": "Sam Oduya, Assistant Head (Inclusion)",
    "named_contact_email": "inclusion@home.invalid",
    "dsl_name": "Priya Marsh",
    "dsl_email": "dsl@home.invalid",
    "day_starts": "08.40",
    "day_ends": "15:10",
}


@pytest.fixture
def cast():
    return Cast()


def test_school_staff_save_their_schools_details_with_who_changed_them(client, cast):
    client.force_login(cast.home_staff)

    response = client.post(URL, DETAILS)

    assert response.status_code == 302
    school = cast.home_school
    school.refresh_from_db()
    assert school.headteacher == "Dr Imogen Castell"
    assert school.dsl_email == "dsl@home.invalid"
    # "08.40" is read as twenty to nine, as people write it.
    assert (school.day_starts, school.day_ends) == (
        datetime.time(8, 40),
        datetime.time(15, 10),
    )
    change = school.history.first()
    assert change.history_user == cast.home_staff
    assert change.history_change_reason == "Details updated by the school"
    account = client.get(reverse("accounts:account")).content.decode()
    assert "Dr Imogen Castell" in account
    assert "08:40 to 15:10" in account


def test_the_form_opens_with_what_is_saved(client, cast):
    cast.home_school.dsl_name = "Priya Marsh"
    cast.home_school.save()
    client.force_login(cast.home_dsl)

    form = client.get(URL).context["form"]

    assert form.initial["dsl_name"] == "Priya Marsh"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"dsl_email": "dsl at home"},
            "dsl_email",
            "Enter an email address in the correct format, like name@example.com",
        ),
        (
            {"day_starts": "quarter to nine"},
            "day_starts",
            "Enter the time the school day starts as hours and minutes, like 08:45",
        ),
        (
            {"day_starts": "15:30", "day_ends": "08:45"},
            "day_ends",
            "The school day must end after it starts, at 15:30",
        ),
        ({"headteacher": " "}, "headteacher", "Enter the headteacher"),
        (
            {"headteacher": "H" * 256},
            "headteacher",
            "Headteacher must be 255 characters or fewer",
        ),
    ],
)
def test_bad_details_are_refused_and_nothing_is_saved(
    client, cast, change, field, message
):
    client.force_login(cast.home_staff)

    response = client.post(URL, DETAILS | change)

    assert response.context["form"].errors[field] == [message]
    cast.home_school.refresh_from_db()
    assert cast.home_school.headteacher == ""


def test_only_school_staff_have_a_school_to_keep(client, cast):
    for user in (cast.adviser, cast.fair_access, cast.transport):
        client.force_login(user)
        assert client.get(URL).status_code == 404
        assert client.post(URL, DETAILS).status_code == 404
    client.logout()
    assert client.get(URL).status_code == 302

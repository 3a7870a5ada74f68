"""Sessions end after 30 idle minutes, after 10 hours, and on signing out."""

import datetime

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from conftest import force_login_without_second_factor
from dowimm.accounts.models import SignedInSession
from dowimm.accounts.tests.factories import PASSPHRASE, staff_member

pytestmark = pytest.mark.django_db

SIGNED_IN = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)


def at(minutes):
    return SIGNED_IN + datetime.timedelta(minutes=minutes)


def get_list(client, minutes):
    with time_machine.travel(at(minutes), tick=False):
        return client.get(reverse("cases:list"))


@pytest.fixture
def signed_in(client):
    with time_machine.travel(SIGNED_IN, tick=False):
        client.force_login(staff_member())
    return client


def test_a_session_ends_after_30_minutes_without_a_request(signed_in):
    assert get_list(signed_in, 29).status_code == 200
    # Idle is counted from the last request, not from signing in.
    assert get_list(signed_in, 29 + 29).status_code == 200

    response = get_list(signed_in, 29 + 29 + 31)

    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/"
    with time_machine.travel(at(29 + 29 + 31), tick=False):
        signed_out = signed_in.get(response["Location"]).content.decode()
    assert "You were signed out to keep children’s data safe" in signed_out


def test_a_session_ends_10_hours_after_signing_in_however_busy(signed_in):
    for minutes in range(20, 600, 20):
        assert get_list(signed_in, minutes).status_code == 200, minutes

    assert get_list(signed_in, 601).status_code == 302


def test_the_page_tells_the_warning_how_long_is_left(signed_in):
    page = get_list(signed_in, 10).content.decode()

    assert 'data-seconds-left="1800"' in page
    assert 'data-warning-seconds="120"' in page


def test_staying_signed_in_restarts_the_idle_clock(signed_in):
    get_list(signed_in, 5)
    with time_machine.travel(at(28), tick=False):
        response = signed_in.post(reverse("accounts:keep_alive"))

    assert response.json() == {"seconds_left": 1800}
    assert get_list(signed_in, 28 + 29).status_code == 200


def test_near_the_10_hours_staying_signed_in_gives_only_what_is_left(signed_in):
    for minutes in range(25, 590, 25):
        get_list(signed_in, minutes)
    with time_machine.travel(at(590), tick=False):
        response = signed_in.post(reverse("accounts:keep_alive"))

    assert response.json() == {"seconds_left": 600}


def test_signing_out_ends_every_session_of_that_person():
    user = staff_member()
    office, laptop = Client(), Client()
    office.force_login(user)
    laptop.force_login(user)
    assert laptop.get(reverse("cases:list")).status_code == 200

    office.post(reverse("accounts:sign_out"))

    assert laptop.get(reverse("cases:list"))["Location"] == "/sign-in/?next=/"
    assert not SignedInSession.objects.filter(user=user).exists()
    assert Session.objects.count() <= 1  # the laptop's new, empty session


def test_a_password_alone_cannot_sign_the_owner_out_elsewhere():
    user = staff_member()
    owner, intruder = Client(), Client()
    owner.force_login(user)
    force_login_without_second_factor(intruder, user)

    code_page = intruder.get(reverse("accounts:second_factor")).content.decode()
    intruder.post(reverse("accounts:sign_out"))

    # No menu before the second factor, and signing out ends only that session.
    assert 'aria-label="Menu"' not in code_page
    assert owner.get(reverse("cases:list")).status_code == 200
    assert intruder.get(reverse("cases:list"))["Location"] == "/sign-in/?next=/"


def test_a_form_sent_after_signing_out_elsewhere_says_nothing_was_saved():
    user = staff_member()
    form_tab, other_tab = Client(), Client()
    form_tab.force_login(user)
    other_tab.force_login(user)
    other_tab.post(reverse("accounts:sign_out"))

    sent = form_tab.post(reverse("cases:open"), {"legal_surname": "Typed"})
    page = form_tab.get(sent["Location"]).content.decode()

    assert sent["Location"].startswith("/sign-in/?next=")
    assert "You were signed out before that was saved, so nothing was saved" in page


def test_signing_in_brings_no_warning_of_unsaved_work(client):
    user = staff_member()

    page = client.post(
        reverse("accounts:sign_in"),
        {"username": user.username, "password": PASSPHRASE},
        follow=True,
    ).content.decode()

    assert "nothing was saved" not in page


def test_disabling_a_user_ends_their_sessions(client):
    user = staff_member()
    client.force_login(user)
    session_key = client.session.session_key

    user.is_active = False
    user.save()

    assert not Session.objects.filter(session_key=session_key).exists()
    assert client.get(reverse("cases:list"))["Location"] == "/sign-in/?next=/"


def test_signed_in_pages_are_never_cached(signed_in):
    response = get_list(signed_in, 1)

    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "password, problem",
    [
        ("short pass1", "at least 12 characters"),
        ("password1234", "too common"),
        ("staple horse battery correct", None),
        ("all lower case letters and a long sentence " * 3, None),
    ],
)
def test_passwords_need_length_not_composition(password, problem):
    if problem is None:
        validate_password(password)
        return
    with pytest.raises(ValidationError, match=problem):
        validate_password(password)

"""Five wrong sign-ins from one address lock that username there for 15 minutes."""

import datetime
import logging

import pytest
import time_machine
from django.contrib.auth.hashers import MD5PasswordHasher

from dowimm.accounts.tests.factories import PASSPHRASE, staff_member

pytestmark = pytest.mark.django_db

NINE_AM = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
FOURTEEN_MINUTES_LATER = NINE_AM + datetime.timedelta(minutes=14)
SIXTEEN_MINUTES_LATER = NINE_AM + datetime.timedelta(minutes=16)
LOCKED = "You have entered the wrong details too many times"
WRONG = "Enter the username and password of your account"


def sign_in(client, username, password, address="192.0.2.10"):
    return client.post(
        "/sign-in/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def five_failures(client, username, address="192.0.2.10"):
    for _ in range(5):
        sign_in(client, username, "not the passphrase", address)


@pytest.mark.parametrize("known", [True, False])
def test_the_sixth_try_is_locked_out_whether_or_not_the_user_exists(
    client, known, caplog
):
    user = staff_member(username="jo-bloggs")
    username = "jo-bloggs" if known else "no-such-person"

    with time_machine.travel(NINE_AM, tick=False):
        for attempt in range(4):
            response = sign_in(client, username, "not the passphrase")
            assert WRONG in response.content.decode(), attempt
        with caplog.at_level(logging.WARNING):
            fifth = sign_in(client, username, "not the passphrase")
        sixth = sign_in(client, username, PASSPHRASE)

    for response in (fifth, sixth):
        assert response.status_code == 429
        page = response.content.decode()
        assert LOCKED in page
        assert "<title>Error: Sign in" in page
    expected = user.pk if known else "unknown"
    locks = [r.getMessage() for r in caplog.records if r.name.startswith("dowimm")]
    # One line as the lock starts, one for the try refused during it.
    line = f"Sign-in refused: locked out after repeated failures, user {expected}"
    assert locks == [line, line]
    assert username not in caplog.text
    assert "192.0.2.10" not in caplog.text


def test_the_lock_lifts_after_15_minutes(client):
    staff_member(username="jo-bloggs")
    with time_machine.travel(NINE_AM, tick=False):
        five_failures(client, "jo-bloggs")
    with time_machine.travel(FOURTEEN_MINUTES_LATER, tick=False):
        assert sign_in(client, "jo-bloggs", PASSPHRASE).status_code == 429
    with time_machine.travel(SIXTEEN_MINUTES_LATER, tick=False):
        response = sign_in(client, "jo-bloggs", PASSPHRASE)

    assert response.status_code == 302


def test_another_address_is_not_locked_out(client):
    staff_member(username="jo-bloggs")
    with time_machine.travel(NINE_AM, tick=False):
        five_failures(client, "jo-bloggs", address="192.0.2.10")
        response = sign_in(client, "jo-bloggs", PASSPHRASE, address="198.51.100.7")

    assert response.status_code == 302


class CountingHasher(MD5PasswordHasher):
    """Counts the hashes worked out: the work that takes the time."""

    algorithm = "counting_md5"
    hashes = 0

    def encode(self, password, salt):
        CountingHasher.hashes += 1
        return super().encode(password, salt)


def test_an_unknown_user_costs_the_same_hashing_as_a_wrong_password(client, settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    staff_member(username="jo-bloggs")

    counts = {}
    for username in ("jo-bloggs", "no-such-person"):
        CountingHasher.hashes = 0
        response = sign_in(client, username, "not the passphrase")
        counts[username] = CountingHasher.hashes
        assert WRONG in response.content.decode()

    assert counts == {"jo-bloggs": 1, "no-such-person": 1}

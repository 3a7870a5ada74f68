"""A code from an authenticator app, or a recovery code, before any case."""

import base64
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import force_login_without_second_factor, totp_code_now
from dowimm.accounts import services
from dowimm.accounts.models import RecoveryCode
from dowimm.accounts.tests.factories import staff_member

pytestmark = pytest.mark.django_db


def test_a_first_sign_in_sets_up_an_app_before_the_cases_show(client):
    user = staff_member()
    force_login_without_second_factor(client, user)

    response = client.get(reverse("cases:list"))
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/set-up-app/?next=%2F"

    page = client.get(response["Location"]).content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = base64.b32encode(device.bin_key).decode()
    # Shown in groups of four, to be typed by hand.
    assert " ".join(re.findall("....", secret)) in page
    assert "otpauth://totp/dowimm%3A" in page
    assert "<svg" in page

    code = f"{TOTP(device.bin_key).token():06d}"
    response = client.post("/sign-in/set-up-app/?next=%2F", {"code": code})

    codes = re.findall(
        r"<code>([a-z2-7]{4}(?:-[a-z2-7]{4}){3})</code>", response.content.decode()
    )
    assert len(codes) == 10
    stored = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert not any(code in stored or code.replace("-", "") in stored for code in codes)
    assert client.get(reverse("cases:list")).status_code == 200


def test_a_password_alone_cannot_add_another_app(client):
    user = staff_member()
    TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    force_login_without_second_factor(client, user)

    response = client.get("/sign-in/set-up-app/")

    assert response["Location"] == "/sign-in/code/"
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_a_returning_user_enters_the_code_the_app_shows(client):
    user = staff_member()
    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    force_login_without_second_factor(client, user)

    assert client.get("/cases/1/")["Location"] == "/sign-in/code/?next=%2Fcases%2F1%2F"
    wrong = client.post("/sign-in/code/", {"code": "000000", "next": "/"})
    assert "The code is not right" in wrong.content.decode()
    assert "<title>Error: " in wrong.content.decode()

    device.throttle_reset()
    response = client.post(
        "/sign-in/code/", {"code": totp_code_now(device), "next": "/"}
    )

    assert response["Location"] == "/"
    assert client.get(reverse("cases:list")).status_code == 200


def test_a_recovery_code_works_once(client):
    user = staff_member()
    TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    codes = services.recovery_codes_issue(user=user)
    force_login_without_second_factor(client, user)

    used = client.post("/sign-in/code/", {"code": codes[3].upper(), "next": "/"})
    assert used["Location"] == "/"

    other = client.__class__()
    force_login_without_second_factor(other, user)
    again = other.post("/sign-in/code/", {"code": codes[3], "next": "/"})
    assert "has been used already" in again.content.decode()


def test_an_offsite_next_address_is_ignored(client):
    user = staff_member()
    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    force_login_without_second_factor(client, user)

    response = client.post(
        "/sign-in/code/",
        {"code": totp_code_now(device), "next": "https://evil.example/"},
    )

    assert response["Location"] == reverse("cases:list")


def test_demo_codes_are_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("demo_totp", "home-staff")


def test_demo_codes_match_the_documented_key(settings, capsys):
    settings.DEBUG = True
    user = staff_member(username="home-staff", is_demo_account=True)
    services.demo_totp_device_set(user=user)

    call_command("demo_totp", "home-staff")

    key = base64.b32decode("DOWIMMDEMOTOTPKEYFORDEMOONLY2345")
    shown = capsys.readouterr().out.split()[0]
    assert shown == f"{TOTP(key).token():06d}"
    assert TOTPDevice.objects.get(user=user).verify_token(shown)

"""Second factors, recovery codes and sessions: every write in accounts."""

import base64
import logging
import secrets
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from dowimm.accounts.models import (
    RecoveryCode,
    RecoveryCodeDevice,
    SignedInSession,
    recovery_code_hash,
)

logger = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10

# The demo's authenticator secret, printed in the README so anyone trying
# the demo can add it to an app. Only demo accounts, which sign in only
# while DEBUG is on, are given it.
DEMO_TOTP_SECRET = "DOWIMMDEMOTOTPKEYFORDEMOONLY2345"


def totp_device_for_set_up(*, user):
    """The user's authenticator app awaiting its first code, made if needed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="Authenticator app", confirmed=False
        )
    return device


@transaction.atomic
def totp_device_confirm(*, device, token):
    """
    Confirm a new authenticator app with its first code. Returns the
    recovery codes to show once, or None when the code is wrong.
    """
    if not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user_id).exclude(pk=device.pk).delete()
    logger.info("Second factor set up for user %s", device.user_id)
    return recovery_codes_issue(user=device.user)


@transaction.atomic
def recovery_codes_issue(*, user):
    """New recovery codes, replacing any the user had. Returns them in clear."""
    device, _ = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": "Recovery codes", "confirmed": True}
    )
    device.codes.all().delete()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, code_hash=recovery_code_hash(code))
        for code in codes
    )
    return codes


def _new_recovery_code():
    letters = base64.b32encode(secrets.token_bytes(10)).decode().lower()
    return "-".join(letters[i : i + 4] for i in range(0, len(letters), 4))


def demo_totp_device_set(*, user):
    """Give a demo account the documented demo authenticator secret."""
    key = base64.b32decode(DEMO_TOTP_SECRET).hex()
    TOTPDevice.objects.update_or_create(
        user=user,
        name="Demo authenticator",
        defaults={"key": key, "confirmed": True},
    )


def signed_in_session_record(*, user, session_key):
    if session_key:
        SignedInSession.objects.get_or_create(user=user, session_key=session_key)


def sessions_end_all(*, user):
    """End every session the user is signed in to, on any device."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = SignedInSession.objects.filter(user=user)
    count = 0
    for session_key in sessions.values_list("session_key", flat=True):
        store(session_key=session_key).delete()
        count += 1
    sessions.delete()
    logger.info("Ended %s session(s) of user %s", count, user.pk)


class SecondFactorRefused(Exception):
    pass


def second_factor_check(*, user, code):
    """
    The device that accepts `code`: the authenticator app for 6 digits,
    the recovery codes otherwise. Raises SecondFactorRefused with what to do.
    """
    if code.isdigit() and len(code) == 6:
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
        # A code works once: the demo accounts, sharing a key, meet this.
        wrong = (
            "The code is not right, or was used already. Enter the code the "
            "app shows now, or wait for its next one"
        )
    elif code.isdigit():
        # Recovery codes hold letters, so this is an app code mistyped.
        raise SecondFactorRefused("Enter the 6 digits the app shows now")
    else:
        devices = RecoveryCodeDevice.objects.filter(user=user, confirmed=True)
        wrong = "That recovery code is not right, or has been used already"
    for device in devices:
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            raise SecondFactorRefused(
                "You have entered too many wrong codes. Wait a minute, "
                "then enter the code the app shows"
            )
        with transaction.atomic():
            if device.verify_token(code):
                return device
    logger.info("Wrong second-factor code for user %s", user.pk)
    raise SecondFactorRefused(wrong)

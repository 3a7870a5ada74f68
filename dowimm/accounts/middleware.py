"""Session limits, the second factor, and no caching of signed-in pages."""

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django_otp.plugins.otp_totp.models import TOTPDevice

from dowimm.accounts.signals import LAST_SEEN, SIGNED_IN_AT

# The idle clock is written to the session at most this often, so a burst
# of requests costs no session writes.
LAST_SEEN_WRITE_SECONDS = 60

OPEN_BEFORE_SECOND_FACTOR = {
    "accounts:sign_in",
    "accounts:sign_out",
    "accounts:second_factor",
    "accounts:second_factor_set_up",
    "healthz",
}


class SessionLimitsMiddleware:
    """
    Ends a session after SESSION_IDLE_SECONDS without a request or
    SESSION_MAX_SECONDS after signing in, and tells the page how long is
    left (`request.session_seconds_left`) for the timeout warning.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            seconds_left = self.seconds_left(request.session)
            if seconds_left <= 0:
                logout(request)
                messages.info(
                    request,
                    "You were signed out to keep children’s data safe. "
                    "Sign in again to continue.",
                )
                return redirect_to_login(request.get_full_path())
            request.session_seconds_left = int(seconds_left)
            request.session_warning_seconds = settings.SESSION_WARNING_SECONDS
            return self.get_response(request)
        response = self.get_response(request)
        if request.method == "POST" and _sends_to_sign_in(response):
            # Signed out elsewhere (another tab, or an administrator) while
            # a form was open: say why what was typed went nowhere.
            messages.warning(
                request,
                "You were signed out before that was saved, so nothing was "
                "saved. Sign in, then enter it again.",
            )
        return response

    @staticmethod
    def seconds_left(session):
        now = time.time()
        signed_in_at = session.get(SIGNED_IN_AT)
        if signed_in_at is None:
            return 0
        last_seen = session.get(LAST_SEEN, signed_in_at)
        if now - last_seen > settings.SESSION_IDLE_SECONDS:
            return 0
        if now - last_seen >= LAST_SEEN_WRITE_SECONDS:
            session[LAST_SEEN] = last_seen = now
        idle_left = settings.SESSION_IDLE_SECONDS - (now - last_seen)
        total_left = settings.SESSION_MAX_SECONDS - (now - signed_in_at)
        return min(idle_left, total_left)


def _sends_to_sign_in(response):
    if response.status_code != 302:
        return False
    return urlsplit(response["Location"]).path == reverse(settings.LOGIN_URL)


class SecondFactorMiddleware:
    """Sends anyone signed in without their second factor to give it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.resolver_match.view_name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        has_app = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        step = "accounts:second_factor" if has_app else "accounts:second_factor_set_up"
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse(step)}?{query}")


class NoStoreMiddleware:
    """Nothing shown to a signed-in person is kept in any cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True)
        return response

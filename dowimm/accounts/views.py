import base64
import time

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from dowimm.accounts import services
from dowimm.accounts.forms import SecondFactorForm, SetUpForm, SignInForm
from dowimm.accounts.middleware import SessionLimitsMiddleware
from dowimm.accounts.models import RecoveryCodeDevice
from dowimm.accounts.signals import LAST_SEEN

LOCKED_OUT_MESSAGE = (
    "You have entered the wrong details too many times. Wait 15 minutes, then try again"
)


class SignIn(LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm


sign_in = SignIn.as_view()


def admin_sign_in(request):
    """
    Administrators sign in like everyone else, second factor included.
    Someone already signed in who is not one is not asked to sign in
    again: the administration pages are not there for them.
    """
    if request.user.is_authenticated:
        raise Http404
    query = request.META.get("QUERY_STRING", "")
    return redirect(reverse("accounts:sign_in") + (f"?{query}" if query else ""))


def sign_in_locked(request, original_response=None, credentials=None):
    """What django-axes shows while a username and address are locked out."""
    context = {"form": SignInForm(request), "locked_out": LOCKED_OUT_MESSAGE}
    return render(request, "accounts/sign_in.html", context, status=429)


def _next_url(request):
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


@login_required
def second_factor(request):
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:second_factor_set_up")

    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.second_factor_check(
                user=user, code=form.cleaned_data["code"]
            )
        except services.SecondFactorRefused as refusal:
            form.add_error("code", str(refusal))
        else:
            otp_login(request, device)
            if isinstance(device, RecoveryCodeDevice):
                messages.warning(
                    request,
                    f"You used a recovery code. You have {device.codes_left} left: "
                    "get new ones from your account page.",
                )
            return redirect(_next_url(request))
    context = {"form": form, "next": _next_url(request)}
    return render(request, "accounts/second_factor.html", context)


@login_required
def second_factor_set_up(request):
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    # A password alone must never be enough to add another app.
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:second_factor")

    device = services.totp_device_for_set_up(user=user)
    form = SetUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.totp_device_confirm(
            device=device, token=form.cleaned_data["code"]
        )
        if codes is not None:
            otp_login(request, device)
            return _recovery_codes_page(request, codes)
        form.add_error(
            "code",
            "The code is not right. Check the app shows dowimm, "
            "then enter the code it shows now",
        )
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "otpauth_uri": device.config_url,
        "qr_svg": _qr_svg(device.config_url),
        "next": _next_url(request),
    }
    return render(request, "accounts/second_factor_set_up.html", context)


def _qr_svg(uri):
    # segno writes plain SVG paths with no style attribute, so it sits
    # inline within the Content Security Policy.
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, title="QR code for your authenticator app"
    )
    return mark_safe(svg)


def _recovery_codes_page(request, codes):
    context = {"codes": codes, "next": _next_url(request)}
    return render(request, "accounts/recovery_codes.html", context)


@login_required
def account(request):
    device = RecoveryCodeDevice.objects.filter(user=request.user).first()
    context = {"codes_left": device.codes_left if device else 0}
    return render(request, "accounts/account.html", context)


@login_required
@require_POST
def recovery_codes_renew(request):
    codes = services.recovery_codes_issue(user=request.user)
    return _recovery_codes_page(request, codes)


@require_POST
def sign_out(request):
    # Only someone past the second factor ends every session of the
    # account: a password alone must not sign its owner out elsewhere.
    if request.user.is_authenticated and request.user.is_verified():
        services.sessions_end_all(user=request.user)
    logout(request)
    messages.success(request, "You have signed out")
    return redirect("accounts:sign_in")


@login_required
@require_POST
def keep_alive(request):
    """The timeout warning's "stay signed in": restarts the idle clock."""
    request.session[LAST_SEEN] = time.time()
    seconds_left = SessionLimitsMiddleware.seconds_left(request.session)
    return JsonResponse({"seconds_left": int(seconds_left)})

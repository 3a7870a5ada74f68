"""
Every URL the site answers, as someone not signed in and as someone who
has given their password but not yet their second factor. (Every case URL
as each role is the access matrix, cases/tests/test_access.py.)
"""

import pytest
from django.urls import URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import force_login_without_second_factor
from dowimm.accounts.tests.factories import staff_member

pytestmark = pytest.mark.django_db

# Pages for people without an account: the health check, signing in, and
# parents and carers signing a document from the link they were sent.
PUBLIC = {
    "healthz",
    "accounts:sign_in",
    "accounts:sign_out",
    "documents:signing_start",
    "documents:signing_code",
    "documents:signing_document",
    "documents:signing_renew",
    "documents:signing_done",
    "documents:verify",
}
BEFORE_SECOND_FACTOR = {
    "healthz",
    "accounts:sign_in",
    "accounts:sign_out",
    "accounts:second_factor",
    "accounts:second_factor_set_up",
}
# The administration site's own pages are not walked one by one.
ADMIN_SAMPLES = {"admin:index", "admin:accounts_user_changelist"}


def url_names(patterns=None, namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from url_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield namespace + pattern.name, pattern.pattern.converters


def every_url():
    urls = {}
    for name, converters in url_names():
        if name.startswith("admin:") and name not in ADMIN_SAMPLES:
            continue
        kwargs = {
            key: 1 if type(converter).__name__ == "IntConverter" else "agreement"
            for key, converter in converters.items()
        }
        urls[name] = reverse(name, kwargs=kwargs)
    return urls


def test_anonymous_visitors_are_sent_to_sign_in_from_every_private_page(client):
    for name, url in every_url().items():
        if name in PUBLIC:
            continue
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(
            ("/sign-in/?next=", "/django-admin/login/?next=")
        ), name


def test_the_admin_sign_in_is_the_sites_own(client):
    response = client.get("/django-admin/login/?next=/django-admin/")

    assert response["Location"] == "/sign-in/?next=/django-admin/"


def test_signed_in_staff_who_are_not_administrators_find_no_admin(client, db):
    client.force_login(staff_member())

    response = client.get("/django-admin/", follow=True)

    # Not the sign-in page again, which would suggest signing in once more.
    assert response.status_code == 404
    sent_to = "/django-admin/login/?next=/django-admin/"
    assert response.redirect_chain == [(sent_to, 302)]


@pytest.mark.parametrize("has_app", [False, True])
def test_a_password_alone_opens_no_page_but_the_sign_in_steps(client, has_app):
    user = staff_member()
    if has_app:
        TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    force_login_without_second_factor(client, user)
    step = "/sign-in/code/" if has_app else "/sign-in/set-up-app/"

    for name, url in every_url().items():
        if name in BEFORE_SECOND_FACTOR:
            continue
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(f"{step}?next="), name

"""Headers on representative pages, and production settings that pass check --deploy."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from cases.tests.factories import Cast

pytestmark = pytest.mark.django_db

PRODUCTION_ENVIRONMENT = {
    "DJANGO_DEBUG": "false",
    "SECRET_KEY": "production-like-5c9e1f0a7b3d4e8f2a6c1b9d0e7f3a5b8c2d4e6f9a1b3c5d",
    "ALLOWED_HOSTS": "dowimm.example.gov.uk",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
}


@pytest.fixture
def case_page(client):
    cast = Cast()
    case = cast.open_case()
    client.force_login(cast.home_staff)
    return client.get(reverse("cases:detail", args=[case.pk]))


def directives(response):
    policy = response["Content-Security-Policy"]
    return dict((part.split()[0], part.split()[1:]) for part in policy.split("; "))


@pytest.mark.parametrize("page", ["sign_in", "case"])
def test_every_page_carries_the_security_headers(client, case_page, page):
    response = client.get("/sign-in/") if page == "sign_in" else case_page

    policy = directives(response)
    nonce = next(s for s in policy["script-src"] if s.startswith("'nonce-"))
    assert policy["script-src"] == ["'self'", nonce]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "unsafe" not in response["Content-Security-Policy"]
    # The one inline script carries the same nonce as the header.
    assert f'<script nonce="{nonce[7:-1]}">' in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_a_case_page_is_never_cached(case_page):
    assert "no-store" in case_page["Cache-Control"]


def test_hsts_is_sent_over_https(client):
    response = client.get("/sign-in/", secure=True)

    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


def test_production_settings_pass_the_deployment_checks():
    environment = {
        name: value
        for name, value in os.environ.items()
        # The tests' own relaxations must not leak into the check.
        if name
        not in {
            "SECURE_SSL_REDIRECT",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
        and not name.startswith("PYTEST")
    }
    environment.update(PRODUCTION_ENVIRONMENT)

    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout

"""
Fixtures and settings shared by every test.

pytest.ini loads this file early, as a plugin (`-p conftest`), because
pytest-django imports the Django settings before it reads any conftest,
and the settings refuse to load without a SECRET_KEY outside DEBUG.
"""

import os
from pathlib import Path

import pytest

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")

# Playwright's sync API runs an event loop in the test's thread, so Django
# takes every ORM call made there for one made from async code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# WCAG 2.2 AA as axe-core tags it: each version's level A and AA rules.
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # The manifest storage needs collectstatic to have run.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "uploads"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    # A deliberately slow hasher is wasted on test users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def _chromium():
    if not CHROMIUM.exists():
        reason = (
            f"Browser tests need Chromium at {CHROMIUM}: "
            "apt-get install chromium (make test does this as root)."
        )
        # CI must not pass by skipping what it was meant to check.
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(reason)
        pytest.skip(reason)

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(_chromium):
    """A fresh page in its own context: no cookies carried between tests."""
    context = _chromium.new_context(locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    yield page
    context.close()


def assert_accessible(page):
    """Fail with a readable list of the WCAG 2.2 AA violations axe finds."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_AA_TAGS},
            "resultTypes": ["violations"],
        },
    )
    violations = results.response["violations"]
    if not violations:
        return

    lines = [f"{len(violations)} accessibility violation(s) on {page.url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}")
    pytest.fail("\n".join(lines), pytrace=False)

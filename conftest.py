"""
Fixtures and settings shared by every test.

pytest.ini loads this file early, as a plugin (`-p conftest`), because
pytest-django imports the Django settings before it reads any conftest,
and the settings refuse to load without a SECRET_KEY outside DEBUG.
"""

import os
from pathlib import Path

import pytest
from django.test import Client

# Kept before the fixture below replaces it for every test.
_client_force_login = Client.force_login
STAFF_BACKEND = "dowimm.accounts.backends.StaffBackend"

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
# The test client and live server speak plain HTTP; a test that needs the
# production settings runs `check --deploy` in a process of its own.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

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
    settings.CLAMAV_SOCKET = ""


@pytest.fixture(autouse=True)
def _tasks_run_inline():
    """
    Celery tasks run in the test's own process even when REDIS_URL is set,
    as in CI, where no worker is running. Tests of the worker itself turn
    this off for their own duration.
    """
    from dowimm.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture(autouse=True)
def _force_login_with_second_factor():
    """
    `client.force_login(user)` signs in with the second factor given, as
    every page but the sign-in steps requires; tests of those steps use
    `force_login_without_second_factor`.
    """

    def force_login(self, user, backend=None):
        force_login_without_second_factor(self, user, backend)
        from django_otp import DEVICE_ID_SESSION_KEY

        session = self.session
        session[DEVICE_ID_SESSION_KEY] = totp_device_for(user).persistent_id
        session.save()

    # Not through monkeypatch: sharing a test's monkeypatch would undo the
    # test's own patches only after the database teardown.
    Client.force_login = force_login
    yield
    Client.force_login = _client_force_login


def force_login_without_second_factor(client, user, backend=None):
    _client_force_login(client, user, backend or STAFF_BACKEND)


def totp_device_for(user):
    """The user's confirmed authenticator app, made for the test if need be."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(
        user=user, name="Test authenticator", confirmed=True
    )


def totp_code_now(device):
    """The code the user's app shows now, usable even if one was just used."""
    from django_otp.oath import TOTP

    # Each code works once; a test signing the same person in twice within
    # 30 seconds would otherwise be refused.
    type(device).objects.filter(pk=device.pk).update(last_t=-1)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture(scope="session", autouse=True)
def _audit_triggers_lifted_for_flush():
    """
    Access events refuse deletes, so emptying the database between
    transactional tests lifts those triggers while it runs.
    """
    from django.db.backends.base.operations import BaseDatabaseOperations

    from dowimm.audit import triggers

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        triggers.drop(self.connection)
        original(self, sql_list)
        triggers.create(self.connection)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    BaseDatabaseOperations.execute_sql_flush = original


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


# Chromium reports its own refusals to the console; the event catches any
# it reports only to the page.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    `Content Security Policy violation: ${event.violatedDirective} ` +
    `blocked ${event.blockedURI || "inline code"} on ${document.location.pathname}`
  )
})
"""


@pytest.fixture
def browser_page(_chromium):
    """
    A fresh page in its own context: no cookies carried between tests. The
    test fails if any page breaks the Content Security Policy.
    """
    context = _chromium.new_context(locale="en-GB", timezone_id="Europe/London")
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    violations = []

    def note_violation(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", note_violation)
    yield page
    context.close()
    if violations:
        pytest.fail(
            "Content Security Policy violations:\n"
            + "\n".join(f"- {text}" for text in dict.fromkeys(violations)),
            pytrace=False,
        )


def sign_in(page, base_url, username, password):
    """Sign in through the pages, second factor included, checking each."""
    from dowimm.accounts.models import User

    totp_device_for(User.objects.get(username=username))
    page.goto(f"{base_url}/sign-in/")
    assert_accessible(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    second_factor_enter(page, username)


def second_factor_enter(page, username):
    """On the code page after a password: type the code the user's app shows."""
    from dowimm.accounts.models import User

    assert_accessible(page)
    device = totp_device_for(User.objects.get(username=username))
    page.get_by_label("Code from your authenticator app").fill(totp_code_now(device))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert_accessible(page)


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

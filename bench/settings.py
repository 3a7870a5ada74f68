"""
Settings for the benchmark: production's, with a trivial page to compare
against, plain static files, and the clock held at BENCH_NOW (ticking) so
that the seeded data is as old in every process, gunicorn's included.
"""

import datetime
import os
import warnings

os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import time_machine  # noqa: E402

from dowimm.settings import *  # noqa: E402, F403

# A Wednesday in spring term 2025-26, inside the county calendar's years.
BENCH_NOW = datetime.datetime(2026, 3, 4, 11, 0, tzinfo=datetime.UTC)
time_machine.travel(BENCH_NOW, tick=True).start()

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# whitenoise looks for collectstatic's output, which the benchmark skips.
warnings.filterwarnings("ignore", message="No directory at")

"""
Settings for dowimm, read from the environment.

With nothing set, dowimm runs embedded: SQLite in var/, tasks run inline,
mail written to var/mail/. Production sets DATABASE_URL, REDIS_URL,
SECRET_KEY and ALLOWED_HOSTS; see README.md for every variable.
"""

import datetime
from pathlib import Path

import environ
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set SECRET_KEY, or set DJANGO_DEBUG=true for a local demo."
        )
    SECRET_KEY = "dowimm-local-demo-only-not-secret"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "dowimm.accounts",
    "dowimm.audit",
    "dowimm.schools",
    "dowimm.calendars",
    "dowimm.notifications",
    "dowimm.documents",
    "cases",
    "meetings",
    "transport",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "dowimm.accounts.middleware.SessionLimitsMiddleware",
    "dowimm.accounts.middleware.SecondFactorMiddleware",
    "dowimm.accounts.middleware.NoStoreMiddleware",
    "dowimm.audit.middleware.AccessEventMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "dowimm.error_pages.NotFoundPageMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dowimm.urls"
WSGI_APPLICATION = "dowimm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dowimm.context_processors.service",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'dowimm.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep each worker's connection between requests (opening one costs more
# than most pages' queries); checked before reuse so a restarted database
# costs one failed request at most.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The case page's query is prepared on each PostgreSQL connection. A pooler
# that hands a connection to another client between transactions (PgBouncer
# in transaction mode) would lose it: turn this off behind one.
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out sign-in never reaches the password check.
    "axes.backends.AxesBackend",
    "rules.permissions.ObjectPermissionBackend",
    "dowimm.accounts.backends.StaffBackend",
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "cases:list"
LOGOUT_REDIRECT_URL = "accounts:sign_in"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {
        "NAME": (
            "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
        )
    },
]

# Sign-in: a password, then a code from an authenticator app (or a
# recovery code) before any child's data is shown.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="dowimm")
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Fifteen minutes from the lock, whatever is tried meanwhile.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "dowimm.accounts.views.sign_in_locked"
# Axes's log lines mask the username and IP address (personal data).
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True
# Behind a proxy, the number of proxies that add to X-Forwarded-For; the
# client's address is then the one they received the request from.
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    if AXES_IPWARE_PROXY_COUNT
    else ["REMOTE_ADDR"]
)

# Sessions end after SESSION_IDLE_SECONDS without a request, and
# SESSION_MAX_SECONDS after signing in whatever happens.
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_MAX_SECONDS = env.int("SESSION_MAX_SECONDS", default=10 * 60 * 60)
SESSION_WARNING_SECONDS = 2 * 60
# dowimm.accounts.middleware ends idle sessions itself, so it can say why.
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
# The service is in English only; translation machinery would cost every
# page a few hundred lookups for nothing. Dates still use en-GB's formats.
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploads hold children's data: they live outside the web root and are
# only ever served through a view that checks access to the case.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "uploads"))
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
UPLOAD_CASE_MAX_BYTES = env.int("UPLOAD_CASE_MAX_BYTES", default=100 * 1024 * 1024)
# A ClamAV daemon, as a Unix socket path or host:port. When set, every
# upload is scanned before it is saved, and refused while clamd is down.
CLAMAV_SOCKET = env.str("CLAMAV_SOCKET", default="")
CLAMAV_TIMEOUT_SECONDS = env.float("CLAMAV_TIMEOUT_SECONDS", default=30)

# A pupil's records are deleted once they reach this age.
DOWIMM_RETENTION_AGE_YEARS = env.int("DOWIMM_RETENTION_AGE_YEARS", default=25)
# Records of signing in (attempts, failures) hold usernames and addresses:
# the nightly retention job deletes them after this many days.
DOWIMM_SIGN_IN_RECORDS_DAYS = env.int("DOWIMM_SIGN_IN_RECORDS_DAYS", default=90)
if DOWIMM_SIGN_IN_RECORDS_DAYS < 1:
    # Fewer would delete the failures that a lock-out is counting.
    raise ImproperlyConfigured("DOWIMM_SIGN_IN_RECORDS_DAYS must be at least 1.")
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Mail: written to files unless an SMTP server is configured.
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = Path(env.str("EMAIL_FILE_PATH", default=VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="dowimm@localhost")

# Celery: without a broker every task runs inline, in the request.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# The authority this installation serves.
AUTHORITY_NAME = env.str("AUTHORITY_NAME", default="Norfolk County Council")
AUTHORITY_LA_CODE = env.str("AUTHORITY_LA_CODE", default="926")
FAET_MAILBOX = env.str("FAET_MAILBOX", default="fair-access@localhost")
# Links in emails start with this: the address people reach dowimm at.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# The scheme's numbers, each a setting with the scheme's default.
DOWIMM_PLACEMENT_SCHOOL_DAYS = env.int("DOWIMM_PLACEMENT_SCHOOL_DAYS", default=40)
DOWIMM_PLANNING_NOTICE_SCHOOL_DAYS = env.int(
    "DOWIMM_PLANNING_NOTICE_SCHOOL_DAYS", default=2
)
DOWIMM_REVIEW_INTERVAL_SCHOOL_DAYS = env.int(
    "DOWIMM_REVIEW_INTERVAL_SCHOOL_DAYS", default=10
)
DOWIMM_CP_FILE_SCHOOL_DAYS = env.int("DOWIMM_CP_FILE_SCHOOL_DAYS", default=5)
# How long a signing link emailed to a parent, carer or pupil works.
DOWIMM_SIGNING_LINK_DAYS = env.int("DOWIMM_SIGNING_LINK_DAYS", default=7)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# HTTPS everywhere outside the local demo. Behind a proxy that ends TLS,
# SECURE_PROXY_SSL_HEADER names the header it sets, e.g. X-Forwarded-Proto;
# only set it when the proxy always sets or strips that header.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
# Sub-domains of the service's own host name, and the header allows (but
# does not itself make) a submission to the browsers' preload list.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
_proxy_ssl_header = env.str("SECURE_PROXY_SSL_HEADER", default="")
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _proxy_ssl_header.upper().replace("-", "_"),
        "https",
    )

# No inline script or style but the one GOV.UK Frontend needs, which
# carries the request's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# A change's reason is the case history's account of it, written in full:
# PostgreSQL would refuse one longer than the default 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "filters": {"hide_signing_tokens": {"()": "dowimm.log_filters.HideSigningTokens"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["hide_signing_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own default handlers would print requests' paths unfiltered.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # The development server's request lines, through the handler that
        # hides signing tokens.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # WeasyPrint logs every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Axes logs each reset of failed sign-ins; dowimm.accounts logs locks,
        # without the username or address.
        "axes": {"level": "WARNING"},
    },
}

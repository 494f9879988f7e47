"""Settings shared by every environment; values come from the environment (django-environ)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
DJANGO_ENV = env.str("DJANGO_ENV", default="dev")


def read_secret(name: str, default: str | None = None) -> str | None:
    """Read NAME from the environment, or from the file named by NAME_FILE."""
    file_path = env.str(f"{name}_FILE", default="")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return env.str(name, default=default)


SECRET_KEY = read_secret("SECRET_KEY", default="") or ""
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "simple_history",
    "core",
    "accounts",
    "audit",
    "keystore",
    "consent",
    "casestudies",
    "retention",
    "dpo",
    "alerts",
    "subject_requests",
    "research",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.TwoFactorGateMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.NoStoreForAuthenticatedMiddleware",
    "alerts.middleware.DeniedAccessAuditMiddleware",
    # Axes last: it turns a lockout flagged during the view into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
    # The wrapped data keys live apart from the main database, so that a backup of the main
    # database alone never holds a key (see README, "Backups").
    "keystore": env.db_url(
        "KEYSTORE_DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'keystore.sqlite3'}"
    ),
}
DATABASE_ROUTERS = ["keystore.routers.KeystoreRouter"]
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE takes the write lock at BEGIN, so two writers cannot both read the audit
        # chain head before either appends (SQLite has no SELECT ... FOR UPDATE).
        _database.setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
        _database["OPTIONS"].setdefault("timeout", 20)
    _database["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first so that a locked-out account is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# NIST SP 800-63B: length and a blocklist, no composition rules.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 15},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: e-mail login, no sign-up (invitations only), second factor in a login stage.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
# A reset request for an unknown address sends nothing (no mail to arbitrary addresses).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
ACCOUNT_REAUTHENTICATION_REQUIRED = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Barnahus Family Voices] "
# Axes decides on failed logins; allauth's own login_failed limit is switched off.
ACCOUNT_RATE_LIMITS = {"login_failed": False}

# django-otp
OTP_TOTP_ISSUER = "Barnahus Family Voices"
OTP_TOTP_THROTTLE_FACTOR = 1
BACKUP_CODE_COUNT = 10

# django-axes: lock the account (keyed on the login name) after 10 failures for 30 minutes.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "accounts.lockout.login_name_from_request"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Sessions: 12 hours absolute, 30 minutes idle (enforced in SessionTimeoutMiddleware).
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
RECENT_AUTH_MAX_AGE = timedelta(minutes=5)
INVITATION_VALIDITY = timedelta(hours=72)

# Django's built-in Content-Security-Policy with per-response nonces.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fi", _("Finnish")), ("sv", _("Swedish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Day-first dates in English too (Ireland), instead of Django's US defaults.
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Helsinki"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "var" / "static"))

MAILERS = {
    "default": {
        "BACKEND": env.str(
            "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
        )
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="no-reply@family-voices.invalid")

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request logs would carry URLs and form errors; keep them at WARNING.
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}

# Lockout is keyed on the account by design (issue #2): an IP lockout would lock out a whole
# centre behind one NAT address, and rotating IPs cannot reset the per-account count.
# Celery: Redis as broker and result backend. Without a broker (the demo), tasks run in process.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Helsinki"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
RETENTION_SWEEP_MAX_AGE = timedelta(hours=25)

# --- Unusual-access alerts (alerts app) --------------------------------------------------------
# Thresholds of the rules that alerts.tasks.alerts_detect_task runs every 10 minutes.
# Alert when a user opens the identities of more than this many families within 60 minutes.
ALERT_IDENTITY_OPENINGS_PER_HOUR = env.int("ALERT_IDENTITY_OPENINGS_PER_HOUR", default=5)
# Working hours (from, to) in the local time of the user's centre; any action outside alerts.
ALERT_WORKING_HOURS = tuple(env.list("ALERT_WORKING_HOURS", cast=int, default=[7, 20]))
# Alert at this many 404s on family or interview pages within 60 minutes.
ALERT_CROSS_CENTRE_404S = env.int("ALERT_CROSS_CENTRE_404S", default=3)
# Alert on a login from a new network after at least this many days without a login.
ALERT_ABSENCE_DAYS = env.int("ALERT_ABSENCE_DAYS", default=30)
# How far back each run looks: several runs, so a stopped worker or beat loses nothing.
ALERT_DETECTION_LOOKBACK = timedelta(hours=2)
# --- end of unusual-access alerts ------------------------------------------------------------

# Vault master keys, newest first: "id:base64(32 bytes),id:base64(...)". Never in the database.
VAULT_MASTER_KEYS = read_secret("VAULT_MASTER_KEYS", default="") or ""

# Ed25519 seed (base64, 32 bytes) that signs audit checkpoints; retired public keys stay trusted.
AUDIT_SIGNING_KEY = read_secret("AUDIT_SIGNING_KEY", default="") or ""
AUDIT_TRUSTED_PUBLIC_KEYS = env.list("AUDIT_TRUSTED_PUBLIC_KEYS", default=[])

SILENCED_SYSTEM_CHECKS = ["axes.W006"]

"""Production: refuses to start without a secret key or with DEBUG on."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import AUDIT_SIGNING_KEY, DEBUG, SECRET_KEY, VAULT_MASTER_KEYS, env, read_secret

DEMO_MODE = False
if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set SECRET_KEY or SECRET_KEY_FILE (at least 50 characters).")
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")
if not VAULT_MASTER_KEYS:
    raise ImproperlyConfigured("Set VAULT_MASTER_KEYS or VAULT_MASTER_KEYS_FILE (id:base64key).")
if not AUDIT_SIGNING_KEY:
    raise ImproperlyConfigured("Set AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE (Ed25519 seed).")
if not env.str("KEYSTORE_DATABASE_URL", default=""):
    raise ImproperlyConfigured("Set KEYSTORE_DATABASE_URL: the key store is its own database.")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# The preload directive only allows submission to the browsers' list; submitting stays a decision.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
# __Host- cookies are only sent over HTTPS, for this exact host, path /.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
LANGUAGE_COOKIE_NAME = "__Host-language"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

MAILERS = {
    "default": {
        "BACKEND": env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend"),
        "OPTIONS": {
            "host": env.str("EMAIL_HOST", default="localhost"),
            "port": env.int("EMAIL_PORT", default=587),
            "username": env.str("EMAIL_HOST_USER", default=""),
            "password": read_secret("EMAIL_HOST_PASSWORD", default="") or "",
            "use_tls": env.bool("EMAIL_USE_TLS", default=True),
        },
    }
}

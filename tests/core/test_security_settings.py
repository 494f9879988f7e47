"""Security settings, each checked where it takes effect."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from tests.conftest import Personas

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "x" * 30 + "-production-like-secret-for-the-check-only-" + "y" * 20,
    "ALLOWED_HOSTS": "voices.example.org",
    "DATABASE_URL": "sqlite:///" + str(ROOT / "var" / "deploy-check.sqlite3"),
    "KEYSTORE_DATABASE_URL": "sqlite:///" + str(ROOT / "var" / "deploy-check-keys.sqlite3"),
    "VAULT_MASTER_KEYS": "prod1:" + "QUJD" * 10 + "QUI=",
    "AUDIT_SIGNING_KEY": "cHJvZHVjdGlvbi1saWtlLWF1ZGl0LXNpZ25pbmcta2U=",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    prefixes = ("DJANGO", "SECRET", "DEBUG", "KEYSTORE", "VAULT", "DATABASE_URL", "AUDIT")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_production_settings() -> None:
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_with_debug_on() -> None:
    result = run_manage("check", env={**PRODUCTION_ENV, "DEBUG": "true"})
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_production_refuses_to_start_without_a_vault_master_key() -> None:
    result = run_manage("check", env={**PRODUCTION_ENV, "VAULT_MASTER_KEYS": ""})
    assert result.returncode != 0
    assert "VAULT_MASTER_KEYS" in result.stderr


def test_production_refuses_to_start_without_an_audit_signing_key() -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "AUDIT_SIGNING_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "AUDIT_SIGNING_KEY" in result.stderr


def test_production_refuses_to_start_without_a_separate_key_store() -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "KEYSTORE_DATABASE_URL"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "KEYSTORE_DATABASE_URL" in result.stderr


def test_production_reads_the_secret_key_from_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "secret"
    key_file.write_text("k" * 60)
    env = {**PRODUCTION_ENV, "SECRET_KEY": "", "SECRET_KEY_FILE": str(key_file)}
    assert run_manage("check", env=env).returncode == 0


def test_production_cookies_and_hsts() -> None:
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE,"
        " s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    result = run_manage("shell", "-v", "0", "-c", code, env=PRODUCTION_ENV)
    assert result.stdout.split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "Lax",
        "31536000",
        "True",
    ], result.stderr


def test_argon2id_is_the_first_hasher_in_every_environment() -> None:
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    hashed = make_password("a long enough passphrase for this")
    assert identify_hasher(hashed).algorithm.startswith("argon2")
    assert "$argon2id$" in hashed


def test_passwords_need_fifteen_characters_but_no_composition_rules() -> None:
    with pytest.raises(ValidationError):
        validate_password("Short1!Pass")
    with pytest.raises(ValidationError):
        validate_password("123456789123456789")  # on the common-password list
    validate_password("lowercase words only here")  # long passphrase, no digits or symbols


def test_allauth_login_failure_rate_limit_is_off_so_axes_decides() -> None:
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] is False
    assert settings.AXES_FAILURE_LIMIT == 10
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 30 * 60


@pytest.mark.django_db
def test_pages_carry_a_strict_csp(personas: Personas) -> None:
    response = personas.client_for("staff").get("/")
    policy = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in policy
    assert "script-src 'self'" in policy  # a nonce is added on pages that use one
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


@pytest.mark.django_db
def test_authenticated_pages_are_not_stored(personas: Personas) -> None:
    response = personas.client_for("admin").get("/admin/users/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_pages_load_no_external_resources(personas: Personas) -> None:
    for url in ("/", "/admin/users/", "/admin/centres/", "/account/security/"):
        html = personas.client_for("admin").get(url).content.decode()
        assert "http://" not in html.replace("http://testserver", "")
        assert "https://" not in html
        assert "style=" not in html  # inline styles would need 'unsafe-inline'


@pytest.mark.django_db
def test_the_login_page_has_labels_landmarks_and_a_skip_link() -> None:
    html = Client().get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html
    assert 'for="id_login"' in html
    assert 'for="id_password"' in html

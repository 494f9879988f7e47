"""Synthetic demo accounts and centres (no real people); used by seed_demo and the tests."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Centre, Membership, Role, User


@dataclass(frozen=True)
class DemoCentre:
    name: str
    country: str
    short_code: str
    time_zone: str


@dataclass(frozen=True)
class DemoAccount:
    email: str
    display_name: str
    role: Role
    centre_code: str | None
    language: str
    password: str


DEMO_CENTRES = (
    DemoCentre("Barnahus Helsinki", "FI", "HEL", "Europe/Helsinki"),
    DemoCentre("Barnahus Turku", "FI", "TKU", "Europe/Helsinki"),
    DemoCentre("Barnahus Galway", "IE", "GAL", "Europe/Dublin"),
)

DEMO_ACCOUNTS = (
    DemoAccount(
        "staff@helsinki.demo.invalid",
        "Demo Staff Helsinki",
        Role.STAFF,
        "HEL",
        "fi",
        "demo staff helsinki passphrase",
    ),
    DemoAccount(
        "colleague@helsinki.demo.invalid",
        "Demo Colleague Helsinki",
        Role.STAFF,
        "HEL",
        "sv",
        "demo colleague helsinki passphrase",
    ),
    DemoAccount(
        "lead@helsinki.demo.invalid",
        "Demo Lead Helsinki",
        Role.LEAD,
        "HEL",
        "fi",
        "demo lead helsinki passphrase",
    ),
    DemoAccount(
        "staff@turku.demo.invalid",
        "Demo Staff Turku",
        Role.STAFF,
        "TKU",
        "fi",
        "demo staff turku passphrase",
    ),
    DemoAccount(
        "staff@galway.demo.invalid",
        "Demo Staff Galway",
        Role.STAFF,
        "GAL",
        "en",
        "demo staff galway passphrase",
    ),
    DemoAccount(
        "lead@galway.demo.invalid",
        "Demo Lead Galway",
        Role.LEAD,
        "GAL",
        "en",
        "demo lead galway passphrase",
    ),
    DemoAccount(
        "researcher@demo.invalid",
        "Demo Researcher",
        Role.RESEARCHER,
        None,
        "en",
        "demo researcher passphrase",
    ),
    DemoAccount(
        "dpo@demo.invalid",
        "Demo Data Protection Officer",
        Role.DPO,
        None,
        "fi",
        "demo data protection passphrase",
    ),
    DemoAccount(
        "admin@demo.invalid",
        "Demo Administrator",
        Role.ADMIN,
        None,
        "en",
        "demo administrator passphrase",
    ),
)


def require_demo_settings() -> None:
    if not getattr(settings, "DEMO_MODE", False) or settings.DJANGO_ENV not in {"dev", "test"}:
        raise ImproperlyConfigured("Demo commands run only with DJANGO_ENV=dev or test.")


def demo_totp_key(email: str) -> str:
    """A fixed TOTP secret per demo account, so demo_otp can always give the current code."""
    return hashlib.sha256(f"demo-totp:{email}".encode()).hexdigest()[:40]


@transaction.atomic
def seed_accounts() -> list[DemoAccount]:
    require_demo_settings()
    centres: dict[str, Centre] = {}
    for spec in DEMO_CENTRES:
        demo_centre, _created = Centre.objects.get_or_create(
            short_code=spec.short_code,
            defaults={"name": spec.name, "country": spec.country, "time_zone": spec.time_zone},
        )
        centres[spec.short_code] = demo_centre
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(email=account.email).first()
        if user is None:
            user = User.objects.create_user(
                email=account.email,
                password=account.password,
                display_name=account.display_name,
                preferred_language=account.language,
            )
        centre: Centre | None = centres[account.centre_code] if account.centre_code else None
        Membership.objects.get_or_create(user=user, role=account.role, centre=centre)
        TOTPDevice.objects.get_or_create(
            user=user,
            defaults={
                "name": "Demo authenticator",
                "key": demo_totp_key(account.email),
                "confirmed": True,
            },
        )
    return list(DEMO_ACCOUNTS)

"""The demo seed is idempotent and demo_otp refuses to run outside demo settings."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from accounts.demo import DEMO_ACCOUNTS
from accounts.models import Centre, Membership, Role, User

pytestmark = pytest.mark.django_db


def test_seeding_twice_creates_each_account_once(capsys) -> None:
    call_command("seed_demo")
    call_command("seed_demo")
    assert User.objects.count() == len(DEMO_ACCOUNTS)
    assert set(Centre.objects.values_list("short_code", flat=True)) == {"HEL", "TKU", "GAL"}
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role)
    output = capsys.readouterr().out
    assert "admin@demo.invalid" in output
    assert "demo_otp" in output


def test_demo_otp_prints_the_current_code(capsys) -> None:
    call_command("seed_demo")
    capsys.readouterr()
    call_command("demo_otp", "dpo@demo.invalid")
    code = capsys.readouterr().out.split()[0]
    assert code.isdigit()
    assert len(code) == 6


@override_settings(DEMO_MODE=False, DJANGO_ENV="production")
def test_demo_commands_refuse_outside_demo_settings() -> None:
    with pytest.raises(CommandError):
        call_command("demo_otp", "dpo@demo.invalid")

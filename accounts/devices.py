"""Reading a user's second-factor devices and checking codes against them."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import BackupCodeDevice, User

TOTP_STEP = 30
TOTP_DIGITS = 6


def confirmed_devices(user: User) -> list[Device]:
    devices: list[Device] = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    devices += list(BackupCodeDevice.objects.filter(user=user, confirmed=True))
    return devices


def has_confirmed_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_for(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def backup_device_for(user: User) -> BackupCodeDevice | None:
    return BackupCodeDevice.objects.filter(user=user, confirmed=True).first()


def verify_second_factor(user: User, code: str) -> Device | None:
    """The device that accepts the code (TOTP first, then backup codes), or None.

    Each device throttles its own failures and TOTP refuses a code used before (last_t).
    """
    code = code.strip().replace(" ", "")
    if not code:
        return None
    totp = totp_device_for(user)
    if code.isdigit() and len(code) == TOTP_DIGITS:
        if totp is not None and totp.verify_token(code):
            return totp
        return None
    backup = backup_device_for(user)
    if backup is not None and backup.verify_token(code):
        return backup
    return None


@dataclass(frozen=True)
class PendingTotpCheck:
    verified: bool
    time_step: int


def check_pending_totp(key_hex: str, code: str) -> PendingTotpCheck:
    """Check a code against a secret that is not yet a device (enrolment), one step of drift."""
    try:
        token = int(code.strip().replace(" ", ""))
        key = bytes.fromhex(key_hex)
    except ValueError:
        return PendingTotpCheck(False, 0)
    totp = TOTP(key, step=TOTP_STEP, t0=0, digits=TOTP_DIGITS, drift=0)
    totp.time = time.time()
    verified = totp.verify(token, tolerance=1)
    return PendingTotpCheck(verified, totp.t() if verified else 0)

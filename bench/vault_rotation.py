"""Benchmark: re-wrap N families' data keys under a new master key, and open 1000 identities.

Prints timings, never asserts.

Run: .venv/bin/python bench/vault_rotation.py [N]            (N defaults to 10000)

Uses throwaway SQLite files for the main database and for the key store, unless DATABASE_URL
or KEYSTORE_DATABASE_URL are set (then each of those must point at an empty database). The
settings are config.settings.dev, with DEBUG off so that query logging does not skew the
numbers, and with VAULT_MASTER_KEYS set in the environment to a random "bench-old" master key
before django.setup().

Set-up shortcut: the N families are not made by N calls of casestudies.services.family_create
(that would take most of the run). Their rows are bulk-created instead, through the same
crypto as the service: a fresh data key per family (core.crypto.new_data_key), wrapped under
the master key with the key store's own associated data (keystore.services._associated_data),
and an identity sealed with that data key and the vault row's associated data. bulk_create
writes no simple-history rows and no family.created audit entries; neither is read by the
rotation. What is timed is the real thing: the rotate_vault_master_key management command,
then casestudies.services.identity_open (decrypt + one audit entry each) for 1000 families.
"""

from __future__ import annotations

import base64
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BATCH = 1000
OPENINGS = 1000


def _master_key_line(key_id: str) -> str:
    return f"{key_id}:{base64.b64encode(os.urandom(32)).decode('ascii')}"


def _throwaway_sqlite(variable: str) -> str | None:
    if variable in os.environ:
        return None
    handle, path = tempfile.mkstemp(suffix=".sqlite3", prefix="bench-vault-")
    os.close(handle)
    os.environ[variable] = f"sqlite:///{path}"
    return path


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    throwaway = [_throwaway_sqlite("DATABASE_URL"), _throwaway_sqlite("KEYSTORE_DATABASE_URL")]
    old_key, new_key = _master_key_line("bench-old"), _master_key_line("bench-new")
    os.environ.pop("VAULT_MASTER_KEYS_FILE", None)
    os.environ["VAULT_MASTER_KEYS"] = old_key
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    try:
        run(count, old_key, new_key)
    finally:
        django.db.connections.close_all()
        for path in throwaway:
            if path:
                Path(path).unlink(missing_ok=True)


def run(count: int, old_key: str, new_key: str) -> None:
    from django.core.management import call_command
    from django.db import connections, transaction
    from django.test import override_settings

    from keystore.routers import KEYSTORE_ALIAS

    call_command("migrate", verbosity=0)
    call_command("migrate", database=KEYSTORE_ALIAS, verbosity=0)

    from accounts.models import Centre, User
    from casestudies.identity import Identity, Respondent
    from casestudies.models import Family, IdentityVault, new_family_code
    from casestudies.services import IdentityReason, identity_open
    from core.crypto import new_data_key, newest_master_key, seal
    from keystore.models import DataKey
    from keystore.services import _associated_data

    centre = Centre.objects.create(name="Bench Centre", country="FI", short_code="BEN")
    actor = User.objects.create_user(email="bench@bench.test", display_name="Bench")

    # ------------------------------------------------------------------ set-up (not timed)
    started = time.perf_counter()
    master = newest_master_key()
    codes: set[str] = set()
    for offset in range(0, count, BATCH):
        rows = []  # (index, family, data key row, data key)
        for index in range(offset, min(offset + BATCH, count)):
            data_key = new_data_key()
            key_row = DataKey(master_key_id=master.key_id)
            key_row.wrapped_key = seal(
                master.secret, data_key, _associated_data(key_row.key_ref, master.key_id)
            )
            code = new_family_code(centre)
            while code in codes:
                code = new_family_code(centre)
            codes.add(code)
            rows.append(
                (index, Family(code=code, centre=centre, created_by=actor), key_row, data_key)
            )
        with transaction.atomic(using=KEYSTORE_ALIAS):
            DataKey.objects.using(KEYSTORE_ALIAS).bulk_create([row[2] for row in rows])
        with transaction.atomic():
            Family.objects.bulk_create([row[1] for row in rows])  # sets the primary keys
            vaults = []
            for index, family, key_row, data_key in rows:
                identity = Identity(
                    respondents=[
                        Respondent(name=f"Bench Respondent {index}", email=f"r{index}@bench.test")
                    ],
                    child_name=f"Bench Child {index}",
                )
                vault = IdentityVault(family=family, key_ref=key_row.key_ref)
                vault.ciphertext = seal(data_key, identity.to_json(), vault.associated_data())
                vaults.append(vault)
            IdentityVault.objects.bulk_create(vaults)
    setup_seconds = time.perf_counter() - started

    # ------------------------------------------------------------------ rotation (timed)
    with override_settings(VAULT_MASTER_KEYS=f"{new_key},{old_key}"):
        out = io.StringIO()
        started = time.perf_counter()
        call_command("rotate_vault_master_key", stdout=out)
        rotate_seconds = time.perf_counter() - started
    under_new = DataKey.objects.using(KEYSTORE_ALIAS).filter(master_key_id="bench-new").count()

    # ------------------------------------------------------------------ openings (timed)
    # Only the new master key is configured now: the old one has been retired.
    with override_settings(VAULT_MASTER_KEYS=new_key):
        sample = list(Family.objects.order_by("?")[: min(OPENINGS, count)])
        started = time.perf_counter()
        for family in sample:
            identity_open(
                actor=actor,
                family=family,
                reason=IdentityReason.CONTACT,
                reason_text="benchmark",
            )
        open_seconds = time.perf_counter() - started

    vendors = connections["default"].vendor, connections[KEYSTORE_ALIAS].vendor
    print(f"database: {vendors[0]} (key store: {vendors[1]})")
    print(f"set-up: {count} families with data keys and vault rows in {setup_seconds:.2f} s")
    print(f"rotation: {out.getvalue().strip()}")
    print(
        f"rotated {count} families in {rotate_seconds:.2f} s "
        f"({count / rotate_seconds:.0f} families/s); {under_new} keys now under bench-new"
    )
    print(
        f"opened {len(sample)} identities (decrypt + audit entry) in {open_seconds:.2f} s "
        f"({len(sample) / open_seconds:.0f}/s, {open_seconds / len(sample) * 1000:.2f} ms each)"
    )
    print(
        "estimated rotation time for 1,000,000 families: "
        f"{rotate_seconds / count * 1e6 / 60:.1f} min"
    )


if __name__ == "__main__":
    main()

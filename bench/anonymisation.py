"""Benchmark: the retention sweep anonymising N due families; prints timings, never asserts.

Run: .venv/bin/python bench/anonymisation.py [N]            (N defaults to 10000)

Uses throwaway SQLite files for the main database and for the key store, unless DATABASE_URL
or KEYSTORE_DATABASE_URL are set (then each of those must point at an empty database). The
settings are config.settings.dev, with DEBUG off so that query logging does not skew the
numbers, and with VAULT_MASTER_KEYS set in the environment to a random master key before
django.setup().

Set-up shortcut (not timed): the N families are not made by N calls of family_create,
consent_record and interview_create (together they would take far longer than the sweep).
Their rows are bulk-created instead, through the same crypto as the services: a fresh data key
per family wrapped under the master key with the key store's associated data, and an identity
sealed with that data key and the vault row's associated data. Families, vault rows, consents
and interviews are written with simple_history's bulk_create_with_history, so each has the one
"+" history row the services would leave (the sweep scrubs history rows too); no audit entries
are written for the set-up, and no interview was edited, so there is one history row per
interview rather than several. Every interview's narratives repeat its family's vault values
(name, Finnish inflection of the child's name, username, case number, e-mail, phone), so the
sweep has real scrubbing to do. The families are marked due directly (removal_requested_at), as
a full withdrawal would.

What is timed is the real thing: retention.services.retention_sweep(), which for every family
reads the vault, scrubs live and history rows, destroys the data key, deletes the vault and
writes one audit entry. Peak memory is the process's ru_maxrss (set-up included), printed
before and after the sweep.
"""

from __future__ import annotations

import base64
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BATCH = 1000
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _master_key_line(key_id: str) -> str:
    return f"{key_id}:{base64.b64encode(os.urandom(32)).decode('ascii')}"


def _throwaway_sqlite(variable: str) -> str | None:
    if variable in os.environ:
        return None
    handle, path = tempfile.mkstemp(suffix=".sqlite3", prefix="bench-anonymise-")
    os.close(handle)
    os.environ[variable] = f"sqlite:///{path}"
    return path


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _tag(index: int) -> str:
    """A letters-only tag per family, so that names stay name-shaped for the screening."""
    letters = ""
    index += 26 * 26  # at least three letters
    while index:
        index, rest = divmod(index, 26)
        letters = LETTERS[rest] + letters
    return "Zq" + letters


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    throwaway = [_throwaway_sqlite("DATABASE_URL"), _throwaway_sqlite("KEYSTORE_DATABASE_URL")]
    os.environ.pop("VAULT_MASTER_KEYS_FILE", None)
    os.environ["VAULT_MASTER_KEYS"] = _master_key_line("bench")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    try:
        run(count)
    finally:
        django.db.connections.close_all()
        for path in throwaway:
            if path:
                Path(path).unlink(missing_ok=True)


def run(count: int) -> None:
    import logging

    from django.core.management import call_command
    from django.db import connections, transaction
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history

    from keystore.routers import KEYSTORE_ALIAS

    # The services log at INFO (Celery, retention); keep the output to the numbers.
    logging.disable(logging.INFO)
    call_command("migrate", verbosity=0)
    call_command("migrate", database=KEYSTORE_ALIAS, verbosity=0)

    from accounts.models import Centre, Membership, Role, User
    from casestudies.identity import Identity, Offender, Respondent
    from casestudies.models import (
        Family,
        FamilyStatus,
        IdentityVault,
        Interview,
        RemovalMode,
        new_family_code,
        new_interview_code,
    )
    from consent.models import ConsentRecord
    from consent.services import FormContent, consent_form_create, consent_form_publish
    from core.crypto import new_data_key, newest_master_key, seal
    from keystore.models import DataKey
    from keystore.services import _associated_data
    from retention.services import retention_sweep

    centre = Centre.objects.create(name="Bench Centre", country="FI", short_code="BEN")
    actor = User.objects.create_user(email="bench@bench.test", display_name="Bench")
    Membership.objects.create(user=actor, role=Role.STAFF, centre=centre)
    form = consent_form_publish(
        actor=actor,
        form=consent_form_create(
            actor=actor,
            form_key="bench",
            language="en",
            content=FormContent(
                title="Bench form",
                body="Synthetic.",
                purposes=["participation", "research"],
                retention_months=60,
                legal_basis="art9_2_a",
                withdrawal_effect=RemovalMode.ANONYMISE,
                anonymised_data_stays_in_statistics=True,
            ),
        ),
    )

    # ------------------------------------------------------------------ set-up (not timed)
    started = time.perf_counter()
    master = newest_master_key()
    today = timezone.localdate()
    now = timezone.now()
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
            family = Family(
                code=code,
                centre=centre,
                country="FI",
                created_by=actor,
                removal_requested_at=now,
                removal_mode=RemovalMode.ANONYMISE,
            )
            rows.append((index, family, key_row, data_key))
        with transaction.atomic(using=KEYSTORE_ALIAS):
            DataKey.objects.using(KEYSTORE_ALIAS).bulk_create([row[2] for row in rows])
        with transaction.atomic():
            families = bulk_create_with_history([row[1] for row in rows], Family)
            by_code = {family.code: family for family in families}
            vaults, consents, interviews = [], [], []
            for index, family, key_row, data_key in rows:
                family = by_code[family.code]
                tag = _tag(index)
                name, child = f"Marjatta {tag}", f"Eetu {tag}"
                email, phone = f"{tag.lower()}@bench.test", f"+358 40 {index:07d}"
                username, case = f"{tag.lower()}_77", f"BENCH-{index:06d}"
                identity = Identity(
                    respondents=[Respondent(name=name, email=email, phone=phone)],
                    child_name=child,
                    police_case_numbers=[case],
                    offenders=[Offender(usernames=[username])],
                )
                vault = IdentityVault(family=family, key_ref=key_row.key_ref)
                vault.ciphertext = seal(data_key, identity.to_json(), vault.associated_data())
                vaults.append(vault)
                consents.append(
                    ConsentRecord(
                        family=family,
                        form=form,
                        purposes={"participation": True, "research": True},
                        consenter_relationship="mother",
                        guardian_consent="both",
                        child_age=11,
                        child_assent="given",
                        method="written",
                        consent_date=today,
                        retention_until=today.replace(year=today.year + 5),
                        recorded_by=actor,
                    )
                )
                interviews.append(
                    Interview(
                        code=new_interview_code(),
                        family=family,
                        created_by=actor,
                        updated_by=actor,
                        interview_year=today.year,
                        interview_month=today.month,
                        violence_types=["grooming"],
                        agencies=["police", "barnahus"],
                        narrative_what_happened=(
                            f"{name} found messages from {username} to {child}. "
                            f"The police case is {case}."
                        ),
                        narrative_turning_points=f"Reach the mother at {email} or {phone}.",
                        narrative_what_helped=(
                            f"{child}n mielestä vertaisryhmä auttoi eniten, "
                            "ja perhe sai aikaa toipua."
                        ),
                        narrative_advice="Believe the child and keep the family informed.",
                    )
                )
            bulk_create_with_history(vaults, IdentityVault)
            bulk_create_with_history(consents, ConsentRecord)
            bulk_create_with_history(interviews, Interview)
    setup_seconds = time.perf_counter() - started
    peak_before = _peak_mb()

    # ------------------------------------------------------------------ the sweep (timed)
    started = time.perf_counter()
    report = retention_sweep()
    sweep_seconds = time.perf_counter() - started
    peak_after = _peak_mb()

    anonymised = Family.objects.filter(status=FamilyStatus.ANONYMISED).count()
    keys_left = DataKey.objects.using(KEYSTORE_ALIAS).count()
    leaks = (
        Interview.objects.filter(narrative_what_happened__contains="Marjatta").count()
        + Interview.history.filter(narrative_turning_points__contains="@bench.test").count()
    )
    vendors = connections["default"].vendor, connections[KEYSTORE_ALIAS].vendor
    print(f"database: {vendors[0]} (key store: {vendors[1]})")
    print(
        f"set-up: {count} due families with vault, consent and interview in {setup_seconds:.2f} s"
    )
    print(
        f"sweep: due {len(report.due)}, done {len(report.done)}, failed {len(report.failed)}; "
        f"{anonymised} families anonymised, {keys_left} data keys left, "
        f"{leaks} narratives still holding a vault value"
    )
    print(
        f"anonymised {count} families in {sweep_seconds:.2f} s "
        f"({count / sweep_seconds:.0f} families/s, {sweep_seconds / count * 1000:.2f} ms each)"
    )
    print(f"peak memory (ru_maxrss): {peak_before:.0f} MB after set-up, {peak_after:.0f} MB after")
    print(
        "estimated sweep time for 100,000 families due at once: "
        f"{sweep_seconds / count * 1e5 / 60:.1f} min"
    )


if __name__ == "__main__":
    main()

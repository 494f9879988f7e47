"""Benchmark: verification time for a long audit trail (default 1,000,000 entries).

The entries are written with bulk inserts whose hashes are computed exactly as audit_record
computes them (a valid chain), because appending one million entries one by one through the
service would take far longer than the verification being measured. Prints, never asserts.
Run: .venv/bin/python bench/audit_verify.py [N]   (SQLite in a temporary file unless
DATABASE_URL is set; then it must point at an empty database).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    if "DATABASE_URL" not in os.environ:
        folder = tempfile.mkdtemp()
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/main.sqlite3"
        os.environ["KEYSTORE_DATABASE_URL"] = f"sqlite:///{folder}/keys.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    from audit.chain import GENESIS_HASH, canonical_payload, entry_hash
    from audit.checkpoints import checkpoint_create
    from audit.models import AuditChainHead, AuditEvent
    from audit.verification import verify_chain

    started = time.perf_counter()
    previous = GENESIS_HASH
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    batch: list[AuditEvent] = []
    for sequence in range(1, count + 1):
        moment += timedelta(seconds=1)
        details = {"count": sequence % 97}
        payload = canonical_payload(
            sequence=sequence,
            occurred_at=moment,
            actor_id=sequence % 50 + 1,
            actor_label=f"user:{sequence % 50 + 1}",
            action="interview.viewed",
            target_type="casestudies.interview",
            target_id=f"IV-{sequence:08d}",
            reason="",
            details=details,
            family_code=f"HEL-{sequence % 10000:04d}-TEST",
        )
        digest = entry_hash(previous, payload)
        batch.append(
            AuditEvent(
                sequence=sequence,
                occurred_at=moment,
                actor_id=sequence % 50 + 1,
                actor_label=f"user:{sequence % 50 + 1}",
                action="interview.viewed",
                target_type="casestudies.interview",
                target_id=f"IV-{sequence:08d}",
                reason="",
                details=details,
                family_code=f"HEL-{sequence % 10000:04d}-TEST",
                previous_hash=previous,
                entry_hash=digest,
            )
        )
        previous = digest
        if len(batch) == 20_000:
            with transaction.atomic():
                AuditEvent.objects.bulk_create(batch)
            batch = []
    if batch:
        AuditEvent.objects.bulk_create(batch)
    AuditChainHead.objects.update_or_create(
        pk=1, defaults={"sequence": count, "entry_hash": previous}
    )
    checkpoint_create()
    print(f"wrote {count} entries in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    result = verify_chain()
    seconds = time.perf_counter() - started
    print(f"database: {django.db.connection.vendor}")
    print(
        f"verified {result.checked} entries and {result.checkpoints_checked} checkpoint(s) "
        f"in {seconds:.1f} s ({result.checked / seconds:,.0f} entries/s), intact={result.ok}"
    )


if __name__ == "__main__":
    main()

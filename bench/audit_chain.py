"""Benchmark: append N audit entries and verify the chain; prints throughput, never asserts.

Run: DJANGO_ENV=dev DATABASE_URL=... .venv/bin/python bench/audit_chain.py [N]
Uses a throwaway SQLite file unless DATABASE_URL is set (then it needs an empty database).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    if "DATABASE_URL" not in os.environ:
        handle, path = tempfile.mkstemp(suffix=".sqlite3")
        os.close(handle)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    from audit.models import AuditAction, AuditEvent
    from audit.services import audit_record
    from audit.verification import verify_chain

    already = AuditEvent.objects.count()
    started = time.perf_counter()
    batch = 1000
    for offset in range(0, count, batch):
        with transaction.atomic():
            for index in range(offset, min(offset + batch, count)):
                audit_record(
                    actor=None,
                    action=AuditAction.CENTRE_UPDATED,
                    target_type="bench",
                    target_id=index,
                    details={"changed": ["name"], "index": index},
                )
    append_seconds = time.perf_counter() - started
    started = time.perf_counter()
    result = verify_chain()
    verify_seconds = time.perf_counter() - started
    total = already + count
    print(f"database: {django.db.connection.vendor}")
    print(f"appended {count} entries in {append_seconds:.2f} s ({count / append_seconds:.0f}/s)")
    print(
        f"verified {result.checked} entries in {verify_seconds:.2f} s "
        f"({result.checked / verify_seconds:.0f}/s), intact={result.ok}"
    )
    print(
        f"estimated verification time for 1,000,000 entries: {verify_seconds / total * 1e6:.0f} s"
    )


if __name__ == "__main__":
    main()

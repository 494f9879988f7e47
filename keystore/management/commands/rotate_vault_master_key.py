"""Re-wrap every data key under the newest master key (safe to interrupt and re-run)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.models import AuditAction
from audit.services import audit_record
from core.crypto import newest_master_key
from keystore.services import data_keys_rewrap, project_keys_rewrap


class Command(BaseCommand):
    help = (
        "Re-wrap the families' data keys under the newest key in VAULT_MASTER_KEYS. "
        "Keep the old master key configured until this reports no failures."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        newest = newest_master_key()
        report = data_keys_rewrap(batch_size=options["batch_size"])
        projects = project_keys_rewrap(batch_size=options["batch_size"])
        audit_record(
            actor=None,
            action=AuditAction.VAULT_KEYS_REWRAPPED,
            details={
                "master_key_id": newest.key_id,
                "rewrapped": report.rewrapped,
                "failed": len(report.failed),
            },
        )
        self.stdout.write(
            f"re-wrapped {report.rewrapped} data keys under master key {newest.key_id}; "
            f"{report.already_current} were already current"
        )
        self.stdout.write(f"re-wrapped {projects.rewrapped} research project keys")
        if projects.failed:
            raise CommandError(
                f"{len(projects.failed)} research project keys could not be opened (first: "
                f"{projects.failed[0]}); keep the old master keys configured.",
                returncode=1,
            )
        if report.failed:
            raise CommandError(
                f"{len(report.failed)} data keys could not be opened with any configured master "
                f"key (first: {report.failed[0]}); keep the old master keys configured.",
                returncode=1,
            )

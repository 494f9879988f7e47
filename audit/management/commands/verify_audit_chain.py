"""Exit 0 when the audit chain is intact, 1 with the first bad sequence number otherwise."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.verification import verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail."

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if result.ok:
            self.stdout.write(
                f"audit chain intact: {result.checked} entries verified, "
                f"{result.checkpoints_checked} signed checkpoints verified"
            )
            return
        raise CommandError(
            f"audit chain broken at sequence {result.first_bad_sequence}: {result.problem} "
            f"({result.checked} entries verified before it)",
            returncode=1,
        )

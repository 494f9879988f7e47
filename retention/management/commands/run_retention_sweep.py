"""Run the retention sweep now, or show what it would do (--dry-run)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from retention.services import retention_sweep


class Command(BaseCommand):
    help = "Anonymise or erase the families that are due (withdrawn, or retention over)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List, change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = retention_sweep(dry_run=options["dry_run"])
        verb = "would anonymise" if report.dry_run else "anonymised or erased"
        self.stdout.write(f"due: {len(report.due)}; {verb}: {len(report.done or report.due)}")
        for code in report.due:
            self.stdout.write(f"  due   {code}")
        for code in report.held:
            self.stdout.write(f"  held  {code} (legal hold)")
        for line in report.failed:
            self.stdout.write(f"  FAILED {line}")
        if report.failed:
            raise CommandError(f"{len(report.failed)} families failed", returncode=1)

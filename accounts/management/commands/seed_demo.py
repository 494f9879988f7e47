"""Load the synthetic demo centres and accounts (idempotent) and print how to log in."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from accounts.demo import seed_accounts
from accounts.models import User
from casestudies.demo import seed_consent_forms, seed_families
from casestudies.demo_interviews import seed_interviews
from research.demo import seed_research_project
from retention.services import retention_sweep


class Command(BaseCommand):
    help = "Create the demo centres and one account per role (demo/dev settings only)."

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = seed_accounts()
        families = seed_families()
        interviews = seed_interviews(
            seed_consent_forms(User.objects.get(email="admin@demo.invalid"))
        )
        self.stdout.write("Demo accounts (synthetic; passwords are for the demo only):")
        for account in accounts:
            where = f" at {account.centre_code}" if account.centre_code else ""
            self.stdout.write(
                f"  {account.role.value:<10}{where:<8} {account.email:<34} "
                f"password: {account.password}"
            )
        seed_research_project()
        # A first sweep, so /health/ reports the retention machinery as running.
        retention_sweep()
        self.stdout.write(
            f"Demo families created now: {families + interviews}, interviews: {interviews} "
            "(consent forms in en, fi, sv)."
        )
        self.stdout.write(
            "Second factor: run `.venv/bin/python manage.py demo_otp EMAIL` for the current code."
        )

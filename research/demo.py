"""A demo research project for the demo researcher (synthetic)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from research.fields import choosable_fields
from research.models import ResearchProject
from research.services import ProjectInput, project_create


def seed_research_project() -> ResearchProject | None:
    """Create the demo project once; it covers Finland and Ireland for a year."""
    if ResearchProject.objects.exists():
        return None
    admin = User.objects.get(email="admin@demo.invalid")
    researcher = User.objects.get(email="researcher@demo.invalid")
    today = timezone.localdate()
    return project_create(
        actor=admin,
        data=ProjectInput(
            title="Families' experiences of services after online sexual violence (demo)",
            responsible_researcher=researcher,
            approved_purpose="Describe how services met families' needs (synthetic demo).",
            ethics_reference="DEMO-ETH-2026-01",
            starts_on=today - timedelta(days=30),
            ends_on=today + timedelta(days=335),
            countries=["FI", "IE"],
            allowed_fields=choosable_fields(),
        ),
    )

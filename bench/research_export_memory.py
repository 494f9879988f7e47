"""Benchmark: build a k-anonymous research export of N interviews; prints time and peak memory.

Run: .venv/bin/python bench/research_export_memory.py [N]   (default 100000)
Uses throwaway SQLite files for the main database and the key store unless DATABASE_URL is set.
Peak memory is reported twice: Python allocations during the build (tracemalloc) and the
process's peak resident set size before and after the build.
"""

from __future__ import annotations

import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    workdir = Path(tempfile.mkdtemp(prefix="bench-export-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'main.sqlite3'}")
    os.environ.setdefault("KEYSTORE_DATABASE_URL", f"sqlite:///{workdir / 'keystore.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    settings.RESEARCH_EXPORT_DIR = workdir / "exports"
    call_command("migrate", verbosity=0)
    call_command("migrate", database="keystore", verbosity=0)

    from accounts.models import Centre, Membership, Role, User
    from casestudies.models import Family, Interview, InterviewStatus
    from casestudies.vocabularies import VOCABULARIES
    from consent.models import ConsentRecord
    from research.models import ResearchExport
    from research.services import ProjectInput, export_build, project_create
    from tests.factories import consent_input, published_form

    def codes(vocabulary: str) -> list[str]:
        return [term[0] for term in VOCABULARIES[vocabulary]]

    admin = User.objects.create_user(email="admin@bench.test")
    Membership.objects.create(user=admin, role=Role.ADMIN)
    researcher = User.objects.create_user(email="researcher@bench.test")
    Membership.objects.create(user=researcher, role=Role.RESEARCHER)
    centre = Centre.objects.create(name="Bench", country="FI", short_code="BEN")
    form = published_form(admin)
    base = consent_input(form)
    rng = random.Random(20261129)  # noqa: S311 - synthetic data
    started = time.perf_counter()
    batch = 5000
    for offset in range(0, count, batch):
        size = min(batch, count - offset)
        with transaction.atomic():
            families = Family.objects.bulk_create(
                [
                    Family(
                        code=f"BEN-{offset + i:08d}", centre=centre, country="FI", created_by=admin
                    )
                    for i in range(size)
                ]
            )
            ConsentRecord.objects.bulk_create(
                [
                    ConsentRecord(
                        family=family,
                        form=form,
                        purposes=base.purposes,
                        consenter_relationship="mother",
                        guardian_consent="both",
                        child_age=13,
                        child_assent="given",
                        method="written",
                        consent_date=date.today(),
                        retention_until=date.today() + timedelta(days=1800),
                        recorded_by=admin,
                    )
                    for family in families
                ]
            )
            Interview.objects.bulk_create(
                [
                    Interview(
                        code=f"IV-{offset + i:09d}",
                        family=family,
                        status=InterviewStatus.LOCKED,
                        created_by=admin,
                        updated_by=admin,
                        interview_year=rng.choice([2024, 2025, 2026]),
                        interview_month=rng.randint(1, 12),
                        child_gender=rng.choice(codes("child_gender")),
                        child_age_band_interview=rng.choice(codes("child_age_band")),
                        respondent_age_band=rng.choice(codes("adult_age_band")),
                        violence_types=rng.sample(codes("violence_type"), k=2),
                        platforms=rng.sample(codes("platform"), k=2),
                        agencies=rng.sample(codes("agency"), k=3),
                        service_ratings={"police": {"kept_informed": rng.randint(1, 5)}},
                    )
                    for i, family in enumerate(families)
                ]
            )
    print(
        f"database: {django.db.connection.vendor}; seeded {count} interviews in "
        f"{time.perf_counter() - started:.1f} s"
    )
    project = project_create(
        actor=admin,
        data=ProjectInput(
            title="Bench",
            responsible_researcher=researcher,
            approved_purpose="bench",
            ethics_reference="bench",
            starts_on=date.today() - timedelta(days=1),
            ends_on=date.today() + timedelta(days=1),
            countries=["FI"],
            allowed_fields=[
                "country",
                "interview_year",
                "interview_month",
                "child_gender",
                "child_age_band_interview",
                "respondent_age_band",
                "violence_types",
                "platforms",
                "agencies",
                "service_ratings",
            ],
        ),
    )
    export = ResearchExport.objects.create(
        project=project, requested_by=researcher, purpose="bench", fields=project.allowed_fields
    )
    rss_before = _rss_mib()
    tracemalloc.start()
    started = time.perf_counter()
    built = export_build(export_id=str(export.pk))
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert built is not None
    print(
        f"export status {built.status}: {built.row_count} rows, {built.suppressed_rows} "
        f"suppressed, levels {built.report['levels']}"
    )
    print(
        f"built in {seconds:.1f} s ({count / seconds:.0f} rows/s); encrypted file "
        f"{built.size / 1024 / 1024:.1f} MiB"
    )
    print(f"peak Python allocations during the build: {peak / 1024 / 1024:.1f} MiB")
    print(f"peak RSS: {rss_before:.0f} MiB before the build, {_rss_mib():.0f} MiB after")


if __name__ == "__main__":
    main()

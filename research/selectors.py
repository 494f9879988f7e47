"""What research may see: the scope querysets of research projects (DESIGN.md, privacy 3-5).

Two ways of seeing, one function each:
- `interviews_for_research(project)`: record view and exports. Locked interviews in the project's
  scope whose family's consent allows research now (active, research granted and not withdrawn,
  retention not over, family not waiting for removal), plus families anonymised because their
  retention ended whose consent had granted research and was never withdrawn.
- `interviews_for_statistics(project)`: the same, plus families who withdrew fully and were
  anonymised, when their consent form said anonymised data stays in statistics.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from casestudies.models import Family, FamilyStatus, Interview, InterviewStatus
from consent.models import ConsentRecord, ConsentStatus, Purpose
from research.models import ResearchProject

RESEARCH = str(Purpose.RESEARCH)
# Codes are slugs, so the quoted code matches exactly one element of the JSON list.
_RESEARCH_WITHDRAWN = Q(withdrawn_purposes__icontains=f'"{RESEARCH}"')


def _consents() -> QuerySet[ConsentRecord]:
    return ConsentRecord.objects.filter(family_id=OuterRef("family_id"))


def _scope(project: ResearchProject) -> Q:
    countries = [code for code in project.countries if code]
    centre_ids = list(project.centres.values_list("pk", flat=True))
    scope = Q(pk__in=[])
    if countries:
        scope |= Q(family__country__in=countries)
    if centre_ids:
        scope |= Q(family__centre_id__in=centre_ids)
    return scope


def _in_scope(project: ResearchProject) -> QuerySet[Interview]:
    return Interview.objects.filter(_scope(project), status=InterviewStatus.LOCKED)


def _research_now() -> Q:
    """Active family, not waiting for removal, whose active consent allows research today."""
    allows = (
        _consents()
        .filter(
            status=ConsentStatus.ACTIVE,
            purposes__research=True,
            retention_until__gte=timezone.localdate(),
        )
        .exclude(_RESEARCH_WITHDRAWN)
    )
    return Q(
        family__status=FamilyStatus.ACTIVE,
        family__removal_requested_at__isnull=True,
    ) & Q(Exists(allows))


def _retention_ended() -> Q:
    """Anonymised at the end of the retention period, research granted, never withdrawn."""
    expired = (
        _consents()
        .filter(status=ConsentStatus.EXPIRED, purposes__research=True)
        .exclude(_RESEARCH_WITHDRAWN)
    )
    withdrawn = _consents().filter(Q(status=ConsentStatus.WITHDRAWN) | _RESEARCH_WITHDRAWN)
    return Q(family__status=FamilyStatus.ANONYMISED) & Q(Exists(expired)) & ~Q(Exists(withdrawn))


def _withdrawn_but_kept_in_statistics() -> Q:
    kept = _consents().filter(
        status=ConsentStatus.WITHDRAWN,
        purposes__research=True,
        form__anonymised_data_stays_in_statistics=True,
    )
    return Q(family__status=FamilyStatus.ANONYMISED) & Q(Exists(kept))


def interviews_for_research(project: ResearchProject) -> QuerySet[Interview]:
    """Interviews a member may see record by record and export."""
    return _in_scope(project).filter(_research_now() | _retention_ended())


def interviews_for_statistics(project: ResearchProject) -> QuerySet[Interview]:
    """Interviews counted in the project's statistics (never shown one by one)."""
    return _in_scope(project).filter(
        _research_now() | _retention_ended() | _withdrawn_but_kept_in_statistics()
    )


def withdrawn_family_ids(family_ids: QuerySet[Any] | list[int]) -> QuerySet[Family, int]:
    """Of the given families, those who withdrew research (or were erased) since."""
    withdrew = ConsentRecord.objects.filter(family_id=OuterRef("pk")).filter(
        Q(status=ConsentStatus.WITHDRAWN) | _RESEARCH_WITHDRAWN
    )
    return (
        Family.objects.filter(pk__in=family_ids)
        .filter(Q(Exists(withdrew)) | Q(status=FamilyStatus.ERASED))
        .values_list("pk", flat=True)
    )

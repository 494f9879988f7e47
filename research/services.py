"""State changes of research projects and exports; each writes one audit entry."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Centre, Role, User
from accounts.services import ServiceError
from audit.models import AuditAction
from audit.services import audit_record
from keystore.services import project_key_create
from research.exports import build_files, delete_files
from research.fields import QUOTABLE, refused_fields
from research.models import ExportStatus, ResearchExport, ResearchProject

logger = logging.getLogger(__name__)


@dataclass
class ProjectInput:
    title: str
    responsible_researcher: User
    approved_purpose: str
    ethics_reference: str
    starts_on: date
    ends_on: date
    countries: list[str] = field(default_factory=list)
    centres: list[Centre] = field(default_factory=list)
    allowed_fields: list[str] = field(default_factory=list)
    k: int = 5
    max_suppressed_share: float = 0.2


def _is_researcher(user: User) -> bool:
    return user.is_active and user.memberships.filter(role=Role.RESEARCHER).exists()


def _validate(data: ProjectInput) -> None:
    refused = refused_fields(data.allowed_fields)
    if refused:
        raise ServiceError(
            _("These fields can never be used for research: %(fields)s. Remove them.")
            % {"fields": ", ".join(refused)}
        )
    if data.ends_on < data.starts_on:
        raise ServiceError(_("The end date must be on or after the start date."))
    if not data.countries and not data.centres:
        raise ServiceError(_("Choose at least one country or centre the project covers."))
    if data.k < 2:
        raise ServiceError(_("k must be at least 2."))
    if not 0 <= data.max_suppressed_share <= 0.5:
        raise ServiceError(_("The share of suppressed rows must be between 0 and 0.5."))
    if not _is_researcher(data.responsible_researcher):
        raise ServiceError(_("The responsible researcher must hold the researcher role."))


def _apply(project: ResearchProject, data: ProjectInput) -> None:
    project.title = data.title.strip()
    project.responsible_researcher = data.responsible_researcher
    project.approved_purpose = data.approved_purpose.strip()
    project.ethics_reference = data.ethics_reference.strip()
    project.starts_on = data.starts_on
    project.ends_on = data.ends_on
    project.countries = sorted({code.strip().upper() for code in data.countries if code.strip()})
    # Kept in the order of the registry so that forms and codebooks read the same way.
    project.allowed_fields = list(dict.fromkeys(data.allowed_fields))
    project.k = data.k
    project.max_suppressed_share = data.max_suppressed_share


def _summary(project: ResearchProject) -> dict[str, Any]:
    return {
        "title": project.title,
        "starts_on": project.starts_on,
        "ends_on": project.ends_on,
        "countries": project.countries,
        "centres": sorted(project.centres.values_list("pk", flat=True)),
        "allowed_fields": project.allowed_fields,
        "k": project.k,
        "max_suppressed_share": project.max_suppressed_share,
        "quotation": QUOTABLE in project.allowed_fields,
    }


def project_create(*, actor: User, data: ProjectInput) -> ResearchProject:
    """A new project with its own pseudonym key (written to the key store first: a crash
    between the two databases leaves an unused key behind, which reveals nothing)."""
    _validate(data)
    key_ref = project_key_create()
    with transaction.atomic():
        project = ResearchProject(key_ref=key_ref, created_by=actor)
        _apply(project, data)
        project.full_clean()
        project.save()
        project.centres.set(data.centres)
        if _is_researcher(data.responsible_researcher):
            project.members.add(data.responsible_researcher)
        audit_record(
            actor=actor,
            action=AuditAction.PROJECT_CREATED,
            target=project,
            details=_summary(project),
        )
    return project


def project_update(*, actor: User, project: ResearchProject, data: ProjectInput) -> ResearchProject:
    _validate(data)
    with transaction.atomic():
        locked = ResearchProject.objects.select_for_update().get(pk=project.pk)
        _apply(locked, data)
        locked.full_clean()
        locked.save()
        locked.centres.set(data.centres)
        audit_record(
            actor=actor,
            action=AuditAction.PROJECT_UPDATED,
            target=locked,
            details=_summary(locked),
        )
    return locked


def project_member_add(*, actor: User, project: ResearchProject, user: User) -> None:
    if not _is_researcher(user):
        raise ServiceError(_("Only active users with the researcher role can join a project."))
    with transaction.atomic():
        locked = ResearchProject.objects.select_for_update().get(pk=project.pk)
        if locked.members.filter(pk=user.pk).exists():
            raise ServiceError(_("This researcher is already a member."))
        locked.members.add(user)
        audit_record(
            actor=actor,
            action=AuditAction.PROJECT_MEMBER_ADDED,
            target=locked,
            details={"user": user.pk},
        )


def project_member_remove(*, actor: User, project: ResearchProject, user: User) -> None:
    with transaction.atomic():
        locked = ResearchProject.objects.select_for_update().get(pk=project.pk)
        if not locked.members.filter(pk=user.pk).exists():
            raise ServiceError(_("This user is not a member of the project."))
        locked.members.remove(user)
        audit_record(
            actor=actor,
            action=AuditAction.PROJECT_MEMBER_REMOVED,
            target=locked,
            details={"user": user.pk},
        )


def research_page_viewed(
    *,
    actor: User,
    project: ResearchProject | None,
    page: str,
    details: dict[str, Any] | None = None,
) -> None:
    """Every research page is logged: which project and page, never any value shown."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.RESEARCH_PAGE_VIEWED,
            target=project,
            target_type="" if project else "research.researchproject",
            details={"page": page, **(details or {})},
        )


# ---------------------------------------------------------------------------- exports


def export_request(
    *, actor: User, project: ResearchProject, fields: list[str], purpose: str
) -> ResearchExport:
    """Queue an export of allowed fields; the task builds it after the commit."""
    chosen = [name for name in fields if name != QUOTABLE]
    if not purpose.strip():
        raise ServiceError(_("State the purpose of the export."))
    if not chosen:
        raise ServiceError(_("Choose at least one field to export."))
    outside = [name for name in chosen if name not in project.allowed_fields]
    if outside:
        raise ServiceError(
            _("The project may not use these fields: %(fields)s.") % {"fields": ", ".join(outside)}
        )
    with transaction.atomic():
        export = ResearchExport.objects.create(
            project=project,
            requested_by=actor,
            purpose=purpose.strip(),
            fields=[name for name in project.allowed_fields if name in chosen],
        )
        audit_record(
            actor=actor,
            action=AuditAction.RESEARCH_EXPORT_REQUESTED,
            target=export,
            details={"project": project.pk, "fields": export.fields, "purpose": export.purpose},
        )
        export_id = str(export.pk)
        transaction.on_commit(lambda: _queue_build(export_id))
    return export


def _queue_build(export_id: str) -> None:
    from research.tasks import build_export_task

    build_export_task.delay(export_id)


def export_build(*, export_id: str) -> ResearchExport | None:
    """Build one queued export (idempotent: anything but a queued export is left alone)."""
    claimed = ResearchExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.BUILDING
    )
    if not claimed:
        return None
    export = ResearchExport.objects.select_related("project").get(pk=export_id)
    try:
        outcome = build_files(export)
    except Exception:
        logger.exception("research export %s failed", export_id)
        ResearchExport.objects.filter(pk=export_id).update(status=ExportStatus.FAILED)
        raise
    with transaction.atomic():
        locked = ResearchExport.objects.select_for_update().get(pk=export_id)
        locked.report = outcome["report"]
        locked.built_at = timezone.now()
        if outcome["acceptable"]:
            locked.status = ExportStatus.READY
            locked.row_count = outcome["rows"]
            locked.suppressed_rows = outcome["suppressed"]
            locked.sha256 = outcome["sha256"]
            locked.size = outcome["size"]
            locked.key_ref = outcome["key_ref"]
            locked.expires_at = outcome["expires_at"]
        else:
            locked.status = ExportStatus.NEEDS_FEWER_FIELDS
            locked.suppressed_rows = outcome["report"]["rows_suppressed"]
        locked.save()
        audit_record(
            actor=None,
            action=AuditAction.RESEARCH_EXPORT_BUILT,
            target=locked,
            details={
                "project": locked.project_id,
                "status": locked.status,
                "fingerprint": locked.sha256,
                "fields": locked.fields,
                "rows": locked.row_count,
                "rows_suppressed": locked.suppressed_rows,
                "purpose": locked.purpose,
                "levels": outcome["report"]["levels"],
            },
        )
    return locked


def export_downloaded(*, actor: User, export: ResearchExport) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.RESEARCH_EXPORT_DOWNLOADED,
            target=export,
            details={
                "project": export.project_id,
                "fingerprint": export.sha256,
                "fields": export.fields,
                "rows": export.row_count,
                "purpose": export.purpose,
            },
        )


def exports_expire(*, now: Any = None) -> int:
    """Delete exports older than their 7 days (key first, then the file); returns how many."""
    now = now or timezone.now()
    expired = 0
    for export in ResearchExport.objects.filter(status=ExportStatus.READY, expires_at__lte=now):
        delete_files(export)
        with transaction.atomic():
            locked = ResearchExport.objects.select_for_update().get(pk=export.pk)
            locked.status = ExportStatus.EXPIRED
            locked.save(update_fields=["status"])
        expired += 1
    return expired

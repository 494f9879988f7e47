"""Anonymisation and erasure of families, legal holds, and the retention sweep.

The main database and the key store are two databases, so no transaction spans both. The
order of the steps is what keeps a crash harmless:
  1. read the vault values while the data key exists;
  2. one main-database transaction: scrub narratives (live and history rows), generalise
     quasi-identifiers, delete consent evidence, mark the family "anonymising";
  3. destroy the data key in the key store;
  4. one main-database transaction: delete the vault row and its history, mark the family
     anonymised (or erased) and write one proof entry with counts only.
Re-running after a crash at any point finishes the job and does nothing twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import ServiceError
from audit.models import AuditAction
from audit.services import audit_record
from casestudies.instrument import NARRATIVE_FIELDS
from casestudies.models import Family, FamilyStatus, IdentityVault, Interview, RemovalMode
from casestudies.screening import forget_compiled_vault_values, redact, screen_text
from casestudies.services import (
    IdentityUnavailable,
    identity_of_vault,
    identity_read_for_screening,
    reject_identity_values,
)
from consent.models import (
    CHILD_ASSENT_AGE,
    ConsentEvidence,
    ConsentRecord,
    ConsentStatus,
    ConsentWithdrawal,
)
from keystore.services import data_key_destroy, data_key_exists
from retention.models import SweepRun

logger = logging.getLogger(__name__)

AGE_BAND_FLOORS = (0, 7, 10, CHILD_ASSENT_AGE + 1, 16)


@dataclass
class AnonymisationResult:
    family_code: str
    mode: str
    done: bool
    rows_scrubbed: int = 0
    history_rows_scrubbed: int = 0
    patterns_replaced: int = 0
    skipped_reason: str = ""


# ---------------------------------------------------------------------------- scrubbing


def _scrub(text: str, values: list[str]) -> tuple[str, int]:
    if not text:
        return text, 0
    findings = screen_text(text, vault_values=values)
    return (redact(text, findings), len(findings)) if findings else (text, 0)


def _year_start(moment: datetime | date | None) -> Any:
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return moment.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    return moment.replace(month=1, day=1)


def _age_floor(age: int) -> int:
    return max(floor for floor in AGE_BAND_FLOORS if floor <= age)


def _dates_to_year(queryset: Any, fields: tuple[str, ...]) -> None:
    """Replace exact dates with the first day of their year (update(): no new history rows)."""
    for row in queryset.values("pk", *fields):
        changes = {name: _year_start(row[name]) for name in fields if row[name] is not None}
        if changes:
            queryset.model.objects.filter(pk=row["pk"]).update(**changes)


def _scrub_rows(queryset: Any, values: list[str], extra: dict[str, Any]) -> tuple[int, int]:
    """Scrub narratives and apply generalisations row by row with update() on purpose: a save()
    would add a new history row, and the history rows are scrubbed here as well."""
    rows = patterns = 0
    for row in queryset:
        changes: dict[str, Any] = dict(extra)
        for name in NARRATIVE_FIELDS:
            scrubbed, count = _scrub(getattr(row, name), values)
            if count:
                changes[name] = scrubbed
                patterns += count
        if changes:
            type(row).objects.filter(pk=row.pk).update(**changes)
            rows += 1
    return rows, patterns


def _scrub_family(family: Family, values: list[str]) -> dict[str, int]:
    """Step 2 (inside the caller's transaction): scrub and generalise live and history rows."""
    interviews = Interview.objects.filter(family=family)
    history = Interview.history.filter(family_id=family.pk)
    # The month becomes the year; the free-text "other" answer is dropped (registry: dropped);
    # the exact dates of writing and review would give the month back, so they become the year.
    # Confirmed-finding digests are keyed hashes of identity values: they go too.
    generalise: dict[str, Any] = {
        "interview_month": None,
        "violence_other": "",
        "confirmed_findings": [],
    }
    live_rows, live_patterns = _scrub_rows(interviews, values, generalise)
    history_rows, history_patterns = _scrub_rows(history, values, generalise)
    _dates_to_year(interviews, ("created_at", "updated_at", "submitted_at", "locked_at"))
    _dates_to_year(
        history, ("created_at", "updated_at", "submitted_at", "locked_at", "history_date")
    )

    consent_ids = list(ConsentRecord.objects.filter(family=family).values_list("pk", flat=True))
    for consent in ConsentRecord.objects.filter(pk__in=consent_ids):
        reason, count = _scrub(consent.child_assent_reason, values)
        ConsentRecord.objects.filter(pk=consent.pk).update(
            child_age=_age_floor(consent.child_age),
            consent_date=_year_start(consent.consent_date),
            child_assent_reason=reason,
        )
        live_patterns += count
    for row in ConsentRecord.history.filter(family_id=family.pk):
        reason, count = _scrub(row.child_assent_reason, values)
        ConsentRecord.history.filter(pk=row.pk).update(
            child_age=_age_floor(row.child_age),
            consent_date=_year_start(row.consent_date),
            child_assent_reason=reason,
        )
        history_patterns += count
        history_rows += 1
    ConsentEvidence.objects.filter(consent_id__in=consent_ids).delete()
    consent_dates = ("retention_until", "recorded_at", "ended_at")
    _dates_to_year(ConsentRecord.objects.filter(pk__in=consent_ids), consent_dates)
    _dates_to_year(
        ConsentRecord.history.filter(family_id=family.pk), (*consent_dates, "history_date")
    )
    withdrawal_dates = ("withdrawn_on", "recorded_at")
    _dates_to_year(ConsentWithdrawal.objects.filter(consent_id__in=consent_ids), withdrawal_dates)
    _dates_to_year(
        ConsentWithdrawal.history.filter(consent_id__in=consent_ids),
        (*withdrawal_dates, "history_date"),
    )
    Family.history.filter(id=family.pk).update(
        centre=None, created_at=_year_start(family.created_at)
    )
    return {
        "rows_scrubbed": live_rows,
        "history_rows_scrubbed": history_rows,
        "patterns_replaced": live_patterns + history_patterns,
    }


def _erase_family(family: Family) -> dict[str, int]:
    """Erase variant of step 2: delete everything but the audit entries and the tombstone.

    Live rows go first: deleting them makes simple-history write "deleted" history rows (with
    the values), which the history deletions that follow then remove too.
    """
    consent_ids = list(ConsentRecord.objects.filter(family=family).values_list("pk", flat=True))
    counts = {
        "interviews_deleted": Interview.objects.filter(family=family).delete()[0],
        "consents_deleted": ConsentRecord.objects.filter(family=family).delete()[0],
    }
    history = Interview.history.filter(family_id=family.pk).delete()[0]
    history += ConsentWithdrawal.history.filter(consent_id__in=consent_ids).delete()[0]
    history += ConsentRecord.history.filter(family_id=family.pk).delete()[0]
    history += Family.history.filter(id=family.pk).delete()[0]
    counts["history_rows_deleted"] = history
    return counts


# ---------------------------------------------------------------------------- the service


def family_anonymise(
    *, family_id: int, mode: str | None = None, actor: User | None = None
) -> AnonymisationResult:
    """Anonymise (or erase) one family; idempotent and safe to re-run after a crash."""
    family = Family.objects.filter(pk=family_id).first()
    if family is None:
        return AnonymisationResult("", mode or "", done=False, skipped_reason="missing")
    if family.status in {FamilyStatus.ANONYMISED, FamilyStatus.ERASED}:
        return AnonymisationResult(
            family.code, family.removal_mode, done=False, skipped_reason="done"
        )
    if family.on_legal_hold:
        return AnonymisationResult(family.code, mode or "", done=False, skipped_reason="legal hold")
    chosen = mode or family.removal_mode or RemovalMode.ANONYMISE

    # Step 1: the values to scrub, while the key still opens the vault. A key that exists but
    # cannot be opened (its master key is not configured) stops this family: scrubbing without
    # the values would leave them in the narratives.
    vault = IdentityVault.objects.filter(family_id=family_id).first()
    identity = None
    if vault is not None and data_key_exists(vault.key_ref):
        try:
            identity = identity_of_vault(vault)
        except (IdentityUnavailable, ImproperlyConfigured) as error:
            if not data_key_exists(vault.key_ref):
                identity = None  # another worker destroyed the key meanwhile: step 2 is done
            else:
                raise ServiceError(
                    _("The family's identity cannot be read, so it cannot be scrubbed safely.")
                ) from error
    values = identity.values_for_screening() if identity else []

    # Step 2: scrub and generalise, or erase, in one main-database transaction.
    with transaction.atomic():
        locked = Family.objects.select_for_update().get(pk=family_id)
        if locked.status in {FamilyStatus.ANONYMISED, FamilyStatus.ERASED} or locked.on_legal_hold:
            return AnonymisationResult(locked.code, chosen, done=False, skipped_reason="done")
        report = (
            _erase_family(locked) if chosen == RemovalMode.ERASE else _scrub_family(locked, values)
        )
        if locked.status == FamilyStatus.ANONYMISING and locked.anonymisation_report:
            # A re-run after a crash: the run that did the work already counted it.
            report = locked.anonymisation_report
        Family.objects.filter(pk=locked.pk).update(
            status=FamilyStatus.ANONYMISING,
            anonymising_since=timezone.now(),
            removal_mode=chosen,
            removal_requested_at=locked.removal_requested_at or timezone.now(),
            anonymisation_report=report,
        )

    # Step 3: destroy the data key; every copy of the identity is unreadable from here on.
    if vault is not None:
        data_key_destroy(vault.key_ref)

    # Step 4: remove the vault and its history, mark the family, write the proof entry.
    with transaction.atomic():
        locked = Family.objects.select_for_update().get(pk=family_id)
        if locked.status != FamilyStatus.ANONYMISING:
            return AnonymisationResult(locked.code, chosen, done=False, skipped_reason="done")
        # Live row first: its deletion writes a history row, removed with the rest right after.
        IdentityVault.objects.filter(family_id=family_id).delete()
        IdentityVault.history.filter(family_id=family_id).delete()
        final = FamilyStatus.ERASED if chosen == RemovalMode.ERASE else FamilyStatus.ANONYMISED
        updates: dict[str, Any] = {"status": final, "anonymised_at": timezone.now(), "centre": None}
        updates["created_at"] = _year_start(locked.created_at)
        if final == FamilyStatus.ERASED:
            updates["country"] = ""
        Family.objects.filter(pk=family_id).update(**updates)
        report = dict(locked.anonymisation_report)
        audit_record(
            actor=actor,
            action=AuditAction.FAMILY_ERASED
            if final == FamilyStatus.ERASED
            else AuditAction.FAMILY_ANONYMISED,
            target_type="casestudies.family",
            target_id=locked.code,
            details={**report, "mode": chosen, "data_key_destroyed": vault is not None},
        )
    forget_compiled_vault_values()
    return AnonymisationResult(
        locked.code,
        chosen,
        done=True,
        rows_scrubbed=report.get("rows_scrubbed", 0),
        history_rows_scrubbed=report.get("history_rows_scrubbed", 0),
        patterns_replaced=report.get("patterns_replaced", 0),
    )


# ---------------------------------------------------------------------------- legal holds


def family_legal_hold_set(*, actor: User, family: Family, reason: str) -> Family:
    if not reason.strip():
        raise ServiceError(_("Give the reason for the legal hold."))
    reject_identity_values(reason, identity_read_for_screening(family))
    with transaction.atomic():
        locked = Family.objects.select_for_update().get(pk=family.pk)
        if locked.status not in {FamilyStatus.ACTIVE, FamilyStatus.ANONYMISING}:
            raise ServiceError(_("This family was already anonymised or erased."))
        if locked.on_legal_hold:
            raise ServiceError(_("This family is already on legal hold."))
        locked.legal_hold_reason = reason.strip()
        locked.legal_hold_since = timezone.now()
        locked.save(update_fields=["legal_hold_reason", "legal_hold_since"])
        audit_record(
            actor=actor,
            action=AuditAction.LEGAL_HOLD_SET,
            target_type="casestudies.family",
            target_id=locked.code,
            reason=reason.strip(),
        )
    return locked


def family_legal_hold_release(*, actor: User, family: Family, reason: str) -> Family:
    if not reason.strip():
        raise ServiceError(_("Give the reason for releasing the legal hold."))
    reject_identity_values(reason, identity_read_for_screening(family))
    with transaction.atomic():
        locked = Family.objects.select_for_update().get(pk=family.pk)
        if not locked.on_legal_hold:
            raise ServiceError(_("This family is not on legal hold."))
        locked.legal_hold_reason = ""
        locked.legal_hold_since = None
        locked.save(update_fields=["legal_hold_reason", "legal_hold_since"])
        audit_record(
            actor=actor,
            action=AuditAction.LEGAL_HOLD_RELEASED,
            target_type="casestudies.family",
            target_id=locked.code,
            reason=reason.strip(),
        )
    return locked


# ---------------------------------------------------------------------------- the sweep


def families_due(today: date | None = None) -> Any:
    """Families to anonymise now: withdrawn, or their consent's retention period has ended."""
    today = today or timezone.localdate()
    expired = ConsentRecord.objects.filter(
        status=ConsentStatus.ACTIVE, retention_until__lt=today
    ).values("family_id")
    return Family.objects.filter(
        Q(status__in=[FamilyStatus.ACTIVE, FamilyStatus.ANONYMISING])
        & (
            Q(removal_requested_at__isnull=False)
            | Q(pk__in=expired)
            | Q(status=FamilyStatus.ANONYMISING)
        )
    ).order_by("pk")


def _expire_consents(family: Family, today: date) -> None:
    """Retention over: the consent expires and the family is queued for anonymisation."""
    with transaction.atomic():
        locked = Family.objects.select_for_update().get(pk=family.pk)
        for consent in ConsentRecord.objects.select_for_update().filter(
            family=locked, status=ConsentStatus.ACTIVE, retention_until__lt=today
        ):
            consent.status = ConsentStatus.EXPIRED
            consent.ended_at = timezone.now()
            consent.save(update_fields=["status", "ended_at"])
            audit_record(
                actor=None,
                action=AuditAction.CONSENT_EXPIRED,
                target=consent,
                details={"family": locked.code},
            )
        if locked.removal_requested_at is None:
            locked.removal_requested_at = timezone.now()
            locked.removal_mode = RemovalMode.ANONYMISE
            locked.save(update_fields=["removal_requested_at", "removal_mode"])


@dataclass
class SweepReport:
    due: list[str] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    dry_run: bool = False


def retention_sweep(*, dry_run: bool = False, batch_size: int = 100) -> SweepReport:
    """Anonymise every family that is due, each in its own transactions; one failure does not
    stop the rest. Families on legal hold are skipped and listed."""
    today = timezone.localdate()
    run = SweepRun.objects.create(dry_run=dry_run)
    report = SweepReport(dry_run=dry_run)
    last_pk = 0
    while True:
        batch = list(families_due(today).filter(pk__gt=last_pk)[:batch_size])
        if not batch:
            break
        last_pk = batch[-1].pk
        for family in batch:
            if family.on_legal_hold:
                report.held.append(family.code)
                continue
            report.due.append(family.code)
            if dry_run:
                continue
            try:
                _expire_consents(family, today)
                result = family_anonymise(family_id=family.pk)
            except (DatabaseError, ServiceError, OSError) as error:
                # Reported with the family code and the error type only, never values.
                logger.error("anonymising family %s failed: %s", family.code, type(error).__name__)
                report.failed.append(f"{family.code}: {type(error).__name__}")
                continue
            if result.done:
                report.done.append(family.code)
    SweepRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(),
        succeeded=not report.failed,
        due=len(report.due),
        done=len(report.done),
        held=report.held,
        failed=report.failed,
    )
    if not dry_run:
        audit_record(
            actor=None,
            action=AuditAction.RETENTION_SWEEP,
            details={
                "due": len(report.due),
                "done": len(report.done),
                "held": len(report.held),
                "failed": len(report.failed),
            },
        )
    return report


def last_successful_sweep() -> datetime | None:
    run = SweepRun.objects.filter(succeeded=True, dry_run=False).order_by("-finished_at").first()
    return run.finished_at if run else None

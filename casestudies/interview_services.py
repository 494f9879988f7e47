"""State changes and audited reads of interviews: the consent gate, optimistic locking,
narrative screening, and the four-eyes review workflow."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import Role, User
from accounts.services import ServiceError
from audit.models import AuditAction
from audit.services import audit_record
from casestudies.instrument import NARRATIVE_FIELDS
from casestudies.models import Family, Interview, InterviewStatus, new_interview_code
from casestudies.screening import Finding, redact, screen_text
from casestudies.services import identity_read_for_screening
from casestudies.vocabularies import INSTRUMENT_VERSION
from consent.models import Purpose
from consent.services import consent_allows, require_consent


class EditConflict(ServiceError):
    """Someone saved the interview after this edit began; nothing was overwritten."""

    def __init__(self, current: Interview) -> None:
        super().__init__(_("Someone else saved this interview while you were editing it."))
        self.current = current


KIND_LABELS = {
    "vault_value": _lazy("the family's own identity details"),
    "email": _lazy("e-mail address"),
    "phone": _lazy("phone number"),
    "fi_identity_code": _lazy("Finnish personal identity code"),
    "se_personal_number": _lazy("Swedish personal identity number"),
    "ie_ppsn": _lazy("Irish PPS number"),
    "iban": _lazy("bank account (IBAN)"),
    "url": _lazy("web address"),
    "social_handle": _lazy("social-media handle"),
}


@dataclass(frozen=True)
class FieldFinding:
    field: str
    finding: Finding
    digest: str
    confirmed: bool

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.finding.kind, self.finding.kind))


def finding_digest(interview: Interview, field: str, finding: Finding) -> str:
    """A keyed digest that recognises a confirmed finding without storing its text again."""
    message = f"{interview.code}|{field}|{finding.kind}|{finding.text.casefold()}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]


def vault_values(family: Family) -> list[str]:
    identity = identity_read_for_screening(family)
    return identity.values_for_screening() if identity else []


def interview_findings(
    interview: Interview, *, values: list[str] | None = None
) -> list[FieldFinding]:
    """Screen every narrative of the interview against patterns and the family's vault values."""
    values = vault_values(interview.family) if values is None else values
    confirmed = set(interview.confirmed_findings)
    results = []
    for field in NARRATIVE_FIELDS:
        for finding in screen_text(getattr(interview, field) or "", vault_values=values):
            digest = finding_digest(interview, field, finding)
            results.append(FieldFinding(field, finding, digest, digest in confirmed))
    return results


def _refresh_screening(interview: Interview) -> list[FieldFinding]:
    findings = interview_findings(interview)
    live = {item.digest for item in findings}
    # Confirmations of text that is gone are dropped, so they cannot mask a later hit.
    interview.confirmed_findings = [d for d in interview.confirmed_findings if d in live]
    interview.open_findings = sum(1 for item in findings if not item.confirmed)
    return findings


def _locked(interview: Interview) -> Interview:
    """The interview re-read under a row lock, inside the caller's transaction."""
    return Interview.objects.select_for_update().select_related("family").get(pk=interview.pk)


def _apply_values(interview: Interview, values: dict[str, Any]) -> list[str]:
    changed = []
    for name, value in values.items():
        if not hasattr(interview, name):
            continue
        if getattr(interview, name) != value:
            setattr(interview, name, value)
            changed.append(name)
    return changed


def _check_quotation(interview: Interview) -> None:
    if interview.quotable_passages.strip() and not consent_allows(
        interview.family, Purpose.QUOTATION
    ):
        raise ServiceError(
            _(
                "The family's consent does not cover anonymous quotation. "
                "Leave the quotable passages empty."
            )
        )


def _require_case_role(actor: User, family: Family) -> None:
    allowed = actor.memberships.filter(
        centre=family.centre, role__in=[Role.STAFF, Role.LEAD]
    ).exists()
    if not allowed:
        raise ServiceError(_("Only staff of the family's centre can do this."))


def interview_create(*, actor: User, family: Family, values: dict[str, Any]) -> Interview:
    """A new draft, only under an active consent that covers taking part."""
    _require_case_role(actor, family)
    consent = require_consent(family, Purpose.PARTICIPATION)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                interview = Interview(
                    code=new_interview_code(),
                    family=family,
                    instrument_version=INSTRUMENT_VERSION,
                    created_by=actor,
                    updated_by=actor,
                    consent_form_version=consent.form.version,
                    contributors=[actor.pk],
                )
                _apply_values(interview, values)
                _check_quotation(interview)
                _refresh_screening(interview)
                interview.save()
                audit_record(
                    actor=actor,
                    action=AuditAction.INTERVIEW_CREATED,
                    target=interview,
                    target_id=interview.code,
                    details={"family": family.code, "open_findings": interview.open_findings},
                )
            return interview
        except IntegrityError:
            continue
    raise ServiceError(_("Could not create a unique interview code. Try again."))


def interview_update(
    *, actor: User, interview: Interview, values: dict[str, Any], expected_revision: int
) -> Interview:
    """Save an edit of a draft; refuses when the interview changed since the edit began."""
    _require_case_role(actor, interview.family)
    require_consent(interview.family, Purpose.PARTICIPATION)
    with transaction.atomic():
        locked = _locked(interview)
        if locked.revision != expected_revision:
            raise EditConflict(locked)
        if locked.status != InterviewStatus.DRAFT:
            raise ServiceError(
                _("Only a draft can be edited. A lead can unlock a locked interview with a reason.")
            )
        changed = _apply_values(locked, values)
        _check_quotation(locked)
        _refresh_screening(locked)
        locked.revision += 1
        locked.updated_by = actor
        locked.updated_at = timezone.now()
        if actor.pk not in locked.contributors:
            locked.contributors = [*locked.contributors, actor.pk]
        locked.save()
        audit_record(
            actor=actor,
            action=AuditAction.INTERVIEW_UPDATED,
            target=locked,
            target_id=locked.code,
            details={"changed": sorted(changed), "revision": locked.revision},
        )
    return locked


def interview_confirm_findings(*, actor: User, interview: Interview, digests: list[str]) -> int:
    """The author confirms that flagged text is not personal data; returns how many."""
    _require_case_role(actor, interview.family)
    with transaction.atomic():
        locked = _locked(interview)
        if locked.status != InterviewStatus.DRAFT:
            raise ServiceError(_("Only a draft can be changed."))
        open_digests = {item.digest for item in interview_findings(locked) if not item.confirmed}
        chosen = [digest for digest in digests if digest in open_digests]
        if not chosen:
            raise ServiceError(_("Choose at least one flagged passage to confirm."))
        locked.confirmed_findings = sorted({*locked.confirmed_findings, *chosen})
        _refresh_screening(locked)
        locked.revision += 1
        locked.save()
        audit_record(
            actor=actor,
            action=AuditAction.INTERVIEW_FINDINGS_CONFIRMED,
            target=locked,
            target_id=locked.code,
            details={"confirmed": len(chosen), "open_findings": locked.open_findings},
        )
    return len(chosen)


def interview_redact_finding(*, actor: User, interview: Interview, digest: str) -> Interview:
    """Replace one flagged passage with a neutral marker such as [name]."""
    _require_case_role(actor, interview.family)
    with transaction.atomic():
        locked = _locked(interview)
        if locked.status != InterviewStatus.DRAFT:
            raise ServiceError(_("Only a draft can be changed."))
        match = next((item for item in interview_findings(locked) if item.digest == digest), None)
        if match is None:
            raise ServiceError(_("That passage is no longer in the text."))
        text = getattr(locked, match.field)
        setattr(locked, match.field, redact(text, [match.finding]))
        _refresh_screening(locked)
        locked.revision += 1
        locked.updated_by = actor
        locked.updated_at = timezone.now()
        locked.save()
        audit_record(
            actor=actor,
            action=AuditAction.INTERVIEW_FINDING_REDACTED,
            target=locked,
            target_id=locked.code,
            details={"field": match.field, "kind": match.finding.kind},
        )
    return locked


def interview_submit(*, actor: User, interview: Interview) -> Interview:
    _require_case_role(actor, interview.family)
    require_consent(interview.family, Purpose.PARTICIPATION)
    with transaction.atomic():
        locked = _locked(interview)
        if locked.status != InterviewStatus.DRAFT:
            raise ServiceError(_("Only a draft can be submitted."))
        _check_quotation(locked)
        _refresh_screening(locked)
        if locked.open_findings:
            raise ServiceError(
                _(
                    "Some passages may contain personal data. Redact them or confirm they are "
                    "not personal data before submitting."
                )
            )
        locked.status = InterviewStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.revision += 1
        locked.save()
        audit_record(
            actor=actor,
            action=AuditAction.INTERVIEW_SUBMITTED,
            target=locked,
            target_id=locked.code,
        )
    return locked


def _require_lead_of(actor: User, family: Family) -> None:
    if not actor.memberships.filter(centre=family.centre, role=Role.LEAD).exists():
        raise ServiceError(_("Only a lead of the family's centre can do this."))


def interview_lock(*, actor: User, interview: Interview) -> Interview:
    """Review and lock: a lead of the same centre who wrote none of it (four eyes)."""
    _require_lead_of(actor, interview.family)
    with transaction.atomic():
        locked = _locked(interview)
        if locked.status != InterviewStatus.SUBMITTED:
            raise ServiceError(_("Only a submitted interview can be reviewed and locked."))
        if actor.pk in locked.contributors or actor.pk == locked.created_by_id:
            raise ServiceError(
                _("You wrote part of this interview. Another lead must review and lock it.")
            )
        _refresh_screening(locked)
        if locked.open_findings:
            raise ServiceError(_("Some passages are still flagged; return it to the author."))
        locked.status = InterviewStatus.LOCKED
        locked.locked_by = actor
        locked.locked_at = timezone.now()
        locked.revision += 1
        locked.save()
        audit_record(
            actor=actor,
            action=AuditAction.INTERVIEW_LOCKED,
            target=locked,
            target_id=locked.code,
        )
    return locked


def interview_unlock(*, actor: User, interview: Interview, reason: str) -> Interview:
    """A lead returns a submitted or locked interview to draft, with a reason."""
    _require_lead_of(actor, interview.family)
    if not reason.strip():
        raise ServiceError(_("Give the reason for unlocking."))
    with transaction.atomic():
        locked = _locked(interview)
        if locked.status == InterviewStatus.DRAFT:
            raise ServiceError(_("This interview is already a draft."))
        previous = locked.status
        locked.status = InterviewStatus.DRAFT
        locked.locked_by = None
        locked.locked_at = None
        locked.revision += 1
        locked.save()
        audit_record(
            actor=actor,
            action=AuditAction.INTERVIEW_UNLOCKED,
            target=locked,
            target_id=locked.code,
            reason=reason.strip(),
            details={"from": previous},
        )
    return locked


def interview_viewed(*, actor: User, interview: Interview) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.INTERVIEW_VIEWED,
            target=interview,
            target_id=interview.code,
        )


def interviews_listed(*, actor: User, filters: dict[str, str], count: int) -> None:
    """Lists log the query, not each row."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.INTERVIEW_LISTED,
            details={"filters": filters, "count": count},
        )

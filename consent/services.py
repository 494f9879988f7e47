"""Consent forms, consent records and withdrawals, and the consent gate other apps call."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import ServiceError
from audit.models import AuditAction
from audit.services import audit_record
from casestudies.models import Family, FamilyStatus
from casestudies.services import family_data_key
from consent.models import (
    CHILD_ASSENT_AGE,
    ChildAssent,
    ConsentEvidence,
    ConsentForm,
    ConsentMethod,
    ConsentRecord,
    ConsentStatus,
    ConsentWithdrawal,
    FormStatus,
    GuardianConsent,
    Purpose,
)
from core.crypto import seal, unseal

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


class ConsentRequired(ServiceError):
    """The family's consent does not cover what was asked."""


# ---------------------------------------------------------------------------- the consent gate


def active_consent(family: Family) -> ConsentRecord | None:
    return ConsentRecord.objects.filter(family=family, status=ConsentStatus.ACTIVE).first()


def consent_allows(family: Family, purpose: Purpose | str) -> bool:
    """Whether the family's data may be used for the purpose, right now."""
    if family.status != FamilyStatus.ACTIVE or family.removal_requested_at is not None:
        return False
    consent = active_consent(family)
    return consent is not None and consent.allows(str(purpose))


def require_consent(family: Family, purpose: Purpose | str) -> ConsentRecord:
    """Raise ConsentRequired unless the family's active consent covers the purpose."""
    if not consent_allows(family, purpose):
        raise ConsentRequired(
            _("The family's consent does not cover this. Record a new consent first.")
        )
    consent = active_consent(family)
    assert consent is not None
    return consent


# ---------------------------------------------------------------------------- forms


def text_hash(form: ConsentForm) -> str:
    """SHA-256 over what the family reads and agrees to: title, text, purposes, retention."""
    canonical = "\n".join(
        [
            form.title,
            form.body,
            ",".join(form.purposes),
            str(form.retention_months),
            form.legal_basis,
            form.withdrawal_effect,
            str(form.anonymised_data_stays_in_statistics),
        ]
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class FormContent:
    title: str
    body: str
    purposes: list[str]
    retention_months: int
    legal_basis: str
    withdrawal_effect: str
    anonymised_data_stays_in_statistics: bool


def _validate_content(content: FormContent) -> None:
    if Purpose.PARTICIPATION not in content.purposes:
        raise ServiceError(_("Every consent form must ask about taking part in the study."))
    unknown = set(content.purposes) - set(Purpose.values)
    if unknown:
        raise ServiceError(_("Unknown purpose in the form."))


def _apply(form: ConsentForm, content: FormContent) -> None:
    form.title = content.title.strip()
    form.body = content.body.strip()
    form.purposes = [code for code in Purpose.values if code in content.purposes]
    form.retention_months = content.retention_months
    form.legal_basis = content.legal_basis
    form.withdrawal_effect = content.withdrawal_effect
    form.anonymised_data_stays_in_statistics = content.anonymised_data_stays_in_statistics


def consent_form_create(
    *, actor: User, form_key: str, language: str, content: FormContent
) -> ConsentForm:
    _validate_content(content)
    with transaction.atomic():
        latest = (
            ConsentForm.objects.select_for_update()
            .filter(form_key=form_key, language=language)
            .order_by("-version")
            .first()
        )
        form = ConsentForm(
            form_key=form_key,
            language=language,
            version=(latest.version + 1) if latest else 1,
            created_by=actor,
        )
        _apply(form, content)
        form.full_clean()
        form.save()
        audit_record(
            actor=actor,
            action=AuditAction.CONSENT_FORM_CREATED,
            target=form,
            details={"form_key": form_key, "language": language, "version": form.version},
        )
    return form


def consent_form_update(*, actor: User, form: ConsentForm, content: FormContent) -> ConsentForm:
    """Edit a draft. A published version is immutable: edit a new version instead."""
    _validate_content(content)
    with transaction.atomic():
        locked = ConsentForm.objects.select_for_update().get(pk=form.pk)
        if locked.status != FormStatus.DRAFT:
            raise ServiceError(
                _("A published form cannot change. Make a new version and edit that.")
            )
        _apply(locked, content)
        locked.full_clean()
        locked.save()
        audit_record(actor=actor, action=AuditAction.CONSENT_FORM_UPDATED, target=locked)
    return locked


def consent_form_new_version(*, actor: User, form: ConsentForm) -> ConsentForm:
    """A new draft version copied from an existing version."""
    content = FormContent(
        title=form.title,
        body=form.body,
        purposes=list(form.purposes),
        retention_months=form.retention_months,
        legal_basis=form.legal_basis,
        withdrawal_effect=form.withdrawal_effect,
        anonymised_data_stays_in_statistics=form.anonymised_data_stays_in_statistics,
    )
    return consent_form_create(
        actor=actor, form_key=form.form_key, language=form.language, content=content
    )


def consent_form_publish(*, actor: User, form: ConsentForm) -> ConsentForm:
    with transaction.atomic():
        locked = ConsentForm.objects.select_for_update().get(pk=form.pk)
        if locked.status != FormStatus.DRAFT:
            raise ServiceError(_("Only a draft can be published."))
        locked.status = FormStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.text_sha256 = text_hash(locked)
        locked.save(update_fields=["status", "published_at", "text_sha256"])
        audit_record(
            actor=actor,
            action=AuditAction.CONSENT_FORM_PUBLISHED,
            target=locked,
            details={"sha256": locked.text_sha256, "version": locked.version},
        )
    return locked


def consent_form_retire(*, actor: User, form: ConsentForm) -> ConsentForm:
    """Retired forms stay valid for the consents given on them but cannot be used again."""
    with transaction.atomic():
        locked = ConsentForm.objects.select_for_update().get(pk=form.pk)
        if locked.status != FormStatus.PUBLISHED:
            raise ServiceError(_("Only a published form can be retired."))
        locked.status = FormStatus.RETIRED
        locked.retired_at = timezone.now()
        locked.save(update_fields=["status", "retired_at"])
        audit_record(actor=actor, action=AuditAction.CONSENT_FORM_RETIRED, target=locked)
    return locked


# ---------------------------------------------------------------------------- consent records


@dataclass
class ConsentInput:
    form: ConsentForm
    purposes: dict[str, bool]
    consenter_relationship: str
    guardian_consent: str
    other_guardian_is_suspect: bool
    child_age: int
    child_assent: str
    child_assent_reason: str
    method: str
    witness: User | None
    consent_date: date
    evidence: bytes | None = None


def is_pdf(content: bytes) -> bool:
    """Sniff the content, not the name: a PDF starts with %PDF- and ends with %%EOF."""
    return content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(
        b"%PDF-"
    ) and content.rstrip().endswith(b"%%EOF")


def validate_evidence(content: bytes) -> None:
    if len(content) > MAX_EVIDENCE_BYTES:
        raise ServiceError(_("The file is larger than 10 MB. Scan it at a lower resolution."))
    if not is_pdf(content):
        raise ServiceError(_("Only PDF files can be attached. Save or scan the form as a PDF."))


def _validate_consent(data: ConsentInput, family: Family) -> None:
    form = data.form
    if form.status != FormStatus.PUBLISHED:
        raise ServiceError(_("Use a published consent form."))
    if set(data.purposes) != set(form.purposes):
        raise ServiceError(_("Answer yes or no for every purpose on the form."))
    if data.child_age >= CHILD_ASSENT_AGE and data.child_assent == ChildAssent.NOT_ASKED:
        raise ServiceError(
            _("A child aged 12 or older must be asked for their own assent. Record their answer.")
        )
    if data.child_assent == ChildAssent.NOT_ASKED and not data.child_assent_reason.strip():
        raise ServiceError(_("Say why the child was not asked."))
    if data.child_assent == ChildAssent.DECLINED and data.purposes.get(Purpose.PARTICIPATION):
        raise ServiceError(
            _(
                "The child declined. Their information cannot be included: "
                "answer No to taking part in the study."
            )
        )
    if data.other_guardian_is_suspect and data.guardian_consent == GuardianConsent.BOTH:
        raise ServiceError(
            _(
                "When the other guardian is a suspect, do not ask them: "
                "choose who consented instead."
            )
        )
    if data.method == ConsentMethod.ORAL and data.witness is None:
        raise ServiceError(_("Oral consent needs the witnessing professional."))
    if data.consent_date > timezone.localdate():
        raise ServiceError(_("The date of consent cannot be in the future."))
    if family.status != FamilyStatus.ACTIVE or family.removal_requested_at is not None:
        raise ServiceError(
            _("This family has withdrawn, or their data was anonymised or erased: no new consent.")
        )
    if data.evidence is not None:
        validate_evidence(data.evidence)


def consent_record(*, actor: User, family: Family, data: ConsentInput) -> ConsentRecord:
    """Record a consent; a previous active consent of the family becomes superseded."""
    _validate_consent(data, family)
    key = family_data_key(family) if data.evidence is not None else None
    with transaction.atomic():
        locked = Family.objects.select_for_update().get(pk=family.pk)
        # Re-read the form under lock: it may have been retired since the page was loaded.
        data.form = ConsentForm.objects.select_for_update().get(pk=data.form.pk)
        _validate_consent(data, locked)
        previous = ConsentRecord.objects.select_for_update().filter(
            family=locked, status=ConsentStatus.ACTIVE
        )
        previous_ids = [record.pk for record in previous]
        for record in previous:
            record.status = ConsentStatus.SUPERSEDED
            record.ended_at = timezone.now()
            record.save(update_fields=["status", "ended_at"])
        consent = ConsentRecord.objects.create(
            family=locked,
            form=data.form,
            purposes={code: bool(data.purposes[code]) for code in data.form.purposes},
            consenter_relationship=data.consenter_relationship,
            guardian_consent=data.guardian_consent,
            other_guardian_is_suspect=data.other_guardian_is_suspect,
            child_age=data.child_age,
            child_assent=data.child_assent,
            child_assent_reason=data.child_assent_reason.strip(),
            method=data.method,
            witness=data.witness,
            consent_date=data.consent_date,
            retention_until=data.consent_date + relativedelta(months=data.form.retention_months),
            recorded_by=actor,
        )
        if previous_ids:
            ConsentRecord.objects.filter(pk__in=previous_ids).update(superseded_by=consent)
        if data.evidence is not None and key is not None:
            evidence = ConsentEvidence(
                consent=consent,
                size=len(data.evidence),
                sha256=hashlib.sha256(data.evidence).hexdigest(),
            )
            evidence.ciphertext = seal(key, data.evidence, evidence.associated_data())
            evidence.save()
        audit_record(
            actor=actor,
            action=AuditAction.CONSENT_RECORDED,
            target=consent,
            details={
                "family": locked.code,
                "form_id": data.form.pk,
                "granted": sorted(code for code, given in consent.purposes.items() if given),
                "refused": sorted(code for code, given in consent.purposes.items() if not given),
                "child_assent": data.child_assent,
                "method": data.method,
                "evidence": data.evidence is not None,
                "superseded": previous_ids,
            },
        )
    return consent


def consent_evidence_open(*, actor: User, consent: ConsentRecord) -> bytes:
    evidence = ConsentEvidence.objects.filter(consent=consent).first()
    if evidence is None:
        raise ServiceError(_("This consent has no attached file."))
    key = family_data_key(consent.family)
    content = unseal(key, bytes(evidence.ciphertext), evidence.associated_data())
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.CONSENT_EVIDENCE_VIEWED,
            target=consent,
            details={"family": consent.family.code},
        )
    return content


def _queue_anonymisation(family_id: int) -> None:
    from retention.tasks import anonymise_family_task

    anonymise_family_task.delay(family_id)


def consent_withdraw(
    *, actor: User, consent: ConsentRecord, purposes: list[str], full: bool, withdrawn_on: date
) -> ConsentWithdrawal:
    """Withdraw fully or for some purposes, at once; no reason is asked.

    Withdrawing "taking part" is a full withdrawal. A full withdrawal excludes the family
    everywhere consent is checked and queues the anonymisation or erasure its form promised.
    """
    with transaction.atomic():
        locked = (
            ConsentRecord.objects.select_for_update()
            .select_related("form", "family")
            .get(pk=consent.pk)
        )
        if locked.status != ConsentStatus.ACTIVE:
            raise ServiceError(_("Only an active consent can be withdrawn."))
        if withdrawn_on > timezone.localdate() or withdrawn_on < locked.consent_date:
            raise ServiceError(
                _("The date of withdrawal must be between the date of consent and today.")
            )
        granted = [code for code, given in locked.purposes.items() if given]
        remaining = [code for code in granted if code not in locked.withdrawn_purposes]
        chosen = [code for code in purposes if code in remaining]
        if not full and not chosen:
            raise ServiceError(_("Choose at least one purpose to withdraw, or withdraw fully."))
        if Purpose.PARTICIPATION in chosen or set(chosen) == set(remaining):
            full = True
        withdrawn = remaining if full else chosen
        locked.withdrawn_purposes = sorted(set(locked.withdrawn_purposes) | set(withdrawn))
        effect = ""
        if full:
            locked.status = ConsentStatus.WITHDRAWN
            locked.ended_at = timezone.now()
            effect = locked.form.withdrawal_effect
            family = Family.objects.select_for_update().get(pk=locked.family_id)
            family.removal_requested_at = timezone.now()
            family.removal_mode = effect
            family.save(update_fields=["removal_requested_at", "removal_mode"])
        locked.save(update_fields=["withdrawn_purposes", "status", "ended_at"])
        withdrawal = ConsentWithdrawal.objects.create(
            consent=locked,
            purposes=sorted(withdrawn),
            is_full=full,
            effect=effect,
            withdrawn_on=withdrawn_on,
            recorded_by=actor,
        )
        if full:
            family_id = locked.family_id
            # Runs after the commit, in the worker (in process in the demo); ids only.
            transaction.on_commit(lambda: _queue_anonymisation(family_id))
        audit_record(
            actor=actor,
            action=AuditAction.CONSENT_WITHDRAWN,
            target=locked,
            details={
                "family": locked.family.code,
                "purposes": sorted(withdrawn),
                "full": full,
                "effect": effect,
                "withdrawal_id": withdrawal.pk,
            },
        )
    return withdrawal

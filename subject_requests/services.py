"""State changes of data-subject requests, the access bundle and the erasure path."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import ServiceError
from audit.models import AuditAction
from audit.services import audit_record
from casestudies.models import Family, FamilyStatus, RemovalMode
from casestudies.services import identity_read_for_screening, reject_identity_values
from retention.services import family_anonymise
from subject_requests.bundle import build_bundle
from subject_requests.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    RefusalGround,
    RequestStatus,
    RequestType,
    SubjectRequest,
    due_date_for,
    latest_extension_for,
)


def _no_identity_values(family: Family, *texts: str) -> None:
    """Notes and reasons must not repeat the family's names, contacts or case numbers."""
    if not any(text.strip() for text in texts):
        return
    identity = identity_read_for_screening(family)
    for text in texts:
        reject_identity_values(text, identity)


def _locked(request: SubjectRequest) -> SubjectRequest:
    return SubjectRequest.objects.select_for_update().select_related("family").get(pk=request.pk)


def _require_open(request: SubjectRequest) -> None:
    if request.status not in OPEN_STATUSES:
        raise ServiceError(_("This request is closed. Register a new request if needed."))


def request_register(
    *,
    actor: User,
    family: Family,
    request_type: str,
    received_on: date,
    handling_notes: str = "",
) -> SubjectRequest:
    """Register a request; it is due one month after it was received (Art. 12(3))."""
    if request_type not in RequestType.values:
        raise ServiceError(_("Choose the type of request."))
    if received_on > timezone.localdate():
        raise ServiceError(_("The date received cannot be in the future."))
    _no_identity_values(family, handling_notes)
    with transaction.atomic():
        request = SubjectRequest.objects.create(
            family=family,
            request_type=request_type,
            received_on=received_on,
            due_on=due_date_for(received_on),
            handling_notes=handling_notes.strip(),
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.REQUEST_REGISTERED,
            target=request,
            details={
                "family": family.code,
                "type": request_type,
                "received_on": received_on.isoformat(),
                "due_on": request.due_on.isoformat(),
            },
        )
    return request


def request_update(
    *, actor: User, request: SubjectRequest, status: str, handling_notes: str
) -> SubjectRequest:
    """Change the handling notes and move between open and in progress (closing is separate)."""
    if status not in OPEN_STATUSES:
        raise ServiceError(_("Use Complete or Refuse to close a request."))
    _no_identity_values(request.family, handling_notes)
    with transaction.atomic():
        locked = _locked(request)
        _require_open(locked)
        changed = []
        if locked.status != status:
            changed.append("status")
        if locked.handling_notes != handling_notes.strip():
            changed.append("handling_notes")
        locked.status = status
        locked.handling_notes = handling_notes.strip()
        locked.updated_at = timezone.now()
        locked.save(update_fields=["status", "handling_notes", "updated_at"])
        # The notes themselves stay in the register; the trail records that they changed.
        audit_record(
            actor=actor,
            action=AuditAction.REQUEST_UPDATED,
            target=locked,
            details={"family": locked.family.code, "changed": changed, "status": status},
        )
    return locked


def request_extend(
    *, actor: User, request: SubjectRequest, extended_to: date, reason: str
) -> SubjectRequest:
    """Extend the deadline once, by at most two months, with a reason (Art. 12(3))."""
    if not reason.strip():
        raise ServiceError(_("Give the reason for the extension; the family must be told it."))
    _no_identity_values(request.family, reason)
    with transaction.atomic():
        locked = _locked(request)
        _require_open(locked)
        if locked.extended_to is not None:
            raise ServiceError(_("The deadline was already extended; it can be extended once."))
        latest = latest_extension_for(locked.due_on)
        if not locked.due_on < extended_to <= latest:
            raise ServiceError(
                _("Choose a date after %(due)s and no later than %(latest)s (two more months).")
                % {"due": locked.due_on.isoformat(), "latest": latest.isoformat()}
            )
        locked.extended_to = extended_to
        locked.extension_reason = reason.strip()
        locked.updated_at = timezone.now()
        locked.save(update_fields=["extended_to", "extension_reason", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.REQUEST_EXTENDED,
            target=locked,
            reason=reason.strip(),
            details={
                "family": locked.family.code,
                "due_on": locked.due_on.isoformat(),
                "extended_to": extended_to.isoformat(),
            },
        )
    return locked


def request_close(
    *,
    actor: User,
    request: SubjectRequest,
    outcome: str,
    note: str = "",
    refusal_ground: str = "",
) -> SubjectRequest:
    """Complete or refuse a request. Refusing needs a ground and a note; refusing an erasure on
    the research exemption (Art. 17(3)(d)) is recorded as its own action."""
    if outcome not in CLOSED_STATUSES:
        raise ServiceError(_("Choose whether the request was completed or refused."))
    refusing = outcome == RequestStatus.REFUSED
    if refusing:
        if refusal_ground not in RefusalGround.values:
            raise ServiceError(_("Choose the ground for the refusal."))
        if not note.strip():
            raise ServiceError(_("Explain the refusal in the note; the family must be told it."))
    else:
        refusal_ground = ""
    _no_identity_values(request.family, note)
    with transaction.atomic():
        locked = _locked(request)
        _require_open(locked)
        is_erasure = locked.request_type == RequestType.ERASURE
        if refusal_ground == RefusalGround.RESEARCH_EXEMPTION and not is_erasure:
            raise ServiceError(_("The research exemption of Art. 17(3)(d) applies to erasure."))
        if (
            not refusing
            and is_erasure
            and locked.family.status not in {FamilyStatus.ERASED, FamilyStatus.ANONYMISED}
        ):
            raise ServiceError(
                _("The family's data is still held. Use Erase to complete an erasure request.")
            )
        locked.status = outcome
        locked.refusal_ground = refusal_ground
        locked.closing_note = note.strip()
        locked.closed_at = timezone.now()
        locked.updated_at = locked.closed_at
        locked.save(
            update_fields=["status", "refusal_ground", "closing_note", "closed_at", "updated_at"]
        )
        exemption = refusal_ground == RefusalGround.RESEARCH_EXEMPTION
        audit_record(
            actor=actor,
            action=AuditAction.REQUEST_ERASURE_REFUSED if exemption else AuditAction.REQUEST_CLOSED,
            target=locked,
            reason=note.strip(),
            details={
                "family": locked.family.code,
                "type": locked.request_type,
                "outcome": outcome,
                "ground": refusal_ground,
            },
        )
    return locked


def request_erase(*, actor: User, request: SubjectRequest) -> SubjectRequest:
    """After the DPO confirmed: erase the family's data, then complete the request.

    The erase path spans the main database and the key store and writes its own proof entry,
    so it runs first, in its own transactions (retention.services explains why); closing the
    request is then one transaction with one entry. A crash in between leaves the family erased
    and the request open, and running this again completes it.
    """
    _require_open(request)
    if request.request_type != RequestType.ERASURE:
        raise ServiceError(_("Only an erasure request erases the family's data."))
    family = request.family
    if family.on_legal_hold:
        raise ServiceError(
            _("The family is on legal hold. Release the hold first, or refuse the request.")
        )
    result = family_anonymise(family_id=family.pk, mode=RemovalMode.ERASE, actor=actor)
    family.refresh_from_db()
    if family.status not in {FamilyStatus.ERASED, FamilyStatus.ANONYMISED}:
        raise ServiceError(
            _("The family's data could not be erased (%(why)s). Try again.")
            % {"why": result.skipped_reason or _("unknown reason")}
        )
    with transaction.atomic():
        locked = _locked(request)
        _require_open(locked)
        locked.status = RequestStatus.COMPLETED
        locked.closed_at = timezone.now()
        locked.updated_at = locked.closed_at
        locked.save(update_fields=["status", "closed_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.REQUEST_CLOSED,
            target=locked,
            details={
                "family": family.code,
                "type": locked.request_type,
                "outcome": RequestStatus.COMPLETED,
                "family_status": family.status,
                "erased_now": result.done,
            },
        )
    return locked


def request_bundle_build(*, actor: User, request: SubjectRequest, reason: str) -> bytes:
    """Build the access bundle on demand (it is never stored) and record that it was made.

    The audit entry holds the reason and counts per table, never values.
    """
    if not reason.strip():
        raise ServiceError(_("Give the reason for preparing the bundle."))
    if request.request_type != RequestType.ACCESS:
        raise ServiceError(_("The bundle answers an access request."))
    _require_open(request)
    _no_identity_values(request.family, reason)
    with transaction.atomic():
        locked = _locked(request)
        _require_open(locked)
        bundle = build_bundle(
            family=locked.family, request_id=locked.pk, request_type=locked.request_type
        )
        audit_record(
            actor=actor,
            action=AuditAction.REQUEST_BUNDLE_GENERATED,
            target=locked,
            reason=reason.strip(),
            details={"family": locked.family.code, **bundle.counts},
        )
    return bundle.content

"""The append-only, hash-chained audit trail."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    LOGIN_SUCCEEDED = "auth.login.succeeded", _("Login succeeded")
    LOGIN_FAILED = "auth.login.failed", _("Login failed")
    LOGOUT = "auth.logout", _("Logged out")
    LOCKOUT = "auth.lockout", _("Account locked out")
    OTP_VERIFIED = "auth.otp.verified", _("Second factor verified")
    OTP_FAILED = "auth.otp.failed", _("Second factor failed")
    REAUTHENTICATED = "auth.reauthenticated", _("Re-authenticated")
    DEVICE_ENROLLED = "auth.device.enrolled", _("Second-factor device enrolled")
    DEVICE_REMOVED = "auth.device.removed", _("Second-factor device removed")
    BACKUP_CODES_REGENERATED = "auth.backup_codes.regenerated", _("Backup codes regenerated")
    PASSWORD_CHANGED = "auth.password.changed", _("Password changed")
    PASSWORD_RESET = "auth.password.reset", _("Password reset")
    SESSION_EXPIRED = "auth.session.expired", _("Session expired")
    ACCOUNT_INVITED = "account.invited", _("User invited")
    INVITATION_REVOKED = "account.invitation_revoked", _("Invitation revoked")
    INVITATION_ACCEPTED = "account.invitation_accepted", _("Invitation accepted")
    ROLE_GRANTED = "account.role.granted", _("Role granted")
    ROLE_REVOKED = "account.role.revoked", _("Role revoked")
    ACCOUNT_DEACTIVATED = "account.deactivated", _("User deactivated")
    ACCOUNT_REACTIVATED = "account.reactivated", _("User reactivated")
    CENTRE_CREATED = "centre.created", _("Centre created")
    CENTRE_UPDATED = "centre.updated", _("Centre updated")
    VAULT_KEYS_REWRAPPED = "vault.keys_rewrapped", _("Vault data keys re-wrapped")
    FAMILY_CREATED = "family.created", _("Family created")
    IDENTITY_VIEWED = "identity.viewed", _("Identity opened")
    IDENTITY_UPDATED = "identity.updated", _("Identity edited")
    CONSENT_RECORDED = "consent.recorded", _("Consent recorded")
    CONSENT_WITHDRAWN = "consent.withdrawn", _("Consent withdrawn")
    CONSENT_EVIDENCE_VIEWED = "consent.evidence_viewed", _("Consent evidence opened")
    CONSENT_FORM_CREATED = "consent_form.created", _("Consent form drafted")
    CONSENT_FORM_UPDATED = "consent_form.updated", _("Consent form draft edited")
    CONSENT_FORM_PUBLISHED = "consent_form.published", _("Consent form published")
    CONSENT_FORM_RETIRED = "consent_form.retired", _("Consent form retired")
    INTERVIEW_CREATED = "interview.created", _("Interview created")
    INTERVIEW_UPDATED = "interview.updated", _("Interview edited")
    INTERVIEW_FINDINGS_CONFIRMED = (
        "interview.findings_confirmed",
        _("Screening findings confirmed as not personal data"),
    )
    INTERVIEW_FINDING_REDACTED = "interview.finding_redacted", _("Screening finding redacted")
    INTERVIEW_SUBMITTED = "interview.submitted", _("Interview submitted for review")
    INTERVIEW_LOCKED = "interview.locked", _("Interview reviewed and locked")
    INTERVIEW_UNLOCKED = "interview.unlocked", _("Interview unlocked")
    INTERVIEW_VIEWED = "interview.viewed", _("Interview opened")
    INTERVIEW_LISTED = "interview.listed", _("Interviews listed")
    INTERVIEW_HISTORY_VIEWED = "interview.history_viewed", _("Interview history opened")
    FAMILY_ANONYMISED = "family.anonymised", _("Family anonymised")
    FAMILY_ERASED = "family.erased", _("Family erased")
    CONSENT_EXPIRED = "consent.expired", _("Consent expired (retention period over)")
    LEGAL_HOLD_SET = "family.legal_hold_set", _("Legal hold set")
    LEGAL_HOLD_RELEASED = "family.legal_hold_released", _("Legal hold released")
    RETENTION_SWEEP = "retention.sweep", _("Retention sweep ran")
    # The DPO's workspace
    CHECKPOINT_SIGNED = "audit.checkpoint_signed", _("Audit checkpoint signed")
    CHAIN_VERIFIED = "audit.verified", _("Audit chain verified")
    TRAIL_SEARCHED = "audit.trail_searched", _("Audit trail searched")
    TRAIL_EXPORTED = "audit.trail_exported", _("Audit trail exported")
    ACCESS_DENIED = "access.denied", _("Access denied")
    ALERT_RAISED = "alert.raised", _("Unusual access detected")
    ALERT_ACKNOWLEDGED = "alert.acknowledged", _("Unusual-access alert acknowledged")
    REQUEST_REGISTERED = "dsr.registered", _("Data-subject request registered")
    REQUEST_UPDATED = "dsr.updated", _("Data-subject request updated")
    REQUEST_EXTENDED = "dsr.extended", _("Data-subject request deadline extended")
    REQUEST_CLOSED = "dsr.closed", _("Data-subject request closed")
    REQUEST_BUNDLE_GENERATED = "dsr.bundle_generated", _("Access bundle generated")
    REQUEST_BUNDLE_DOWNLOADED = "dsr.bundle_downloaded", _("Access bundle downloaded")
    REQUEST_ERASURE_REFUSED = "dsr.erasure_refused", _("Erasure refused (research exemption)")
    # Research
    PROJECT_CREATED = "research.project_created", _("Research project created")
    PROJECT_UPDATED = "research.project_updated", _("Research project updated")
    PROJECT_MEMBER_ADDED = "research.member_added", _("Researcher added to a project")
    PROJECT_MEMBER_REMOVED = "research.member_removed", _("Researcher removed from a project")
    RESEARCH_PAGE_VIEWED = "research.page_viewed", _("Research page viewed")
    RESEARCH_EXPORT_REQUESTED = "research.export_requested", _("Research export requested")
    RESEARCH_EXPORT_BUILT = "research.export_built", _("Research export built")
    RESEARCH_EXPORT_DOWNLOADED = "research.export_downloaded", _("Research export downloaded")


class AuditEvent(models.Model):
    """One entry of the trail. Rows are never updated or deleted (database triggers refuse)."""

    sequence = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    # The actor is kept as a plain id, not a foreign key: the trail must outlive any row it names.
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=64)
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    # The family an entry concerns (its pseudonymous code), for the DPO's family trail; part of
    # the hashed payload whenever it is set.
    family_code = models.CharField(max_length=16, blank=True, db_index=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering: ClassVar = ["sequence"]
        indexes: ClassVar = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["actor_id", "sequence"]),
            models.Index(fields=["action", "sequence"]),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"


class AuditChainHead(models.Model):
    """A single row naming the newest entry; appends lock it so the chain cannot fork."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.BigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(id=1), name="audit_chain_head_singleton")
        ]

    def __str__(self) -> str:
        return f"head at #{self.sequence}"


class AuditCheckpoint(models.Model):
    """A signed statement of the chain head: sequence, hash and time (Ed25519, key outside the
    database). Verification checks the signature and that the chain still passes through it."""

    sequence = models.BigIntegerField(db_index=True)
    entry_hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    key_id = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)

    class Meta:
        ordering: ClassVar = ["-sequence", "-signed_at"]

    def __str__(self) -> str:
        return f"checkpoint at #{self.sequence}"


class VerificationRun(models.Model):
    """One run of the chain verification (a background task), with its progress and result."""

    requested_by_id = models.BigIntegerField(null=True, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.BigIntegerField(default=0)
    checked = models.BigIntegerField(default=0)
    checkpoints_checked = models.PositiveIntegerField(default=0)
    ok = models.BooleanField(null=True)
    first_bad_sequence = models.BigIntegerField(null=True, blank=True)
    problem = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering: ClassVar = ["-started_at"]

    def __str__(self) -> str:
        return f"verification at {self.started_at:%Y-%m-%d %H:%M}"

"""Field classes of the audit trail. Entries hold pseudonymous ids, never identity values."""

from __future__ import annotations

from core.classification import FieldClass, FieldSpec, classify

OTHER = FieldClass.OTHER

classify(
    "audit.AuditEvent",
    {
        "id": FieldSpec(OTHER, "row id"),
        "sequence": FieldSpec(OTHER, "position in the chain"),
        "occurred_at": FieldSpec(OTHER, "time of the event (UTC)"),
        "actor_id": FieldSpec(OTHER, "id of the account that acted"),
        "actor_label": FieldSpec(OTHER, "user:<id>, system or anonymous"),
        "action": FieldSpec(OTHER, "what happened"),
        "target_type": FieldSpec(OTHER, "kind of object acted on"),
        "target_id": FieldSpec(OTHER, "pseudonymous id of the object acted on"),
        "reason": FieldSpec(FieldClass.SENSITIVE, "reason given by the actor"),
        "details": FieldSpec(OTHER, "counts and ids; secret-looking keys masked"),
        "family_code": FieldSpec(OTHER, "pseudonymous code of the family concerned"),
        "previous_hash": FieldSpec(OTHER, "hash of the previous entry"),
        "entry_hash": FieldSpec(OTHER, "hash of this entry"),
    },
)
classify(
    "audit.AuditChainHead",
    {
        "id": FieldSpec(OTHER, "always 1"),
        "sequence": FieldSpec(OTHER, "sequence of the newest entry"),
        "entry_hash": FieldSpec(OTHER, "hash of the newest entry"),
    },
)
classify(
    "audit.AuditCheckpoint",
    {
        "id": FieldSpec(OTHER, "row id"),
        "sequence": FieldSpec(OTHER, "sequence of the chain head signed"),
        "entry_hash": FieldSpec(OTHER, "hash of the chain head signed"),
        "signed_at": FieldSpec(OTHER, "time of signing"),
        "key_id": FieldSpec(OTHER, "fingerprint of the signing key"),
        "signature": FieldSpec(OTHER, "Ed25519 signature"),
    },
)
classify(
    "audit.VerificationRun",
    {
        name: FieldSpec(OTHER, name.replace("_", " "))
        for name in (
            "id",
            "requested_by_id",
            "started_at",
            "finished_at",
            "total",
            "checked",
            "checkpoints_checked",
            "ok",
            "first_bad_sequence",
            "problem",
        )
    },
)

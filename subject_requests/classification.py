"""Field classes of the register of data-subject requests (family codes, dates, DPO notes)."""

from __future__ import annotations

from core.classification import FieldClass, FieldSpec, classify

SENS, OTHER = FieldClass.SENSITIVE, FieldClass.OTHER

classify(
    "subject_requests.SubjectRequest",
    {
        "id": FieldSpec(OTHER, "row id"),
        "family": FieldSpec(OTHER, "family the request is about"),
        "request_type": FieldSpec(OTHER, "access, rectification, erasure or restriction"),
        "received_on": FieldSpec(OTHER, "date the request was received"),
        "due_on": FieldSpec(OTHER, "date the answer is due (one month after receipt)"),
        "extended_to": FieldSpec(OTHER, "extended deadline (at most two more months)"),
        "extension_reason": FieldSpec(SENS, "why the deadline was extended (free text)"),
        "status": FieldSpec(OTHER, "open, in progress, completed or refused"),
        "handling_notes": FieldSpec(SENS, "the DPO's notes on handling the request (free text)"),
        "refusal_ground": FieldSpec(OTHER, "legal ground of a refusal"),
        "closing_note": FieldSpec(SENS, "the DPO's note on completing or refusing (free text)"),
        "created_by": FieldSpec(OTHER, "DPO who registered the request"),
        "created_at": FieldSpec(OTHER, "time registered"),
        "updated_at": FieldSpec(OTHER, "time of the last change"),
        "closed_at": FieldSpec(OTHER, "time completed or refused"),
    },
)

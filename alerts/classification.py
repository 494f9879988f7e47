"""Field classes of unusual-access alerts (account ids, times, counts and sequence numbers)."""

from __future__ import annotations

from core.classification import FieldClass, FieldSpec, classify

OTHER, SENS = FieldClass.OTHER, FieldClass.SENSITIVE

classify(
    "alerts.Alert",
    {
        "id": FieldSpec(OTHER, "row id"),
        "rule": FieldSpec(OTHER, "which unusual-access rule fired"),
        "user": FieldSpec(OTHER, "account whose activity raised the alert"),
        "window_start": FieldSpec(OTHER, "start of the time window the rule looked at"),
        "window_end": FieldSpec(OTHER, "end of the time window the rule looked at"),
        "evidence": FieldSpec(OTHER, "counts and audit sequence numbers, no values"),
        "created_at": FieldSpec(OTHER, "time the alert was raised"),
        "acknowledged_at": FieldSpec(OTHER, "time the DPO acknowledged it"),
        "acknowledged_by": FieldSpec(OTHER, "DPO who acknowledged it"),
        # Free text about a staff member's conduct, written by the DPO.
        "acknowledgement_note": FieldSpec(SENS, "the DPO's note on what was found"),
    },
)

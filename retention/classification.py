"""Field classes of the retention sweep log (family codes only)."""

from __future__ import annotations

from core.classification import FieldClass, FieldSpec, classify

classify(
    "retention.SweepRun",
    {
        name: FieldSpec(FieldClass.OTHER, name.replace("_", " "))
        for name in ("id", "started_at", "finished_at", "dry_run", "succeeded", "due", "done")
    }
    | {
        "held": FieldSpec(FieldClass.OTHER, "codes of families on legal hold"),
        "failed": FieldSpec(FieldClass.OTHER, "codes of families that failed, with the error type"),
    },
)

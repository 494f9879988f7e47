"""Field classes of the key store (a separate database)."""

from __future__ import annotations

from core.classification import FieldClass, FieldSpec, classify

classify(
    "keystore.DataKey",
    {
        "key_ref": FieldSpec(FieldClass.OTHER, "random reference the vault row carries"),
        "master_key_id": FieldSpec(FieldClass.OTHER, "which master key wraps this key"),
        "wrapped_key": FieldSpec(FieldClass.SENSITIVE, "the data key, encrypted by a master key"),
        "created_at": FieldSpec(FieldClass.OTHER, "time the key was made"),
        "rewrapped_at": FieldSpec(FieldClass.OTHER, "time of the last re-wrap"),
    },
)
classify(
    "keystore.ProjectKey",
    {
        "project_ref": FieldSpec(FieldClass.OTHER, "random reference the research project carries"),
        "master_key_id": FieldSpec(FieldClass.OTHER, "which master key wraps this key"),
        "wrapped_key": FieldSpec(
            FieldClass.SENSITIVE, "the project's pseudonym key, encrypted by a master key"
        ),
        "created_at": FieldSpec(FieldClass.OTHER, "time the key was made"),
        "rewrapped_at": FieldSpec(FieldClass.OTHER, "time of the last re-wrap"),
    },
)

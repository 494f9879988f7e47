"""Field classes of families and the identity vault."""

from __future__ import annotations

from core.classification import FieldClass, FieldSpec, classify

QUASI, SENS, OTHER = FieldClass.QUASI_IDENTIFIER, FieldClass.SENSITIVE, FieldClass.OTHER

classify(
    "casestudies.Family",
    {
        "id": FieldSpec(OTHER, "row id"),
        "code": FieldSpec(
            OTHER, "random pseudonymous family code (centre prefix + 40 random bits)"
        ),
        "centre": FieldSpec(QUASI, "centre that works with the family", generalisation="country"),
        "created_by": FieldSpec(OTHER, "staff member who created the record"),
        "created_at": FieldSpec(QUASI, "time the record was created", generalisation="year"),
        "status": FieldSpec(OTHER, "active, anonymised or erased"),
        "removal_requested_at": FieldSpec(OTHER, "time anonymisation or erasure was requested"),
        "removal_mode": FieldSpec(OTHER, "anonymise or erase"),
    },
)
classify(
    "casestudies.IdentityVault",
    {
        "id": FieldSpec(OTHER, "row id"),
        "family": FieldSpec(OTHER, "family the identity belongs to"),
        "key_ref": FieldSpec(OTHER, "reference to the family's data key in the key store"),
        "ciphertext": FieldSpec(
            SENS,
            "AES-256-GCM ciphertext of the direct identifiers (names, contact details, identity "
            "codes, case numbers, offender names and usernames)",
        ),
        "updated_at": FieldSpec(OTHER, "time of the last change"),
    },
)

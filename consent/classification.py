"""Field classes of consent forms, records, withdrawals and evidence."""

from __future__ import annotations

from core.classification import FieldClass, FieldSpec, classify

QUASI, SENS, OTHER = FieldClass.QUASI_IDENTIFIER, FieldClass.SENSITIVE, FieldClass.OTHER

classify(
    "consent.ConsentForm",
    {
        name: FieldSpec(OTHER, description)
        for name, description in {
            "id": "row id",
            "form_key": "groups versions and languages of one form",
            "version": "version number",
            "language": "language of the form",
            "title": "title",
            "body": "text the family reads",
            "purposes": "purposes the form asks about",
            "retention_months": "retention period",
            "legal_basis": "GDPR legal basis",
            "withdrawal_effect": "anonymise or erase on withdrawal",
            "anonymised_data_stays_in_statistics": "whether anonymised data stays in statistics",
            "status": "draft, published or retired",
            "text_sha256": "fingerprint of the published text",
            "created_by": "administrator who drafted it",
            "created_at": "time drafted",
            "published_at": "time published",
            "retired_at": "time retired",
        }.items()
    },
)
classify(
    "consent.ConsentRecord",
    {
        "id": FieldSpec(OTHER, "row id"),
        "family": FieldSpec(OTHER, "family"),
        "form": FieldSpec(OTHER, "consent form version"),
        "purposes": FieldSpec(OTHER, "purposes granted or refused"),
        "withdrawn_purposes": FieldSpec(OTHER, "purposes withdrawn later"),
        "consenter_relationship": FieldSpec(QUASI, "respondent's relationship to the child"),
        "guardian_consent": FieldSpec(SENS, "who gave guardian consent"),
        "other_guardian_is_suspect": FieldSpec(SENS, "whether the other guardian is a suspect"),
        "child_age": FieldSpec(QUASI, "child's age at consent", generalisation="age band"),
        "child_assent": FieldSpec(OTHER, "child's own assent"),
        "child_assent_reason": FieldSpec(SENS, "why the child was not asked (free text)"),
        "method": FieldSpec(OTHER, "written, oral or electronic"),
        "witness": FieldSpec(OTHER, "witnessing professional"),
        "consent_date": FieldSpec(QUASI, "date of consent", generalisation="year"),
        "retention_until": FieldSpec(OTHER, "end of the retention period"),
        "status": FieldSpec(OTHER, "active, withdrawn, superseded or expired"),
        "recorded_by": FieldSpec(OTHER, "staff member who recorded it"),
        "recorded_at": FieldSpec(OTHER, "time recorded"),
        "superseded_by": FieldSpec(OTHER, "newer consent that replaced it"),
        "ended_at": FieldSpec(OTHER, "time it stopped being active"),
    },
)
classify(
    "consent.ConsentWithdrawal",
    {
        "id": FieldSpec(OTHER, "row id"),
        "consent": FieldSpec(OTHER, "consent withdrawn"),
        "purposes": FieldSpec(OTHER, "purposes withdrawn"),
        "is_full": FieldSpec(OTHER, "full withdrawal"),
        "effect": FieldSpec(OTHER, "anonymise or erase"),
        "withdrawn_on": FieldSpec(OTHER, "date of withdrawal"),
        "recorded_by": FieldSpec(OTHER, "staff member who recorded it"),
        "recorded_at": FieldSpec(OTHER, "time recorded"),
    },
)
classify(
    "consent.ConsentEvidence",
    {
        "id": FieldSpec(OTHER, "row id"),
        "consent": FieldSpec(OTHER, "consent it documents"),
        "ciphertext": FieldSpec(
            SENS, "the signed form (PDF), AES-256-GCM with the family's data key"
        ),
        "size": FieldSpec(OTHER, "size in bytes"),
        "sha256": FieldSpec(OTHER, "fingerprint of the file"),
        "uploaded_at": FieldSpec(OTHER, "time uploaded"),
    },
)

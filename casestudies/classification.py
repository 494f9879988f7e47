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
        "country": FieldSpec(OTHER, "country of the centre (what research sees)"),
        "anonymising_since": FieldSpec(OTHER, "time the scrubbing step finished"),
        "anonymised_at": FieldSpec(OTHER, "time the family was anonymised or erased"),
        "anonymisation_report": FieldSpec(OTHER, "counts of scrubbed rows and patterns"),
        "legal_hold_reason": FieldSpec(SENS, "why a DPO paused anonymisation"),
        "legal_hold_since": FieldSpec(OTHER, "time the legal hold was set"),
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

_INTERVIEW_GENERALISATION = {
    "interview_year": "year",
    "interview_month": "quarter",
    "interview_language": "fi/sv/en/other",
    "respondent_relationship": "parent / other carer",
    "respondent_age_band": "wider age band",
    "child_gender": "as recorded",
    "child_age_band_first_incident": "wider age band",
    "child_age_band_disclosure": "wider age band",
    "child_age_band_interview": "wider age band",
    "violence_other": "dropped",
    "offender_count": "as recorded",
    "time_to_disclosure": "wider band",
    "proceedings_outcome": "outcome without year",
    "months_report_to_forensic_interview": "wider band",
    "months_report_to_charging": "wider band",
    "months_report_to_judgment": "wider band",
}
_INTERVIEW_SENSITIVE = {
    "violence_types",
    "extortion_motive",
    "platforms",
    "offender_relationships",
    "disclosure_route",
    "agencies",
    "proceedings_stage",
    "service_ratings",
    "child_impacts",
    "parent_impacts",
    "support_received",
    "support_needed",
    "peer_group_took_part",
    "peer_group_mode",
    "peer_group_sessions",
    "respondent_has_custody",
    "siblings_affected",
    "audio_recording_exists",
    "interviewer_role",
    "consent_form_version",
}
_INTERVIEW_IDENTIFYING = {
    "narrative_what_happened",
    "narrative_turning_points",
    "narrative_what_helped",
    "narrative_what_harmed",
    "narrative_advice",
    "narrative_peer_group",
    "quotable_passages",
}
_INTERVIEW_OTHER = {
    "id": "row id",
    "code": "random pseudonymous interview code",
    "family": "family",
    "instrument_version": "version of the instrument",
    "status": "draft, submitted or locked",
    "revision": "edit counter for optimistic locking",
    "created_by": "staff member who created it",
    "created_at": "time created",
    "updated_by": "last editor",
    "updated_at": "time of the last edit",
    "contributors": "accounts that wrote content (four-eyes rule)",
    "submitted_at": "time submitted",
    "locked_by": "lead who reviewed and locked it",
    "locked_at": "time locked",
    "confirmed_findings": "keyed digests of screening findings confirmed as not personal data",
    "open_findings": "number of unresolved screening findings",
}
classify(
    "casestudies.Interview",
    {
        **{name: FieldSpec(OTHER, text) for name, text in _INTERVIEW_OTHER.items()},
        **{
            name: FieldSpec(QUASI, name.replace("_", " "), generalisation=how)
            for name, how in _INTERVIEW_GENERALISATION.items()
        },
        **{name: FieldSpec(SENS, name.replace("_", " ")) for name in _INTERVIEW_SENSITIVE},
        **{
            name: FieldSpec(
                FieldClass.IDENTIFIER,
                "free-text narrative, identifying until screened and scrubbed",
            )
            for name in _INTERVIEW_IDENTIFYING
        },
    },
)
classify(
    "casestudies.VocabularyTerm",
    {
        name: FieldSpec(OTHER, name.replace("_", " "))
        for name in (
            "id",
            "vocabulary",
            "code",
            "labels",
            "country_labels",
            "position",
            "is_active",
            "introduced_in",
            "retired_in",
        )
    },
)

"""Field classes of research projects and exports."""

from __future__ import annotations

from core.classification import FieldClass, FieldSpec, classify

OTHER, SENS = FieldClass.OTHER, FieldClass.SENSITIVE

classify(
    "research.ResearchProject",
    {
        "id": FieldSpec(OTHER, "row id"),
        "title": FieldSpec(OTHER, "title of the project"),
        "responsible_researcher": FieldSpec(OTHER, "account responsible for the project"),
        "approved_purpose": FieldSpec(OTHER, "purpose the ethics approval covers"),
        "ethics_reference": FieldSpec(OTHER, "reference of the ethics approval"),
        "starts_on": FieldSpec(OTHER, "first day of the project"),
        "ends_on": FieldSpec(OTHER, "last day of the project"),
        "countries": FieldSpec(OTHER, "countries in scope"),
        "centres": FieldSpec(OTHER, "centres in scope"),
        "allowed_fields": FieldSpec(OTHER, "interview fields the project may use"),
        "k": FieldSpec(OTHER, "k of the k-anonymity required of exports"),
        "max_suppressed_share": FieldSpec(OTHER, "largest share of rows an export may drop"),
        "members": FieldSpec(OTHER, "researchers of the project"),
        "key_ref": FieldSpec(OTHER, "reference to the project's pseudonym key in the key store"),
        "created_by": FieldSpec(OTHER, "administrator who created the project"),
        "created_at": FieldSpec(OTHER, "time created"),
    },
)
classify(
    "research.HistoricalResearchProject_members",
    {
        "m2m_history_id": FieldSpec(OTHER, "history row id"),
        "history": FieldSpec(OTHER, "project history row"),
        "researchproject": FieldSpec(OTHER, "project"),
        "user": FieldSpec(OTHER, "member account"),
        "id": FieldSpec(OTHER, "row id"),
    },
)
classify(
    "research.HistoricalResearchProject_centres",
    {
        "m2m_history_id": FieldSpec(OTHER, "history row id"),
        "history": FieldSpec(OTHER, "project history row"),
        "researchproject": FieldSpec(OTHER, "project"),
        "centre": FieldSpec(OTHER, "centre in scope"),
        "id": FieldSpec(OTHER, "row id"),
    },
)
classify(
    "research.ResearchExport",
    {
        "id": FieldSpec(OTHER, "random export id"),
        "project": FieldSpec(OTHER, "project"),
        "requested_by": FieldSpec(OTHER, "researcher who asked for it"),
        "purpose": FieldSpec(OTHER, "purpose the researcher stated"),
        "fields": FieldSpec(OTHER, "fields asked for"),
        "status": FieldSpec(OTHER, "queued, building, ready, needs fewer fields, failed, expired"),
        "progress": FieldSpec(OTHER, "rows processed so far"),
        "total": FieldSpec(OTHER, "rows to process"),
        "row_count": FieldSpec(OTHER, "rows in the released file"),
        "suppressed_rows": FieldSpec(OTHER, "rows suppressed for k-anonymity"),
        "report": FieldSpec(OTHER, "disclosure-control report (levels, counts)"),
        "sha256": FieldSpec(OTHER, "fingerprint of the data file"),
        "size": FieldSpec(OTHER, "size of the encrypted file"),
        "key_ref": FieldSpec(OTHER, "reference to the file's data key in the key store"),
        "created_at": FieldSpec(OTHER, "time requested"),
        "built_at": FieldSpec(OTHER, "time built"),
        "expires_at": FieldSpec(OTHER, "time the file is deleted"),
    },
)
classify(
    "research.ResearchExportFamily",
    {
        "id": FieldSpec(OTHER, "row id"),
        "export": FieldSpec(OTHER, "export"),
        "family_id": FieldSpec(OTHER, "row id of a family whose interview is in the export"),
    },
)

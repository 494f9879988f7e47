"""The records of processing activities (GDPR Art. 30), generated from the system itself.

Categories of personal data come from the field classification registry, purposes, legal
bases and retention periods from the published consent forms, and recipients from the roles,
so the record changes when the code or the forms change. What the system cannot know (the
controller's name and contacts, transfers) is listed for the controller to complete.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from consent.models import ConsentForm, FormStatus, LegalBasis, Purpose
from core.classification import FieldClass, project_models, registry, spec_for

CLASS_ORDER = (
    FieldClass.IDENTIFIER,
    FieldClass.QUASI_IDENTIFIER,
    FieldClass.SENSITIVE,
    FieldClass.OTHER,
)
UNCLASSIFIED = "unclassified"

# Categories of data subjects; every project app says whose data its tables hold (a test fails
# for an app without an entry, so a new app cannot leave the record silently incomplete).
SUBJECTS: dict[str, object] = {
    "children": gettext_lazy(
        "Children who experienced online sexual violence (the subjects of the case studies)"
    ),
    "carers": gettext_lazy("Parents and other carers who are interviewed and give consent"),
    "guardians": gettext_lazy("Other guardians of the child, including a guardian under suspicion"),
    "offenders": gettext_lazy(
        "Offenders and suspects named by the family (in the encrypted identity only)"
    ),
    "staff": gettext_lazy(
        "Users: Barnahus staff and leads, researchers, the data protection officer and "
        "administrators"
    ),
}
FAMILY = ("children", "carers", "guardians", "offenders")
APP_SUBJECTS: dict[str, tuple[str, ...]] = {
    "accounts": ("staff",),
    "audit": ("staff", "children", "carers"),
    "casestudies": FAMILY,
    "consent": ("children", "carers", "guardians"),
    "keystore": ("children", "carers"),
    "retention": ("children", "carers"),
    "subject_requests": ("children", "carers"),
    "alerts": ("staff",),
    "research": ("children", "carers", "staff"),
    "dpo": ("staff",),
    "core": (),
}
# Tables of an app that hold no personal data at all.
NO_SUBJECTS = frozenset(
    {"casestudies.vocabularyterm", "audit.auditchainhead", "consent.consentform"}
)

RECIPIENTS: dict[str, tuple[object, object]] = {
    Role.STAFF: (
        gettext_lazy(
            "Families of their own centre: create families, record consent and interviews, "
            "open a family's identity with a stated reason, record a withdrawal"
        ),
        gettext_lazy("Another centre's families; exports"),
    ),
    Role.LEAD: (
        gettext_lazy(
            "Everything staff may, plus review, lock and unlock the interviews of their centre"
        ),
        gettext_lazy("Another centre's families"),
    ),
    Role.RESEARCHER: (
        gettext_lazy(
            "Pseudonymised records their approved project covers and whose consent allows "
            "research; statistics; disclosure-controlled exports"
        ),
        gettext_lazy("Any identity, any centre-internal code, any unscrubbed narrative"),
    ),
    Role.DPO: (
        gettext_lazy(
            "The whole audit trail and history; integrity checks; retention and anonymisation "
            "status; legal holds; data-subject requests (identities only inside an access "
            "bundle)"
        ),
        gettext_lazy("Edit case content"),
    ),
    Role.ADMIN: (
        gettext_lazy("Invite and deactivate users; manage centres, roles and research projects"),
        gettext_lazy("Case content or identities"),
    ),
}


@dataclass(frozen=True)
class FieldEntry:
    name: str
    description: str
    generalisation: str = ""


@dataclass(frozen=True)
class ModelEntry:
    label: str
    name: str
    subjects: tuple[str, ...]
    fields_by_class: dict[str, list[FieldEntry]]
    has_history: bool
    database: str

    @property
    def holds_personal_data(self) -> bool:
        return bool(self.subjects)

    @property
    def field_groups(self) -> list[tuple[str, list[FieldEntry]]]:
        return [(class_label(code), fields) for code, fields in self.fields_by_class.items()]


@dataclass(frozen=True)
class Entry:
    """One line of a list: a code or title, its text, and what it applies to."""

    code: str
    text: str
    applies_to: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RetentionEntry:
    form: str
    months: int
    on_withdrawal: str
    statistics: bool


@dataclass(frozen=True)
class RecipientEntry:
    role: str
    label: str
    may: str
    may_never: str


@dataclass
class ProcessingRecord:
    generated_at: datetime
    subjects: list[Entry]
    models: list[ModelEntry]
    purposes: list[Entry]
    legal_bases: list[Entry]
    retention: list[RetentionEntry]
    other_retention: list[Entry]
    recipients: list[RecipientEntry]
    measures: list[str]
    to_complete: list[str]
    published_forms: int


# ---------------------------------------------------------------------------- builders


def _model_entries() -> list[ModelEntry]:
    every = project_models()
    with_history = {model.instance_type for model in every if hasattr(model, "instance_type")}
    declared = set(registry())
    entries = []
    for model in every:
        meta = model._meta
        if hasattr(model, "instance_type") and meta.label_lower not in declared:
            continue  # a history table holds the same categories as its model
        grouped: dict[str, list[FieldEntry]] = {}
        for column in meta.get_fields(include_hidden=True):
            if not column.concrete:
                continue
            spec = spec_for(model, column.name)
            key = str(spec.field_class) if spec else UNCLASSIFIED
            grouped.setdefault(key, []).append(
                FieldEntry(
                    name=column.name,
                    description=spec.description if spec else "",
                    generalisation=spec.generalisation if spec else "",
                )
            )
        ordered = {
            str(cls): grouped[str(cls)] for cls in (*CLASS_ORDER, UNCLASSIFIED) if cls in grouped
        }
        subjects = () if meta.label_lower in NO_SUBJECTS else APP_SUBJECTS.get(meta.app_label)
        entries.append(
            ModelEntry(
                label=meta.label_lower,
                name=str(meta.verbose_name),
                subjects=subjects if subjects is not None else ("?",),
                fields_by_class=ordered,
                has_history=model in with_history,
                database=_("key store (separate database)")
                if meta.app_label == "keystore"
                else _("main database"),
            )
        )
    return sorted(entries, key=lambda entry: entry.label)


def _form_name(form: ConsentForm) -> str:
    return f"{form.form_key} v{form.version} ({form.language})"


def _published_forms() -> list[ConsentForm]:
    return list(
        ConsentForm.objects.filter(status=FormStatus.PUBLISHED).order_by(
            "form_key", "language", "version"
        )
    )


def _purposes(forms: list[ConsentForm]) -> list[Entry]:
    entries = []
    for code, label in Purpose.choices:
        asked_by = [_form_name(form) for form in forms if code in form.purposes]
        if asked_by:
            entries.append(Entry(code=str(code), text=str(label), applies_to=asked_by))
    entries += [
        Entry(
            code="security",
            text=_("Security of processing and accountability: access control, audit trail"),
            applies_to=[_("all data")],
        ),
        Entry(
            code="data_subject_rights",
            text=_("Answering data-subject requests (Art. 12-22)"),
            applies_to=[_("register of requests")],
        ),
    ]
    return entries


def _legal_bases(forms: list[ConsentForm]) -> list[Entry]:
    entries = []
    for code, label in LegalBasis.choices:
        used_by = [_form_name(form) for form in forms if form.legal_basis == code]
        if used_by:
            entries.append(Entry(code=str(code), text=str(label), applies_to=used_by))
    entries.append(
        Entry(
            code="art6_1_c",
            text=_(
                "GDPR Art. 6(1)(c) with Art. 5(2) and 32: security of processing and "
                "accountability (user accounts, audit trail, request register)"
            ),
            applies_to=[_("users and the audit trail")],
        )
    )
    return entries


def _retention(forms: list[ConsentForm]) -> list[RetentionEntry]:
    return [
        RetentionEntry(
            form=_form_name(form),
            months=form.retention_months,
            on_withdrawal=str(form.get_withdrawal_effect_display()),
            statistics=form.anonymised_data_stays_in_statistics,
        )
        for form in forms
    ]


def _other_retention() -> list[Entry]:
    return [
        Entry(
            code="audit",
            text=_(
                "Audit trail: append-only and kept for the life of the system; it holds "
                "pseudonymous ids and reasons, never identity values."
            ),
        ),
        Entry(
            code="accounts",
            text=_(
                "User accounts are deactivated, not deleted, so the audit trail can still say "
                "who acted."
            ),
        ),
        Entry(
            code="requests",
            text=_("Data-subject requests are kept as proof of how each request was answered."),
        ),
        Entry(
            code="removal",
            text=_(
                "When the retention period ends or the family withdraws, the family is "
                "anonymised or erased by a scheduled sweep, unless the DPO set a legal hold."
            ),
        ),
    ]


def _recipients() -> list[RecipientEntry]:
    return [
        RecipientEntry(
            role=str(role),
            label=str(label),
            may=str(RECIPIENTS[role][0]),
            may_never=str(RECIPIENTS[role][1]),
        )
        for role, label in Role.choices
    ]


def _minutes(value: object, default: int) -> int:
    return int(value.total_seconds() // 60) if isinstance(value, timedelta) else default


def _measures() -> list[str]:
    idle = _minutes(getattr(settings, "SESSION_IDLE_TIMEOUT", None), 30)
    absolute = _minutes(getattr(settings, "SESSION_ABSOLUTE_TIMEOUT", None), 12 * 60) // 60
    recent = _minutes(getattr(settings, "RECENT_AUTH_MAX_AGE", None), 5)
    return [
        _(
            "Identity separated from case data: direct identifiers live only in the identity "
            "vault, encrypted (AES-256-GCM) with a data key of the family's own."
        ),
        _(
            "Envelope encryption: each data key is wrapped by a master key that comes from the "
            "environment or a file, never the database, and is kept in a separate key-store "
            "database. Destroying a family's key makes every copy unreadable, backups included "
            "(crypto-shredding). Signed consent forms are encrypted the same way."
        ),
        _(
            "Every field is classified as identifier, quasi-identifier, sensitive or other; "
            "the tests fail for a field without a class, and this record is generated from it."
        ),
        _(
            "Two-factor login (authenticator app; single-use backup codes stored hashed), "
            "lockout after repeated failures, sessions end after %(idle)s minutes idle and "
            "%(absolute)s hours in all, and a fresh password and second factor (under "
            "%(recent)s minutes old) before opening an identity, exporting or erasing."
        )
        % {"idle": idle, "absolute": absolute, "recent": recent},
        _(
            "Access by role and centre through one access helper per entity; requests outside "
            "a user's scope are answered as if the record did not exist."
        ),
        _(
            "Append-only audit trail of every change, every read of a case or identity, every "
            "export and login, hash-chained, with checkpoints signed by a key kept outside the "
            "database; the entries hold pseudonymous ids, never identity values."
        ),
        _("The change history of every domain model is kept (and scrubbed on anonymisation)."),
        _(
            "Narratives are screened for the family's identity values and identifier patterns "
            "on every save."
        ),
        _(
            "Research sees keyed pseudonyms per project (HMAC-SHA256), generalised "
            "quasi-identifiers, and only records whose consent allows research."
        ),
        _(
            "Disclosure control for research releases: cells under 10 are suppressed, with "
            "complementary suppression; microdata exports reach k-anonymity (k of at least 5) "
            "by generalising or suppressing."
        ),
        _(
            "Retention enforced by a scheduled sweep; anonymisation destroys the key, deletes "
            "the vault row, scrubs narratives and history and records a proof entry."
        ),
        _("Strict content security policy; no third-party scripts, styles or fonts."),
    ]


def _to_complete() -> list[str]:
    return [
        _("Name and contact details of the controller (and any joint controller)"),
        _("Contact details of the data protection officer"),
        _("Transfers to third countries or international organisations, and their safeguards"),
        _("Processors (hosting, backups) and their agreements"),
    ]


def processing_record() -> ProcessingRecord:
    forms = _published_forms()
    return ProcessingRecord(
        generated_at=timezone.now(),
        subjects=[Entry(code=code, text=str(text)) for code, text in SUBJECTS.items()],
        models=_model_entries(),
        purposes=_purposes(forms),
        legal_bases=_legal_bases(forms),
        retention=_retention(forms),
        other_retention=_other_retention(),
        recipients=_recipients(),
        measures=_measures(),
        to_complete=_to_complete(),
        published_forms=len(forms),
    )


# ---------------------------------------------------------------------------- the document


def class_label(code: str) -> str:
    labels = {
        str(FieldClass.IDENTIFIER): _("Identifiers"),
        str(FieldClass.QUASI_IDENTIFIER): _("Quasi-identifiers"),
        str(FieldClass.SENSITIVE): _("Sensitive"),
        str(FieldClass.OTHER): _("Other"),
    }
    return labels.get(code, _("Not classified"))


def subject_labels(entry: ModelEntry) -> str:
    if not entry.subjects:
        return _("no personal data")
    return "; ".join(str(SUBJECTS.get(code, _("not described"))) for code in entry.subjects)


def _markdown_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def processing_markdown(record: ProcessingRecord | None = None) -> str:
    """The record as a Markdown document (what the download page sends)."""
    record = record or processing_record()
    lines = [
        f"# {_('Records of processing activities (GDPR Art. 30)')}",
        "",
        _(
            "Barnahus Family Voices. Generated on %(when)s from the field registry and %(forms)s "
            "published consent form(s)."
        )
        % {
            "when": record.generated_at.isoformat(timespec="seconds"),
            "forms": record.published_forms,
        },
        "",
        f"## {_('To be completed by the controller')}",
        "",
        *[f"- {item}" for item in record.to_complete],
        "",
        f"## {_('Categories of data subjects')}",
        "",
        *[f"- {entry.text}" for entry in record.subjects],
        "",
        f"## {_('Purposes')}",
        "",
        *[f"- {entry.text} ({', '.join(entry.applies_to)})" for entry in record.purposes],
        "",
        f"## {_('Legal bases')}",
        "",
        *[f"- {entry.text} ({', '.join(entry.applies_to)})" for entry in record.legal_bases],
        "",
        f"## {_('Retention periods')}",
        "",
    ]
    if record.retention:
        lines += [
            f"| {_('Consent form')} | {_('Months')} | {_('On withdrawal')} | "
            f"{_('Anonymised data stays in statistics')} |",
            "|---|---|---|---|",
            *[
                f"| {entry.form} | {entry.months} | {entry.on_withdrawal} | "
                f"{_('yes') if entry.statistics else _('no')} |"
                for entry in record.retention
            ],
            "",
        ]
    else:
        lines += [_("No consent form is published yet."), ""]
    lines += [*[f"- {entry.text}" for entry in record.other_retention], ""]
    lines += [f"## {_('Recipients (roles)')}", ""]
    may_label = _("May")
    stored_label = _("Stored in")
    lines += [
        f"- **{entry.label}** (`{entry.role}`): {may_label}: {entry.may}. "
        f"{_('May never')}: {entry.may_never}."
        for entry in record.recipients
    ]
    lines += ["", f"## {_('Technical and organisational measures')}", ""]
    lines += [f"- {measure}" for measure in record.measures]
    lines += ["", f"## {_('Categories of personal data, per table')}", ""]
    for entry in record.models:
        lines += [
            f"### {entry.name} (`{entry.label}`)",
            "",
            f"- {_('Data subjects')}: {subject_labels(entry)}",
            f"- {stored_label}: {entry.database}"
            + (f"; {_('change history kept')}" if entry.has_history else ""),
            "",
            f"| {_('Class')} | {_('Field')} | {_('Description')} | {_('Research sees')} |",
            "|---|---|---|---|",
        ]
        for cls, fields in entry.fields_by_class.items():
            for item in fields:
                lines.append(
                    f"| {class_label(cls)} | `{item.name}` | "
                    f"{_markdown_escape(item.description)} | "
                    f"{_markdown_escape(item.generalisation) or '—'} |"
                )
        lines.append("")
    return "\n".join(lines) + "\n"

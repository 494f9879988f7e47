"""Forms for consent records, withdrawals and consent form versions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Language, User
from casestudies.models import RemovalMode
from consent.models import (
    ChildAssent,
    ConsenterRelationship,
    ConsentForm,
    ConsentMethod,
    ConsentRecord,
    FormStatus,
    GuardianConsent,
    LegalBasis,
    Purpose,
)
from consent.services import MAX_EVIDENCE_BYTES, ConsentInput, FormContent, is_pdf

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class FormVersionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: ConsentForm) -> str:
        return f"{obj.title} · {obj.get_language_display()} · v{obj.version}"


class ChooseConsentFormForm(forms.Form):
    form_version = FormVersionChoice(
        label=_("Consent form the family read"),
        queryset=ConsentForm.objects.filter(status=FormStatus.PUBLISHED),
    )


class ConsentRecordForm(forms.Form):
    """Every purpose is a yes/no question with nothing pre-selected (no pre-ticked boxes)."""

    consenter_relationship = forms.ChoiceField(
        label=_("Who gave consent (relationship to the child)"),
        choices=[("", "—"), *ConsenterRelationship.choices],
    )
    guardian_consent = forms.ChoiceField(
        label=_("Guardian consent for the child's information"),
        choices=GuardianConsent.choices,
        widget=forms.RadioSelect,
    )
    other_guardian_is_suspect = forms.BooleanField(
        label=_("The other guardian is a suspect in the case"), required=False
    )
    child_age = forms.IntegerField(label=_("Child's age now (years)"), min_value=0, max_value=17)
    child_assent = forms.ChoiceField(
        label=_("The child's own assent"),
        choices=ChildAssent.choices,
        widget=forms.RadioSelect,
        help_text=_("Required from the age of 12."),
    )
    child_assent_reason = forms.CharField(
        label=_("If the child was not asked, why"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    method = forms.ChoiceField(
        label=_("How consent was given"), choices=ConsentMethod.choices, widget=forms.RadioSelect
    )
    witness = forms.ModelChoiceField(
        label=_("Witnessing professional (for oral consent)"),
        queryset=User.objects.none(),
        required=False,
    )
    consent_date = forms.DateField(
        label=_("Date of consent"), widget=forms.DateInput(attrs={"type": "date"})
    )
    evidence = forms.FileField(
        label=_("Signed form as PDF (optional)"),
        required=False,
        help_text=_("PDF only, at most 10 MB. It is stored encrypted."),
    )

    def __init__(
        self, *args: Any, consent_form: ConsentForm, witnesses: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.consent_form = consent_form
        self.fields["witness"].queryset = witnesses  # type: ignore[attr-defined]
        for code, label in consent_form.purpose_choices():
            self.fields[f"purpose_{code}"] = forms.ChoiceField(
                label=label, choices=YES_NO, widget=forms.RadioSelect
            )

    def purpose_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("purpose_")]

    def other_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("purpose_")]

    def clean_consent_date(self) -> Any:
        value = self.cleaned_data["consent_date"]
        if value > timezone.localdate():
            raise ValidationError(_("The date of consent cannot be in the future."))
        return value

    def clean_evidence(self) -> bytes | None:
        upload = self.cleaned_data.get("evidence")
        if not upload:
            return None
        if upload.size > MAX_EVIDENCE_BYTES:
            raise ValidationError(
                _("The file is larger than 10 MB. Scan it at a lower resolution.")
            )
        content = upload.read()
        if not is_pdf(content):
            raise ValidationError(
                _("Only PDF files can be attached. Save or scan the form as a PDF.")
            )
        return bytes(content)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        age, assent = cleaned.get("child_age"), cleaned.get("child_assent")
        if age is not None and age >= 12 and assent == ChildAssent.NOT_ASKED:
            self.add_error(
                "child_assent",
                _(
                    "A child aged 12 or older must be asked for their own assent. "
                    "Record their answer."
                ),
            )
        if assent == ChildAssent.NOT_ASKED and not cleaned.get("child_assent_reason", "").strip():
            self.add_error("child_assent_reason", _("Say why the child was not asked."))
        if cleaned.get("method") == ConsentMethod.ORAL and not cleaned.get("witness"):
            self.add_error("witness", _("Oral consent needs the witnessing professional."))
        if (
            cleaned.get("other_guardian_is_suspect")
            and cleaned.get("guardian_consent") == GuardianConsent.BOTH
        ):
            self.add_error(
                "guardian_consent",
                _(
                    "When the other guardian is a suspect, do not ask them: "
                    "choose who consented instead."
                ),
            )
        return cleaned

    def to_input(self) -> ConsentInput:
        data = self.cleaned_data
        return ConsentInput(
            form=self.consent_form,
            purposes={
                code: data[f"purpose_{code}"] == "yes" for code in self.consent_form.purposes
            },
            consenter_relationship=data["consenter_relationship"],
            guardian_consent=data["guardian_consent"],
            other_guardian_is_suspect=data["other_guardian_is_suspect"],
            child_age=data["child_age"],
            child_assent=data["child_assent"],
            child_assent_reason=data.get("child_assent_reason", ""),
            method=data["method"],
            witness=data.get("witness"),
            consent_date=data["consent_date"],
            evidence=data.get("evidence"),
        )


class WithdrawalForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("What does the family withdraw?"),
        choices=[
            ("full", _("Everything: the family no longer takes part")),
            ("some", _("Only the purposes ticked below")),
        ],
        widget=forms.RadioSelect,
    )
    purposes = forms.MultipleChoiceField(
        label=_("Purposes to withdraw"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    withdrawn_on = forms.DateField(
        label=_("Date of withdrawal"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, consent: ConsentRecord, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"withdrawn_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        labels = dict(Purpose.choices)
        self.fields["purposes"].choices = [  # type: ignore[attr-defined]
            (code, labels[code])
            for code, given in consent.purposes.items()
            if given and code not in consent.withdrawn_purposes and code in labels
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("scope") == "some" and not cleaned.get("purposes"):
            self.add_error("purposes", _("Tick at least one purpose, or withdraw everything."))
        withdrawn_on = cleaned.get("withdrawn_on")
        if withdrawn_on and withdrawn_on > timezone.localdate():
            self.add_error("withdrawn_on", _("The date cannot be in the future."))
        return cleaned


class ConsentFormContentForm(forms.Form):
    form_key = forms.SlugField(
        label=_("Form identifier"),
        max_length=64,
        help_text=_("Groups the versions and languages of one form, e.g. family-interview."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text of the form"), widget=forms.Textarea(attrs={"rows": 12}))
    purposes = forms.MultipleChoiceField(
        label=_("Purposes the form asks about"),
        choices=Purpose.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    retention_months = forms.IntegerField(
        label=_("Retention period (months)"), min_value=1, max_value=180, initial=60
    )
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=LegalBasis.choices)
    withdrawal_effect = forms.ChoiceField(
        label=_("What a withdrawal does to data already given"), choices=RemovalMode.choices
    )
    anonymised_data_stays_in_statistics = forms.BooleanField(
        label=_("After a withdrawal, anonymised answers may stay in statistics"), required=False
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # Identifier and language belong to the version line and do not change.
            self.fields["form_key"].disabled = True
            self.fields["language"].disabled = True

    def clean_purposes(self) -> list[str]:
        purposes: list[str] = self.cleaned_data["purposes"]
        if Purpose.PARTICIPATION not in purposes:
            raise ValidationError(_("Every consent form must ask about taking part in the study."))
        return purposes

    def content(self) -> FormContent:
        data = self.cleaned_data
        return FormContent(
            title=data["title"],
            body=data["body"],
            purposes=list(data["purposes"]),
            retention_months=data["retention_months"],
            legal_basis=data["legal_basis"],
            withdrawal_effect=data["withdrawal_effect"],
            anonymised_data_stays_in_statistics=data["anonymised_data_stays_in_statistics"],
        )

    @staticmethod
    def initial_from(form: ConsentForm) -> dict[str, Any]:
        return {
            "form_key": form.form_key,
            "language": form.language,
            "title": form.title,
            "body": form.body,
            "purposes": list(form.purposes),
            "retention_months": form.retention_months,
            "legal_basis": form.legal_basis,
            "withdrawal_effect": form.withdrawal_effect,
            "anonymised_data_stays_in_statistics": form.anonymised_data_stays_in_statistics,
        }

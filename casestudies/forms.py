"""Forms for families and their identity record."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casestudies.identity import Identity, Offender, Respondent
from casestudies.services import IdentityReason

RESPONDENT_SLOTS = 2
OFFENDER_SLOTS = 3
_PHONE = re.compile(r"^\+?[0-9 ()-]{6,20}$")
_HETU = re.compile(r"^(\d{2})(\d{2})(\d{2})([-+ABCDEFUVWXY])(\d{3})([0-9A-Y])$")
_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def finnish_identity_code_is_valid(code: str) -> bool:
    """Finnish henkilötunnus: date part, century sign, individual number and check character."""
    match = _HETU.match(code.upper())
    if not match:
        return False
    number = int(match.group(1) + match.group(2) + match.group(3) + match.group(5))
    return _HETU_CHECK[number % 31] == match.group(6)


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class IdentityForm(forms.Form):
    """The direct identifiers of a family, validated; they go only into the encrypted vault."""

    child_name = forms.CharField(label=_("Child's name"), max_length=200, required=False)
    child_date_of_birth = forms.DateField(
        label=_("Child's date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    police_case_numbers = forms.CharField(
        label=_("Police case numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    court_case_numbers = forms.CharField(
        label=_("Court case numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    notes = forms.CharField(
        label=_("Notes (identifying details only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for slot in range(1, RESPONDENT_SLOTS + 1):
            required = slot == 1
            self.fields[f"respondent{slot}_name"] = forms.CharField(
                label=_("Respondent %(number)s: name") % {"number": slot},
                max_length=200,
                required=required,
            )
            self.fields[f"respondent{slot}_relationship"] = forms.CharField(
                label=_("Respondent %(number)s: relationship to the child") % {"number": slot},
                max_length=100,
                required=False,
            )
            self.fields[f"respondent{slot}_phone"] = forms.CharField(
                label=_("Respondent %(number)s: phone") % {"number": slot},
                max_length=30,
                required=False,
            )
            self.fields[f"respondent{slot}_email"] = forms.EmailField(
                label=_("Respondent %(number)s: e-mail") % {"number": slot}, required=False
            )
            self.fields[f"respondent{slot}_address"] = forms.CharField(
                label=_("Respondent %(number)s: address") % {"number": slot},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"respondent{slot}_identity_code"] = forms.CharField(
                label=_("Respondent %(number)s: personal identity code") % {"number": slot},
                max_length=20,
                required=False,
            )
        for slot in range(1, OFFENDER_SLOTS + 1):
            self.fields[f"offender{slot}_name"] = forms.CharField(
                label=_("Offender %(number)s: name, if known") % {"number": slot},
                max_length=200,
                required=False,
            )
            self.fields[f"offender{slot}_usernames"] = forms.CharField(
                label=_("Offender %(number)s: usernames") % {"number": slot},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("One per line."),
            )

    def clean_child_date_of_birth(self) -> date | None:
        value: date | None = self.cleaned_data.get("child_date_of_birth")
        if value and value > timezone.localdate():
            raise ValidationError(_("The date of birth cannot be in the future."))
        if value and (timezone.localdate() - value).days > 366 * 18:
            raise ValidationError(_("The child must be under 18; check the year."))
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for slot in range(1, RESPONDENT_SLOTS + 1):
            phone = cleaned.get(f"respondent{slot}_phone", "")
            if phone and not _PHONE.match(phone):
                self.add_error(
                    f"respondent{slot}_phone",
                    _("Use digits, spaces and an optional + prefix, e.g. +358 40 123 4567."),
                )
            code = cleaned.get(f"respondent{slot}_identity_code", "").strip().upper()
            if code and _HETU.match(code) and not finnish_identity_code_is_valid(code):
                self.add_error(
                    f"respondent{slot}_identity_code",
                    _("The check character of this Finnish identity code is wrong. Check it."),
                )
        return cleaned

    def to_identity(self) -> Identity:
        data = self.cleaned_data
        respondents = [
            Respondent(
                name=data.get(f"respondent{slot}_name", "").strip(),
                relationship=data.get(f"respondent{slot}_relationship", "").strip(),
                phone=data.get(f"respondent{slot}_phone", "").strip(),
                email=data.get(f"respondent{slot}_email", "").strip(),
                address=data.get(f"respondent{slot}_address", "").strip(),
                personal_identity_code=data.get(f"respondent{slot}_identity_code", "")
                .strip()
                .upper(),
            )
            for slot in range(1, RESPONDENT_SLOTS + 1)
        ]
        offenders = [
            Offender(
                name=data.get(f"offender{slot}_name", "").strip(),
                usernames=_lines(data.get(f"offender{slot}_usernames", "")),
            )
            for slot in range(1, OFFENDER_SLOTS + 1)
        ]
        return Identity(
            respondents=[person for person in respondents if not person.is_empty()],
            child_name=data.get("child_name", "").strip(),
            child_date_of_birth=data.get("child_date_of_birth"),
            police_case_numbers=_lines(data.get("police_case_numbers", "")),
            court_case_numbers=_lines(data.get("court_case_numbers", "")),
            offenders=[offender for offender in offenders if not offender.is_empty()],
            notes=data.get("notes", "").strip(),
        )

    @staticmethod
    def initial_from(identity: Identity) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "child_name": identity.child_name,
            "child_date_of_birth": identity.child_date_of_birth,
            "police_case_numbers": "\n".join(identity.police_case_numbers),
            "court_case_numbers": "\n".join(identity.court_case_numbers),
            "notes": identity.notes,
        }
        for slot, person in enumerate(identity.respondents[:RESPONDENT_SLOTS], start=1):
            initial[f"respondent{slot}_name"] = person.name
            initial[f"respondent{slot}_relationship"] = person.relationship
            initial[f"respondent{slot}_phone"] = person.phone
            initial[f"respondent{slot}_email"] = person.email
            initial[f"respondent{slot}_address"] = person.address
            initial[f"respondent{slot}_identity_code"] = person.personal_identity_code
        for slot, offender in enumerate(identity.offenders[:OFFENDER_SLOTS], start=1):
            initial[f"offender{slot}_name"] = offender.name
            initial[f"offender{slot}_usernames"] = "\n".join(offender.usernames)
        return initial


REASON_CHOICES = [
    (IdentityReason.CONTACT, _("Contacting the family")),
    (IdentityReason.CONSENT, _("Consent administration")),
    (IdentityReason.SAFEGUARDING, _("Safeguarding")),
    (IdentityReason.DATA_SUBJECT_REQUEST, _("A data-subject request")),
]


class IdentityReasonForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why do you need to see who this family is?"),
        choices=REASON_CHOICES,
        widget=forms.RadioSelect,
    )
    reason_text = forms.CharField(
        label=_("Explain briefly"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded in the audit trail with your name. Do not write names here."),
    )


class IdentityEditForm(IdentityForm):
    reason_text = forms.CharField(
        label=_("What are you correcting, and why?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded in the audit trail. Do not write names here."),
    )

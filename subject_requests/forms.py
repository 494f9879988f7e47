"""Forms of the request register: register, update, extend, close, erase, access bundle."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from casestudies.models import Family
from subject_requests.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    RefusalGround,
    RequestStatus,
    RequestType,
)

NOTE_HELP = _("Do not write names, contact details or case numbers here.")


def _choices(values: tuple[RequestStatus, ...]) -> list[tuple[str, str]]:
    labels = dict(RequestStatus.choices)
    return [(str(value), str(labels[value])) for value in values]


class RequestRegisterForm(forms.Form):
    family_code = forms.CharField(
        label=_("Family code"),
        max_length=16,
        help_text=_("As the family or the centre gave it, e.g. HEL-7KQ2-M9XD."),
    )
    request_type = forms.ChoiceField(
        label=_("Type of request"), choices=RequestType.choices, widget=forms.RadioSelect
    )
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    handling_notes = forms.CharField(
        label=_("Handling notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=NOTE_HELP,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"received_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean_family_code(self) -> str:
        code = self.cleaned_data["family_code"].strip().upper()
        family = Family.objects.filter(code=code).first()
        if family is None:
            raise ValidationError(_("No family has this code. Check the code and try again."))
        self.family = family
        return code

    def clean_received_on(self) -> Any:
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise ValidationError(_("The date received cannot be in the future."))
        return received_on


class RequestUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=_choices(OPEN_STATUSES), widget=forms.RadioSelect
    )
    handling_notes = forms.CharField(
        label=_("Handling notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=NOTE_HELP,
    )


class RequestExtendForm(forms.Form):
    extended_to = forms.DateField(
        label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Reason for the extension"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=format_lazy(
            "{} {}", _("The family must be told the reason within the first month."), NOTE_HELP
        ),
    )


class RequestCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=_choices(CLOSED_STATUSES), widget=forms.RadioSelect
    )
    refusal_ground = forms.ChoiceField(
        label=_("Ground for refusing"),
        choices=[("", _("(not refused)")), *RefusalGround.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=format_lazy(
            "{} {}", _("Required when refusing: what the family is told."), NOTE_HELP
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == RequestStatus.REFUSED:
            if not data.get("refusal_ground"):
                self.add_error("refusal_ground", _("Choose the ground for the refusal."))
            if not str(data.get("note", "")).strip():
                self.add_error("note", _("Explain the refusal; the family must be told it."))
        return data


class RequestEraseForm(forms.Form):
    confirm_code = forms.CharField(
        label=_("Type the family code to confirm"),
        max_length=16,
        help_text=_("Erasure cannot be undone."),
    )

    def __init__(self, *args: Any, family_code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.family_code = family_code

    def clean_confirm_code(self) -> str:
        code = self.cleaned_data["confirm_code"].strip().upper()
        if code != self.family_code:
            raise ValidationError(_("The code does not match this request's family."))
        return code


class BundleForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you preparing the bundle?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=format_lazy("{} {}", _("Recorded in the audit trail with your name."), NOTE_HELP),
    )

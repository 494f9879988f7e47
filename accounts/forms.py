"""Forms of the account, two-factor and administration pages."""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import CENTRE_ROLES, Centre, Language, Role, User


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app, or a backup code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class TotpSetupForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code shown by your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ReauthenticateForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    code = forms.CharField(
        label=_("Code from your authenticator app, or a backup code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )


class AcceptInvitationForm(forms.Form):
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
        help_text=_(
            "At least 15 characters. A passphrase of several words is easy to remember and strong."
        ),
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user_candidate: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user_candidate = user_candidate

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ. Type the same one twice."))
        elif first:
            try:
                validate_password(first, user=self.user_candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


def _role_choices() -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in Role.choices]


class RoleCentreForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=_role_choices)
    centre = forms.ModelChoiceField(
        label=_("Centre"),
        queryset=Centre.objects.filter(is_active=True),
        required=False,
        help_text=_("Required for staff and lead; leave empty for other roles."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        role, centre = cleaned.get("role"), cleaned.get("centre")
        if role in CENTRE_ROLES and centre is None:
            self.add_error("centre", _("Choose the centre for a staff or lead membership."))
        if role and role not in CENTRE_ROLES and centre is not None:
            self.add_error("centre", _("Only staff and lead memberships belong to a centre."))
        return cleaned


class InvitationForm(RoleCentreForm):
    email = forms.EmailField(label=_("E-mail address"))
    display_name = forms.CharField(label=_("Name shown in the application"), max_length=150)
    preferred_language = forms.ChoiceField(label=_("Language"), choices=Language.choices)

    field_order = ("email", "display_name", "preferred_language", "role", "centre")


def _time_zone_choices() -> list[tuple[str, str]]:
    europe = sorted(
        zone for zone in available_timezones() if zone.startswith(("Europe/", "Atlantic/"))
    )
    return [(zone, zone) for zone in europe]


class CentreForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    country = forms.RegexField(
        label=_("Country"),
        regex=r"^[A-Za-z]{2}$",
        help_text=_("Two-letter ISO 3166 country code, e.g. FI, SE, IE."),
        error_messages={"invalid": _("Use the two-letter ISO code, e.g. FI.")},
    )
    short_code = forms.RegexField(
        label=_("Short code"),
        regex=r"^[A-Za-z]{3,4}$",
        help_text=_("Three or four letters; used as the prefix of family codes."),
        error_messages={"invalid": _("Use 3 or 4 letters, e.g. HEL.")},
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_time_zone_choices)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, editing: Centre | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing is not None:
            # The short code is part of every family code and cannot change.
            self.fields["short_code"].disabled = True
            self.fields["short_code"].required = False
        else:
            del self.fields["is_active"]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = Centre.objects.filter(name__iexact=name)
        if self.editing is not None:
            others = others.exclude(pk=self.editing.pk)
        if others.exists():
            raise ValidationError(_("A centre with this name already exists."))
        return name

    def clean_short_code(self) -> str:
        if self.editing is not None:
            return self.editing.short_code
        code = self.cleaned_data["short_code"].upper()
        if Centre.objects.filter(short_code=code).exists():
            raise ValidationError(_("This short code is taken. Choose another."))
        return code


__all__ = [
    "AcceptInvitationForm",
    "CentreForm",
    "CodeForm",
    "InvitationForm",
    "ReauthenticateForm",
    "RoleCentreForm",
    "TotpSetupForm",
    "password_validators_help_text_html",
]

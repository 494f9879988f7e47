"""Consent records and withdrawals (staff and leads), consent forms (admins manage)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import role_required
from accounts.models import Role, User
from accounts.services import ServiceError
from casestudies.access import with_family
from casestudies.models import Family
from consent.forms import (
    ChooseConsentFormForm,
    ConsentFormContentForm,
    ConsentRecordForm,
    WithdrawalForm,
)
from consent.models import ConsentForm, ConsentRecord, ConsentWithdrawal, FormStatus, Purpose
from consent.services import (
    consent_evidence_open,
    consent_form_create,
    consent_form_new_version,
    consent_form_publish,
    consent_form_retire,
    consent_form_update,
    consent_record,
    consent_withdraw,
)

CASE_ROLES = (Role.STAFF, Role.LEAD)
FORM_READERS = (Role.STAFF, Role.LEAD, Role.ADMIN)


def _consent_of(family: Family, pk: int) -> ConsentRecord:
    consent = (
        ConsentRecord.objects.select_related("form", "family").filter(family=family, pk=pk).first()
    )
    if consent is None:
        raise Http404
    return consent


def _witnesses(family: Family) -> object:
    return User.objects.filter(
        is_active=True,
        memberships__centre=family.centre,
        memberships__role__in=CASE_ROLES,
    ).distinct()


@role_required(*CASE_ROLES)
@with_family
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, family: Family) -> HttpResponse:
    chooser = ChooseConsentFormForm(request.GET if "form_version" in request.GET else None)
    if not chooser.is_bound or not chooser.is_valid():
        return render(request, "consent/choose_form.html", {"family": family, "chooser": chooser})
    consent_form: ConsentForm = chooser.cleaned_data["form_version"]
    form = ConsentRecordForm(
        request.POST or None,
        request.FILES or None,
        consent_form=consent_form,
        witnesses=_witnesses(family),  # type: ignore[arg-type]
    )
    if request.method == "POST" and form.is_valid():
        try:
            consent = consent_record(
                actor=request.user,  # type: ignore[arg-type]
                family=family,
                data=form.to_input(),
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The consent was recorded."))
            return redirect("consent_receipt", code=family.code, pk=consent.pk)
    return render(
        request,
        "consent/record.html",
        {"family": family, "form": form, "consent_form": consent_form},
    )


@role_required(*CASE_ROLES)
@with_family
@require_GET
def receipt(request: HttpRequest, family: Family, pk: int) -> HttpResponse:
    """A printable receipt for the family, in the language of the form they read."""
    consent = _consent_of(family, pk)
    labels = dict(Purpose.choices)
    with translation.override(consent.form.language):
        purposes = [
            (str(labels.get(code, code)), granted) for code, granted in consent.purposes.items()
        ]
        return render(
            request,
            "consent/receipt.html",
            {"family": family, "consent": consent, "purposes": purposes},
        )


@role_required(*CASE_ROLES)
@with_family
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, family: Family, pk: int) -> HttpResponse:
    consent = _consent_of(family, pk)
    form = WithdrawalForm(request.POST or None, consent=consent)
    if request.method == "POST" and form.is_valid():
        try:
            withdrawal = consent_withdraw(
                actor=request.user,  # type: ignore[arg-type]
                consent=consent,
                purposes=list(form.cleaned_data.get("purposes") or []),
                full=form.cleaned_data["scope"] == "full",
                withdrawn_on=form.cleaned_data["withdrawn_on"],
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The withdrawal took effect immediately."))
            return redirect(
                "withdrawal_receipt", code=family.code, pk=consent.pk, withdrawal=withdrawal.pk
            )
    return render(
        request, "consent/withdraw.html", {"family": family, "consent": consent, "form": form}
    )


@role_required(*CASE_ROLES)
@with_family
@require_GET
def withdrawal_receipt(
    request: HttpRequest, family: Family, pk: int, withdrawal: int
) -> HttpResponse:
    consent = _consent_of(family, pk)
    record_ = get_object_or_404(ConsentWithdrawal, consent=consent, pk=withdrawal)
    labels = dict(Purpose.choices)
    with translation.override(consent.form.language):
        purposes = [str(labels.get(code, code)) for code in record_.purposes]
        return render(
            request,
            "consent/withdrawal_receipt.html",
            {"family": family, "consent": consent, "withdrawal": record_, "purposes": purposes},
        )


@role_required(*CASE_ROLES)
@with_family
@never_cache
@require_GET
def evidence(request: HttpRequest, family: Family, pk: int) -> HttpResponse:
    consent = _consent_of(family, pk)
    try:
        content = consent_evidence_open(actor=request.user, consent=consent)  # type: ignore[arg-type]
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect("family_detail", code=family.code)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="consent-{family.code}-{consent.pk}.pdf"'
    )
    return response


# ---------------------------------------------------------------------------- consent forms


@role_required(*FORM_READERS)
@require_GET
def form_list(request: HttpRequest) -> HttpResponse:
    forms = ConsentForm.objects.all()
    return render(request, "consent/form_list.html", {"forms": forms})


@role_required(*FORM_READERS)
@require_GET
def form_detail(request: HttpRequest, pk: int) -> HttpResponse:
    consent_form = get_object_or_404(ConsentForm, pk=pk)
    return render(request, "consent/form_detail.html", {"consent_form": consent_form})


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def form_new(request: HttpRequest) -> HttpResponse:
    form = ConsentFormContentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = consent_form_create(
                actor=request.user,  # type: ignore[arg-type]
                form_key=form.cleaned_data["form_key"],
                language=form.cleaned_data["language"],
                content=form.content(),
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The draft was saved. Publish it when it is final."))
            return redirect("consent_form_detail", pk=created.pk)
    return render(request, "consent/form_edit.html", {"form": form, "consent_form": None})


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def form_edit(request: HttpRequest, pk: int) -> HttpResponse:
    consent_form = get_object_or_404(ConsentForm, pk=pk)
    if consent_form.status != FormStatus.DRAFT:
        messages.info(request, _("A published form cannot change. Make a new version instead."))
        return redirect("consent_form_detail", pk=consent_form.pk)
    form = ConsentFormContentForm(
        request.POST or None,
        initial=ConsentFormContentForm.initial_from(consent_form),
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            consent_form_update(actor=request.user, form=consent_form, content=form.content())  # type: ignore[arg-type]
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("consent_form_detail", pk=consent_form.pk)
    return render(request, "consent/form_edit.html", {"form": form, "consent_form": consent_form})


def _form_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    consent_form = get_object_or_404(ConsentForm, pk=pk)
    actor: User = request.user  # type: ignore[assignment]
    try:
        if action == "publish":
            consent_form_publish(actor=actor, form=consent_form)
            messages.success(request, _("The form was published. It can no longer change."))
        elif action == "retire":
            consent_form_retire(actor=actor, form=consent_form)
            messages.success(request, _("The form was retired. Consents given on it stay valid."))
        else:
            created = consent_form_new_version(actor=actor, form=consent_form)
            messages.success(request, _("A new draft version was made from this one."))
            return redirect("consent_form_edit", pk=created.pk)
    except ServiceError as error:
        messages.error(request, str(error))
    return redirect("consent_form_detail", pk=consent_form.pk)


@role_required(Role.ADMIN)
@require_POST
def form_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_action(request, pk, "publish")


@role_required(Role.ADMIN)
@require_POST
def form_retire(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_action(request, pk, "retire")


@role_required(Role.ADMIN)
@require_POST
def form_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_action(request, pk, "new_version")

"""Interview pages: list, create, detail (audited), edit with conflict handling, screening
findings, and the review workflow."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import role_required
from accounts.models import Role, User
from accounts.services import ServiceError
from casestudies.access import with_family
from casestudies.instrument import NARRATIVE_FIELDS, QUESTIONS, SECTIONS
from casestudies.interview_forms import InterviewForm, vocabulary_choices
from casestudies.interview_services import (
    EditConflict,
    FieldFinding,
    interview_confirm_findings,
    interview_create,
    interview_findings,
    interview_lock,
    interview_redact_finding,
    interview_submit,
    interview_unlock,
    interview_update,
    interview_viewed,
    interviews_listed,
)
from casestudies.models import Family, Interview, InterviewStatus, VocabularyTerm

CASE_ROLES = (Role.STAFF, Role.LEAD)
PAGE_SIZE = 25
SORTS = {
    "newest": ("-created_at",),
    "oldest": ("created_at",),
    "month": ("-interview_year", "-interview_month", "-created_at"),
    "status": ("status", "-created_at"),
}


def with_interview(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Resolve the interview code within the user's scope (404 outside it)."""

    @wraps(view)
    def wrapper(request: HttpRequest, code: str, *args: Any, **kwargs: Any) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        interview = (
            Interview.objects.visible_to(user)
            .select_related("family", "family__centre", "created_by", "locked_by")
            .filter(code=code)
            .first()
        )
        if interview is None:
            raise Http404
        return view(request, interview, *args, **kwargs)

    return wrapper


def _is_lead_of(user: User, family: Family) -> bool:
    return user.memberships.filter(centre=family.centre, role=Role.LEAD).exists()


# ---------------------------------------------------------------------------- list


@role_required(*CASE_ROLES)
@require_GET
def interview_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    interviews = Interview.objects.visible_to(user).select_related(
        "family", "family__centre", "created_by"
    )
    filters: dict[str, str] = {}
    status = request.GET.get("status", "")
    if status in InterviewStatus.values:
        interviews = interviews.filter(status=status)
        filters["status"] = status
    month = request.GET.get("month", "")
    if month:
        try:
            year_text, month_text = month.split("-")
            interviews = interviews.filter(
                interview_year=int(year_text), interview_month=int(month_text)
            )
            filters["month"] = month
        except ValueError:
            messages.error(request, _("Write the month as YYYY-MM, e.g. 2026-03."))
    interviewer = request.GET.get("interviewer", "")
    if interviewer.isdigit():
        interviews = interviews.filter(created_by_id=int(interviewer))
        filters["interviewer"] = interviewer
    violence = request.GET.get("violence", "")
    if violence:
        # A JSON list of codes: match the quoted code (works on PostgreSQL and SQLite).
        interviews = interviews.filter(violence_types__icontains=f'"{violence}"')
        filters["violence"] = violence
    sort = request.GET.get("sort", "newest")
    interviews = interviews.order_by(*SORTS.get(sort, SORTS["newest"]))
    page = Paginator(interviews, PAGE_SIZE).get_page(request.GET.get("page"))
    interviews_listed(actor=user, filters=filters, count=page.paginator.count)
    interviewers = User.objects.filter(
        memberships__centre__in=user.memberships.filter(role__in=CASE_ROLES).values("centre"),
        memberships__role__in=CASE_ROLES,
    ).distinct()
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "sort": sort,
        "sorts": list(SORTS),
        "statuses": InterviewStatus.choices,
        "interviewers": interviewers,
        "violence_choices": vocabulary_choices(country="").get("violence_type", []),
        "query": query.urlencode(),
    }
    return render(request, "casestudies/interview_list.html", context)


# ---------------------------------------------------------------------------- create and edit


def _progress(interview: Interview | None) -> tuple[int, int]:
    if interview is None:
        return 0, len(SECTIONS)
    answered = 0
    for section in SECTIONS:
        for question in section.questions:
            value = getattr(interview, question.field, None)
            if question.kind == "month":
                value = interview.interview_year
            if value not in (None, "", [], {}):
                answered += 1
                break
    return answered, len(SECTIONS)


@role_required(*CASE_ROLES)
@with_family
@require_http_methods(["GET", "POST"])
def interview_new(request: HttpRequest, family: Family) -> HttpResponse:
    form = InterviewForm(request.POST or None, country=family.country)
    if request.method == "POST" and form.is_valid():
        try:
            interview = interview_create(
                actor=request.user,  # type: ignore[arg-type]
                family=family,
                values=form.to_values(),
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("interview_detail", code=interview.code)
    return render(
        request,
        "casestudies/interview_form.html",
        {"form": form, "family": family, "interview": None, "progress": _progress(None)},
    )


@role_required(*CASE_ROLES)
@with_interview
@require_http_methods(["GET", "POST"])
def interview_edit(request: HttpRequest, interview: Interview) -> HttpResponse:
    family = interview.family
    if not interview.is_editable:
        if interview.status == InterviewStatus.LOCKED:
            text = _(
                "This interview is locked and cannot be edited. A lead can unlock it with a reason."
            )
        else:
            text = _(
                "This interview is waiting for review and cannot be edited. "
                "A lead can return it to draft with a reason."
            )
        messages.error(request, text)
        return redirect("interview_detail", code=interview.code)
    if request.method == "POST":
        form = InterviewForm(request.POST, country=family.country, interview=interview)
        if form.is_valid():
            expected = form.cleaned_data.get("revision") or 0
            try:
                interview = interview_update(
                    actor=request.user,  # type: ignore[arg-type]
                    interview=interview,
                    values=form.to_values(),
                    expected_revision=int(expected),
                )
            except EditConflict as conflict:
                return _conflict(request, form, conflict.current)
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The draft was saved."))
                if "save_and_continue" in request.POST:
                    return redirect("interview_edit", code=interview.code)
                return redirect("interview_detail", code=interview.code)
    else:
        form = InterviewForm(
            initial=InterviewForm.initial_from(interview),
            country=family.country,
            interview=interview,
        )
    return render(
        request,
        "casestudies/interview_form.html",
        {"form": form, "family": family, "interview": interview, "progress": _progress(interview)},
    )


def _conflict(request: HttpRequest, form: InterviewForm, current: Interview) -> HttpResponse:
    """Both versions side by side; the user's text stays in a form they can save again."""
    mine = form.to_values()
    rows = []
    for name, question in QUESTIONS.items():
        if question.kind == "month":
            theirs_value: Any = (current.interview_year, current.interview_month)
            mine_value: Any = (mine.get("interview_year"), mine.get("interview_month"))
        else:
            theirs_value, mine_value = getattr(current, name), mine.get(name)
        if theirs_value != mine_value:
            rows.append(
                {
                    "label": question.label,
                    "mine": _display(question.field, mine_value),
                    "theirs": _display(question.field, theirs_value),
                }
            )
    # The form keeps the user's input but now carries the saved revision, so saving again is a
    # deliberate overwrite after reading the other version.
    data = request.POST.copy()
    data["revision"] = str(current.revision)
    merged = InterviewForm(data, country=current.family.country, interview=current)
    merged.is_valid()
    return render(
        request,
        "casestudies/interview_conflict.html",
        {
            "interview": current,
            "family": current.family,
            "rows": rows,
            "form": merged,
            "editor": current.updated_by,
        },
        status=409,
    )


def _display(field: str, value: Any) -> str:
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, tuple):
        return f"{value[0]}-{value[1]:02d}" if value[0] and value[1] else "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {scores}" for key, scores in value.items())
    return str(value)


# ---------------------------------------------------------------------------- detail


def _highlight(text: str, findings: list[FieldFinding]) -> SafeString:
    """The narrative, HTML-escaped, with each finding in <mark> and numbered."""
    pieces: list[str] = []
    cursor = 0
    flagged = escape(_("flagged"))
    for number, item in enumerate(sorted(findings, key=lambda f: f.finding.start), start=1):
        start, end = item.finding.start, item.finding.end
        if start < cursor:
            continue
        pieces.append(escape(text[cursor:start]))
        css = "finding confirmed" if item.confirmed else "finding"
        pieces.append(
            f'<mark class="{css}" id="finding-{item.digest}-{start}">{escape(text[start:end])}'
            f'<span class="visually-hidden"> ({flagged} {number})</span></mark>'
        )
        cursor = end
    pieces.append(escape(text[cursor:]))
    return mark_safe("".join(pieces).replace("\n", "<br>"))  # every piece was escaped above


def _answers(interview: Interview) -> list[dict[str, Any]]:
    language = (get_language() or "en")[:2]
    labels: dict[tuple[str, str], str] = {
        (term.vocabulary, term.code): term.label(language, interview.family.country)
        for term in VocabularyTerm.objects.all()
    }
    sections = []
    for section in SECTIONS:
        rows = []
        for question in section.questions:
            if question.kind == "narrative":
                continue
            value = getattr(interview, question.field, None)
            if question.kind == "month":
                shown = (
                    f"{interview.interview_year}-{interview.interview_month:02d}"
                    if interview.interview_year and interview.interview_month
                    else ""
                )
            elif question.kind in {"multi", "ordered"}:
                shown = ", ".join(
                    labels.get((question.vocabulary, code), code) for code in value or []
                )
            elif question.kind == "single":
                shown = labels.get((question.vocabulary, value), value) if value else ""
            elif question.kind == "bool":
                shown = "" if value is None else (_("Yes") if value else _("No"))
            elif question.kind == "ratings":
                shown = "; ".join(
                    f"{labels.get(('agency', agency), agency)}: "
                    + ", ".join(
                        f"{labels.get(('rating_dimension', dim), dim)} {score}"
                        for dim, score in scores.items()
                    )
                    for agency, scores in (value or {}).items()
                )
            else:
                shown = "" if value is None else str(value)
            rows.append({"label": question.label, "value": shown})
        sections.append({"section": section, "rows": rows})
    return sections


@role_required(*CASE_ROLES)
@with_interview
@require_GET
def interview_detail(request: HttpRequest, interview: Interview) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    interview_viewed(actor=user, interview=interview)
    findings = interview_findings(interview)
    narratives = []
    for field in NARRATIVE_FIELDS:
        text = getattr(interview, field)
        if not text:
            continue
        field_findings = [item for item in findings if item.field == field]
        narratives.append(
            {
                "label": QUESTIONS[field].label,
                "html": _highlight(text, field_findings),
                "findings": field_findings,
            }
        )
    context = {
        "interview": interview,
        "family": interview.family,
        "sections": _answers(interview),
        "narratives": narratives,
        "open_findings": [item for item in findings if not item.confirmed],
        "is_lead": _is_lead_of(user, interview.family),
        "is_contributor": user.pk in interview.contributors,
        "progress": _progress(interview),
    }
    return render(request, "casestudies/interview_detail.html", context)


# ---------------------------------------------------------------------------- actions


def _run(
    request: HttpRequest, interview: Interview, action: Callable[[], Any], done: str
) -> HttpResponse:
    try:
        action()
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("interview_detail", code=interview.code)


@role_required(*CASE_ROLES)
@with_interview
@require_POST
def interview_confirm(request: HttpRequest, interview: Interview) -> HttpResponse:
    digests = request.POST.getlist("finding")
    return _run(
        request,
        interview,
        lambda: interview_confirm_findings(
            actor=request.user,  # type: ignore[arg-type]
            interview=interview,
            digests=digests,
        ),
        _("The passages were marked as not personal data."),
    )


@role_required(*CASE_ROLES)
@with_interview
@require_POST
def interview_redact(request: HttpRequest, interview: Interview) -> HttpResponse:
    digest = request.POST.get("finding", "")
    return _run(
        request,
        interview,
        lambda: interview_redact_finding(
            actor=request.user,  # type: ignore[arg-type]
            interview=interview,
            digest=digest,
        ),
        _("The passage was replaced with a neutral marker."),
    )


@role_required(*CASE_ROLES)
@with_interview
@require_POST
def interview_submit_view(request: HttpRequest, interview: Interview) -> HttpResponse:
    return _run(
        request,
        interview,
        lambda: interview_submit(actor=request.user, interview=interview),  # type: ignore[arg-type]
        _("The interview was submitted for review by a lead."),
    )


@role_required(Role.LEAD)
@with_interview
@require_POST
def interview_lock_view(request: HttpRequest, interview: Interview) -> HttpResponse:
    return _run(
        request,
        interview,
        lambda: interview_lock(actor=request.user, interview=interview),  # type: ignore[arg-type]
        _("The interview was reviewed and locked."),
    )


@role_required(Role.LEAD)
@with_interview
@require_http_methods(["GET", "POST"])
def interview_unlock_view(request: HttpRequest, interview: Interview) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            interview_unlock(
                actor=request.user,  # type: ignore[arg-type]
                interview=interview,
                reason=request.POST.get("reason", ""),
            )
        except ServiceError as problem:
            error = str(problem)
        else:
            messages.success(request, _("The interview was unlocked and is a draft again."))
            return redirect("interview_detail", code=interview.code)
    return render(
        request,
        "casestudies/interview_unlock.html",
        {"interview": interview, "family": interview.family, "error": error},
    )


@role_required(Role.LEAD)
@with_interview
@require_GET
def interview_history(request: HttpRequest, interview: Interview) -> HttpResponse:
    """Each change with who, when and a field-by-field diff (narratives as text diffs)."""
    from audit.models import AuditAction
    from audit.services import audit_record

    audit_record(
        actor=request.user,
        action=AuditAction.INTERVIEW_HISTORY_VIEWED,
        target=interview,
        target_id=interview.code,
    )
    records = list(
        interview.history.select_related("history_user").order_by("history_date", "history_id")
    )
    changes = []
    previous = None
    for record in records:
        entries: list[dict[str, Any]] = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in {"revision", "updated_at", "confirmed_findings"}:
                    continue
                label = QUESTIONS[change.field].label if change.field in QUESTIONS else change.field
                if change.field in NARRATIVE_FIELDS:
                    diff = list(
                        difflib.unified_diff(
                            (change.old or "").splitlines(),
                            (change.new or "").splitlines(),
                            lineterm="",
                            n=1,
                        )
                    )[2:]
                    entries.append({"label": label, "diff": diff})
                else:
                    entries.append(
                        {
                            "label": label,
                            "old": _display(change.field, change.old),
                            "new": _display(change.field, change.new),
                        }
                    )
        changes.append({"record": record, "entries": entries, "first": previous is None})
        previous = record
    changes.reverse()
    return render(
        request,
        "casestudies/interview_history.html",
        {"interview": interview, "family": interview.family, "changes": changes},
    )

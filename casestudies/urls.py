from __future__ import annotations

from django.urls import path

from casestudies import interview_views, views
from consent import views as consent_views

urlpatterns = [
    path("families/", views.family_list, name="family_list"),
    path("families/new/", views.family_new, name="family_new"),
    path("families/<str:code>/", views.family_detail, name="family_detail"),
    path("families/<str:code>/identity/", views.identity_view, name="identity_view"),
    path("families/<str:code>/identity/edit/", views.identity_edit, name="identity_edit"),
    path("families/<str:code>/consents/new/", consent_views.record, name="consent_record"),
    path(
        "families/<str:code>/consents/<int:pk>/receipt/",
        consent_views.receipt,
        name="consent_receipt",
    ),
    path(
        "families/<str:code>/consents/<int:pk>/withdraw/",
        consent_views.withdraw,
        name="consent_withdraw",
    ),
    path(
        "families/<str:code>/consents/<int:pk>/withdrawals/<int:withdrawal>/receipt/",
        consent_views.withdrawal_receipt,
        name="withdrawal_receipt",
    ),
    path(
        "families/<str:code>/consents/<int:pk>/evidence/",
        consent_views.evidence,
        name="consent_evidence",
    ),
]

urlpatterns += [
    path(
        "families/<str:code>/interviews/new/", interview_views.interview_new, name="interview_new"
    ),
    path("interviews/", interview_views.interview_list, name="interview_list"),
    path("interviews/<str:code>/", interview_views.interview_detail, name="interview_detail"),
    path("interviews/<str:code>/edit/", interview_views.interview_edit, name="interview_edit"),
    path(
        "interviews/<str:code>/findings/confirm/",
        interview_views.interview_confirm,
        name="interview_confirm_findings",
    ),
    path(
        "interviews/<str:code>/findings/redact/",
        interview_views.interview_redact,
        name="interview_redact_finding",
    ),
    path(
        "interviews/<str:code>/submit/",
        interview_views.interview_submit_view,
        name="interview_submit",
    ),
    path("interviews/<str:code>/lock/", interview_views.interview_lock_view, name="interview_lock"),
    path(
        "interviews/<str:code>/unlock/",
        interview_views.interview_unlock_view,
        name="interview_unlock",
    ),
    path(
        "interviews/<str:code>/history/",
        interview_views.interview_history,
        name="interview_history",
    ),
]

from __future__ import annotations

from django.urls import path

from casestudies import views
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

from __future__ import annotations

from django.urls import path

from consent import views

urlpatterns = [
    path("consent-forms/", views.form_list, name="consent_form_list"),
    path("consent-forms/new/", views.form_new, name="consent_form_new"),
    path("consent-forms/<int:pk>/", views.form_detail, name="consent_form_detail"),
    path("consent-forms/<int:pk>/edit/", views.form_edit, name="consent_form_edit"),
    path("consent-forms/<int:pk>/publish/", views.form_publish, name="consent_form_publish"),
    path("consent-forms/<int:pk>/retire/", views.form_retire, name="consent_form_retire"),
    path(
        "consent-forms/<int:pk>/new-version/",
        views.form_new_version,
        name="consent_form_new_version",
    ),
]

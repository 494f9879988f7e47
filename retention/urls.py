from __future__ import annotations

from django.urls import path

from retention import views

urlpatterns = [
    path("dpo/retention/", views.overview, name="retention_overview"),
    path("dpo/retention/hold/", views.hold, name="retention_hold"),
    path("dpo/retention/release/", views.release, name="retention_release"),
]

from __future__ import annotations

from django.urls import path

from dpo import trail_views

urlpatterns = [
    path("dpo/", trail_views.overview, name="dpo_overview"),
    path("dpo/verification/", trail_views.verification, name="dpo_verification"),
    path("dpo/checkpoints/", trail_views.checkpoints, name="dpo_checkpoints"),
    path(
        "dpo/checkpoints/<int:pk>/download/",
        trail_views.checkpoint_download,
        name="dpo_checkpoint_download",
    ),
    path("dpo/trail/", trail_views.trail, name="dpo_trail"),
    path("dpo/trail/export/", trail_views.trail_export, name="dpo_trail_export"),
    path("dpo/trail/family/<str:code>/", trail_views.family_trail, name="dpo_family_trail"),
    path("dpo/trail/user/<int:pk>/", trail_views.user_trail, name="dpo_user_trail"),
    path("dpo/identity-openings/", trail_views.openings_report, name="dpo_openings_report"),
]

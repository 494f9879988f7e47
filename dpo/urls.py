from __future__ import annotations

from django.urls import path

from dpo import views

urlpatterns = [
    # Records of processing (GDPR Art. 30)
    path("dpo/processing/", views.processing, name="dpo_processing"),
    path("dpo/processing/download/", views.processing_download, name="dpo_processing_download"),
]

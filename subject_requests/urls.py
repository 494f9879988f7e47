from __future__ import annotations

from django.urls import path

from subject_requests import views

urlpatterns = [
    path("dpo/requests/", views.request_list, name="subject_request_list"),
    path("dpo/requests/new/", views.request_new, name="subject_request_new"),
    path("dpo/requests/<int:pk>/", views.request_detail, name="subject_request_detail"),
    path(
        "dpo/requests/<int:pk>/update/",
        views.request_update_view,
        name="subject_request_update",
    ),
    path(
        "dpo/requests/<int:pk>/extend/",
        views.request_extend_view,
        name="subject_request_extend",
    ),
    path("dpo/requests/<int:pk>/close/", views.request_close_view, name="subject_request_close"),
    path("dpo/requests/<int:pk>/erase/", views.request_erase_view, name="subject_request_erase"),
    path(
        "dpo/requests/<int:pk>/bundle/",
        views.request_bundle_view,
        name="subject_request_bundle",
    ),
]

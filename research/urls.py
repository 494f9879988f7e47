from __future__ import annotations

from django.urls import path

from research import views

urlpatterns = [
    path("research/", views.project_list, name="research_projects"),
    path("research/<int:pk>/", views.dashboard, name="research_dashboard"),
    path("research/<int:pk>/records/", views.records, name="research_records"),
    path("research/<int:pk>/exports/", views.exports, name="research_exports"),
    path(
        "research/<int:pk>/exports/<uuid:export_id>/download/",
        views.export_download,
        name="research_export_download",
    ),
    path("dpo/research-exports/", views.dpo_exports, name="research_dpo_exports"),
    path("admin/research/", views.admin_projects, name="research_admin_projects"),
    path("admin/research/new/", views.admin_project_new, name="research_admin_project_new"),
    path("admin/research/<int:pk>/", views.admin_project_edit, name="research_admin_project_edit"),
    path(
        "admin/research/<int:pk>/members/add/",
        views.admin_member_add,
        name="research_admin_member_add",
    ),
    path(
        "admin/research/<int:pk>/members/<int:user_pk>/remove/",
        views.admin_member_remove,
        name="research_admin_member_remove",
    ),
]

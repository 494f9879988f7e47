from __future__ import annotations

from django.urls import path

from accounts import admin_views, views

urlpatterns = [
    path("account/two-factor/login/", views.two_factor_login, name="two_factor_login"),
    path("account/two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("account/two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("account/security/", views.security, name="account_security"),
    path(
        "account/security/backup-codes/",
        views.regenerate_backup_codes,
        name="regenerate_backup_codes",
    ),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("admin/users/", admin_views.user_list, name="admin_users"),
    path("admin/users/invite/", admin_views.invite, name="admin_invite"),
    path("admin/users/<int:pk>/", admin_views.user_detail, name="admin_user_detail"),
    path(
        "admin/users/<int:pk>/deactivate/",
        admin_views.deactivate_user,
        name="admin_user_deactivate",
    ),
    path(
        "admin/users/<int:pk>/reactivate/",
        admin_views.reactivate_user,
        name="admin_user_reactivate",
    ),
    path(
        "admin/users/<int:pk>/reset-second-factor/",
        admin_views.reset_devices,
        name="admin_user_reset_devices",
    ),
    path(
        "admin/memberships/<int:pk>/revoke/",
        admin_views.revoke_membership,
        name="admin_membership_revoke",
    ),
    path(
        "admin/invitations/<int:pk>/revoke/",
        admin_views.revoke_invitation,
        name="admin_invitation_revoke",
    ),
    path("admin/centres/", admin_views.centre_list, name="admin_centres"),
    path("admin/centres/new/", admin_views.centre_new, name="admin_centre_new"),
    path("admin/centres/<int:pk>/", admin_views.centre_edit, name="admin_centre_edit"),
]

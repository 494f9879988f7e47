from __future__ import annotations

from django.urls import URLPattern, path

from alerts import views

urlpatterns: list[URLPattern] = [
    path("dpo/alerts/", views.alert_list, name="alerts_list"),
    # The alert's id travels in the form, as on the retention page.
    path("dpo/alerts/acknowledge/", views.alert_acknowledge_view, name="alerts_acknowledge"),
]

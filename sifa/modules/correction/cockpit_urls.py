"""矫正驾驶舱 routes (namespace ``correction``, mounted at /correction/)."""

from __future__ import annotations

from django.urls import path

from sifa.modules.correction import cockpit_views as views

urlpatterns = [
    path("cockpit/", views.home, name="cockpit"),
    path("cockpit/org/<int:pk>/", views.org_page, name="cockpit_org"),
    path("cockpit/org/<int:pk>/export.xlsx", views.export, name="cockpit_export"),
]

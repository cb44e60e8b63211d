"""执法监督驾驶舱 routes (namespace ``enforcement``, mounted at /enforcement/)."""

from __future__ import annotations

from django.urls import path

from sifa.modules.enforcement import dashboard_views as views

urlpatterns = [
    path("dashboard/", views.home, name="dashboard"),
    path("dashboard/org/<int:pk>/", views.org_page, name="dashboard_org"),
    path("dashboard/org/<int:pk>/export.xlsx", views.export, name="dashboard_export"),
]

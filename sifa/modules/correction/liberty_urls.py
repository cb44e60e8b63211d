"""URL patterns of 被依法限制人身自由 (CC-22); composed in urls.py."""

from __future__ import annotations

from typing import Any

from django.urls import path

from sifa.modules.correction import liberty_views as views

urlpatterns: list[Any] = [
    path("liberty/cases/<int:pk>/new/", views.liberty_create, name="liberty_create"),
    path("liberty/<int:pk>/", views.liberty_detail, name="liberty_detail"),
    path("liberty/<int:pk>/end/", views.liberty_end, name="liberty_end"),
]

"""URL patterns of the monthly evaluation (included by movement_urls.py)."""

from __future__ import annotations

from typing import Any

from django.urls import path

from sifa.modules.correction import evaluation_views as views

urlpatterns: list[Any] = [
    path("movement/evaluations/", views.evaluation_list, name="evaluation_list"),
    path("movement/evaluations/export.xlsx", views.evaluation_export, name="evaluation_export"),
    path("movement/evaluations/compute/", views.evaluation_compute, name="evaluation_compute"),
    path("movement/evaluations/cases/<int:pk>/", views.evaluation_case, name="evaluation_case"),
]

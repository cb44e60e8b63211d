"""URL patterns of the lifecycle part (subject list, intake, subject page, 调查评估); composed in urls.py."""

from __future__ import annotations

from typing import Any

from django.urls import path

from sifa.modules.correction import views

urlpatterns: list[Any] = [
    path("", views.subject_list, name="subject_list"),
    path("export.xlsx", views.subject_export, name="subject_export"),
    path("new/", views.intake, name="intake"),
    path("<int:case_id>/", views.subject_detail, name="subject_detail"),
    path("<int:case_id>/minor-access/", views.minor_access, name="minor_access"),
    path("<int:case_id>/step/", views.subject_step, name="subject_step"),
    path("assessments/", views.assessment_list, name="assessment_list"),
    path("assessments/new/", views.assessment_open, name="assessment_open"),
    path("assessments/<int:case_id>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:case_id>/step/", views.assessment_step, name="assessment_step"),
]

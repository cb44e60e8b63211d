"""URL patterns of the field-report part (富春微矫正); composed in urls.py (namespace ``correction``)."""

from __future__ import annotations

from django.urls import path

from sifa.modules.correction import report_views as views

urlpatterns = [
    path("reports/new/", views.report_new, name="field_report_new"),
    path("reports/", views.report_list, name="field_report_list"),
    path("reports/export.xlsx", views.report_export, name="field_report_export"),
    path("reports/<int:pk>/", views.report_detail, name="field_report_detail"),
    path("reports/<int:pk>/reviewed/", views.report_reviewed, name="field_report_reviewed"),
    path("suggestions/", views.suggestion_queue, name="suggestion_queue"),
    path("suggestions/<int:pk>/decide/", views.suggestion_decide, name="suggestion_decide"),
    path("report-rules/", views.rule_list, name="keyword_rule_list"),
    path("report-rules/new/", views.rule_create, name="keyword_rule_create"),
    path("report-rules/<int:pk>/edit/", views.rule_edit, name="keyword_rule_edit"),
    path("report-rules/<int:pk>/deactivate/", views.rule_deactivate, name="keyword_rule_deactivate"),
]

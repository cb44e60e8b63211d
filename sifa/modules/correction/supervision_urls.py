"""URL patterns of the supervision part (矫正小组、管理等级、矫正方案、监管任务); composed in urls.py."""

from __future__ import annotations

from typing import Any

from django.urls import path

from sifa.modules.correction import supervision_views as views

urlpatterns: list[Any] = [
    path("supervision/tasks/", views.my_tasks, name="supervision_tasks"),
    path("supervision/tasks/export/", views.tasks_export, name="supervision_tasks_export"),
    path("supervision/tasks/<int:pk>/complete/", views.task_complete, name="task_complete"),
    path("supervision/rules/", views.rule_list, name="plan_rule_list"),
    path("supervision/rules/new/", views.rule_create, name="plan_rule_create"),
    path("supervision/rules/<int:pk>/", views.rule_edit, name="plan_rule_edit"),
    path("supervision/rules/<int:pk>/deactivate/", views.rule_deactivate, name="plan_rule_deactivate"),
    path("supervision/plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("supervision/plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("supervision/plans/<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("supervision/members/<int:pk>/remove/", views.team_remove, name="team_remove"),
    path("supervision/<int:pk>/", views.supervision_case, name="supervision_case"),
    path("supervision/<int:pk>/team/", views.team_add, name="team_add"),
    path("supervision/<int:pk>/level/", views.level_assess, name="level_assess"),
    path("supervision/<int:pk>/attributes/", views.attributes_edit, name="attributes_edit"),
    path("supervision/<int:pk>/plans/", views.plan_new, name="plan_new"),
]

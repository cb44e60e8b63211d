"""URL patterns of the movement part (外出/迁居, 执行地变更, 电子定位) and of the monthly evaluation;
composed in urls.py."""

from __future__ import annotations

from typing import Any

from django.urls import path

from sifa.modules.correction import evaluation_urls
from sifa.modules.correction import movement_views as views

urlpatterns: list[Any] = [
    path("movement/", views.movement_home, name="movement_home"),
    path("movement/cases/<int:pk>/leave/", views.leave_create, name="leave_create"),
    path("movement/cases/<int:pk>/transfer/", views.transfer_create, name="transfer_create"),
    path("movement/cases/<int:pk>/monitoring/", views.monitoring_create, name="monitoring_create"),
    path("movement/leaves/<int:pk>/", views.leave_detail, name="leave_detail"),
    path("movement/leaves/<int:pk>/decide/", views.leave_decide, name="leave_decide"),
    path("movement/leaves/<int:pk>/return/", views.leave_checkin, name="leave_checkin"),
    path("movement/transfers/<int:pk>/", views.transfer_detail, name="transfer_detail"),
    path("movement/transfers/<int:pk>/reply/", views.transfer_reply, name="transfer_reply"),
    path("movement/transfers/<int:pk>/complete/", views.transfer_complete, name="transfer_complete"),
    path("movement/monitoring/<int:pk>/", views.monitoring_detail, name="monitoring_detail"),
    path("movement/monitoring/<int:pk>/decide/", views.monitoring_decide, name="monitoring_decide"),
    path("movement/monitoring/<int:pk>/extend/", views.monitoring_extend, name="monitoring_extend"),
    path("movement/monitoring/<int:pk>/remove/", views.monitoring_remove, name="monitoring_remove"),
    *evaluation_urls.urlpatterns,
]

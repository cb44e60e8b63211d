"""Registrations of the daily work log (工作日志), called once from ``JudicialOfficeConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_catalogue(sender: AppConfig, **kwargs: Any) -> None:
    from sifa.modules.judicial_office.catalogue import sync_default_catalogue

    sync_default_catalogue()


def register(app: AppConfig) -> None:
    from sifa.core import registry
    from sifa.core.registry import MenuEntry
    from sifa.modules.judicial_office import alerts, services, sources  # noqa: F401  (services registers itself)
    from sifa.modules.judicial_office.api import router
    from sifa.modules.judicial_office.demo import generate_work_logs
    from sifa.modules.judicial_office.jobs import AUTO_PULL

    for name, label, personal in [
        ("judicial_office.worklog.saved", "保存工作日志", False),
        ("judicial_office.photo.uploaded", "上传工作日志照片", False),
        ("judicial_office.correction.requested", "申请更正工作日志", False),
        ("judicial_office.correction.decided", "审批工作日志更正申请", False),
        ("judicial_office.auto_items.pulled", "自动汇入工作事项", False),
        ("judicial_office.catalogue_item.saved", "维护工作事项目录", False),
        ("judicial_office.worklogs.exported", "导出工作日志", True),
    ]:
        registry.register_audit_action(name, label, personal_data=personal)
    registry.menu.register("worklog", MenuEntry("worklog", "工作日志", "judicial_office:today", icon="notebook",
                                                permission="judicial_office.worklog.write", order=20, group="数字司法所"))
    registry.menu.register("worklog_list", MenuEntry("worklog_list", "辖区工作日志", "judicial_office:log_list",
                                                     icon="list-check", permission="judicial_office.worklog.view",
                                                     order=21, group="数字司法所"))
    registry.api_routers.register("/office/worklogs", router)
    registry.periodic_jobs.register(AUTO_PULL.name, AUTO_PULL)
    registry.demo_generators.register("judicial_office.worklogs", generate_work_logs)
    alerts.register()
    sources.register()
    # The default catalogue is synced after the migrate that creates its table (a data sync, like the roles).
    post_migrate.connect(_sync_catalogue, sender=app, dispatch_uid="judicial_office.sync_catalogue")

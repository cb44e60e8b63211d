"""Registrations of the 执法监督驾驶舱 and the AP-40 liability alerts, called from ``EnforcementConfig.ready()``.

Permission ``enforcement.dashboard.view`` (leader, bureau_staff, enforcement_officer); the audited Excel
export; the menu entry "执法监督驾驶舱" (group 行政执法); the API ``/api/v1/enforcement/dashboard``; the alert
rules of ``liability`` (they need ``enforcement.cases.view``).
"""

from __future__ import annotations


def register() -> None:
    from sifa.core import registry
    from sifa.core.registry import MenuEntry
    from sifa.modules.enforcement import dashboard_services, liability
    from sifa.modules.enforcement.dashboard import PERMISSION
    from sifa.modules.enforcement.dashboard_api import router

    registry.register_permission(PERMISSION, "查看执法监督驾驶舱（本机构及下级的执法统计）")
    registry.register_audit_action(dashboard_services.EXPORT_ACTION, "导出执法监督驾驶舱统计表")
    for rule in liability.RULES:
        registry.alert_rules.register(rule.code, rule)
    registry.menu.register("enforcement_dashboard", MenuEntry(
        "enforcement_dashboard", "执法监督驾驶舱", "enforcement:dashboard", icon="dashboard", permission=PERMISSION,
        order=59, group="行政执法"))
    registry.api_routers.register("/enforcement/dashboard", router)

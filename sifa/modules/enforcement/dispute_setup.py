"""Registrations of 行政争议, called from ``EnforcementConfig.ready()``: audit actions, the alert rule
``enforcement.court_window_closing`` (AP-37), the law citer of open penalty cases, the 行政争议 case
panel, the 非诉执行监督 menu entry and the API operations. Permissions are the 行政处罚 ones
(``enforcement.cases.view`` / ``enforcement.cases.handle``).
"""

from __future__ import annotations


def register() -> None:
    from sifa.core import registry
    from sifa.core.laws.citations import citers
    from sifa.core.registry import CasePanel, MenuEntry
    from sifa.modules.enforcement import dispute, dispute_api, dispute_services
    from sifa.modules.enforcement.dispute_views import panel_context
    from sifa.modules.enforcement.penalty_api import router as cases_router

    for name, label, personal in dispute_services.AUDIT_ACTIONS:
        registry.register_audit_action(name, label, personal_data=personal)
    registry.alert_rules.register(dispute.COURT_WINDOW_CLOSING.code, dispute.COURT_WINDOW_CLOSING)
    citers.register(dispute.CASE_CITER.key, dispute.CASE_CITER)
    registry.case_panels.register("enforcement_dispute", CasePanel(
        key="enforcement_dispute", label="行政争议", template="enforcement/dispute/_panel.html",
        context=panel_context, column="side", order=4, permission="enforcement.cases.view"))
    registry.menu.register("enforcement_nonlitigation", MenuEntry(
        "enforcement_nonlitigation", "非诉执行监督", "enforcement:nonlitigation", icon="gavel",
        permission="enforcement.cases.view", order=64, group="行政执法"))
    dispute_api.attach(cases_router)
    registry.api_routers.register("/enforcement/nonlitigation", dispute_api.nonlitigation_router)

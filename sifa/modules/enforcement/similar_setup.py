"""Registrations of 类案检索, 裁量 warnings, 败诉风险 and 复议/诉讼 outcomes, called from ``EnforcementConfig.ready()``.

Permissions are the 行政处罚 ones: ``enforcement.cases.view`` (see similar cases, risks, outcomes,
imported decisions), ``enforcement.cases.handle`` (answer a 裁量 warning, record an outcome),
``enforcement.manage`` (import decisions). Also: audit actions, the alert rule ENF-REVIEW-LOSS, the case
panel, the menu entry, the API operations and the demo generator.
"""

from __future__ import annotations


def register() -> None:
    from sifa.core import registry
    from sifa.core.registry import CasePanel, MenuEntry
    from sifa.modules.enforcement import outcome_api, outcome_services, similar_api, similar_services
    from sifa.modules.enforcement.penalty_api import router as cases_router
    from sifa.modules.enforcement.similar_demo import generate_similar
    from sifa.modules.enforcement.similar_views import panel_context

    for name, label, personal in (*similar_services.AUDIT_ACTIONS, *outcome_services.AUDIT_ACTIONS):
        registry.register_audit_action(name, label, personal_data=personal)
    registry.alert_rules.register(outcome_services.REVIEW_LOSS.code, outcome_services.REVIEW_LOSS)
    registry.case_panels.register("enforcement_similar", CasePanel(
        key="enforcement_similar", label="类案与败诉风险", template="enforcement/similar/_panel.html",
        context=panel_context, column="side", order=20, permission="enforcement.cases.view"))
    registry.menu.register("enforcement_decisions", MenuEntry(
        "enforcement_decisions", "类案库（导入的处罚决定）", "enforcement:decision_list", icon="gavel",
        permission="enforcement.cases.view", order=65, group="行政执法"))
    similar_api.attach(cases_router)
    outcome_api.attach(cases_router)
    registry.api_routers.register("/enforcement/decisions", similar_api.decisions_router)
    registry.api_routers.register("/enforcement/outcomes", outcome_api.outcomes_router)
    registry.demo_generators.register("enforcement_similar", generate_similar)

"""Registrations of the 行政处罚 case part, called once from ``EnforcementConfig.ready()``.

Permissions (added to roles in ``sifa/core/accounts/data/roles.json``): ``enforcement.cases.view``
(officers, legal reviewers, leaders and the county 司法局 for supervision), ``enforcement.cases.handle``
(行政执法人员), ``enforcement.cases.review`` (法制审核人员, AP-22). Also: audit actions, the case type
and workflow, the menu entry, the API router (``/enforcement/cases``), the document types and the
demo generator.
"""

from __future__ import annotations


def register() -> None:
    from sifa.core import registry
    from sifa.core.registry import MenuEntry
    from sifa.modules.enforcement import penalty_services
    from sifa.modules.enforcement.penalty_api import router
    from sifa.modules.enforcement.penalty_demo import generate_penalty_cases
    from sifa.modules.enforcement.penalty_documents import register_documents
    from sifa.modules.enforcement.penalty_workflow import PENALTY, PENALTY_CASE

    registry.register_permission("enforcement.cases.view", "查看行政处罚案件")
    registry.register_permission("enforcement.cases.handle", "办理行政处罚案件")
    registry.register_permission("enforcement.cases.review", "行政处罚法制审核")
    for name, label, personal in penalty_services.AUDIT_ACTIONS:
        registry.register_audit_action(name, label, personal_data=personal)
    registry.case_types.register(PENALTY, PENALTY_CASE)
    registry.menu.register("enforcement_penalty_cases", MenuEntry(
        "enforcement_penalty_cases", "行政处罚案件", "enforcement:penalty_list", icon="gavel",
        permission="enforcement.cases.view", order=63, group="行政执法"))
    registry.api_routers.register("/enforcement/cases", router)
    registry.demo_generators.register("enforcement_penalty", generate_penalty_cases)
    register_documents()

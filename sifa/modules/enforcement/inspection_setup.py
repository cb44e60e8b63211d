"""Registrations of 双随机一公开 (inspection plans), called once from ``EnforcementConfig.ready()``.

Permission ``enforcement.inspections.manage`` (the body's own staff plan: 局业务人员 and 行政执法人员; added to
roles in ``sifa/core/accounts/data/roles.json``); ``enforcement.view`` holders see plans. Also: audit
actions, the menu entries, the API routers (``/enforcement/inspections`` and the public
``/public/enforcement/inspections``) and the demo generator (key ``enforcement_inspection``: runs after
``enforcement`` and ``enforcement_penalty``, generators run in key order).
"""

from __future__ import annotations


def register() -> None:
    from sifa.core import registry
    from sifa.core.registry import MenuEntry
    from sifa.modules.enforcement import inspection_services
    from sifa.modules.enforcement.inspection_api import public_router, router
    from sifa.modules.enforcement.inspection_demo import generate_inspections

    registry.register_permission("enforcement.inspections.manage", "管理双随机抽查计划、监管对象与检查结果")
    for name, label, personal in inspection_services.AUDIT_ACTIONS:
        registry.register_audit_action(name, label, personal_data=personal)
    registry.menu.register("enforcement_inspections", MenuEntry(
        "enforcement_inspections", "双随机抽查", "enforcement:inspection_plan_list", icon="gavel",
        permission="enforcement.view", order=64, group="行政执法"))
    registry.api_routers.register("/enforcement/inspections", router)
    registry.api_routers.register("/public/enforcement/inspections", public_router)
    registry.demo_generators.register("enforcement_inspection", generate_inspections)

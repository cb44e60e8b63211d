"""行政执法监督: bodies, officers, power items, penalty cases, inspections, case-file reviews."""
from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    """行政执法监督: registers permissions, audit actions, menu, API router, alert rules, the law citer and demo data."""

    name = "sifa.modules.enforcement"
    label = "enforcement"
    verbose_name = "行政执法监督"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sifa.core import registry
        from sifa.core.registry import MenuEntry
        from sifa.modules.enforcement import alerts, citer, services  # noqa: F401
        from sifa.modules.enforcement.api import router
        from sifa.modules.enforcement.demo import generate_enforcement

        registry.register_permission("enforcement.view", "查看执法主体、执法人员和执法事项")
        registry.register_permission("enforcement.manage", "管理执法主体、执法人员名册、执法事项和裁量基准")
        registry.register_permission("enforcement.export", "导出执法人员名册")
        registry.register_audit_action("enforcement.body.created", "登记执法主体")
        registry.register_audit_action("enforcement.body.updated", "修改执法主体")
        registry.register_audit_action("enforcement.officer.created", "登记执法人员")
        registry.register_audit_action("enforcement.officer.updated", "修改执法人员")
        registry.register_audit_action("enforcement.officers.imported", "导入执法人员名册")
        registry.register_audit_action("enforcement.officers.exported", "导出执法人员名册", personal_data=True)
        registry.register_audit_action("enforcement.power_item.created", "新增执法事项")
        registry.register_audit_action("enforcement.power_item.updated", "修改执法事项")
        registry.register_audit_action("enforcement.discretion_rule.created", "新增裁量基准")
        registry.register_audit_action("enforcement.discretion_rule.updated", "修改裁量基准")
        for key, label, url_name, order in (("enforcement_bodies", "执法主体", "enforcement:body_list", 60),
                                            ("enforcement_officers", "执法人员", "enforcement:officer_list", 61),
                                            ("enforcement_items", "执法事项", "enforcement:item_list", 62)):
            registry.menu.register(key, MenuEntry(key, label, url_name, icon="gavel", permission="enforcement.view",
                                                  order=order, group="行政执法"))
        registry.api_routers.register("/enforcement", router)
        registry.demo_generators.register("enforcement", generate_enforcement)
        alerts.register()
        citer.register()
        from sifa.modules.enforcement.penalty_setup import register as register_penalty

        register_penalty()
        from sifa.modules.enforcement.inspection_setup import register as register_inspections

        register_inspections()
        from sifa.modules.enforcement.similar_setup import register as register_similar

        register_similar()
        from sifa.modules.enforcement.dashboard_setup import register as register_dashboard

        register_dashboard()
        from sifa.modules.enforcement.dispute_setup import register as register_dispute

        register_dispute()
        from sifa.modules.enforcement.review_setup import register as register_reviews

        register_reviews()

from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "sifa.core.scoring"
    label = "scoring"
    verbose_name = "考核评分"

    def ready(self) -> None:
        from sifa.core import registry
        from sifa.core.registry import MenuEntry
        from sifa.core.scoring import services  # noqa: F401
        from sifa.core.scoring.api import router

        registry.register_permission("scoring.view", "查看考核方案与得分")
        registry.register_permission("scoring.compute", "计算与重新计算考核得分")
        registry.register_permission("scoring.adjust", "人工调整考核得分（须填写理由）")
        registry.register_permission("scoring.manage", "导入考核方案及新版本")
        registry.register_audit_action("scoring.scheme.imported", "导入考核方案")
        registry.register_audit_action("scoring.scores.computed", "计算考核得分")
        registry.register_audit_action("scoring.adjustment.made", "人工调整考核得分")
        registry.register_audit_action("scoring.ranking.exported", "导出考核排名", personal_data=True)
        registry.menu.register("scoring", MenuEntry("scoring", "考核评分", "scoring:scheme_list", icon="chart-bar",
                                                    permission="scoring.view", order=40, group="工具"))
        registry.api_routers.register("/scoring", router)

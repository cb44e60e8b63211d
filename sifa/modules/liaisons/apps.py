from django.apps import AppConfig


class LiaisonsConfig(AppConfig):
    """法律明白人 registry: permissions, audit actions, menu, API router, demo data, score sources, checks."""

    name = "sifa.modules.liaisons"
    label = "liaisons"
    verbose_name = "法律明白人"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks

        from sifa.core import registry
        from sifa.core.registry import MenuEntry
        from sifa.core.scoring.sources import ScoreSource
        from sifa.modules.liaisons import services  # noqa: F401
        from sifa.modules.liaisons.api import router
        from sifa.modules.liaisons.checks import rules_check
        from sifa.modules.liaisons.demo import generate_liaisons
        from sifa.modules.liaisons.scoring import collect_activities, collect_trainings
        from sifa.modules.liaisons.worklog import register as register_work_source

        registry.register_permission("liaisons.view", "查看法律明白人")
        registry.register_permission("liaisons.manage", "登记与管理法律明白人（培训、活动、奖励、除名、导入）")
        registry.register_permission("liaisons.export", "导出法律明白人名册")
        registry.register_audit_action("liaisons.liaison.registered", "登记法律明白人")
        registry.register_audit_action("liaisons.liaison.updated", "修改法律明白人")
        registry.register_audit_action("liaisons.training.recorded", "登记法律明白人培训")
        registry.register_audit_action("liaisons.activity.recorded", "登记法律明白人活动")
        registry.register_audit_action("liaisons.reward.granted", "登记法律明白人奖励")
        registry.register_audit_action("liaisons.liaison.removed", "法律明白人除名")
        registry.register_audit_action("liaisons.liaisons.imported", "导入法律明白人名册")
        registry.register_audit_action("liaisons.liaisons.exported", "导出法律明白人名册", personal_data=True)
        registry.menu.register("liaisons", MenuEntry("liaisons", "法律明白人", "liaisons:list", icon="school",
                                                      permission="liaisons.view", order=50))
        registry.api_routers.register("/liaisons", router)
        registry.demo_generators.register("liaisons", generate_liaisons)
        registry.score_sources.register("liaisons.activity", ScoreSource(
            key="liaisons.activity", label="所管法律明白人开展的活动", subject_kind="org", unit="次",
            collect=collect_activities))
        registry.score_sources.register("liaisons.training", ScoreSource(
            key="liaisons.training", label="所管法律明白人参加的培训", subject_kind="org", unit="人次",
            collect=collect_trainings))
        checks.register(rules_check)
        register_work_source()

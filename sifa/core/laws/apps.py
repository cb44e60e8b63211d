from django.apps import AppConfig


class LawsConfig(AppConfig):
    """The law library: laws, versions, headings and articles, imported from Markdown; search and citations."""

    name = "sifa.core.laws"
    label = "laws"
    verbose_name = "法规库"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sifa.core import registry
        from sifa.core.laws import services  # noqa: F401
        from sifa.core.laws.api import router
        from sifa.core.laws.flagging import LAW_CHANGED
        from sifa.core.registry import MenuEntry

        registry.register_permission("laws.manage", "管理法规库（导入法规文本、修改类别、废止）")
        registry.register_audit_action("laws.law.imported", "导入法规文本")
        registry.register_audit_action("laws.law.repealed", "废止法规")
        registry.register_audit_action("laws.law.updated", "修改法规信息")
        registry.alert_rules.register(LAW_CHANGED.code, LAW_CHANGED)
        registry.menu.register("laws", MenuEntry("laws", "法规库", "laws:list", icon="book", order=90, group="工具"))
        registry.api_routers.register("/laws", router)

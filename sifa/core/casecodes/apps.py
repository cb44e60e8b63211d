from django.apps import AppConfig


class CaseCodesConfig(AppConfig):
    name = "sifa.core.casecodes"
    label = "casecodes"
    verbose_name = "案件码与授权查阅"

    def ready(self) -> None:
        from sifa.core import registry
        from sifa.core.casecodes import services  # noqa: F401
        from sifa.core.casecodes.api import router
        from sifa.core.casecodes.views import case_panel_context
        from sifa.core.registry import CasePanel, MenuEntry

        registry.register_permission("casecodes.grants.manage", "签发与撤销案件查阅授权")
        registry.register_audit_action("casecodes.grant.issued", "签发案件查阅授权")
        registry.register_audit_action("casecodes.grant.revoked", "撤销案件查阅授权")
        registry.register_audit_action("casecodes.grant.used", "使用案件查阅授权（查阅、下载证据）", personal_data=True)
        registry.register_audit_action("casecodes.grant.code_entered", "输入案件访问码")
        registry.register_audit_action("casecodes.package.exported", "导出证据包", personal_data=True)
        registry.case_panels.register("casecodes", CasePanel(
            key="casecodes", label="案件码", template="casecodes/panel.html", context=case_panel_context,
            column="side", order=5))
        # No permission: external reviewers' role has none, and staff may be grantees too (复议机构).
        registry.menu.register("casecodes", MenuEntry("casecodes", "授权查阅", "casecodes:my_grants", icon="key",
                                                      order=32, group="工具"))
        # Paths are absolute in the router (/cases/{case_id}/grants, /grants/{grant_id}/revoke …).
        registry.api_routers.register("", router)

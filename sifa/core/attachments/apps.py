from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "sifa.core.attachments"
    label = "attachments"
    verbose_name = "证据材料"

    def ready(self) -> None:
        from sifa.core import registry
        from sifa.core.attachments import services  # noqa: F401
        from sifa.core.attachments.api import case_router, router
        from sifa.core.attachments.verify import check_files
        from sifa.core.attachments.views import case_panel_context

        registry.register_permission("attachments.upload", "上传证据材料")
        registry.ledger_checks.register("attachments.files", registry.LedgerCheck(
            key="attachments.files", label="个附件文件", run=check_files))
        registry.register_audit_action("attachments.attachment.uploaded", "上传证据材料")
        registry.register_audit_action("attachments.attachment.downloaded", "下载证据材料", personal_data=True)
        registry.api_routers.register("/attachments", router)
        registry.api_routers.register("/cases/{case_id}/attachments", case_router)
        registry.case_panels.register("attachments", registry.CasePanel(
            key="attachments", label="证据材料", template="attachments/_case_panel.html", context=case_panel_context,
            column="main", order=20))

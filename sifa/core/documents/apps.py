from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "sifa.core.documents"
    label = "documents"
    verbose_name = "文书"

    def ready(self) -> None:
        from sifa.core import registry
        from sifa.core.documents import services  # noqa: F401
        from sifa.core.documents.api import case_router, router
        from sifa.core.documents.views import case_panel_context
        from sifa.core.registry import DocumentType, MenuEntry

        registry.register_permission("documents.generate", "制作文书")
        registry.register_permission("documents.templates.manage", "管理文书模板（上传、启用版本）")
        registry.register_audit_action("documents.document.generated", "制作文书")
        registry.register_audit_action("documents.report.generated", "制发报表、函件、通知单")
        registry.register_audit_action("documents.template.uploaded", "上传文书模板")
        registry.register_audit_action("documents.template.activated", "启用文书模板版本")
        registry.api_routers.register("/documents", router)
        registry.api_routers.register("/cases/{case_id}/documents", case_router)
        registry.case_panels.register("documents", registry.CasePanel(
            key="documents", label="文书", template="documents/_case_panel.html", context=case_panel_context,
            column="side", order=10))
        registry.menu.register("org_documents", MenuEntry("org_documents", "报表文书", "documents:org_list",
                                                          icon="files", order=60, group="工具"))
        registry.menu.register("documents", MenuEntry("documents", "文书模板", "documents:templates", icon="file-text",
                                                      permission="documents.templates.manage", order=85, group="工具"))
        # A core type any case can use, so every module can produce at least one document.
        registry.document_types.register("case_summary", DocumentType(
            code="case_summary", label="案件办理情况说明", template="sifa.core.documents:data/case_summary.docx",
            number_word="司说"))

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sifa.core.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from sifa.core import registry
        from sifa.core.audit import services  # noqa: F401

        registry.register_permission("audit.view", "查看审计日志")
        registry.register_permission("audit.export", "导出审计日志")
        registry.register_permission("audit.purge", "清理过期审计日志")
        registry.register_audit_action("audit.events.exported", "导出审计日志", personal_data=True)
        registry.register_audit_action("audit.events.purged", "清理过期审计日志")

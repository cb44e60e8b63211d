from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "sifa.core.alerts"
    label = "alerts"
    verbose_name = "预警"

    def ready(self) -> None:
        from sifa.core import registry
        from sifa.core.alerts import services  # noqa: F401
        from sifa.core.alerts.rules import BUILT_IN_RULES
        from sifa.core.registry import MenuEntry

        registry.register_permission("alerts.view", "查看预警")
        registry.register_permission("alerts.handle", "签收与处置预警（办理预警的前提）")
        registry.register_permission("alerts.verify", "核查与办结预警")
        registry.register_audit_action("alerts.rules.evaluated", "预警扫描")
        registry.register_audit_action("alerts.alert.acted", "处置预警")
        registry.register_audit_action("alerts.alerts.escalated", "预警超时升级")
        registry.menu.register("alerts", MenuEntry("alerts", "预警", "alerts:list", icon="alert-triangle",
                                                   permission="alerts.view", order=35))
        for rule in BUILT_IN_RULES:
            registry.alert_rules.register(rule.code, rule)
        from sifa.core.alerts.jobs import ESCALATE, SCAN

        for job in (SCAN, ESCALATE):
            registry.periodic_jobs.register(job.name, job)

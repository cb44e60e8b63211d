from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "sifa.core.cases"
    label = "cases"
    verbose_name = "案件与流程"

    def ready(self) -> None:
        from sifa.core import registry
        from sifa.core.cases import services  # noqa: F401
        from sifa.core.registry import MenuEntry

        registry.register_audit_action("cases.case.opened", "立案")
        registry.register_audit_action("cases.case.transitioned", "案件流转")
        registry.register_audit_action("cases.deadline.suspended", "中止案件期限")
        registry.register_audit_action("cases.deadline.extended", "延长案件期限")
        registry.register_permission("cases.deadlines.adjust", "中止、延长案件期限")
        registry.menu.register("cases", MenuEntry("cases", "案件", "cases:list", icon="briefcase", order=30))
        registry.calendar_hooks.register("cases.provisional_deadlines", registry.CalendarHook(
            key="cases.provisional_deadlines", label="暂定案件期限", run=_recompute_provisional))


def _recompute_provisional(year: int) -> int:
    from sifa.core.cases.services import recompute_provisional

    return recompute_provisional(year)

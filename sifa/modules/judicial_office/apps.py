from django.apps import AppConfig


class JudicialOfficeConfig(AppConfig):
    """数字司法所: registers permissions, audit actions, menu, API router, jobs, alert rules and sources.

    Each part of the module registers itself from its own ``register()`` function below, so the
    work log, assessment, plans, cockpit and reports stay in their own files.
    """

    name = "sifa.modules.judicial_office"
    label = "judicial_office"
    verbose_name = "数字司法所"

    def ready(self) -> None:
        from sifa.core import registry

        registry.register_permission("judicial_office.worklog.write", "填报本人工作日志")
        registry.register_permission("judicial_office.worklog.view", "查看辖区工作日志")
        registry.register_permission("judicial_office.worklog.approve", "审批工作日志更正申请")
        registry.register_permission("judicial_office.catalogue.manage", "维护工作事项目录")
        registry.register_permission("judicial_office.plans.manage", "制定和下达工作规划")
        from sifa.modules.judicial_office import worklog

        worklog.register(self)
        from sifa.modules.judicial_office import plans

        plans.register()
        from sifa.modules.judicial_office import cockpit

        cockpit.register()
        from sifa.modules.judicial_office import log_totals

        log_totals.register()
        from sifa.modules.judicial_office import assessment

        assessment.register()
        from sifa.modules.judicial_office import reports

        reports.register()

from django.apps import AppConfig


class CorrectionConfig(AppConfig):
    """社区矫正: case types, permissions, audit actions, menu, API, jobs, alert rules, sources.

    Each part registers itself from its own ``register()`` (lifecycle, supervision, field reports,
    sanctions, cockpit), so the parts stay in their own files.
    """

    name = "sifa.modules.correction"
    label = "correction"
    verbose_name = "社区矫正"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sifa.core import registry
        from sifa.modules.correction.workflow import ASSESSMENT_CASE, CORRECTION_CASE

        registry.case_types.register(CORRECTION_CASE.code, CORRECTION_CASE)
        registry.case_types.register(ASSESSMENT_CASE.code, ASSESSMENT_CASE)
        registry.register_permission("correction.view", "查看社区矫正对象")
        registry.register_permission("correction.manage", "办理社区矫正（接收、监管、奖惩、解除）")
        registry.register_permission("correction.approve", "审批社区矫正事项（县级社区矫正机构）")
        registry.register_permission("correction.minor_files", "查阅未成年社区矫正对象档案（因司法需要）")
        registry.register_permission("correction.field_report", "提交社区矫正现场报告")
        registry.register_permission("correction.rules.manage", "维护矫正方案规则与报告分类规则")
        from sifa.modules.correction import (
            cockpit,
            evaluation,
            field_reports,
            liberty,
            lifecycle,
            movement,
            sanctions,
            supervision,
        )

        lifecycle.register()
        supervision.register()
        movement.register()
        liberty.register()
        evaluation.register()
        field_reports.register()
        sanctions.register()
        cockpit.register()

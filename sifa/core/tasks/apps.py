from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "sifa.core.tasks"
    label = "tasks"
    verbose_name = "后台任务"

    def ready(self) -> None:
        from sifa.core import registry
        from sifa.core.registry import MenuEntry
        from sifa.core.tasks import services  # noqa: F401  (registers services)
        from sifa.core.tasks.api import router
        from sifa.core.tasks.jobs import CLEANUP

        registry.register_permission("tasks.view", "查看后台任务")
        registry.register_permission("tasks.manage", "重试后台任务")
        registry.register_audit_action("tasks.task.retried", "重试后台任务")
        registry.menu.register("tasks", MenuEntry("tasks", "后台任务", "tasks:list", icon="clock",
                                                  permission="tasks.view", order=85, group="系统管理"))
        registry.api_routers.register("/tasks", router)
        registry.periodic_jobs.register(CLEANUP.name, CLEANUP)

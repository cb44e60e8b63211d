from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_calendar(sender: AppConfig, **kwargs: Any) -> None:
    from sifa.core.deadlines.services import sync_shipped_calendar

    sync_shipped_calendar()


class DeadlinesConfig(AppConfig):
    name = "sifa.core.deadlines"
    label = "deadlines"
    verbose_name = "期限"

    def ready(self) -> None:
        from sifa.core import registry
        from sifa.core.deadlines import services  # noqa: F401  (registers services)
        from sifa.core.deadlines.api import router
        from sifa.core.registry import MenuEntry

        registry.register_permission("deadlines.calendar.manage", "载入节假日安排")
        registry.register_audit_action("deadlines.calendar.loaded", "载入节假日安排")
        registry.menu.register("deadlines", MenuEntry("deadlines", "期限计算", "deadlines:calculator", icon="calendar",
                                                      order=30, group="工具"))
        registry.api_routers.register("/deadlines", router)
        # The shipped years (RULES.md Appendix A) are created after migrate, and again after a test flush.
        post_migrate.connect(_sync_calendar, sender=self)

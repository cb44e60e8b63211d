from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "sifa.core.demo"
    label = "demo"
    verbose_name = "演示数据"

    def ready(self) -> None:
        from sifa.core import registry
        from sifa.core.demo import generator  # noqa: F401

        registry.register_audit_action("demo.loaded", "载入演示数据")

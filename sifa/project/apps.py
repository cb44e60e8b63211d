from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """Last installed app: once every app has registered, the registries refuse late keys."""

    name = "sifa.project"
    label = "sifa_project"
    verbose_name = "sifa"

    def ready(self) -> None:
        from sifa.core import registry

        registry.freeze_all()

from django.apps import AppConfig


class DrawsConfig(AppConfig):
    """Verifiable random draws: pools and a seed committed to the ledger before the draw, revealed after."""

    name = "sifa.core.draws"
    label = "draws"
    verbose_name = "随机抽取"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sifa.core import registry
        from sifa.core.draws import services  # noqa: F401
        from sifa.core.draws.api import public_router, router

        registry.register_permission("draws.manage", "发起、执行与取消随机抽取")
        registry.register_audit_action("draws.draw.committed", "承诺随机抽取（公布名单与种子承诺值）")
        registry.register_audit_action("draws.draw.performed", "执行随机抽取")
        registry.register_audit_action("draws.draw.cancelled", "取消随机抽取")
        registry.api_routers.register("/draws", router)
        registry.api_routers.register("/public/draws", public_router)

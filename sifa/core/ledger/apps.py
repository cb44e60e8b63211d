from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "sifa.core.ledger"
    label = "ledger"
    verbose_name = "证据存证账本"

    def ready(self) -> None:
        from sifa.core import registry
        from sifa.core.ledger import services  # noqa: F401
        from sifa.core.ledger.api import router
        from sifa.core.ledger.jobs import AUDIT_BATCH, CHECKPOINT

        registry.register_audit_action("ledger.checkpoint.made", "生成存证账本检查点")
        registry.register_permission("ledger.checkpoint", "立即签署存证检查点")
        registry.periodic_jobs.register(CHECKPOINT.name, CHECKPOINT)
        registry.periodic_jobs.register(AUDIT_BATCH.name, AUDIT_BATCH)
        registry.api_routers.register("/ledger", router)

from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "sifa.core.orgs"
    label = "orgs"
    verbose_name = "行政区划与机构"

    def ready(self) -> None:
        from sifa.core import registry
        from sifa.core.orgs import services  # noqa: F401

        registry.register_permission("orgs.view", "查看机构")
        registry.register_permission("orgs.manage", "管理机构")
        registry.register_audit_action("orgs.regions.imported", "导入行政区划")
        registry.register_audit_action("orgs.org.created", "创建机构")
        registry.register_audit_action("orgs.org.updated", "修改机构")
        registry.register_audit_action("orgs.org.succeeded", "机构调整（撤并）")
        registry.register_audit_action("orgs.region.succeeded", "区划调整（撤并）")

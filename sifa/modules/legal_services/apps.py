from django.apps import AppConfig


class LegalServicesConfig(AppConfig):
    """数字法务地图: public legal service places (docs/modules/legal_services.md)."""

    name = "sifa.modules.legal_services"
    label = "legal_services"
    verbose_name = "数字法务地图"

    def ready(self) -> None:
        from sifa.core import registry
        from sifa.core.registry import MenuEntry
        from sifa.modules.legal_services import services  # noqa: F401
        from sifa.modules.legal_services.api import router
        from sifa.modules.legal_services.demo import generate_demo_places

        registry.register_permission("legal_services.places.manage", "维护数字法务地图（服务场所、照片、Excel 导入导出）")
        registry.register_audit_action("legal_services.place.created", "新增服务场所")
        registry.register_audit_action("legal_services.place.updated", "修改服务场所")
        registry.register_audit_action("legal_services.place.published", "公开发布服务场所")
        registry.register_audit_action("legal_services.place.unpublished", "停止公开服务场所")
        registry.register_audit_action("legal_services.photo.added", "上传服务场所照片")
        registry.register_audit_action("legal_services.photo.removed", "移除服务场所照片")
        registry.register_audit_action("legal_services.places.imported", "导入服务场所（Excel）")
        registry.register_audit_action("legal_services.places.exported", "导出服务场所（Excel）")
        registry.menu.register("legal_services", MenuEntry(
            "legal_services", "法务地图管理", "legal_services:manage_list", icon="map-pin",
            permission="legal_services.places.manage", order=60))
        registry.api_routers.register("/public/places", router)
        registry.demo_generators.register("legal_services", generate_demo_places)

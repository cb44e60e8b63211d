from django.apps import AppConfig


class PersonsConfig(AppConfig):
    name = "sifa.core.persons"
    label = "persons"
    verbose_name = "人员库"

    def ready(self) -> None:
        from sifa.core import registry
        from sifa.core.persons import services  # noqa: F401

        registry.register_permission("persons.view", "查看人员")
        registry.register_permission("persons.manage", "登记与修改人员")
        registry.register_permission("persons.reveal", "查看完整身份证号")
        registry.register_permission("persons.export", "导出人员")
        registry.register_audit_action("persons.person.registered", "登记自然人")
        registry.register_audit_action("persons.person.updated", "修改自然人")
        registry.register_audit_action("persons.person.id_number_revealed", "查看完整身份证号", personal_data=True)
        registry.register_audit_action("persons.persons.exported", "导出人员信息", personal_data=True)
        registry.register_audit_action("persons.entity.registered", "登记法人和其他组织")

from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "sifa.core.ui"
    label = "ui"
    verbose_name = "界面"

    def ready(self) -> None:
        from sifa.core import registry
        from sifa.core.registry import MenuEntry

        for entry in [
            MenuEntry("home", "首页", "ui:home", icon="home", order=0),
            MenuEntry("orgs", "机构", "orgs:tree", icon="sitemap", permission="orgs.view", order=85, group="系统管理"),
            MenuEntry("persons", "人员库", "persons:list", icon="users", permission="persons.view", order=20),
            MenuEntry("users", "用户与任职", "accounts:user_list", icon="user-cog", permission="accounts.view", order=80, group="系统管理"),
            MenuEntry("audit", "审计日志", "audit:list", icon="file-search", permission="audit.view", order=90, group="系统管理"),
            MenuEntry("api", "API 文档", "api:openapi-view", icon="code", order=95, group="系统管理"),
        ]:
            registry.menu.register(entry.key, entry)

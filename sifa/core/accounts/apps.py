from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender: AppConfig, **kwargs: Any) -> None:
    from sifa.core.accounts.roles import sync_builtin_roles

    sync_builtin_roles()


class AccountsConfig(AppConfig):
    name = "sifa.core.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        from sifa.core import registry
        from sifa.core.accounts import services  # noqa: F401  (registers services)

        registry.register_permission("accounts.view", "查看用户")
        registry.register_permission("accounts.manage", "管理用户与任职")
        for name, label in [
            ("accounts.user.created", "创建用户"),
            ("accounts.user.updated", "修改用户"),
            ("accounts.user.password_changed", "修改密码"),
            ("accounts.membership.added", "添加任职"),
            ("accounts.membership.deactivated", "停用任职"),
            ("accounts.totp.enabled", "启用双因素认证"),
            ("accounts.token.created", "创建访问令牌"),
            ("accounts.token.revoked", "撤销访问令牌"),
            ("accounts.login.succeeded", "登录成功"),
            ("accounts.login.failed", "登录失败"),
            ("accounts.login.locked_out", "账户锁定"),
            ("accounts.logout", "退出登录"),
            ("accounts.session.expired", "会话超时退出"),
        ]:
            registry.register_audit_action(name, label)
        # Roles are synced after the migrate that creates their table (a data sync, not a business effect).
        post_migrate.connect(_sync_roles, sender=self)

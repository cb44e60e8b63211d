from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sifa.core.accounts.actor import Actor
from sifa.core.accounts.models import AccessToken, User
from sifa.core.accounts.services import active_memberships, create_access_token, revoke_access_token


class Command(BaseCommand):
    help = "API 访问令牌：token create USERNAME [--membership ID] | token revoke PREFIX"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["create", "revoke"])
        parser.add_argument("target", help="用户名（create）或令牌前缀（revoke）")
        parser.add_argument("--membership", type=int, help="以哪个任职身份（默认第一个有效任职）")
        parser.add_argument("--name", default="命令行创建")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.system("token-cli")
        if options["action"] == "revoke":
            token = AccessToken.objects.filter(prefix=options["target"], revoked_at__isnull=True).first()
            if token is None:
                raise CommandError("没有该前缀的有效令牌")
            revoke_access_token(actor=actor, token=token)
            self.stdout.write(f"已撤销 {token.prefix}…")
            return
        user = User.objects.filter(username=options["target"], is_active=True).first()
        if user is None:
            raise CommandError(f"用户 {options['target']} 不存在或已停用")
        memberships = active_memberships(user)
        if options["membership"]:
            memberships = [m for m in memberships if m.pk == options["membership"]]
        if not memberships:
            raise CommandError("该用户没有有效任职")
        _, text = create_access_token(actor=actor, membership=memberships[0], name=options["name"])
        self.stdout.write(text)

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sifa.core.accounts.actor import Actor
from sifa.core.accounts.models import Role
from sifa.core.accounts.roles import SYSTEM_ADMIN
from sifa.core.accounts.services import create_user
from sifa.core.errors import SifaError
from sifa.core.orgs.models import Org


class Command(BaseCommand):
    help = "创建系统管理员（首次登录时须启用双因素认证）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--org", type=int, help="机构 ID（默认：根机构）")
        parser.add_argument("--name", default="系统管理员")
        parser.add_argument("--password", help="不提供则交互输入（SIFA_ADMIN_PASSWORD 亦可）")

    def handle(self, *args: Any, **options: Any) -> None:
        import os

        org = Org.objects.filter(pk=options["org"]).first() if options["org"] else \
            Org.objects.filter(parent__isnull=True, valid_to__isnull=True).order_by("id").first()
        if org is None:
            raise CommandError("机构不存在；请先创建机构或载入演示数据")
        password = options["password"] or os.environ.get("SIFA_ADMIN_PASSWORD") or getpass.getpass("密码：")
        try:
            user = create_user(actor=Actor.system("createadmin"), username=options["username"], display_name=options["name"],
                               password=password, org=org, role=Role.objects.get(code=SYSTEM_ADMIN))
        except SifaError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"已创建系统管理员 {user.username}（{org.name}）")

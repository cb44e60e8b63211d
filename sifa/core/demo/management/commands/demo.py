from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from sifa.core.accounts.actor import Actor
from sifa.core.demo.generator import DEMO_PASSWORD, SCALES, load_demo
from sifa.core.errors import ValidationFailed
from sifa.core.orgs.models import Org, Region


class Command(BaseCommand):
    help = "载入确定性的演示数据：sifa demo --scale demo|county|city|province --seed N"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", default="demo", choices=list(SCALES))
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--if-empty", action="store_true", help="数据库已有数据时跳过（不报错）")

    def handle(self, *args: Any, **options: Any) -> None:
        if Org.objects.exists():
            if options["if_empty"]:
                self.stdout.write("数据库已有数据，跳过演示数据载入。")
                self.print_accounts()
                return
            raise CommandError("数据库中已有机构数据，演示数据只能载入空数据库（删除 var/sifa.sqlite3 后重试）")
        if not Region.objects.exists():
            call_command("import_regions", stdout=self.stdout)
        started = time.monotonic()
        self.stdout.write(f"正在载入演示数据（规模 {options['scale']}，种子 {options['seed']}）……")
        try:
            result = load_demo(actor=Actor.system("demo"), scale=options["scale"], seed=options["seed"])
        except ValidationFailed as exc:
            raise CommandError(exc.message) from exc
        elapsed = time.monotonic() - started
        self.stdout.write(f"完成，用时 {elapsed:.1f} 秒。行数：" + "，".join(f"{k}={v}" for k, v in result.counts.items()))
        self.print_accounts(result.admin_totp_secret)

    def print_accounts(self, totp_secret: str = "") -> None:
        from sifa.core.accounts.models import Membership

        self.stdout.write("")
        self.stdout.write(f"演示账户（密码均为 {DEMO_PASSWORD}）：")
        for username in ["admin", "province", "city", "county", "office1", "office2", "corr", "grid1", "officer", "reviewer"]:
            m = Membership.objects.filter(user__username=username).select_related("org", "role").first()
            if m is not None:
                self.stdout.write(f"  {username:<9} {m.role.name:<8} {m.org.name}")
        if totp_secret:
            self.stdout.write(f"admin 需双因素认证，TOTP 密钥：{totp_secret}（添加到身份验证器应用）")
        else:
            self.stdout.write("admin 需双因素认证，TOTP 密钥见首次载入时的输出（sifa demo 打印）。")

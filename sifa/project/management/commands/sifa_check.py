from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


class Command(BaseCommand):
    help = "系统检查：Django 检查、数据库连接、未应用的迁移、密钥"

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("check")
        problems = []
        try:
            connection.ensure_connection()
            self.stdout.write(f"数据库：{connection.vendor} 连接正常")
        except Exception as exc:  # noqa: BLE001
            raise CommandError(f"数据库无法连接：{exc}") from exc
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            problems.append(f"有 {len(pending)} 个未应用的迁移，请运行 sifa migrate")
        from sifa.core import crypto

        try:
            crypto.blind_index("check", context="check")
            self.stdout.write("数据加密密钥：正常")
        except Exception as exc:  # noqa: BLE001
            problems.append(f"数据加密密钥不可用：{exc}")
        if settings.DEBUG:
            problems.append("SIFA_DEBUG 已开启，生产环境请关闭")
        for p in problems:
            self.stderr.write(p)
        if problems:
            raise CommandError(f"发现 {len(problems)} 个问题")
        self.stdout.write("检查通过")

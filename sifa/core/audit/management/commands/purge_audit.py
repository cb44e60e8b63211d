from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.audit.services import purge_audit_events
from sifa.core.errors import ValidationFailed


class Command(BaseCommand):
    help = "清理早于留存期（至少 180 天）的审计日志；拒绝清理更新的记录"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--older-than-days", type=int, default=settings.SIFA_AUDIT_RETENTION_DAYS)

    def handle(self, *args: Any, **options: Any) -> None:
        before = timezone.now() - datetime.timedelta(days=options["older_than_days"])
        try:
            n = purge_audit_events(actor=Actor.system("purge-audit"), before=before)
        except ValidationFailed as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"已清理 {n} 条审计日志（早于 {before:%Y-%m-%d}）")

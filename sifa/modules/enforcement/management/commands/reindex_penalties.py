"""``manage.py reindex_penalties``: rebuild the 类案检索 index (decided cases and imported decisions)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "重建类案检索索引（已决定的行政处罚案件与导入的处罚决定）"

    def handle(self, *args: Any, **options: Any) -> None:
        from sifa.core.accounts.actor import Actor
        from sifa.modules.enforcement.similar_services import rebuild_penalty_index

        n = rebuild_penalty_index(actor=Actor.system("reindex-penalties"))
        self.stdout.write(f"已索引 {n} 件")

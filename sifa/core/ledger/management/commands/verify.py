"""``sifa verify --all``: recompute the whole evidence ledger and name the first tampered item."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sifa.core.ledger import store
from sifa.core.ledger.auditbatch import check_audit_batches
from sifa.core.ledger.verifier import LedgerTampered, verify_ledger


class Command(BaseCommand):
    help = "校验存证账本：重算每条存证的叶哈希、存储的子树哈希、每个检查点的根哈希与签名、相邻检查点的一致性、审计日志批次"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--all", action="store_true", dest="all",
                            help="校验本机整个存证账本（校验导出的证据包 PACKAGE.zip 尚未实现）")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["all"]:
            raise CommandError("请指定 --all（校验整个存证账本）；校验证据包 PACKAGE.zip 将在后续版本提供")
        try:
            report = verify_ledger(store.stored_entries(), store.stored_checkpoints(), nodes=store.stored_nodes(),
                                   hash_alg=store.ledger_hash_alg(), public_key=store.signing_key().public_key())
            batches, rows = check_audit_batches(hash_alg=report.hash_alg)
        except LedgerTampered as exc:
            raise CommandError(f"存证账本校验失败：{exc}") from exc
        self.stdout.write(f"存证账本校验通过：{report.entries} 条存证，{report.nodes} 个子树哈希，{report.checkpoints} 个检查点，"
                          f"{batches} 个审计日志批次（{rows} 条审计日志），"
                          f"哈希算法 {report.hash_alg}，公钥 {report.key_id}")

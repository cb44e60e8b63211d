"""``sifa verify --all``: recompute the whole evidence ledger and name the first tampered item.

``sifa verify PACKAGE.zip [--key-id ID]``: check an exported evidence package offline (package.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sifa.core import registry
from sifa.core.ledger import store
from sifa.core.ledger.auditbatch import check_audit_batches
from sifa.core.ledger.package import summary, verify_package
from sifa.core.ledger.verifier import LedgerTampered, verify_ledger


class Command(BaseCommand):
    help = "校验存证账本：重算每条存证的叶哈希、存储的子树哈希、每个检查点的根哈希与签名、相邻检查点的一致性、审计日志批次"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--all", action="store_true", dest="all",
                            help="校验本机整个存证账本")
        parser.add_argument("package", nargs="?", default=None, metavar="PACKAGE.zip",
                            help="离线校验导出的证据包（sifa/core/ledger/package.py，不访问数据库）")
        parser.add_argument("--key-id", dest="key_id", default=None,
                            help="与证据包比对的公钥密钥标识（司法行政机关公布的）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("package"):
            try:
                self.stdout.write(summary(verify_package(options["package"], trusted_key_id=options["key_id"])))
            except (LedgerTampered, OSError) as exc:
                raise CommandError(f"证据包校验失败：{exc}") from exc
            return
        if not options["all"]:
            raise CommandError("请指定 --all（校验整个存证账本）或证据包 PACKAGE.zip")
        try:
            report = verify_ledger(store.stored_entries(), store.stored_checkpoints(), nodes=store.stored_nodes(),
                                   hash_alg=store.ledger_hash_alg(), public_key=store.signing_key().public_key())
            batches, rows = check_audit_batches(hash_alg=report.hash_alg)
            extra = [f"{check.run(hash_alg=report.hash_alg)} {check.label}" for check in registry.ledger_checks.values()]
        except LedgerTampered as exc:
            raise CommandError(f"存证账本校验失败：{exc}") from exc
        self.stdout.write(f"存证账本校验通过：{report.entries} 条存证，{report.nodes} 个子树哈希，{report.checkpoints} 个检查点，"
                          f"{batches} 个审计日志批次（{rows} 条审计日志），{'，'.join([*extra, ''])}"
                          f"哈希算法 {report.hash_alg}，公钥 {report.key_id}")

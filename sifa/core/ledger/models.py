"""Storage of the evidence ledger: entries (the leaves), the head row, signed checkpoints.

Entries and checkpoints are append-only like the audit log: the querysets refuse ``update()`` and
``delete()``, ``save()`` refuses an existing row, and on PostgreSQL a trigger (migration 0002)
rejects UPDATE and DELETE in the database itself. ``sifa verify --all`` recomputes everything
from these rows (docs/engines/ledger.md).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from sifa.core.appendonly import AppendOnlyModel, AppendOnlyQuerySet
from sifa.core.ledger.errors import LedgerIsAppendOnly


class LedgerAppendOnlyModel(AppendOnlyModel):
    append_only_error = LedgerIsAppendOnly
    append_only_name = "存证账本"

    class Meta:
        abstract = True


class LedgerHead(models.Model):
    """The one row (pk 1) every append locks: the ledger's size and its hash algorithm.

    Locking it with ``SELECT … FOR UPDATE`` serialises appends, so indexes are 0 … n−1 with no gap
    under concurrency. ``hash_alg`` is fixed by the first append (install time, ``SIFA_LEDGER_HASH``).
    """

    size = models.BigIntegerField("存证条数", default=0)
    hash_alg = models.CharField("哈希算法", max_length=16)

    class Meta:
        verbose_name = "存证账本状态"
        verbose_name_plural = "存证账本状态"

    def __str__(self) -> str:
        return f"存证账本（{self.size} 条，{self.hash_alg}）"


class LedgerEntry(LedgerAppendOnlyModel):
    """One leaf: the canonical entry bytes (format in sifa/core/ledger/entries.py) and H(0x00 ‖ bytes)."""

    index = models.BigIntegerField("序号", unique=True)
    entry = models.BinaryField("存证内容")
    leaf_hash = models.BinaryField("叶哈希", max_length=64)
    created_at = models.DateTimeField("写入时间", default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "存证"
        verbose_name_plural = "存证"
        ordering = ["index"]

    def __str__(self) -> str:
        return f"存证 #{self.index}"


class LedgerCheckpoint(LedgerAppendOnlyModel):
    """A signed statement: the first ``tree_size`` entries have Merkle root ``root_hash``.

    The signature (Ed25519) covers the canonical bytes of sifa/core/ledger/signing.py
    ``checkpoint_message`` (tree size, root, timestamp, hash algorithm).
    """

    tree_size = models.BigIntegerField("树大小")
    root_hash = models.BinaryField("根哈希", max_length=64)
    hash_alg = models.CharField("哈希算法", max_length=16)
    timestamp = models.DateTimeField("时间")
    signature = models.BinaryField("签名", max_length=128)
    key_id = models.CharField("密钥标识", max_length=16)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "存证账本检查点"
        verbose_name_plural = "存证账本检查点"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"检查点 #{self.pk}（{self.tree_size} 条）"


class LedgerNode(LedgerAppendOnlyModel):
    """A stored subtree hash: ``MTH`` of the perfect aligned subtree of ``2^height`` leaves at
    ``index · 2^height``, kept at every fourth height (sifa/core/ledger/sparse.py) so proofs and
    roots read a few hundred rows instead of every leaf. Written by the append that completes it."""

    height = models.PositiveSmallIntegerField("高度")
    index = models.BigIntegerField("序号")
    hash = models.BinaryField("哈希", max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "存证账本子树哈希"
        verbose_name_plural = "存证账本子树哈希"
        constraints = [models.UniqueConstraint(fields=["height", "index"], name="ledger_node_height_index")]

    def __str__(self) -> str:
        return f"子树哈希 h={self.height} #{self.index}"


class AuditBatch(LedgerAppendOnlyModel):
    """A batch of audit-log rows sealed into the ledger (sifa/core/ledger/auditchain.py).

    ``row_hashes`` is the concatenation of H(canonical bytes of each row), in id order; the batch
    hash H("sifa.audit.batch.v1" ‖ 0x00 ‖ number ‖ previous batch hash ‖ row hashes) chains to
    the previous batch and is the object hash of the ledger entry at ``ledger_index``.
    """

    number = models.BigIntegerField("批次号", unique=True)
    first_id = models.BigIntegerField("起始审计ID")
    last_id = models.BigIntegerField("截止审计ID")
    ids = models.JSONField("审计ID区间")
    row_count = models.IntegerField("条数")
    row_hashes = models.BinaryField("逐条哈希")
    prev_hash = models.BinaryField("前一批次哈希", max_length=64)
    batch_hash = models.BinaryField("批次哈希", max_length=64)
    oldest_at = models.DateTimeField("最早一条时间")
    newest_at = models.DateTimeField("最新一条时间")
    ledger_index = models.BigIntegerField("存证序号")
    created_at = models.DateTimeField("封存时间", default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志批次"
        verbose_name_plural = "审计日志批次"
        ordering = ["number"]

    def __str__(self) -> str:
        return f"审计日志批次 #{self.number}（第 {self.first_id}–{self.last_id} 条）"

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

"""Sealing the audit log into the ledger in chained batches, and checking the seals.

Every minute the worker (job ``ledger.audit_batch``) takes the audit rows written since the last
batch, hashes each row, chains the batch to the previous one (sifa/core/ledger/auditchain.py) and
appends one ``audit.batch`` ledger entry whose object hash is the batch hash. ``sifa verify --all``
recomputes every row hash and batch hash and names the first audit row or batch that changed.

Rows younger than ``SIFA_AUDIT_BATCH_SETTLE_SECONDS`` (default 300) wait for the next run: audit
ids come from a sequence, and a transaction that is still open may commit a smaller id after a
larger one; waiting lets it land so that no row with an id inside a sealed range appears later
(such a row would be reported as inserted). Sealing is not itself audited: an audit event per
batch would make every batch produce the next one.

Retention: the purge (``sifa purge-audit``) may delete rows older than the retention period, so
batches whose newest row is older than ``SIFA_AUDIT_RETENTION_DAYS`` are skipped by the check.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sifa.core.audit.models import AuditEvent
from sifa.core.ledger import auditchain, store
from sifa.core.ledger.entries import Entry, decode_entry
from sifa.core.ledger.hashing import Hasher, get_hasher
from sifa.core.ledger.models import AuditBatch, LedgerEntry
from sifa.core.ledger.verifier import LedgerTampered

ENTRY_TYPE = "audit.batch"
MAX_ROWS = 5000
#: System events that alone do not start a batch (the checkpoint job's own audit events would
#: otherwise keep the batch and checkpoint jobs feeding each other every minute).
QUIET_ACTIONS = frozenset({"ledger.checkpoint.made"})
FIELDS = [f.attname for f in AuditEvent._meta.concrete_fields]


def _settle_seconds() -> int:
    return int(getattr(settings, "SIFA_AUDIT_BATCH_SETTLE_SECONDS", 300))


def _rows(first_id: int, last_id: int | None = None, *, before: datetime.datetime | None = None,
          limit: int | None = None) -> list[dict[str, Any]]:
    qs = AuditEvent.objects.filter(id__gte=first_id)
    if last_id is not None:
        qs = qs.filter(id__lte=last_id)
    if before is not None:
        qs = qs.filter(created_at__lte=before)
    rows = qs.order_by("id").values(*FIELDS)
    return list(rows[:limit] if limit else rows)


def seal_audit_batch(*, settle_seconds: int | None = None) -> AuditBatch | None:
    """Seal the next batch of settled audit rows (at most MAX_ROWS); None when nothing is due.

    Locks the ledger head first, so two workers never seal the same rows twice.
    """
    settle = _settle_seconds() if settle_seconds is None else settle_seconds
    with transaction.atomic():
        store.lock_head()
        h = store.hasher()
        last = AuditBatch.objects.order_by("-number").first()
        after = last.last_id if last else 0
        rows = _rows(after + 1, before=timezone.now() - datetime.timedelta(seconds=settle), limit=MAX_ROWS)
        if not rows or all(r["action"] in QUIET_ACTIONS for r in rows):
            return None
        number = (last.number + 1) if last else 1
        prev = bytes(last.batch_hash) if last else bytes(h.digest_size)
        row_hashes = b"".join(auditchain.row_hash(h, r) for r in rows)
        value = auditchain.batch_hash(h, number, prev, row_hashes)
        ids = [r["id"] for r in rows]
        now = timezone.now()
        entry = store.append_entry(Entry(
            type=ENTRY_TYPE, case_id=None, object_hash=value.hex(),
            metadata={"batch": number, "first_id": ids[0], "last_id": ids[-1], "count": len(ids), "prev": prev.hex()},
            time=now))
        return AuditBatch.objects.create(
            number=number, first_id=ids[0], last_id=ids[-1], ids=auditchain.to_ranges(ids), row_count=len(ids),
            row_hashes=row_hashes, prev_hash=prev, batch_hash=value, oldest_at=min(r["created_at"] for r in rows),
            newest_at=max(r["created_at"] for r in rows),
            ledger_index=entry.index, created_at=now)


def seal_all(*, settle_seconds: int | None = None) -> int:
    """Seal batches until nothing is due; returns how many were sealed."""
    count = 0
    while seal_audit_batch(settle_seconds=settle_seconds) is not None:
        count += 1
    return count


def _batches() -> Iterator[AuditBatch]:
    yield from AuditBatch.objects.order_by("number").iterator(chunk_size=100)


def check_audit_batches(*, hash_alg: str) -> tuple[int, int]:
    """For ``sifa verify --all``: ``(batches checked, audit rows checked)``; raise LedgerTampered naming
    the first audit row or batch that does not match its seal."""
    h = get_hasher(hash_alg)
    retention_start = timezone.now() - datetime.timedelta(days=settings.SIFA_AUDIT_RETENTION_DAYS)
    prev = bytes(h.digest_size)
    expected_number, checked_rows, prev_last_id = 1, 0, 0
    for batch in _batches():
        name = f"审计日志批次 #{batch.number}"
        if batch.number != expected_number:
            raise LedgerTampered(f"审计日志批次 #{expected_number} 缺失")
        _check_seal(h, batch, prev, name)
        if batch.newest_at >= retention_start:  # else the purge may have removed every row
            checked_rows += _check_rows(h, batch, prev_last_id + 1, name,
                                        purged_ok=batch.oldest_at < retention_start)
        prev, prev_last_id = bytes(batch.batch_hash), batch.last_id
        expected_number += 1
    return expected_number - 1, checked_rows


def _check_seal(h: Hasher, batch: AuditBatch, prev: bytes, name: str) -> None:
    if bytes(batch.prev_hash) != prev:
        raise LedgerTampered(f"{name} 的前一批次哈希与链上的不符（批次链断裂）")
    row_hashes = bytes(batch.row_hashes)
    if len(row_hashes) != batch.row_count * h.digest_size or len(auditchain.from_ranges(batch.ids)) != batch.row_count:
        raise LedgerTampered(f"{name} 的逐条哈希或条数被改动")
    value = auditchain.batch_hash(h, batch.number, prev, row_hashes)
    if value != bytes(batch.batch_hash):
        raise LedgerTampered(f"{name} 的批次哈希与重算的不符（逐条哈希或批次被改动）")
    row = LedgerEntry.objects.filter(index=batch.ledger_index).values_list("entry", flat=True).first()
    if row is None:
        raise LedgerTampered(f"{name} 的存证（第 {batch.ledger_index} 条）不存在")
    entry = decode_entry(bytes(row))
    if entry.type != ENTRY_TYPE or entry.object_hash != value.hex() or entry.metadata.get("batch") != batch.number:
        raise LedgerTampered(f"{name} 与账本第 {batch.ledger_index} 条存证不符（批次被改动）")


def _check_rows(h: Hasher, batch: AuditBatch, from_id: int, name: str, *, purged_ok: bool) -> int:
    """The rows with ids from the end of the previous batch to this batch's last are exactly the
    sealed ones, each with its sealed hash. ``purged_ok``: the batch reaches back past the retention
    period, so rows the purge removed may be missing (changed or inserted ones are still found)."""
    expected_ids = auditchain.from_ranges(batch.ids)
    stored = auditchain.split_hashes(h, bytes(batch.row_hashes))
    rows = {r["id"]: r for r in _rows(from_id, batch.last_id)}
    for audit_id, sealed in zip(expected_ids, stored, strict=True):
        row = rows.pop(audit_id, None)
        if row is None:
            if purged_ok:
                continue
            raise LedgerTampered(f"审计日志第 {audit_id} 条缺失（{name} 已封存该条）")
        if auditchain.row_hash(h, row) != sealed:
            raise LedgerTampered(f"审计日志第 {audit_id} 条被改动（与{name}封存的哈希不符）")
    if rows:
        extra = min(rows)
        raise LedgerTampered(f"审计日志第 {extra} 条不在{name}中（封存之后被插入）")
    return len(expected_ids)

"""Audit-log batches sealed into the ledger: chained, checked by ``sifa verify --all`` down to the row."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.audit.models import AuditEvent
from sifa.core.ledger import auditchain, store
from sifa.core.ledger.auditbatch import MAX_ROWS, seal_all, seal_audit_batch
from sifa.core.ledger.entries import decode_entry
from sifa.core.ledger.models import AuditBatch, LedgerEntry
from sifa.core.ledger.services import make_checkpoint
from sifa.core.ledger.tests.ledger_helpers import flip_byte

pytestmark = pytest.mark.django_db


def _verify() -> str:
    out = io.StringIO()
    call_command("verify", "--all", stdout=out)
    return out.getvalue()


def _event(name: str = "甲") -> AuditEvent:
    AuditEvent.objects.bulk_create([AuditEvent(action="accounts.login", operation_id="00000000-0000-0000-0000-000000000001",
                                               actor_name=name, changes={"键": name, "n": 1})])
    return AuditEvent.objects.order_by("-id").first()  # type: ignore[return-value]


def _raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")


def test_batches_seal_every_row_and_chain() -> None:
    # given the demo world's audit rows and two more
    _event()
    total = AuditEvent.objects.count()
    # when
    sealed = seal_all(settle_seconds=0)
    _event("乙")
    seal_all(settle_seconds=0)
    # then every row is in exactly one batch and each batch names the previous one
    batches = list(AuditBatch.objects.order_by("number"))
    assert len(batches) == sealed + 1 == (total + MAX_ROWS - 1) // MAX_ROWS + 1
    assert sum(b.row_count for b in batches) == total + 1
    prev = bytes(store.hasher().digest_size)
    for b in batches:
        assert bytes(b.prev_hash) == prev
        entry = decode_entry(bytes(LedgerEntry.objects.get(index=b.ledger_index).entry))
        assert entry.type == "audit.batch" and entry.object_hash == bytes(b.batch_hash).hex()
        assert entry.metadata["prev"] == prev.hex()
        prev = bytes(b.batch_hash)
    assert f"{len(batches)} 个审计日志批次（{total + 1} 条审计日志）" in _verify()


def test_young_rows_wait_for_the_settle_window() -> None:
    seal_all(settle_seconds=0)
    _event()
    assert seal_audit_batch(settle_seconds=300) is None
    assert seal_audit_batch(settle_seconds=0) is not None


def test_checkpoint_events_alone_do_not_start_a_batch() -> None:
    seal_all(settle_seconds=0)
    make_checkpoint(actor=Actor.system("test"))
    assert seal_audit_batch(settle_seconds=0) is None
    _event()
    batch = seal_audit_batch(settle_seconds=0)
    assert batch is not None and batch.row_count == 2


def test_changed_audit_row_is_named() -> None:
    row = _event()
    seal_all(settle_seconds=0)
    _raw("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["乙", row.pk])
    with pytest.raises(CommandError, match=f"审计日志第 {row.pk} 条被改动"):
        _verify()


def test_changed_json_in_audit_row_is_named() -> None:
    row = _event()
    seal_all(settle_seconds=0)
    _raw("UPDATE audit_auditevent SET changes = %s WHERE id = %s", ['{"键": "甲", "n": 2}', row.pk])
    with pytest.raises(CommandError, match=f"审计日志第 {row.pk} 条被改动"):
        _verify()


def test_deleted_and_inserted_audit_rows_are_named() -> None:
    first, second = _event("甲"), _event("乙")
    seal_all(settle_seconds=0)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [first.pk])
    with pytest.raises(CommandError, match=f"审计日志第 {first.pk} 条缺失"):
        _verify()
    # a row slipped back in with a sealed id but other content, and one with an id between sealed rows
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [second.pk])
    AuditEvent.objects.bulk_create([AuditEvent(id=second.pk, action="accounts.login", actor_name="伪造",
                                               operation_id="00000000-0000-0000-0000-000000000002")])
    with pytest.raises(CommandError, match=f"审计日志第 {first.pk} 条缺失|审计日志第 {second.pk} 条被改动"):
        _verify()


def test_row_inserted_into_a_sealed_gap_is_named() -> None:
    a = _event("甲")
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [a.pk])  # a gap, as a rolled-back transaction leaves
    b = _event("乙")
    seal_all(settle_seconds=0)
    assert "校验通过" in _verify()
    AuditEvent.objects.bulk_create([AuditEvent(id=a.pk, action="accounts.login", actor_name="补录",
                                               operation_id="00000000-0000-0000-0000-000000000003")])
    with pytest.raises(CommandError, match=f"审计日志第 {a.pk} 条不在审计日志批次 #\\d+中（封存之后被插入）"):
        _verify()
    assert b.pk > a.pk


def test_flipped_batch_bytes_are_named() -> None:
    _event()
    seal_all(settle_seconds=0)
    batch = AuditBatch.objects.order_by("-number").first()
    assert batch is not None
    flip_byte("ledger_auditbatch", "row_hashes", batch.pk, offset=3)
    with pytest.raises(CommandError, match=f"审计日志批次 #{batch.number} 的批次哈希与重算的不符"):
        _verify()


def test_batches_past_retention_may_lose_purged_rows() -> None:
    old = _event()
    _raw("UPDATE audit_auditevent SET created_at = %s WHERE id = %s",
         [timezone.now() - datetime.timedelta(days=400), old.pk])
    seal_all(settle_seconds=0)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [old.pk])  # what the retention purge does
    assert "校验通过" in _verify()


def test_row_encoding_is_canonical() -> None:
    row = {"id": 1, "created_at": datetime.datetime(2026, 1, 1, 8, tzinfo=datetime.UTC), "changes": {"b": 1, "a": "值"}}
    assert auditchain.row_bytes(row) == '{"changes":{"a":"值","b":1},"created_at":"2026-01-01T08:00:00.000000Z","id":1}'.encode()
    assert auditchain.to_ranges([5, 1, 2, 3, 7, 8]) == [[1, 3], [5, 5], [7, 8]]
    assert auditchain.from_ranges([[1, 3], [5, 5]]) == [1, 2, 3, 5]

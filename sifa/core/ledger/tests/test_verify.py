"""``sifa verify --all``: passes on an intact ledger, names the first tampered row otherwise."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from sifa.core.accounts.actor import Actor
from sifa.core.ledger import store
from sifa.core.ledger.models import LedgerCheckpoint, LedgerEntry
from sifa.core.ledger.services import make_checkpoint
from sifa.core.ledger.tests.ledger_helpers import append_many, flip_byte, sample_entry

pytestmark = pytest.mark.django_db


def _ledger_with_checkpoints() -> list[LedgerCheckpoint]:
    append_many(5)
    first = make_checkpoint(actor=Actor.system("test"))
    with transaction.atomic():
        for n in range(5, 20):
            store.append_entry(sample_entry(n))
    second = make_checkpoint(actor=Actor.system("test"))
    third = make_checkpoint(actor=Actor.system("test"))
    return [first, second, third]


def _verify() -> str:
    out = io.StringIO()
    call_command("verify", "--all", stdout=out)
    return out.getvalue()


def test_intact_ledger_passes() -> None:
    _ledger_with_checkpoints()
    assert "校验通过：20 条存证，1 个子树哈希，3 个检查点" in _verify()


def test_empty_ledger_passes() -> None:
    assert "0 条存证" in _verify()


def test_without_all_is_refused() -> None:
    with pytest.raises(CommandError, match="--all"):
        call_command("verify")


def test_flipped_entry_byte_is_named() -> None:
    # given
    _ledger_with_checkpoints()
    row = LedgerEntry.objects.get(index=17)
    # when
    flip_byte("ledger_ledgerentry", "entry", row.pk, offset=30)
    # then
    with pytest.raises(CommandError, match="第 17 条存证的叶哈希不符"):
        _verify()


def test_flipped_leaf_hash_byte_is_named() -> None:
    _ledger_with_checkpoints()
    flip_byte("ledger_ledgerentry", "leaf_hash", LedgerEntry.objects.get(index=2).pk, offset=31)
    with pytest.raises(CommandError, match="第 2 条存证的叶哈希不符"):
        _verify()


@pytest.mark.parametrize("column", ["signature", "root_hash"])
def test_flipped_checkpoint_byte_is_named(column: str) -> None:
    # given
    checkpoints = _ledger_with_checkpoints()
    # when
    flip_byte("ledger_ledgercheckpoint", column, checkpoints[1].pk, offset=5)
    # then
    with pytest.raises(CommandError, match=f"检查点 #{checkpoints[1].pk} 签名无效"):
        _verify()


def test_missing_entry_is_named() -> None:
    # given a row removed behind the application's back
    _ledger_with_checkpoints()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE ledger_ledgerentry DISABLE TRIGGER ledger_ledgerentry_append_only")
        cursor.execute('DELETE FROM ledger_ledgerentry WHERE "index" = 6')
    # then
    with pytest.raises(CommandError, match="第 6 条存证缺失"):
        _verify()


def _forge(index: int) -> None:
    """Replace an entry and its leaf hash consistently (as a careful forger would)."""
    row = LedgerEntry.objects.get(index=index)
    forged = sample_entry(99).encode()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE ledger_ledgerentry DISABLE TRIGGER ledger_ledgerentry_append_only")
        cursor.execute("UPDATE ledger_ledgerentry SET entry = %s, leaf_hash = %s WHERE id = %s",
                       [forged, store.hasher().leaf_hash(forged), row.pk])


def test_forged_entry_inside_a_stored_subtree_breaks_its_node() -> None:
    # given entries 0–15 form a complete subtree whose hash is stored
    _ledger_with_checkpoints()
    # when
    _forge(1)
    # then
    with pytest.raises(CommandError, match="子树哈希（高度 4，第 0 个） 与由存证重算的不符"):
        _verify()


def test_entry_and_leaf_rewritten_together_break_the_checkpoint_root() -> None:
    # given an entry beyond the last complete 16-leaf subtree, replaced consistently
    checkpoints = _ledger_with_checkpoints()
    row = LedgerEntry.objects.get(index=17)
    forged = sample_entry(99).encode()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE ledger_ledgerentry DISABLE TRIGGER ledger_ledgerentry_append_only")
        cursor.execute("UPDATE ledger_ledgerentry SET entry = %s, leaf_hash = %s WHERE id = %s",
                       [forged, store.hasher().leaf_hash(forged), row.pk])
    # then the first checkpoint covering it no longer matches
    with pytest.raises(CommandError, match=f"检查点 #{checkpoints[1].pk} 的根哈希"):
        _verify()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only")
def test_postgres_trigger_rejects_update_and_delete() -> None:
    append_many(1)
    for sql in ("UPDATE ledger_ledgerentry SET entry = %s", "DELETE FROM ledger_ledgerentry WHERE id > %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [b"x" if "UPDATE" in sql else 0])
    assert LedgerEntry.objects.count() == 1

"""Stored subtree hashes: proofs and roots read from them equal the in-memory tree's; tampering with a
stored node (or removing or adding one) is named by ``sifa verify --all``."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from sifa.core.ledger import sparse, store
from sifa.core.ledger.merkle import MerkleTree, verify_consistency, verify_inclusion
from sifa.core.ledger.models import LedgerNode
from sifa.core.ledger.tests.ledger_helpers import append_many, flip_byte, sample_entry

pytestmark = pytest.mark.django_db


def _memory_tree() -> MerkleTree:
    return MerkleTree(store.hasher(), [store.leaf_hash(i) for i in range(store.ledger_size())])


def _verify() -> str:
    out = io.StringIO()
    call_command("verify", "--all", stdout=out)
    return out.getvalue()


def test_appends_store_exactly_the_complete_subtrees_at_every_fourth_height() -> None:
    append_many(300)
    heights = dict.fromkeys([4, 8], 0)
    for node in LedgerNode.objects.all():
        heights[node.height] += 1
    assert heights == {4: 300 // 16, 8: 300 // 256}
    memory = _memory_tree()
    for node in LedgerNode.objects.all():
        assert bytes(node.hash) == memory.perfect_hash(node.height, node.index)


def test_roots_and_proofs_from_stored_nodes_match_the_memory_tree() -> None:
    append_many(300)
    memory = _memory_tree()
    h = store.hasher()
    for size in (1, 2, 3, 15, 16, 17, 31, 255, 256, 257, 299, 300):
        assert store.root(size) == memory.root(size), size
        for index in {0, size // 2, size - 1}:
            leaf, path = store.inclusion(index, size)
            assert path == memory.inclusion_proof(index, size)
            assert verify_inclusion(leaf, index, size, path, memory.root(size), hasher=h)
        for first in {1, size // 3 or 1, size}:
            proof = store.consistency(first, size)
            assert proof == memory.consistency_proof(first, size)
            assert verify_consistency(first, size, memory.root(first), memory.root(size), proof, hasher=h)


def test_a_proof_reads_a_bounded_number_of_rows(django_assert_max_num_queries: object) -> None:
    append_many(600)
    with django_assert_max_num_queries(5):  # type: ignore[operator]
        store.inclusion(333, 600)


def test_rollback_leaves_no_node() -> None:
    append_many(15)
    with pytest.raises(RuntimeError), transaction.atomic():
        store.append_entry(sample_entry(15))
        assert LedgerNode.objects.count() == 1
        raise RuntimeError("business write failed")
    assert LedgerNode.objects.count() == 0
    assert store.ledger_size() == 15


def test_nodes_completed_by() -> None:
    assert sparse.nodes_completed_by(15) == []
    assert sparse.nodes_completed_by(16) == [(4, 0)]
    assert sparse.nodes_completed_by(256) == [(4, 15), (8, 0)]
    assert sparse.nodes_completed_by(4096) == [(4, 255), (8, 15), (12, 0)]


def test_flipped_node_byte_is_named() -> None:
    append_many(40)
    assert "2 个子树哈希" in _verify()
    flip_byte("ledger_ledgernode", "hash", LedgerNode.objects.get(height=4, index=1).pk, offset=7)
    with pytest.raises(CommandError, match="子树哈希（高度 4，第 1 个） 与由存证重算的不符"):
        _verify()


def test_missing_and_extra_nodes_are_named() -> None:
    append_many(40)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE ledger_ledgernode DISABLE TRIGGER ledger_ledgernode_append_only")
        cursor.execute('DELETE FROM ledger_ledgernode WHERE "index" = 0')
    with pytest.raises(CommandError, match="子树哈希（高度 4，第 0 个）缺失"):
        _verify()
    LedgerNode.objects.create(height=4, index=0, hash=_memory_tree().perfect_hash(4, 0))
    assert "校验通过" in _verify()
    LedgerNode.objects.create(height=4, index=2, hash=b"\x00" * 32)
    with pytest.raises(CommandError, match="子树哈希（高度 4，第 2 个） 不应存在"):
        _verify()

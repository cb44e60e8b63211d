"""``store.append_entries``: a batch leaves exactly what as many single appends leave (rows, leaf hashes,
stored subtree hashes, root), in a constant number of queries; proofs and ``sifa verify --all`` hold
afterwards; a rollback leaves nothing; concurrent batches on PostgreSQL keep indexes gapless."""

from __future__ import annotations

import io
import random
import threading
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import override_settings

from sifa.core.accounts.actor import Actor
from sifa.core.ledger import sparse, store
from sifa.core.ledger.entries import encode_entry
from sifa.core.ledger.errors import LedgerMisconfigured
from sifa.core.ledger.merkle import MerkleTree, verify_consistency, verify_inclusion
from sifa.core.ledger.models import LedgerEntry, LedgerHead, LedgerNode
from sifa.core.ledger.tests.ledger_helpers import sample_entry
from sifa.core.ledger.verifier import verify_ledger

BATCH_SIZES = (1, 3, 15, 16, 17, 255, 256, 257, 1000)

Snapshot = tuple[list[tuple[int, bytes, bytes]], list[tuple[int, int, bytes]], int, bytes]


def _grow_to(size: int) -> None:
    """Fill the ledger up to ``size`` entries (entries n = index, as the single appends below use)."""
    with transaction.atomic():
        for first in range(store.ledger_size(), size, 500):
            store.append_entries([sample_entry(n) for n in range(first, min(size, first + 500))])


def _snapshot() -> Snapshot:
    """Entry rows and stored nodes in insertion (id) order, the head's size and the root."""
    rows = [(i, bytes(e), bytes(h)) for i, e, h in LedgerEntry.objects.order_by("id").values_list("index", "entry", "leaf_hash")]
    nodes = [(h, i, bytes(v)) for h, i, v in LedgerNode.objects.order_by("id").values_list("height", "index", "hash")]
    size = store.ledger_size()
    return rows, nodes, size, store.root(size)


def _in_rolled_back_savepoint(append: Any) -> tuple[Snapshot, list[LedgerEntry]]:
    """What ``append()`` left and returned, then rolled back."""
    with transaction.atomic():
        returned = append()
        snap = _snapshot()
        transaction.set_rollback(True)
    return snap, returned


def _expected(tree: MerkleTree, data: list[bytes], size: int) -> Snapshot:
    """What ``size`` appends must leave, computed independently in memory by the core's MerkleTree
    (built over at least ``size`` entries)."""
    rows = [(n, data[n], tree.leaf_hash(n)) for n in range(size)]
    nodes = [(height, index, tree.perfect_hash(height, index))
             for height, index in sparse.nodes_completed_between(0, size)]
    return rows, nodes, size, tree.root(size)


def test_nodes_completed_between_lists_what_each_single_append_completes_in_order() -> None:
    for old in (0, 1, 13, 15, 16, 241, 255, 3999, 4095, 65535):
        for k in (*BATCH_SIZES, 4097):
            singles = [node for size in range(old + 1, old + k + 1) for node in sparse.nodes_completed_by(size)]
            assert sparse.nodes_completed_between(old, old + k) == singles, (old, k)
    assert sparse.nodes_completed_between(7, 7) == []


@pytest.mark.django_db
@pytest.mark.parametrize("start", [0, 1, 13, 241, 3999])
def test_a_batch_stores_exactly_what_single_appends_store(start: int) -> None:
    # given a ledger of ``start`` entries
    _grow_to(start)
    data = [encode_entry(sample_entry(n)) for n in range(start + max(BATCH_SIZES))]
    tree = MerkleTree.from_entries(store.hasher(), data)
    for k in BATCH_SIZES:
        batch = [sample_entry(n) for n in range(start, start + k)]
        # when the same k entries are appended as one batch, and (rolled back in between) one by one
        by_batch, returned = _in_rolled_back_savepoint(lambda b=batch: store.append_entries(b))
        one_by_one, _ = _in_rolled_back_savepoint(lambda b=batch: [store.append_entry(e) for e in b])
        # then the rows, leaf hashes, stored nodes (in the same order), size and root are identical,
        assert by_batch == one_by_one, (start, k)
        # and they are the right ones: the in-memory tree of the core says so independently
        assert by_batch == _expected(tree, data, start + k), (start, k)
        assert [(r.index, bytes(r.entry), bytes(r.leaf_hash)) for r in returned] == by_batch[0][start:]
        assert len({r.pk for r in returned}) == k and all(r.pk is not None and not r._state.adding for r in returned)
        # and nothing of it stayed
        assert store.ledger_size() == start == LedgerEntry.objects.count()


@pytest.mark.django_db
def test_a_batch_takes_a_constant_number_of_queries(django_assert_num_queries: Any) -> None:
    # given a ledger whose size is odd and not on any node boundary
    _grow_to(4001)
    # when 1000 entries complete 62 nodes at height 4, 4 at height 8 and (4096) one at height 12
    with transaction.atomic(), django_assert_num_queries(4):  # head, entries, earlier children, nodes
        store.append_entries([sample_entry(n) for n in range(4001, 5001)])
    # then
    assert LedgerNode.objects.filter(height=12).count() == 1
    assert LedgerNode.objects.count() == 5001 // 16 + 5001 // 256 + 1
    # and a batch that completes no node takes two (head, entries)
    with transaction.atomic(), django_assert_num_queries(2):
        store.append_entries([sample_entry(n) for n in range(5001, 5004)])


@pytest.mark.django_db
def test_proofs_and_verify_all_hold_after_batches() -> None:
    # given batches of uneven sizes
    rng = random.Random(4)
    with transaction.atomic():
        size = 0
        while size < 1200:
            k = rng.choice([1, 2, 7, 16, 33, 100, 250])
            store.append_entries([sample_entry(n) for n in range(size, size + k)])
            size += k
    from sifa.core.ledger.services import make_checkpoint

    make_checkpoint(actor=Actor.system("test"))
    h = store.hasher()
    memory = MerkleTree.from_entries(h, [encode_entry(sample_entry(n)) for n in range(size)])
    # then inclusion and consistency proofs from the stored nodes verify against the in-memory roots
    for tree_size in (1, 17, 256, 257, 1000, size):
        for index in {0, tree_size // 2, tree_size - 1}:
            leaf, path = store.inclusion(index, tree_size)
            assert verify_inclusion(leaf, index, tree_size, path, memory.root(tree_size), hasher=h)
        for first in {1, tree_size // 3 or 1, tree_size}:
            proof = store.consistency(first, tree_size)
            assert verify_consistency(first, tree_size, memory.root(first), memory.root(tree_size), proof, hasher=h)
    # and sifa verify --all passes
    out = io.StringIO()
    call_command("verify", "--all", stdout=out)
    assert f"校验通过：{size} 条存证，{size // 16 + size // 256} 个子树哈希，1 个检查点" in out.getvalue()


@pytest.mark.django_db
def test_rollback_of_the_callers_transaction_leaves_nothing() -> None:
    # given
    _grow_to(13)
    before = _snapshot()
    # when the business write after the batch fails
    with pytest.raises(RuntimeError, match="business write failed"), transaction.atomic():
        store.append_entries([sample_entry(n) for n in range(13, 13 + 300)])
        assert store.ledger_size() == 313 and LedgerNode.objects.count() == 313 // 16 + 1
        raise RuntimeError("business write failed")
    # then
    assert _snapshot() == before
    assert LedgerNode.objects.count() == 0 and store.ledger_size() == 13


@pytest.mark.django_db
def test_empty_batch_is_a_no_op(django_assert_num_queries: Any) -> None:
    # given
    _grow_to(5)
    before = _snapshot()
    # when
    with transaction.atomic(), django_assert_num_queries(0):
        assert store.append_entries([]) == []
    # then
    assert _snapshot() == before


@pytest.mark.django_db
def test_first_batch_creates_the_head() -> None:
    # given an empty ledger
    assert not LedgerHead.objects.exists()
    # when
    with transaction.atomic():
        rows = store.append_entries([sample_entry(n) for n in range(20)])
    # then
    assert [r.index for r in rows] == list(range(20))
    assert LedgerHead.objects.get().size == 20 and LedgerNode.objects.count() == 1


@pytest.mark.django_db
def test_a_batch_refuses_a_changed_hash_algorithm() -> None:
    # given a ledger made with the configured algorithm
    _grow_to(3)
    other = "sha256" if store.ledger_hash_alg() == "sm3" else "sm3"
    # when the configuration names another one
    with override_settings(SIFA_LEDGER_HASH=other), pytest.raises(LedgerMisconfigured, match="不能混用哈希算法"), \
            transaction.atomic():
        store.append_entries([sample_entry(3), sample_entry(4)])
    # then nothing was appended
    assert store.ledger_size() == 3 == LedgerEntry.objects.count()


def test_a_batch_outside_a_transaction_is_refused(transactional_db: Any, demo_world: None) -> None:
    with pytest.raises(RuntimeError, match="transaction"):
        store.append_entries([sample_entry(0)])
    assert LedgerEntry.objects.count() == 0


@pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"],
                    reason="SQLite serialises writers itself; row locks are tested on PostgreSQL")
def test_parallel_batches_leave_no_gap_and_a_consistent_tree(demo_world: Any) -> None:
    # given
    from sifa.core.ledger.services import make_checkpoint

    threads_count, batches = 6, 5
    sizes = [[(k * 7 + b * 13) % 40 + 1 for b in range(batches)] for k in range(threads_count)]
    barrier = threading.Barrier(threads_count)
    errors: list[BaseException] = []
    got: list[list[int]] = []

    def worker(k: int) -> None:
        try:
            barrier.wait()
            for b, count in enumerate(sizes[k]):
                with transaction.atomic():
                    rows = store.append_entries([sample_entry(10_000 * k + 100 * b + n) for n in range(count)])
                got.append([r.index for r in rows])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(threads_count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then every batch got consecutive indexes, and together they are 0 … n−1
    assert errors == []
    total = sum(map(sum, sizes))
    assert all(indexes == list(range(indexes[0], indexes[0] + len(indexes))) for indexes in got)
    assert sorted(i for indexes in got for i in indexes) == list(range(total))
    assert list(LedgerEntry.objects.order_by("index").values_list("index", flat=True)) == list(range(total))
    assert store.ledger_size() == total
    make_checkpoint(actor=Actor.system("test"))
    report = verify_ledger(store.stored_entries(), store.stored_checkpoints(), nodes=store.stored_nodes(),
                           hash_alg=store.ledger_hash_alg(), public_key=store.signing_key().public_key())
    assert report.entries == total
    assert report.nodes == total // 16 + total // 256

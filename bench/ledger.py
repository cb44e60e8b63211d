"""Benchmark: the evidence ledger — appends, proofs and ``verify --all``, each against a baseline in the same run.

    .venv/bin/python bench/ledger.py                                   # SQLite (a file database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sifa .venv/bin/python bench/ledger.py
    options: --appends 5000  --size 1000000  --proofs 1000

Creates a throw-away database, then:
1. appends against plain INSERTs of the same rows (leaf hash included) into a table of the same
   shape. One per transaction (as one upload is): N ``append_entry`` calls against N single-row
   INSERTs. 100 per transaction (as an import is), like with like: one ``append_entries`` call
   against one ``executemany`` per transaction; then, for information, 100 separate
   ``append_entry`` calls against 100 single-row INSERTs per transaction. Goal (issue #4): ratio
   ≥ 0.3 and ≥ 3,000 appends/s, met with 100 per transaction. With one commit per append,
   PostgreSQL's durable commit (WAL flush) bounds both sides to the disk's commit rate (plain
   INSERTs too stay below 3,000/s there); the head-row lock is held until commit, so appends
   cannot share a commit either.
2. a ledger of ``--size`` entries (default 10^6), bulk-loaded (rows, leaf hashes and stored subtree
   hashes computed as the appends would), then inclusion proofs at that size through
   ``store.inclusion`` against a baseline of reading one entry row by its index. Goal: < 2 ms.
3. ``sifa verify --all`` over that ledger, against a baseline of only hashing every stored entry
   once (the least any full check must do). Goal: < 60 s.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sifa.project.settings_test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

T0 = datetime.datetime(2026, 3, 1, 8, 30, tzinfo=datetime.UTC)


def sample(n: int):  # type: ignore[no-untyped-def]
    from sifa.core.ledger.entries import Entry

    return Entry(type="attachment.added", case_id=1000 + n % 5000, object_hash=f"{n:064x}",
                 metadata={"attachment": n, "name": f"证据材料{n}.pdf", "size": 1000 + n, "content_type": "application/pdf"},
                 time=T0 + datetime.timedelta(milliseconds=n))


def _plain_table() -> None:
    blob = "bytea" if connection.vendor == "postgresql" else "blob"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plain")
        cursor.execute(f'CREATE TABLE bench_plain (id integer primary key, "index" bigint unique, entry {blob}, '
                       f'leaf_hash {blob}, created_at timestamp)' if connection.vendor == "sqlite" else
                       f'CREATE TABLE bench_plain (id bigserial primary key, "index" bigint unique, entry {blob}, '
                       f'leaf_hash {blob}, created_at timestamptz)')


_PLAIN_INSERT = 'INSERT INTO bench_plain ("index", entry, leaf_hash, created_at) VALUES (%s, %s, %s, %s)'


def _plain(rows: list[bytes], per_tx: int, *, many: bool) -> float:
    """Rows/s of plain INSERTs (leaf hash computed, as ours does) in transactions of ``per_tx`` rows:
    one INSERT per row, or with ``many`` one ``executemany`` per transaction."""
    from sifa.core.ledger import store

    h = store.hasher()
    _plain_table()
    started = time.perf_counter()
    for first in range(0, len(rows), per_tx):
        with transaction.atomic(), connection.cursor() as cursor:
            chunk = range(first, min(len(rows), first + per_tx))
            if many:
                now = datetime.datetime.now(datetime.UTC)
                cursor.executemany(_PLAIN_INSERT, [[i, rows[i], h.leaf_hash(rows[i]), now] for i in chunk])
            else:
                for i in chunk:
                    cursor.execute(_PLAIN_INSERT, [i, rows[i], h.leaf_hash(rows[i]), datetime.datetime.now(datetime.UTC)])
    return len(rows) / (time.perf_counter() - started)


def _ours(entries: list, per_tx: int, *, many: bool) -> float:  # type: ignore[type-arg]
    from sifa.core.ledger import store

    started = time.perf_counter()
    for first in range(0, len(entries), per_tx):
        with transaction.atomic():
            if many:
                store.append_entries(entries[first:first + per_tx])
            else:
                for entry in entries[first:first + per_tx]:
                    store.append_entry(entry)
    return len(entries) / (time.perf_counter() - started)


def bench_appends(n: int, per_tx: int) -> None:
    """N appends in transactions of ``per_tx`` appends, against N plain INSERTs of the same rows in
    transactions of the same size (so both pay the same commits). With ``per_tx`` > 1 the main line
    compares like with like: one ``append_entries`` call against one ``executemany`` per
    transaction; ``per_tx`` separate ``append_entry`` calls against as many single INSERTs follow
    for information."""
    from sifa.core.ledger import store
    from sifa.core.ledger.entries import encode_entry

    def batch(base: int) -> tuple[list[bytes], list]:  # type: ignore[type-arg]
        # built outside the timing, like the plain rows
        return [encode_entry(sample(base + i)) for i in range(n)], [sample(base + i) for i in range(n)]

    label = "one transaction each" if per_tx == 1 else f"{per_tx} per transaction"
    goal = "(goal ≥ 0.3 and ≥ 3,000/s)"
    print(f"appends ({connection.vendor}, {label}, {n} rows):")
    rows, entries = batch(store.ledger_size())
    if per_tx == 1:
        plain, ours = _plain(rows, 1, many=False), _ours(entries, 1, many=False)
        print(f"  plain INSERT baseline   {plain:10.0f} rows/s")
        print(f"  append_entry            {ours:10.0f} appends/s   ratio {ours / plain:.3f}   {goal}")
        return
    plain, ours = _plain(rows, per_tx, many=True), _ours(entries, per_tx, many=True)
    print(f"  plain executemany       {plain:10.0f} rows/s      (one multi-row INSERT per transaction)")
    print(f"  append_entries          {ours:10.0f} appends/s   ratio {ours / plain:.3f}   {goal}")
    rows, entries = batch(store.ledger_size())
    plain, ours = _plain(rows, per_tx, many=False), _ours(entries, per_tx, many=False)
    print(f"  for information: {per_tx} separate calls per transaction")
    print(f"  plain INSERT × {per_tx:<3}       {plain:10.0f} rows/s")
    print(f"  append_entry × {per_tx:<3}       {ours:10.0f} appends/s   ratio {ours / plain:.3f}")


def bulk_load(size: int) -> None:
    """Rows exactly as ``size`` appends would leave them (entries, leaf hashes, stored nodes, head)."""
    from sifa.core.ledger import sparse, store
    from sifa.core.ledger.entries import encode_entry
    from sifa.core.ledger.merkle import MerkleTree
    from sifa.core.ledger.models import LedgerEntry, LedgerHead, LedgerNode

    start = store.ledger_size()
    h = store.hasher()
    tree = MerkleTree(h, [store.leaf_hash(i) for i in range(start)])
    batch: list[LedgerEntry] = []
    for i in range(start, size):
        data = encode_entry(sample(i))
        leaf = h.leaf_hash(data)
        tree.append(leaf)
        batch.append(LedgerEntry(index=i, entry=data, leaf_hash=leaf))
        if len(batch) == 20000:
            LedgerEntry.objects.bulk_create(batch)
            batch = []
    LedgerEntry.objects.bulk_create(batch)
    nodes = [LedgerNode(height=height, index=index, hash=tree.perfect_hash(height, index))
             for height in range(sparse.STRIDE, size.bit_length() + 1, sparse.STRIDE)
             for index in range(size >> height)]
    LedgerNode.objects.bulk_create(nodes, batch_size=20000, ignore_conflicts=True)  # the appends' own nodes stay
    LedgerHead.objects.update_or_create(pk=store.HEAD_PK, defaults={"size": size, "hash_alg": h.name})


def bench_proofs(size: int, count: int) -> None:
    from sifa.core.ledger import store
    from sifa.core.ledger.merkle import verify_inclusion
    from sifa.core.ledger.models import LedgerEntry

    rng = random.Random(1)
    indexes = [rng.randrange(size) for _ in range(count)]
    started = time.perf_counter()
    for i in indexes:
        LedgerEntry.objects.values_list("entry", flat=True).get(index=i)
    row_read = (time.perf_counter() - started) / count
    started = time.perf_counter()
    proofs = [store.inclusion(i, size) for i in indexes]
    proof_time = (time.perf_counter() - started) / count
    root = store.root(size)
    assert all(verify_inclusion(leaf, i, size, path, root, hasher=store.hasher()) for i, (leaf, path) in zip(indexes, proofs, strict=True))
    print(f"inclusion proofs at tree size {size:,} ({count} random leaves, all verified):")
    print(f"  one-row read baseline   {row_read * 1000:8.3f} ms")
    print(f"  store.inclusion         {proof_time * 1000:8.3f} ms   ratio {proof_time / row_read:.1f}× a row read   (goal < 2 ms)")


def bench_verify(size: int) -> None:
    from sifa.core.accounts.actor import Actor
    from sifa.core.ledger import store
    from sifa.core.ledger.services import make_checkpoint

    make_checkpoint(actor=Actor.system("bench"))
    h = store.hasher()
    started = time.perf_counter()
    for entry in store.stored_entries():
        h.leaf_hash(entry.entry)
    baseline = time.perf_counter() - started
    out = io.StringIO()
    started = time.perf_counter()
    call_command("verify", "--all", stdout=out)
    full = time.perf_counter() - started
    print(f"sifa verify --all over {size:,} entries:")
    print(f"  read + hash every entry {baseline:8.1f} s")
    print(f"  verify --all            {full:8.1f} s   ratio {full / baseline:.2f}   (goal < 60 s)")
    print(f"  {out.getvalue().strip()}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--appends", type=int, default=5000)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--proofs", type=int, default=1000)
    args = parser.parse_args()
    setup_test_environment()
    # SQLite: a file, as in production, not the test runner's in-memory database; PostgreSQL: a
    # database of its own, so a test run using test_sifa at the same time is not dropped
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = (
        "/tmp/sifa_bench_ledger.sqlite3" if connection.vendor == "sqlite" else "test_sifa_bench_ledger")  # noqa: S108
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from sifa.core.ledger import store

        print(f"hash algorithm: {store.configured_hash_alg()}; database: {connection.vendor}")
        bench_appends(args.appends, 1)
        bench_appends(args.appends, 100)
        started = time.perf_counter()
        bulk_load(args.size)
        print(f"(bulk-loaded a ledger of {args.size:,} entries in {time.perf_counter() - started:.0f} s)")
        bench_proofs(args.size, args.proofs)
        bench_verify(args.size)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

"""The ledger in the database: configuration, the signing key, appends, tree reads and proofs.

``append_entry`` is the private helper every writer of evidence calls inside its own service's
transaction (attachments, documents, key case transitions, audit batches); ``append_entries``
appends many at once with the same few statements. Each append also writes the stored subtree
hashes it completes (sifa/core/ledger/sparse.py), so roots and proofs read a few hundred hashes in
two queries whatever the ledger's size.
"""

from __future__ import annotations

import datetime
import functools
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import connection, transaction

from sifa.core.errors import ValidationFailed
from sifa.core.ledger import sparse
from sifa.core.ledger.entries import Entry, encode_entry
from sifa.core.ledger.errors import LedgerMisconfigured
from sifa.core.ledger.hashing import DEFAULT_ALGORITHM, Hasher, get_hasher
from sifa.core.ledger.merkle import consistency_proof, inclusion_proof
from sifa.core.ledger.models import LedgerCheckpoint, LedgerEntry, LedgerHead, LedgerNode
from sifa.core.ledger.signing import load_or_create_private_key
from sifa.core.ledger.verifier import StoredCheckpoint, StoredEntry, StoredNode
from sifa.project.env import env_str

HEAD_PK = 1
MAX_ENTRIES_PAGE = 1000
# Table names for the plain-SQL hot path (constants from the models; every value is a parameter).
_HEAD = LedgerHead._meta.db_table
_ENTRY = LedgerEntry._meta.db_table
_NODE = LedgerNode._meta.db_table
_BUMP_HEAD = f"UPDATE {_HEAD} SET size = size + %s WHERE id = %s RETURNING size, hash_alg"  # noqa: S608
_ENTRY_INSERT = f'INSERT INTO {_ENTRY} ("index", entry, leaf_hash, created_at) VALUES '  # noqa: S608
_NODE_INSERT = f'INSERT INTO {_NODE} (height, "index", hash) VALUES '  # noqa: S608
#: Rows per multi-row INSERT: 4,000 parameters, within SQLite's 32,766 (≥ 3.32) and PostgreSQL's 65,535.
_MAX_ROWS = 1000


def configured_hash_alg() -> str:
    """``SIFA_LEDGER_HASH`` (a Django setting or the environment variable), default ``sm3``."""
    name = getattr(settings, "SIFA_LEDGER_HASH", "") or env_str("SIFA_LEDGER_HASH", DEFAULT_ALGORITHM)
    return _algorithm_name(name)


@functools.lru_cache(maxsize=8)
def _algorithm_name(name: str) -> str:
    return get_hasher(name).name


def key_file() -> Path:
    """``SIFA_LEDGER_KEY_FILE``, default ``<SIFA_VAR_DIR>/keys/ledger_ed25519.pem``."""
    path = getattr(settings, "SIFA_LEDGER_KEY_FILE", "") or env_str("SIFA_LEDGER_KEY_FILE", "")
    return Path(path) if path else Path(settings.VAR_DIR) / "keys" / "ledger_ed25519.pem"


def signing_key() -> Ed25519PrivateKey:
    """The installation's checkpoint key, generated into :func:`key_file` the first time."""
    return load_or_create_private_key(key_file())


def ledger_hash_alg() -> str:
    """The algorithm of this ledger: the head's once anything was appended, else the configured one."""
    head = LedgerHead.objects.filter(pk=HEAD_PK).first()
    return head.hash_alg if head is not None else configured_hash_alg()


def hasher() -> Hasher:
    return get_hasher(ledger_hash_alg())


def ledger_size() -> int:
    head = LedgerHead.objects.filter(pk=HEAD_PK).first()
    return head.size if head is not None else 0


def lock_head() -> LedgerHead:
    """Lock (and, the first time, create) the head row; call inside a transaction."""
    head, _ = LedgerHead.objects.select_for_update().get_or_create(
        pk=HEAD_PK, defaults={"size": 0, "hash_alg": configured_hash_alg()})
    if head.hash_alg != configured_hash_alg():
        raise LedgerMisconfigured(
            f"存证账本已使用 {head.hash_alg} 建立，配置的 SIFA_LEDGER_HASH={configured_hash_alg()} 与之不符；"
            f"一个账本不能混用哈希算法")
    return head


def append_entry(entry: Entry) -> LedgerEntry:
    """Append one entry as the next leaf (private helper: runs in the caller's transaction).

    ``append_entries([entry])[0]``: two statements (bump the head, insert the row), and on every
    16th append two more (fetch the earlier children of the stored nodes it completes, insert them).
    """
    return append_entries([entry])[0]


def append_entries(entries: Sequence[Entry]) -> list[LedgerEntry]:
    """Append ``entries`` as consecutive leaves (private helper: runs in the caller's transaction).

    One ``UPDATE … SET size = size + k … RETURNING`` both locks the head row until commit (so
    concurrent appends get consecutive indexes with no gap) and hands out the k indexes; one
    multi-row INSERT stores the entry rows (per ``_MAX_ROWS``); the stored subtree hashes the batch
    completes are computed in memory from its own leaf hashes plus at most one fetch of earlier
    children (sifa/core/ledger/sparse.py ``batch_nodes``) and stored with one more INSERT. The rows
    and nodes are exactly those of k single appends; they commit or roll back together with the
    caller's business write. Plain SQL: this is the hot path (bench/ledger.py). An empty batch
    does nothing.
    """
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        raise RuntimeError("append_entries() must run inside the calling service's transaction")
    if not entries:
        return []
    data = [encode_entry(entry) for entry in entries]
    k = len(data)
    with conn.cursor() as cursor:
        cursor.execute(_BUMP_HEAD, [k, HEAD_PK])
        got = cursor.fetchone()
        if got is None:  # the very first append creates the head (locked like any other)
            lock_head()
            cursor.execute(_BUMP_HEAD, [k, HEAD_PK])
            got = cursor.fetchone()
        size, alg = got
        if alg != configured_hash_alg():
            lock_head()  # raises LedgerMisconfigured naming both algorithms
        h = get_hasher(alg)
        first = size - k
        now = datetime.datetime.now(datetime.UTC)  # under the head lock: in index order
        stamp = conn.ops.adapt_datetimefield_value(now)
        leaves = [h.leaf_hash(d) for d in data]
        ids: dict[int, int] = {}
        for lo in range(0, k, _MAX_ROWS):
            hi = min(k, lo + _MAX_ROWS)
            params: list[Any] = []
            for i in range(lo, hi):
                params += (first + i, data[i], leaves[i], stamp)
            cursor.execute(_values_sql(_ENTRY_INSERT, 4, hi - lo, ' RETURNING id, "index"'), params)
            ids.update((index, pk) for pk, index in cursor.fetchall())
        nodes = sparse.batch_nodes(h, first, leaves, _fetch)
        for lo in range(0, len(nodes), _MAX_ROWS):
            chunk = nodes[lo:lo + _MAX_ROWS]
            cursor.execute(_values_sql(_NODE_INSERT, 3, len(chunk)), [value for node in chunk for value in node])
    # positional, in the model's field order (id, index, entry, leaf_hash, created_at): the fast path
    # of Model.__init__, as from_db() uses
    rows = [LedgerEntry(ids[first + i], first + i, data[i], leaves[i], now) for i in range(k)]
    for row in rows:
        row._state.adding = False
    return rows


@functools.lru_cache(maxsize=64)
def _values_sql(insert: str, columns: int, rows: int, suffix: str = "") -> str:
    """``insert`` followed by ``rows`` rows of ``columns`` parameters each, then ``suffix``."""
    row = f"({', '.join(['%s'] * columns)})"
    return insert + ", ".join([row] * rows) + suffix


HEAD_ITEM: sparse.Item = (-1, 0)


def _fetch(items: set[sparse.Item], *, head: bool = False, strict: bool = True) -> dict[sparse.Item, bytes]:
    """The stored hashes of ``items`` ((0, i) = leaf i, (h, i) = stored node) in one query.

    With ``head``, the same query also returns the head row as ``HEAD_ITEM`` →
    ``b"<size> <hash_alg>"`` (absent when nothing was appended yet), so a proof costs one round trip.
    ``strict`` raises when a wanted hash is not stored (else the caller checks with :func:`_require`).
    """
    leaves = sorted(i for level, i in items if level == 0)
    nodes = sorted((level, i) for level, i in items if level > 0)
    if connection.vendor == "postgresql":
        rows = _fetch_rows_postgresql(leaves, nodes, head=head)
    else:
        rows = _fetch_rows(leaves, nodes, head=head)
    found: dict[sparse.Item, bytes] = {}
    for level, index, value in rows:
        if level == -1:
            found[HEAD_ITEM] = f"{index} {bytes(value).decode()}".encode()
        else:
            found[(level, index)] = bytes(value)
    if strict:
        _require(items, found)
    return found


def _fetch_rows(leaves: list[int], nodes: list[sparse.Item], *, head: bool) -> list[tuple[int, int, Any]]:
    parts: list[str] = []
    params: list[Any] = []
    if head:
        parts.append(f"SELECT -1, size, CAST(hash_alg AS BLOB) FROM {_HEAD} WHERE id = %s")  # noqa: S608
        params.append(HEAD_PK)
    if leaves:
        parts.append(f'SELECT 0, "index", leaf_hash FROM {_ENTRY} WHERE "index" IN ({", ".join(["%s"] * len(leaves))})')  # noqa: S608
        params.extend(leaves)
    by_height: dict[int, list[int]] = {}
    for level, i in nodes:
        by_height.setdefault(level, []).append(i)
    for level, idx in by_height.items():
        parts.append(f'SELECT height, "index", hash FROM {_NODE} WHERE height = %s AND "index" IN ({", ".join(["%s"] * len(idx))})')  # noqa: S608
        params.extend([level, *idx])
    if not parts:
        return []
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return cursor.fetchall()


# PostgreSQL: one statement text whatever the items (arrays instead of IN lists), executed with
# server-side binding and prepared once per connection (psycopg ``prepare=True``), so a proof pays
# neither query parsing on the client nor planning on the server: half the time of the IN-list form.
_PG_FETCH = (
    f'SELECT 0, "index", leaf_hash FROM {_ENTRY} WHERE "index" = ANY(%s::bigint[]) '  # noqa: S608
    f'UNION ALL SELECT n.height, n."index", n.hash FROM {_NODE} n '
    "JOIN unnest(%s::smallint[], %s::bigint[]) AS w(height, idx) ON n.height = w.height AND n.\"index\" = w.idx"
)
_PG_FETCH_HEAD = f"SELECT -1, size, convert_to(hash_alg, 'UTF8') FROM {_HEAD} WHERE id = %s UNION ALL " + _PG_FETCH  # noqa: S608


def _fetch_rows_postgresql(leaves: list[int], nodes: list[sparse.Item], *, head: bool) -> list[tuple[int, int, Any]]:
    params: list[Any] = [leaves, [h for h, _ in nodes], [i for _, i in nodes]]
    if head:
        params.insert(0, HEAD_PK)
    import psycopg

    connection.ensure_connection()
    # Django's connections default to client-side binding (ClientCursor); this statement is bound on
    # the server and prepared. Same connection, so it runs inside Django's transaction.
    sql = _PG_FETCH_HEAD if head else _PG_FETCH
    started = time.monotonic()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        rows = cursor.fetchall()
    if connection.queries_logged:  # seen by debug tooling and assertNumQueries like any other query
        connection.queries_log.append({"sql": f"{sql} -- {params}", "time": f"{time.monotonic() - started:.3f}"})
    return rows


def _require(items: set[sparse.Item], found: dict[sparse.Item, bytes]) -> None:
    missing = items - found.keys()
    if missing:
        raise LedgerMisconfigured(f"存证账本缺少子树哈希 {sorted(missing)[:3]}：请运行 sifa verify --all 检查")


def _answer(plan: sparse.Plan) -> sparse.Plan:
    plan.answer(_fetch(plan.items()))
    return plan


def root(tree_size: int) -> bytes:
    """The Merkle tree hash of the first ``tree_size`` stored leaves (RFC 9162 §2.1.1)."""
    h = hasher()
    if tree_size == 0:
        return h.empty_root()
    plan = sparse.Plan(h)
    plan.record(0, tree_size)
    return _answer(plan).subtree_hash(0, tree_size)


def leaf_hash(index: int) -> bytes:
    return _fetch({(0, index)})[(0, index)]


def latest_checkpoint() -> LedgerCheckpoint | None:
    return LedgerCheckpoint.objects.order_by("-id").first()


def entries_page(start: int, end: int | None) -> tuple[int, int, int, list[LedgerEntry]]:
    """``(start, end, size, rows)`` for entries ``start ≤ index < end`` (at most MAX_ENTRIES_PAGE)."""
    size = ledger_size()
    if start > size:
        raise ValidationFailed(f"start 超出范围：账本共有 {size} 条存证", field="start")
    if end is None:
        end = min(size, start + 100)
    if end < start:
        raise ValidationFailed("end 不能小于 start", field="end")
    if end > size:
        raise ValidationFailed(f"end 超出范围：账本共有 {size} 条存证", field="end")
    if end - start > MAX_ENTRIES_PAGE:
        raise ValidationFailed(f"每次最多取 {MAX_ENTRIES_PAGE} 条存证（end − start ≤ {MAX_ENTRIES_PAGE}）", field="end")
    return start, end, size, list(LedgerEntry.objects.filter(index__gte=start, index__lt=end).order_by("index"))


def _check_tree_size(tree_size: int, field: str) -> None:
    size = ledger_size()
    if tree_size > size:
        raise ValidationFailed(f"{field} 超出范围：账本共有 {size} 条存证", field=field)


def inclusion(index: int, tree_size: int) -> tuple[bytes, list[bytes]]:
    """(leaf hash, audit path) of leaf ``index`` in the tree of ``tree_size`` (RFC 9162 §2.1.3).

    One query whatever the size: the head, the stored leaves and the stored nodes together."""
    if tree_size < 1:
        raise ValidationFailed("tree_size 须至少为 1", field="tree_size")
    if index >= tree_size:
        raise ValidationFailed(f"index 须小于 tree_size（{tree_size}）", field="index")
    plan = sparse.plan_for(None, lambda source: inclusion_proof(index, tree_size, source))
    needed = plan.items() | {(0, index)}
    hashes = _fetch(needed, head=True, strict=False)
    size, _, alg = hashes.get(HEAD_ITEM, b"0 -").decode().partition(" ")
    if tree_size > int(size):
        raise ValidationFailed(f"tree_size 超出范围：账本共有 {size} 条存证", field="tree_size")
    _require(needed, hashes)
    plan.hasher = get_hasher(alg)
    plan.answer(hashes)
    return hashes[(0, index)], inclusion_proof(index, tree_size, plan.subtree_hash)


def consistency(first: int, second: int) -> list[bytes]:
    """The consistency proof from size ``first`` to size ``second`` (RFC 9162 §2.1.4)."""
    if first < 1:
        raise ValidationFailed("first 须至少为 1（空树无需一致性证明）", field="first")
    if first > second:
        raise ValidationFailed("first 不能大于 second", field="first")
    _check_tree_size(second, "second")
    plan = _answer(sparse.plan_for(hasher(), lambda source: consistency_proof(first, second, source)))
    return consistency_proof(first, second, plan.subtree_hash)


def stored_entries() -> Iterator[StoredEntry]:
    """Every entry in index order, streamed (a ledger of 10^6 entries is never held in memory)."""
    rows = LedgerEntry.objects.order_by("index").values_list("index", "entry", "leaf_hash")
    for i, e, h in rows.iterator(chunk_size=10000):
        yield StoredEntry(i, bytes(e), bytes(h))


def stored_nodes() -> list[StoredNode]:
    rows = LedgerNode.objects.order_by("height", "index").values_list("height", "index", "hash")
    return [StoredNode(height, index, bytes(value)) for height, index, value in rows.iterator(chunk_size=5000)]


def stored_checkpoints() -> list[StoredCheckpoint]:
    return [StoredCheckpoint(cp.pk, cp.tree_size, bytes(cp.root_hash), cp.hash_alg, cp.timestamp,
                             bytes(cp.signature), cp.key_id)
            for cp in LedgerCheckpoint.objects.order_by("id")]

"""Audit-log batches in the ledger: the canonical bytes of an audit row, and the chained batch hash.

Every minute the worker seals the audit rows written since the last batch (sifa/core/ledger/
auditbatch.py). For each row it computes ``row_hash = H(canonical JSON of the row)`` (the row's
fields by name, times as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` UTC, canonical JSON as in
:mod:`.entries`). The batch hash is::

    batch_hash = H("sifa.audit.batch.v1" ‖ 0x00 ‖ number (8 bytes, big-endian) ‖ prev_hash ‖ row_hash_1 ‖ … ‖ row_hash_k)

where ``prev_hash`` is the previous batch's hash (all zero bytes for batch 1), so batches form a
chain; the batch hash is the object hash of a ledger entry of type ``audit.batch``. Changing,
removing or inserting an audit row changes its row hash or the batch's id list; changing a stored
row hash changes the batch hash, which no longer matches the signed ledger.

Pure Python, no Django import.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping, Sequence

from .entries import canonical_json, format_time
from .hashing import Hasher

BATCH_DOMAIN = b"sifa.audit.batch.v1\x00"


def _plain(value: object) -> object:
    if isinstance(value, datetime.datetime):
        return format_time(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def row_bytes(row: Mapping[str, object]) -> bytes:
    """The canonical bytes of one audit row given as ``{field name: value}``."""
    return canonical_json({key: _plain(value) for key, value in row.items()})


def row_hash(hasher: Hasher, row: Mapping[str, object]) -> bytes:
    return hasher.hash(row_bytes(row))


def batch_hash(hasher: Hasher, number: int, prev_hash: bytes, row_hashes: bytes) -> bytes:
    return hasher.hash(BATCH_DOMAIN + number.to_bytes(8, "big") + prev_hash + row_hashes)


def split_hashes(hasher: Hasher, row_hashes: bytes) -> list[bytes]:
    size = hasher.digest_size
    if len(row_hashes) % size:
        raise ValueError("row hash list is not a whole number of hashes")
    return [row_hashes[i:i + size] for i in range(0, len(row_hashes), size)]


def to_ranges(ids: Iterable[int]) -> list[list[int]]:
    """Sorted ids as closed ranges: [1, 2, 3, 7] → [[1, 3], [7, 7]]."""
    ranges: list[list[int]] = []
    for i in sorted(ids):
        if ranges and i == ranges[-1][1] + 1:
            ranges[-1][1] = i
        else:
            ranges.append([i, i])
    return ranges


def from_ranges(ranges: Sequence[Sequence[int]]) -> list[int]:
    return [i for first, last in ranges for i in range(first, last + 1)]

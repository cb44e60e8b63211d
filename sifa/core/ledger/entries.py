"""The canonical byte encoding of a ledger entry — the bytes a leaf hash is computed over.

An entry records one fact: *what* (type), *for which case* (case id), *which object* (the hash of
a file or document), *details* (metadata) and *when* (time). Its leaf hash is
``H(0x00 ‖ entry bytes)`` (see :mod:`.hashing`), so these bytes are what a verifier must rebuild
or read; the layout below is fixed for format version 1.

Layout, version 1
=================

All integers are unsigned big-endian. The entry is one version byte followed by five fields in a
fixed order, each a 4-byte length ``L`` and then ``L`` bytes of UTF-8 text. Nothing follows the
last field::

    offset     size  content
    0          1     format version: 0x01
    1          4     L1, the byte length of TYPE
    5          L1    TYPE         event type, ASCII: a lowercase letter, then lowercase letters,
                                  digits, ".", "_" or "-"; 1 to 64 bytes (e.g. "attachment.added")
    5+L1       4     L2
    9+L1       L2    CASE_ID      the case id in decimal ASCII digits without sign or leading
                                  zeros (0 ≤ id ≤ 2^63−1), or empty (L2 = 0) for no case
    …          4     L3
    …          L3    OBJECT_HASH  the object's hash as lowercase hex ASCII, an even number of
                                  digits up to 128, or empty (L3 = 0) for no object
    …          4     L4
    …          L4    METADATA     a JSON object as canonical JSON, UTF-8 (see below)
    …          4     L5 = 27
    …          27    TIME         UTC time "YYYY-MM-DDTHH:MM:SS.ffffffZ": always six fractional
                                  digits and a literal "Z" (e.g. "2026-03-01T08:30:00.000000Z")

    total length = 1 + 5·4 + L1 + L2 + L3 + L4 + 27

Canonical JSON for METADATA is what Python's
``json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)``
writes, encoded as UTF-8:

* object keys sorted by Unicode code point, no whitespace between tokens;
* strings as raw UTF-8 except ``"`` → ``\\"``, ``\\`` → ``\\\\``, and control characters
  U+0000–U+001F written as ``\\b \\f \\n \\r \\t`` or ``\\u00XX`` (lowercase hex);
* integers in decimal; floats in Python's shortest round-trip form (``0.5``, ``1e+16``) — finite
  only, NaN and infinities are rejected; prefer integers (e.g. amounts in 分) or strings;
* only JSON values: objects with string keys, arrays, strings, integers, floats, ``true``,
  ``false``, ``null``. Lone surrogates are rejected (they are not UTF-8).

A verifier does not need to re-create the JSON: it hashes the stored bytes. The rules exist so one
entry has exactly one encoding: :func:`decode_entry` accepts only bytes that :func:`encode_entry`
would produce (it re-encodes and compares), so ``encode(decode(b)) == b`` whenever decoding
succeeds and different entries never share bytes.

This module imports nothing outside the Python standard library.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import math
import re
from collections.abc import Mapping
from typing import TypeAlias

ENTRY_FORMAT_VERSION = 1
FIELD_NAMES: tuple[str, ...] = ("type", "case_id", "object_hash", "metadata", "time")
MAX_CASE_ID = 2**63 - 1
MAX_OBJECT_HASH_HEX = 128
MAX_TYPE_BYTES = 64
TIME_LENGTH = 27
_VERSION = bytes([ENTRY_FORMAT_VERSION])

_TYPE_RE = re.compile(r"[a-z][a-z0-9._-]*")
_HEX_RE = re.compile(r"(?:[0-9a-f]{2})*")
_CASE_ID_RE = re.compile(r"0|[1-9][0-9]*")
_TIME_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\.([0-9]{6})Z")

JSONValue: TypeAlias = "None | bool | int | float | str | list[JSONValue] | dict[str, JSONValue]"
#: What ``json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)``
#: builds on every call, built once (stateless, safe to share between threads).
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


class EntryFormatError(ValueError):
    """An entry that cannot be encoded, or bytes that are not a canonical entry."""


# --------------------------------------------------------------------------------------------
# Field rules
# --------------------------------------------------------------------------------------------

#: Exact types a JSON value keeps as it is (subclasses such as enum members are converted).
_PLAIN = frozenset({str, int, bool, type(None)})


def _normalize_json(value: object, where: str) -> JSONValue:
    """A plain-typed deep copy of ``value``, or :class:`EntryFormatError` naming the bad part."""
    if type(value) in _PLAIN:  # the common case (and below: a plain item is taken without a call)
        return value  # type: ignore[return-value]  # exactly str, int, bool or None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise EntryFormatError(f"metadata{where}: {value!r} is not a finite number")
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, list):
        return [item if type(item) in _PLAIN else _normalize_json(item, f"{where}[{i}]")
                for i, item in enumerate(value)]
    if isinstance(value, Mapping):
        out: dict[str, JSONValue] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise EntryFormatError(f"metadata{where}: key {key!r} is not a string")
            out[str(key)] = item if type(item) in _PLAIN else _normalize_json(item, f"{where}[{key!r}]")
        return out
    raise EntryFormatError(
        f"metadata{where}: {type(value).__name__} is not a JSON value "
        f"(use objects, arrays, strings, numbers, true, false or null)"
    )


def canonical_json(value: Mapping[str, object]) -> bytes:
    """The canonical JSON bytes of a metadata object (see the module docstring)."""
    if not isinstance(value, Mapping):
        raise EntryFormatError(f"metadata must be a JSON object, got {type(value).__name__}")
    plain = _normalize_json(value, "")
    text = _CANONICAL_JSON.encode(plain)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise EntryFormatError(f"metadata holds a string that is not valid Unicode text: {exc}") from exc


def format_time(value: datetime.datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS.ffffffZ`` of an aware datetime, converted to UTC."""
    if not isinstance(value, datetime.datetime):
        raise EntryFormatError(f"time must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise EntryFormatError("time must be timezone-aware (a naive datetime has no defined instant)")
    try:
        t = value.astimezone(datetime.UTC)
    except OverflowError as exc:
        raise EntryFormatError(f"time {value!r} is outside the years 1 … 9999 in UTC") from exc
    return (
        f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
        f".{t.microsecond:06d}Z"
    )


def parse_time(text: str) -> datetime.datetime:
    """The UTC datetime of a ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` string (nothing else is accepted)."""
    match = _TIME_RE.fullmatch(text)
    if match is None:
        raise EntryFormatError(f"time {text!r} is not in the form YYYY-MM-DDTHH:MM:SS.ffffffZ")
    try:
        year, month, day, hour, minute, second, micro = (int(g) for g in match.groups())
        return datetime.datetime(year, month, day, hour, minute, second, micro, tzinfo=datetime.UTC)
    except ValueError as exc:
        raise EntryFormatError(f"time {text!r} is not a valid date and time: {exc}") from exc


def _check_type(value: object) -> str:
    if not isinstance(value, str):
        raise EntryFormatError(f"type must be a string, got {type(value).__name__}")
    if not _TYPE_RE.fullmatch(value) or len(value) > MAX_TYPE_BYTES:
        raise EntryFormatError(
            f"type {value!r} must be 1 to {MAX_TYPE_BYTES} characters: a lowercase ASCII letter, "
            f"then lowercase letters, digits, '.', '_' or '-'"
        )
    return str(value)


def _check_case_id(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise EntryFormatError(f"case id must be an integer or None, got {type(value).__name__}")
    if not 0 <= value <= MAX_CASE_ID:
        raise EntryFormatError(f"case id {value} is outside 0 … 2^63−1")
    return int(value)


def _check_object_hash(value: object) -> str:
    if not isinstance(value, str):
        raise EntryFormatError(f"object hash must be a string, got {type(value).__name__}")
    if len(value) > MAX_OBJECT_HASH_HEX or not _HEX_RE.fullmatch(value):
        raise EntryFormatError(
            f"object hash {value!r:.80} must be lowercase hex with an even number of digits "
            f"(at most {MAX_OBJECT_HASH_HEX}), or empty"
        )
    return str(value)


# --------------------------------------------------------------------------------------------
# The entry
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Entry:
    """One ledger entry. Construction validates every field and normalizes it:

    ``metadata`` becomes a plain deep copy (``str``/``int`` subclasses such as enum members turn
    into ``str``/``int``), ``time`` is converted to UTC. Invalid values raise
    :class:`EntryFormatError`.
    """

    type: str
    case_id: int | None
    object_hash: str
    metadata: Mapping[str, object]
    time: datetime.datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "type", _check_type(self.type))
        object.__setattr__(self, "case_id", _check_case_id(self.case_id))
        object.__setattr__(self, "object_hash", _check_object_hash(self.object_hash))
        if not isinstance(self.metadata, Mapping):
            raise EntryFormatError(f"metadata must be a JSON object, got {type(self.metadata).__name__}")
        object.__setattr__(self, "metadata", _normalize_json(self.metadata, ""))
        format_time(self.time)  # validates: aware and representable in UTC
        object.__setattr__(self, "time", self.time.astimezone(datetime.UTC))

    def encode(self) -> bytes:
        """The canonical bytes of this entry (:func:`encode_entry`)."""
        return encode_entry(self)


def _length(data: bytes) -> bytes:
    if len(data) > 0xFFFFFFFF:
        raise EntryFormatError("an entry field is longer than 2^32−1 bytes")
    return len(data).to_bytes(4, "big")


def encode_entry(entry: Entry) -> bytes:
    """The canonical version-1 bytes of ``entry`` (layout in the module docstring)."""
    if not isinstance(entry, Entry):
        raise EntryFormatError(f"expected an Entry, got {type(entry).__name__}")
    fields = (
        _check_type(entry.type).encode("ascii"),
        b"" if entry.case_id is None else str(_check_case_id(entry.case_id)).encode("ascii"),
        _check_object_hash(entry.object_hash).encode("ascii"),
        canonical_json(entry.metadata),
        format_time(entry.time).encode("ascii"),
    )
    parts = [_VERSION]
    for data in fields:
        parts += (_length(data), data)
    return b"".join(parts)


def _ascii(raw: bytes, name: str) -> str:
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError as exc:
        raise EntryFormatError(f"{name} is not ASCII: {exc}") from exc


def decode_entry(data: bytes | bytearray | memoryview) -> Entry:
    """The :class:`Entry` encoded by ``data``; :class:`EntryFormatError` unless ``data`` is
    exactly the canonical encoding of an entry."""
    data = bytes(data)
    if not data:
        raise EntryFormatError("an entry cannot be empty")
    if data[0] != ENTRY_FORMAT_VERSION:
        raise EntryFormatError(
            f"unknown entry format version {data[0]} (this verifier reads version {ENTRY_FORMAT_VERSION})"
        )
    pos = 1
    raw: list[bytes] = []
    for name in FIELD_NAMES:
        if pos + 4 > len(data):
            raise EntryFormatError(f"entry ends inside the length of {name} (offset {pos})")
        length = int.from_bytes(data[pos : pos + 4], "big")
        pos += 4
        if pos + length > len(data):
            raise EntryFormatError(
                f"{name} is {length} bytes at offset {pos} but the entry ends at {len(data)}"
            )
        raw.append(data[pos : pos + length])
        pos += length
    if pos != len(data):
        raise EntryFormatError(f"{len(data) - pos} bytes follow the last field (offset {pos})")

    type_raw, case_raw, hash_raw, meta_raw, time_raw = raw
    case_text = _ascii(case_raw, "case id")
    if case_text and (len(case_text) > len(str(MAX_CASE_ID)) or not _CASE_ID_RE.fullmatch(case_text)):
        raise EntryFormatError(f"case id {case_text!r} is not decimal digits without leading zeros")
    try:
        meta_text = meta_raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EntryFormatError(f"metadata is not UTF-8: {exc}") from exc
    try:
        metadata = json.loads(meta_text)
    except (ValueError, RecursionError) as exc:
        raise EntryFormatError(f"metadata is not JSON: {exc}") from exc
    if not isinstance(metadata, dict):
        raise EntryFormatError(f"metadata must be a JSON object, got {type(metadata).__name__}")

    entry = Entry(
        type=_ascii(type_raw, "type"),
        case_id=int(case_text) if case_text else None,
        object_hash=_ascii(hash_raw, "object hash"),
        metadata=metadata,
        time=parse_time(_ascii(time_raw, "time")),
    )
    if encode_entry(entry) != data:
        # Every field parsed, so the difference is in the form: JSON whitespace, key order,
        # escapes, number spelling or a repeated key.
        raise EntryFormatError("metadata is not in canonical JSON form (the entry is not canonical)")
    return entry

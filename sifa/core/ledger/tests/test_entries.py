"""Entry encoding: the documented layout byte by byte, round trips, canonical form, rejections."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import hashlib
import json
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sifa.core.ledger.entries import (
    ENTRY_FORMAT_VERSION,
    Entry,
    EntryFormatError,
    canonical_json,
    decode_entry,
    encode_entry,
    format_time,
    parse_time,
)
from sifa.core.ledger.hashing import get_hasher

UTC = datetime.UTC
CST = datetime.timezone(datetime.timedelta(hours=8))

# The worked example of docs/engines/ledger.md ("How to verify by hand").
EXAMPLE = Entry(
    type="attachment.added",
    case_id=42,
    object_hash="66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
    metadata={"name": "询问笔录.pdf", "size": 3},
    time=datetime.datetime(2026, 3, 1, 16, 30, 0, 123456, tzinfo=CST),
)
# Its object is a 3-byte file containing "abc", whose SM3 is the GB/T 32905 test vector.
# The leaf hashes were computed once by this code and are pinned here and in the docs.
EXAMPLE_LEAF_SM3 = "24e745f9cee4a337300a78c51b0ad03cf5187bfd30bc080175a1230ce237b077"
EXAMPLE_LEAF_SHA256 = "f634968a4f11633558572558ba75c9b059740b2ad327859bf6fb70ae47f00499"


def _u32(n: int) -> bytes:
    return n.to_bytes(4, "big")


def test_layout_byte_by_byte() -> None:
    meta = '{"name":"询问笔录.pdf","size":3}'.encode()
    expected = (
        b"\x01"
        + _u32(16) + b"attachment.added"
        + _u32(2) + b"42"
        + _u32(64) + b"66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        + _u32(len(meta)) + meta
        + _u32(27) + b"2026-03-01T08:30:00.123456Z"
    )  # fmt: skip
    assert encode_entry(EXAMPLE) == EXAMPLE.encode() == expected
    assert len(expected) == 1 + 5 * 4 + 16 + 2 + 64 + len(meta) + 27
    assert decode_entry(expected) == EXAMPLE


def test_example_leaf_hash_in_the_docs() -> None:
    data = encode_entry(EXAMPLE)
    assert get_hasher("sm3").leaf_hash(data).hex() == hashlib.new("sm3", b"\x00" + data).hexdigest()
    assert get_hasher("sm3").leaf_hash(data).hex() == EXAMPLE_LEAF_SM3
    assert get_hasher("sha256").leaf_hash(data).hex() == EXAMPLE_LEAF_SHA256
    assert hashlib.new("sm3", b"abc").hexdigest() == EXAMPLE.object_hash


def test_empty_case_and_object_fields() -> None:
    entry = Entry("audit.batch", None, "", {}, datetime.datetime(2026, 1, 1, tzinfo=UTC))
    data = encode_entry(entry)
    assert data == (
        b"\x01"
        + _u32(11)
        + b"audit.batch"
        + _u32(0)
        + _u32(0)
        + _u32(2)
        + b"{}"
        + _u32(27)
        + b"2026-01-01T00:00:00.000000Z"
    )
    assert decode_entry(data) == entry
    assert decode_entry(data).case_id is None


def test_construction_normalizes() -> None:
    class State(enum.StrEnum):
        CLOSED = "closed"

    class Level(enum.IntEnum):
        RED = 1

    source = {"state": State.CLOSED, "level": Level.RED, "nested": {"list": [State.CLOSED]}}
    entry = Entry("case.transition", 7, "", source, datetime.datetime(2026, 1, 1, 8, tzinfo=CST))
    assert entry.time == datetime.datetime(2026, 1, 1, 0, tzinfo=UTC)
    assert entry.time.tzinfo is UTC
    assert type(entry.metadata["state"]) is str
    assert type(entry.metadata["level"]) is int
    # A deep copy: changing the caller's dict afterwards does not change the entry.
    source["nested"]["list"].append("x")  # type: ignore[index]
    assert entry.metadata["nested"] == {"list": ["closed"]}
    assert decode_entry(encode_entry(entry)) == entry


def test_canonical_json() -> None:
    assert canonical_json({"b": 1, "a": [1, 2.5, None, True, False], "中": "文"}) == (
        '{"a":[1,2.5,null,true,false],"b":1,"中":"文"}'.encode()
    )
    assert canonical_json({"s": 'q"\\\n\x01\u2028'}) == b'{"s":"q\\"\\\\\\n\\u0001\xe2\x80\xa8"}'
    assert (
        canonical_json({"n": 10**30, "f": 1e16, "z": -0.0})
        == b'{"f":1e+16,"n":1000000000000000000000000000000,"z":-0.0}'
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("type", "", "type '' must be 1 to 64"),
        ("type", "Attachment", "must be 1 to 64"),
        ("type", "a" * 65, "must be 1 to 64"),
        ("type", "案件.立案", "must be 1 to 64"),
        ("type", 3, "type must be a string"),
        ("case_id", -1, "outside 0"),
        ("case_id", 2**63, "outside 0"),
        ("case_id", True, "case id must be an integer"),
        ("case_id", "42", "case id must be an integer"),
        ("object_hash", "ABCD", "lowercase hex"),
        ("object_hash", "abc", "even number"),
        ("object_hash", "ab" * 65, "at most 128"),
        ("object_hash", None, "object hash must be a string"),
        ("metadata", [1, 2], "metadata must be a JSON object"),
        ("metadata", {"x": float("nan")}, r"metadata\['x'\]: nan is not a finite number"),
        ("metadata", {"x": [float("inf")]}, r"metadata\['x'\]\[0\]: inf is not a finite"),
        ("metadata", {1: "a"}, "key 1 is not a string"),
        ("metadata", {"t": (1, 2)}, "tuple is not a JSON value"),
        ("metadata", {"d": datetime.date(2026, 1, 1)}, "date is not a JSON value"),
        ("metadata", {"s": "\ud800"}, "not valid Unicode"),
        ("time", datetime.datetime(2026, 1, 1), "timezone-aware"),
        ("time", "2026-01-01T00:00:00.000000Z", "time must be a datetime"),
    ],
)
def test_invalid_entries_are_rejected(field: str, value: object, message: str) -> None:
    with pytest.raises(EntryFormatError, match=message):
        changes: dict[str, Any] = {field: value}
        entry = dataclasses.replace(EXAMPLE, **changes)
        encode_entry(entry)


def _replace_field(data: bytes, index: int, new: bytes) -> bytes:
    """``data`` with field ``index`` (0 = type … 4 = time) replaced, lengths kept right."""
    pos, out = 1, [data[:1]]
    for i in range(5):
        n = int.from_bytes(data[pos : pos + 4], "big")
        value = data[pos + 4 : pos + 4 + n]
        out.append(_u32(len(new)) + new if i == index else data[pos : pos + 4] + value)
        pos += 4 + n
    return b"".join(out)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: b"", "cannot be empty"),
        (lambda d: b"\x02" + d[1:], "unknown entry format version 2"),
        (lambda d: d[:3], "ends inside the length of type"),
        (lambda d: d[:-1], "time is 27 bytes at offset"),
        (lambda d: d + b"\x00", "1 bytes follow the last field"),
        (lambda d: _replace_field(d, 0, b"Bad"), "type 'Bad'"),
        (lambda d: _replace_field(d, 1, b"042"), "not decimal digits without leading zeros"),
        (lambda d: _replace_field(d, 1, b"+42"), "not decimal digits"),
        (lambda d: _replace_field(d, 1, b"9" * 5000), "not decimal digits"),
        (lambda d: _replace_field(d, 1, "４２".encode()), "case id is not ASCII"),
        (lambda d: _replace_field(d, 2, b"AB"), "lowercase hex"),
        (lambda d: _replace_field(d, 3, b"\xff"), "metadata is not UTF-8"),
        (lambda d: _replace_field(d, 3, b"{"), "metadata is not JSON"),
        (lambda d: _replace_field(d, 3, b"[]"), "metadata must be a JSON object"),
        (lambda d: _replace_field(d, 3, b'{"x":NaN}'), "not a finite number"),
        (lambda d: _replace_field(d, 3, b'{"x":1e999}'), "not a finite number"),
        (lambda d: _replace_field(d, 3, b'{"x": 1}'), "not in canonical JSON form"),
        (lambda d: _replace_field(d, 3, b'{"b":1,"a":2}'), "not in canonical JSON form"),
        (lambda d: _replace_field(d, 3, b'{"a":1,"a":1}'), "not in canonical JSON form"),
        (lambda d: _replace_field(d, 3, b'{"a":"\\u0041"}'), "not in canonical JSON form"),
        (lambda d: _replace_field(d, 3, b'{"a":-0}'), "not in canonical JSON form"),
        (lambda d: _replace_field(d, 3, b'{"a":"\\ud800"}'), "not valid Unicode"),
        (lambda d: _replace_field(d, 4, b"2026-03-01T08:30:00.123456+00:00"), "not in the form"),
        (lambda d: _replace_field(d, 4, b"2026-03-01T08:30:00Z"), "not in the form"),
        (lambda d: _replace_field(d, 4, b"2026-02-30T08:30:00.000000Z"), "not a valid date"),
        (lambda d: _replace_field(d, 4, b"2026-03-01t08:30:00.123456z"), "not in the form"),
    ],
)
def test_non_canonical_bytes_are_rejected(mutate: object, message: str) -> None:
    data = encode_entry(EXAMPLE)
    assert callable(mutate)
    with pytest.raises(EntryFormatError, match=message):
        decode_entry(mutate(data))


def test_decode_accepts_bytes_like() -> None:
    data = encode_entry(EXAMPLE)
    assert decode_entry(memoryview(data)) == decode_entry(bytearray(data)) == EXAMPLE


def test_time_format() -> None:
    t = datetime.datetime(2026, 3, 1, 0, 0, 0, 5, tzinfo=CST)
    assert format_time(t) == "2026-02-28T16:00:00.000005Z"
    assert parse_time("2026-02-28T16:00:00.000005Z") == t
    assert format_time(datetime.datetime(1, 1, 1, tzinfo=UTC)) == "0001-01-01T00:00:00.000000Z"
    with pytest.raises(EntryFormatError, match="outside the years"):
        format_time(datetime.datetime(1, 1, 1, tzinfo=CST))
    with pytest.raises(EntryFormatError, match="not in the form"):
        parse_time("2026-02-28T16:00:00.٠٠٠٠٠٥Z")  # Arabic-Indic digits are not [0-9]


# ---------------------------------------------------------------------------------------------
# Properties (hypothesis)
# ---------------------------------------------------------------------------------------------

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
TYPES = st.from_regex(r"[a-z][a-z0-9._-]{0,63}", fullmatch=True)
CASE_IDS = st.none() | st.integers(min_value=0, max_value=2**63 - 1)
OBJECT_HASHES = st.binary(max_size=64).map(bytes.hex)
METADATA = st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=5)
TIMES = st.datetimes(
    min_value=datetime.datetime(1970, 1, 1),
    max_value=datetime.datetime(2200, 12, 31),
    timezones=st.sampled_from([UTC, CST, datetime.timezone(datetime.timedelta(hours=-5, minutes=-30))]),
)
ENTRIES = st.builds(
    Entry, type=TYPES, case_id=CASE_IDS, object_hash=OBJECT_HASHES, metadata=METADATA, time=TIMES
)
FIELDS = {
    "type": TYPES,
    "case_id": CASE_IDS,
    "object_hash": OBJECT_HASHES,
    "metadata": METADATA,
    "time": TIMES,
}


@settings(max_examples=300, deadline=None)
@given(ENTRIES)
def test_round_trip(entry: Entry) -> None:
    data = encode_entry(entry)
    assert data[0] == ENTRY_FORMAT_VERSION
    decoded = decode_entry(data)
    assert decoded == entry
    assert encode_entry(decoded) == data
    # The metadata really is JSON with the documented options.
    assert json.loads(canonical_json(entry.metadata)) == entry.metadata


@settings(max_examples=300, deadline=None)
@given(ENTRIES, st.data())
def test_different_entries_encode_differently(entry: Entry, data: st.DataObject) -> None:
    field = data.draw(st.sampled_from(sorted(FIELDS)), label="field")
    changes: dict[str, Any] = {field: data.draw(FIELDS[field], label="value")}
    other = dataclasses.replace(entry, **changes)
    assume(other != entry)
    assert encode_entry(other) != encode_entry(entry)


@settings(max_examples=300, deadline=None)
@given(ENTRIES, st.data())
def test_any_flipped_byte_breaks_or_changes_the_entry(entry: Entry, data: st.DataObject) -> None:
    encoded = encode_entry(entry)
    position = data.draw(st.integers(0, len(encoded) - 1), label="position")
    mask = data.draw(st.integers(1, 255), label="mask")
    tampered = bytearray(encoded)
    tampered[position] ^= mask
    try:
        decoded = decode_entry(bytes(tampered))
    except EntryFormatError:
        return
    assert decoded != entry
    assert get_hasher().leaf_hash(bytes(tampered)) != get_hasher().leaf_hash(encoded)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_decode_or_fail_cleanly(data: bytes) -> None:
    try:
        entry = decode_entry(data)
    except EntryFormatError:
        return
    assert encode_entry(entry) == data

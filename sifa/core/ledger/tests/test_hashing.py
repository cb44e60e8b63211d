"""Hash selection: SM3 (GB/T 32905-2016 vectors), SHA-256, the RFC 9162 prefixes, clear errors."""

from __future__ import annotations

import hashlib

import pytest

from sifa.core.ledger import hashing
from sifa.core.ledger.hashing import (
    ALGORITHMS,
    DEFAULT_ALGORITHM,
    HashAlgorithmUnavailable,
    UnknownHashAlgorithm,
    get_hasher,
    is_available,
)

# GB/T 32905-2016 (GM/T 0004-2012), Appendix A.
SM3_ABC = "66c7f0f4 62eeedd9 d1f2d46b dc10e4e2 4167c487 5cf2f7a2 297da02b 8f4ba8e0"
SM3_ABCD16 = "debe9ff9 2275b8a1 38604889 c18e5a4d 6fdb70e5 387e5765 293dcba3 9c0c5732"


def _hex(spaced: str) -> str:
    return spaced.replace(" ", "")


def test_sm3_is_the_default() -> None:
    assert DEFAULT_ALGORITHM == "sm3"
    assert ALGORITHMS == ("sm3", "sha256")
    assert get_hasher().name == "sm3"


def test_sm3_test_vectors_gb_t_32905() -> None:
    sm3 = get_hasher("sm3")
    assert sm3.hash(b"abc").hex() == _hex(SM3_ABC)
    assert sm3.hash(b"abcd" * 16).hex() == _hex(SM3_ABCD16)
    assert sm3.digest_size == 32


def test_sha256_is_selectable() -> None:
    sha = get_hasher("sha256")
    assert sha.hash(b"abc").hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert sha.empty_root().hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert sha.digest_size == 32


@pytest.mark.parametrize("name", ["SM3", " sm3 ", "Sha256"])
def test_names_are_case_insensitive(name: str) -> None:
    assert get_hasher(name).name == name.strip().lower()


@pytest.mark.parametrize("name", ["md5", "sha1", "sha-256", "", "sm2"])
def test_unknown_algorithm_is_a_clear_error(name: str) -> None:
    with pytest.raises(UnknownHashAlgorithm, match="expected one of sm3, sha256"):
        get_hasher(name)
    assert not is_available(name)


@pytest.mark.parametrize("name", ALGORITHMS)
def test_rfc9162_prefixes(name: str) -> None:
    hasher = get_hasher(name)

    def h(data: bytes) -> bytes:
        return hashlib.new(name, data).digest()

    left, right = h(b"left"), h(b"right")
    assert hasher.empty_root() == h(b"")
    assert hasher.leaf_hash(b"entry") == h(b"\x00entry")
    assert hasher.node_hash(left, right) == h(b"\x01" + left + right)
    assert hasher.node_hash(left, right) != hasher.node_hash(right, left)
    # A leaf can never pose as a node: the same 64 bytes hash differently in each role.
    assert hasher.leaf_hash(left + right) != hasher.node_hash(left, right)
    # The pre-initialised hash objects are copied, never consumed.
    assert hasher.leaf_hash(b"entry") == hasher.leaf_hash(b"entry")
    assert hasher.empty_root() == hasher.empty_root()


def test_missing_sm3_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real_new = hashlib.new

    def new_without_sm3(name: str, *args: object, **kwargs: object) -> object:
        if name.lower() == "sm3":
            raise ValueError("unsupported hash type sm3")
        return real_new(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(hashlib, "new", new_without_sm3)
    hashing._cached_hasher.cache_clear()
    try:
        with pytest.raises(HashAlgorithmUnavailable, match=r"'sm3' is not available.*OpenSSL.*'sha256'"):
            get_hasher("sm3")
        assert not is_available("sm3")
        assert get_hasher("sha256").name == "sha256"
    finally:
        hashing._cached_hasher.cache_clear()
    monkeypatch.undo()
    assert get_hasher("sm3").hash(b"abc").hex() == _hex(SM3_ABC)

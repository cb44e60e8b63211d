"""The RFC 9162 Merkle tree: reference vectors, an independent recursive model, properties."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sifa.core.ledger.hashing import ALGORITHMS, Hasher, get_hasher
from sifa.core.ledger.merkle import (
    MerkleTree,
    ProofError,
    consistency_proof,
    inclusion_proof,
    merkle_tree_hash,
    split_point,
    verify_consistency,
    verify_inclusion,
)

SHA256 = get_hasher("sha256")

# ---------------------------------------------------------------------------------------------
# The Certificate Transparency reference vectors (RFC 6962, SHA-256): the eight test leaves of
# certificate-transparency's merkle_tree_test.cc (also in transparency-dev/merkle testonly),
# the roots of their prefixes of size 1..8, and some of the published proofs. Every value is
# also recomputed below by the independent recursive model, so a typo here cannot hide.
# ---------------------------------------------------------------------------------------------

CT_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
]
CT_EMPTY_ROOT = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
CT_ROOTS = [  # size 1 .. 8
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# (leaf index (0-based), tree size, path)
CT_INCLUSION = [
    (0, 1, []),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
# (first, second, proof)
CT_CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]


# ---------------------------------------------------------------------------------------------
# An independent model: RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1 transcribed literally, recursive,
# on entries (not leaf hashes), with hashlib directly — it shares no code with merkle.py.
# ---------------------------------------------------------------------------------------------

HashFn = Callable[[bytes], bytes]


def _h(name: str) -> HashFn:
    return lambda data: hashlib.new(name, data).digest()


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: list[bytes], h: HashFn) -> bytes:
    n = len(d)
    if n == 0:
        return h(b"")
    if n == 1:
        return h(b"\x00" + d[0])
    k = _k(n)
    return h(b"\x01" + ref_mth(d[:k], h) + ref_mth(d[k:], h))


def ref_path(m: int, d: list[bytes], h: HashFn) -> list[bytes]:
    n = len(d)
    if n == 1:
        return []
    k = _k(n)
    if m < k:
        return ref_path(m, d[:k], h) + [ref_mth(d[k:], h)]
    return ref_path(m - k, d[k:], h) + [ref_mth(d[:k], h)]


def ref_subproof(m: int, d: list[bytes], b: bool, h: HashFn) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [ref_mth(d, h)]
    k = _k(n)
    if m <= k:
        return ref_subproof(m, d[:k], b, h) + [ref_mth(d[k:], h)]
    return ref_subproof(m - k, d[k:], False, h) + [ref_mth(d[:k], h)]


def ref_proof(m: int, d: list[bytes], h: HashFn) -> list[bytes]:
    return ref_subproof(m, d, True, h)


def _entries(n: int, salt: bytes = b"") -> list[bytes]:
    return [salt + i.to_bytes(4, "big") for i in range(n)]


# ---------------------------------------------------------------------------------------------
# Reference vectors
# ---------------------------------------------------------------------------------------------


def test_ct_roots() -> None:
    tree = MerkleTree.from_entries(SHA256, CT_LEAVES)
    assert tree.root(0).hex() == CT_EMPTY_ROOT
    for size in range(1, 9):
        assert tree.root(size).hex() == CT_ROOTS[size - 1]
        assert (
            merkle_tree_hash([SHA256.leaf_hash(e) for e in CT_LEAVES[:size]], hasher=SHA256).hex()
            == (CT_ROOTS[size - 1])
        )
        assert ref_mth(CT_LEAVES[:size], _h("sha256")).hex() == CT_ROOTS[size - 1]


@pytest.mark.parametrize(("index", "size", "path"), CT_INCLUSION)
def test_ct_inclusion_proofs(index: int, size: int, path: list[str]) -> None:
    tree = MerkleTree.from_entries(SHA256, CT_LEAVES)
    assert [p.hex() for p in tree.inclusion_proof(index, size)] == path
    assert [p.hex() for p in ref_path(index, CT_LEAVES[:size], _h("sha256"))] == path
    assert verify_inclusion(
        SHA256.leaf_hash(CT_LEAVES[index]),
        index,
        size,
        [bytes.fromhex(p) for p in path],
        bytes.fromhex(CT_ROOTS[size - 1]),
        hasher=SHA256,
    )


@pytest.mark.parametrize(("first", "second", "proof"), CT_CONSISTENCY)
def test_ct_consistency_proofs(first: int, second: int, proof: list[str]) -> None:
    tree = MerkleTree.from_entries(SHA256, CT_LEAVES)
    assert [p.hex() for p in tree.consistency_proof(first, second)] == proof
    assert [p.hex() for p in ref_proof(first, CT_LEAVES[:second], _h("sha256"))] == proof
    assert verify_consistency(
        first,
        second,
        bytes.fromhex(CT_ROOTS[first - 1]),
        bytes.fromhex(CT_ROOTS[second - 1]),
        [bytes.fromhex(p) for p in proof],
        hasher=SHA256,
    )


@pytest.mark.parametrize("name", ALGORITHMS)
def test_small_trees_by_hand(name: str) -> None:
    """Sizes 0, 1, 2, 3 written out with hashlib, straight from the definitions."""

    def h(data: bytes) -> bytes:
        return hashlib.new(name, data).digest()

    hasher = get_hasher(name)
    d0, d1, d2 = b"first entry", b"second entry", b"third entry"
    l0, l1, l2 = h(b"\x00" + d0), h(b"\x00" + d1), h(b"\x00" + d2)
    n01 = h(b"\x01" + l0 + l1)
    tree = MerkleTree.from_entries(hasher, [d0, d1, d2])

    assert tree.root(0) == h(b"") == merkle_tree_hash([], hasher=hasher)
    assert tree.root(1) == l0
    assert tree.root(2) == n01
    assert tree.root(3) == h(b"\x01" + n01 + l2)

    # Inclusion: size 1 has an empty path; size 2 the other leaf; size 3 ((0 1) 2).
    assert tree.inclusion_proof(0, 1) == []
    assert tree.inclusion_proof(0, 2) == [l1]
    assert tree.inclusion_proof(1, 2) == [l0]
    assert tree.inclusion_proof(0, 3) == [l1, l2]
    assert tree.inclusion_proof(1, 3) == [l0, l2]
    assert tree.inclusion_proof(2, 3) == [n01]
    # Consistency: 1→2 needs l1 (first is a power of two, so its root is implied);
    # 2→3 needs l2; 1→3 needs l1 then l2.
    assert tree.consistency_proof(1, 2) == [l1]
    assert tree.consistency_proof(2, 3) == [l2]
    assert tree.consistency_proof(1, 3) == [l1, l2]
    assert tree.consistency_proof(3, 3) == []
    for first, second in [(1, 2), (2, 3), (1, 3), (3, 3)]:
        assert verify_consistency(
            first,
            second,
            tree.root(first),
            tree.root(second),
            tree.consistency_proof(first, second),
            hasher=hasher,
        )


@pytest.mark.parametrize("name", ALGORITHMS)
def test_exhaustive_against_the_model(name: str) -> None:
    """Every root, every inclusion proof and every consistency proof up to 33 leaves."""
    h = _h(name)
    hasher = get_hasher(name)
    entries = _entries(33, name.encode())
    tree = MerkleTree.from_entries(hasher, entries)
    for n in range(0, 34):
        root = ref_mth(entries[:n], h)
        assert tree.root(n) == root
        assert merkle_tree_hash(tree._levels[0][:n], hasher=hasher) == root
        for m in range(n):
            path = tree.inclusion_proof(m, n)
            assert path == ref_path(m, entries[:n], h)
            assert verify_inclusion(tree.leaf_hash(m), m, n, path, root, hasher=hasher)
        for m in range(1, n + 1):
            proof = tree.consistency_proof(m, n)
            assert proof == ref_proof(m, entries[:n], h)
            assert verify_consistency(m, n, tree.root(m), root, proof, hasher=hasher)


def test_split_point() -> None:
    assert [split_point(n) for n in range(2, 10)] == [1, 2, 2, 4, 4, 4, 4, 8]
    assert split_point(2**40 + 1) == 2**40
    assert split_point(2**40) == 2**39
    with pytest.raises(ValueError, match="does not split"):
        split_point(1)


# ---------------------------------------------------------------------------------------------
# Properties (hypothesis)
# ---------------------------------------------------------------------------------------------

ALG = st.sampled_from(ALGORITHMS)


def _flip(data: bytes, position: int, mask: int) -> bytes:
    b = bytearray(data)
    b[position % len(b)] ^= mask
    return bytes(b)


@settings(max_examples=60, deadline=None)
@given(name=ALG, entries=st.lists(st.binary(max_size=12), max_size=40))
def test_tree_matches_the_model(name: str, entries: list[bytes]) -> None:
    hasher = get_hasher(name)
    assert MerkleTree.from_entries(hasher, entries).root() == ref_mth(entries, _h(name))


@settings(max_examples=40, deadline=None)
@given(name=ALG, size=st.integers(1, 300), salt=st.binary(max_size=8))
def test_every_inclusion_proof_verifies(name: str, size: int, salt: bytes) -> None:
    hasher = get_hasher(name)
    tree = MerkleTree.from_entries(hasher, _entries(size, salt))
    root = tree.root()
    for index in range(size):
        path = tree.inclusion_proof(index)
        assert verify_inclusion(tree.leaf_hash(index), index, size, path, root, hasher=hasher)
        assert len(path) <= (size - 1).bit_length()


@settings(max_examples=200, deadline=None)
@given(
    name=ALG,
    size=st.integers(1, 300),
    salt=st.binary(max_size=8),
    data=st.data(),
)
def test_tampered_inclusion_proofs_fail(name: str, size: int, salt: bytes, data: st.DataObject) -> None:
    hasher = get_hasher(name)
    tree = MerkleTree.from_entries(hasher, _entries(size, salt))
    index = data.draw(st.integers(0, size - 1), label="index")
    leaf, path, root = tree.leaf_hash(index), tree.inclusion_proof(index), tree.root()
    position = data.draw(st.integers(0, hasher.digest_size - 1), label="byte")
    mask = data.draw(st.integers(1, 255), label="mask")

    def ok(
        leaf: bytes = leaf, index: int = index, size: int = size, path: list[bytes] = path, root: bytes = root
    ) -> bool:
        return verify_inclusion(leaf, index, size, path, root, hasher=hasher)

    assert ok()
    assert not ok(leaf=_flip(leaf, position, mask))
    assert not ok(root=_flip(root, position, mask))
    for j in range(len(path)):
        tampered = list(path)
        tampered[j] = _flip(path[j], position, mask)
        assert not ok(path=tampered)
    # Wrong index, a path one hash short or long, a truncated hash. (A wrong tree size is not
    # always caught by the path alone — e.g. leaf 0 has the same path in sizes 3 and 4 — which
    # is why the size is part of the signed checkpoint.)
    other = data.draw(st.integers(0, size), label="other index")
    if other != index:
        assert not ok(index=other)
    if path:
        assert not ok(path=path[:-1])
        assert not ok(root=root[:-1])
    assert not ok(path=[*path, leaf])


@settings(max_examples=40, deadline=None)
@given(name=ALG, second=st.integers(1, 300), salt=st.binary(max_size=8), data=st.data())
def test_every_consistency_proof_verifies(name: str, second: int, salt: bytes, data: st.DataObject) -> None:
    hasher = get_hasher(name)
    tree = MerkleTree.from_entries(hasher, _entries(second, salt))
    firsts = data.draw(st.lists(st.integers(1, second), min_size=1, max_size=30), label="firsts")
    for first in [1, second, *firsts]:
        proof = tree.consistency_proof(first, second)
        assert verify_consistency(first, second, tree.root(first), tree.root(), proof, hasher=hasher)


@settings(max_examples=200, deadline=None)
@given(name=ALG, second=st.integers(2, 300), salt=st.binary(max_size=8), data=st.data())
def test_tampered_consistency_proofs_fail(name: str, second: int, salt: bytes, data: st.DataObject) -> None:
    hasher = get_hasher(name)
    tree = MerkleTree.from_entries(hasher, _entries(second, salt))
    first = data.draw(st.integers(1, second - 1), label="first")
    proof = tree.consistency_proof(first, second)
    r1, r2 = tree.root(first), tree.root(second)
    position = data.draw(st.integers(0, hasher.digest_size - 1), label="byte")
    mask = data.draw(st.integers(1, 255), label="mask")

    def ok(first: int = first, r1: bytes = r1, r2: bytes = r2, proof: list[bytes] = proof) -> bool:
        return verify_consistency(first, second, r1, r2, proof, hasher=hasher)

    assert ok()
    assert not ok(r1=_flip(r1, position, mask))
    assert not ok(r2=_flip(r2, position, mask))
    for j in range(len(proof)):
        tampered = list(proof)
        tampered[j] = _flip(proof[j], position, mask)
        assert not ok(proof=tampered)
    assert not ok(proof=proof[:-1])
    assert not ok(proof=[*proof, r1])
    # The root of a different prefix (a "forked" first tree) is not consistent with this proof.
    other = data.draw(st.integers(1, second - 1), label="other first")
    if other != first:
        assert not ok(r1=tree.root(other))
    # A tree that is not an extension: the same size, one entry changed.
    forked = _entries(second, salt)
    forked[data.draw(st.integers(0, first - 1), label="changed")] += b"!"
    assert not ok(r1=MerkleTree.from_entries(hasher, forked).root(first))


# ---------------------------------------------------------------------------------------------
# Edge cases and errors
# ---------------------------------------------------------------------------------------------


def test_inclusion_proof_errors() -> None:
    tree = MerkleTree.from_entries(SHA256, CT_LEAVES)
    empty = MerkleTree(SHA256)
    with pytest.raises(ProofError, match="the tree is empty"):
        empty.inclusion_proof(0)
    with pytest.raises(ProofError, match="the tree is empty"):
        inclusion_proof(0, 0, tree.subtree_hash)
    with pytest.raises(
        ProofError, match="leaf index 8 in a tree of size 8: the index must be between 0 and 7"
    ):
        tree.inclusion_proof(8)
    with pytest.raises(ProofError, match="leaf index 5 in a tree of size 5"):
        tree.inclusion_proof(5, 5)
    with pytest.raises(ProofError, match="leaf index -1"):
        tree.inclusion_proof(-1)
    with pytest.raises(ProofError, match="no tree of size 9: the log holds 8 leaves"):
        tree.inclusion_proof(0, 9)
    with pytest.raises(ProofError, match="no leaf 8"):
        tree.leaf_hash(8)


def test_consistency_proof_errors() -> None:
    tree = MerkleTree.from_entries(SHA256, CT_LEAVES)
    with pytest.raises(ProofError, match="from a tree of size 0"):
        tree.consistency_proof(0, 5)
    with pytest.raises(ProofError, match="to a tree of size 0"):
        consistency_proof(0, 0, tree.subtree_hash)
    with pytest.raises(ProofError, match="from size 6 to the smaller size 5"):
        tree.consistency_proof(6, 5)
    with pytest.raises(ProofError, match="no tree of size 9"):
        tree.consistency_proof(1, 9)
    assert tree.consistency_proof(8) == []


def test_verification_rejects_malformed_input() -> None:
    tree = MerkleTree.from_entries(SHA256, CT_LEAVES)
    leaf, path, root = tree.leaf_hash(5), tree.inclusion_proof(5), tree.root()

    def inc(
        leaf: bytes = leaf, index: int = 5, size: int = 8, path: list[bytes] = path, root: bytes = root
    ) -> bool:
        return verify_inclusion(leaf, index, size, path, root, hasher=SHA256)

    assert inc()
    assert not inc(index=8)  # RFC 9162 §2.1.3.2 step 1
    assert not inc(index=-1)
    assert not inc(size=0)
    assert not inc(path=[])
    assert not inc(path=[path[0][:31], *path[1:]])
    assert not inc(leaf=leaf + b"\x00")
    # The same proof checked with the other hash fails rather than raising.
    assert not verify_inclusion(leaf, 5, 8, path, root, hasher=get_hasher("sm3"))

    r6, proof = tree.root(6), tree.consistency_proof(6, 8)

    def con(
        first: int = 6, second: int = 8, r1: bytes = r6, r2: bytes = root, proof: list[bytes] = proof
    ) -> bool:
        return verify_consistency(first, second, r1, r2, proof, hasher=SHA256)

    assert con()
    assert not con(proof=[])  # RFC 9162 §2.1.4.2 step 1
    assert not con(first=8, second=6, r1=root, r2=r6)
    assert not con(first=0, r1=SHA256.empty_root(), proof=[])  # no proof from the empty tree
    assert not con(r1=r6[:-1])
    # first == second: the empty proof, and only for equal roots.
    assert con(first=8, r1=root, proof=[])
    assert not con(first=8, r1=r6, proof=[])
    assert not con(first=8, r1=root, proof=[root])


def test_append_checks_the_hash_length() -> None:
    tree = MerkleTree(SHA256)
    with pytest.raises(ValueError, match="a leaf hash must be 32 bytes"):
        tree.append(b"short")
    assert tree.append(SHA256.leaf_hash(b"a")) == 0
    assert tree.append_entry(b"b") == 1
    assert len(tree) == tree.size == 2


class _CountingHasher(Hasher):
    """SHA-256 that counts node hashes."""

    def __init__(self) -> None:
        super().__init__("sha256", hashlib.sha256())
        self.nodes = 0

    def node_hash(self, left: bytes, right: bytes) -> bytes:
        self.nodes += 1
        return super().node_hash(left, right)


def test_large_tree_proofs_do_not_recompute_the_tree() -> None:
    hasher = _CountingHasher()
    size = 100_003
    tree = MerkleTree.from_entries(hasher, _entries(size))
    assert hasher.nodes == size - bin(size).count("1")  # one per perfect subtree, built once
    root = tree.root()
    log2 = size.bit_length()
    for index in (0, 1, 65_535, 65_536, 99_999, size - 1):
        hasher.nodes = 0
        path = tree.inclusion_proof(index)
        assert hasher.nodes <= log2 * log2
        assert verify_inclusion(tree.leaf_hash(index), index, size, path, root, hasher=hasher)
    for first in (1, 4096, 65_536, 70_001, size - 1):
        hasher.nodes = 0
        proof = tree.consistency_proof(first)
        assert hasher.nodes <= 2 * log2 * log2
        assert verify_consistency(first, size, tree.root(first), root, proof, hasher=hasher)
    assert merkle_tree_hash(tree._levels[0], hasher=hasher) == root

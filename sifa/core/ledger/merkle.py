"""The Merkle tree of RFC 9162 §2.1: tree hash, inclusion and consistency proofs, verification.

Definitions (RFC 9162 §2.1.1), for a list of ``n`` entries ``D[0:n]`` and a hash ``H``::

    MTH({})       = H("")                                  the empty tree
    MTH({d[0]})   = H(0x00 ‖ d[0])                         a leaf
    MTH(D[0:n])   = H(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n]))    n > 1, k = the largest power of two < n

So the left subtree is always a perfect tree of ``k`` leaves and the right one holds the rest; a
tree of 7 leaves is ((0 1)(2 3))((4 5)6). Leaf hashes are computed by
:meth:`~sifa.core.ledger.hashing.Hasher.leaf_hash`; every function here works on leaf hashes.

Proofs (lists of hashes, in the order RFC 9162 gives them):

* inclusion proof ``PATH(m, D[0:n])`` (§2.1.3.1): the sibling hashes from leaf ``m`` up to the
  root, nearest first;
* consistency proof ``PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true)`` (§2.1.4.1): the hashes that
  let a verifier compute both the root of the first ``m`` entries and the root of all ``n``.

:func:`inclusion_proof` and :func:`consistency_proof` build proofs from any *node source*: a
function ``subtree_hash(start, end)`` that returns ``MTH(D[start:end])``. Only the ranges the RFC
recursion visits are asked for, and every perfect range among them (``end - start`` a power of
two) starts at a multiple of its size, so a store that keeps the hashes of perfect aligned
subtrees — :class:`MerkleTree` here, database tables later — answers each one directly.

:func:`verify_inclusion` and :func:`verify_consistency` are the algorithms of §2.1.3.2 and
§2.1.4.2, step by step. They return ``True`` or ``False`` and never raise on bad proof data.

Edge cases, chosen to follow the RFC where it speaks and stated here where it does not:

* an inclusion proof needs ``0 <= index < tree_size`` (so never in the empty tree);
* a consistency proof needs ``0 < first <= second``; ``first == second`` gives the empty proof,
  which verifies exactly when the two roots are equal. ``first == 0`` has no proof (RFC 9162
  defines PROOF for ``0 < m``): every tree extends the empty tree, so there is nothing to prove;
  generation raises and verification returns ``False``.

This module imports nothing outside the Python standard library.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from .hashing import Hasher

#: ``subtree_hash(start, end)`` → ``MTH(D[start:end])``.
SubtreeHash = Callable[[int, int], bytes]


class ProofError(ValueError):
    """A proof or root was asked for with arguments outside the tree (index, sizes)."""


def split_point(n: int) -> int:
    """The largest power of two smaller than ``n`` (``n >= 2``): the ``k`` of RFC 9162 §2.1.1."""
    if n < 2:
        raise ValueError(f"a tree of {n} leaves does not split")
    return 1 << ((n - 1).bit_length() - 1)


def _is_power_of_two(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


# --------------------------------------------------------------------------------------------
# Tree hash
# --------------------------------------------------------------------------------------------


def merkle_tree_hash(leaf_hashes: Sequence[bytes], *, hasher: Hasher) -> bytes:
    """``MTH`` of a list of *leaf hashes* (not entries), in one pass, in O(n) hashes.

    The tree is built level by level: adjacent nodes are paired left to right and an unpaired last
    node moves up a level unchanged. This gives exactly the tree of RFC 9162 §2.1.1 (split at the
    largest power of two), which the tests check against the recursive definition.
    """
    if not leaf_hashes:
        return hasher.empty_root()
    level = list(leaf_hashes)
    node = hasher.node_hash
    while len(level) > 1:
        paired = [node(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


# --------------------------------------------------------------------------------------------
# Proof generation over a node source
# --------------------------------------------------------------------------------------------


def inclusion_proof(leaf_index: int, tree_size: int, subtree_hash: SubtreeHash) -> list[bytes]:
    """``PATH(leaf_index, D[0:tree_size])`` of RFC 9162 §2.1.3.1, nearest sibling first.

    Raises :class:`ProofError` unless ``0 <= leaf_index < tree_size``.
    """
    if tree_size <= 0:
        raise ProofError(f"no inclusion proof in a tree of size {tree_size}: the tree is empty")
    if not 0 <= leaf_index < tree_size:
        raise ProofError(
            f"no inclusion proof for leaf index {leaf_index} in a tree of size {tree_size}: "
            f"the index must be between 0 and {tree_size - 1}"
        )
    # Walk down from the root; the RFC recursion appends the sibling at each level after the
    # path below it, so the siblings collected top-down are returned in reverse.
    siblings: list[bytes] = []
    start, end = 0, tree_size
    while end - start > 1:
        k = split_point(end - start)
        if leaf_index < start + k:  # m < k: PATH(m, D[0:k]) : MTH(D[k:n])
            siblings.append(subtree_hash(start + k, end))
            end = start + k
        else:  # m >= k: PATH(m - k, D[k:n]) : MTH(D[0:k])
            siblings.append(subtree_hash(start, start + k))
            start = start + k
    siblings.reverse()
    return siblings


def consistency_proof(first: int, second: int, subtree_hash: SubtreeHash) -> list[bytes]:
    """``PROOF(first, D[0:second])`` of RFC 9162 §2.1.4.1 (``SUBPROOF(first, D[0:second], true)``).

    Raises :class:`ProofError` unless ``0 < first <= second``; ``first == second`` gives ``[]``.
    """
    if second <= 0:
        raise ProofError(f"no consistency proof to a tree of size {second}: the tree is empty")
    if first <= 0:
        raise ProofError(
            f"no consistency proof from a tree of size {first}: every tree extends the empty tree "
            f"(RFC 9162 defines consistency proofs for 0 < first)"
        )
    if first > second:
        raise ProofError(
            f"no consistency proof from size {first} to the smaller size {second}: the first tree "
            f"must not be larger than the second"
        )
    proof: list[bytes] = []
    start, end = 0, second
    complete = True  # the flag b of SUBPROOF: D[start:end] is a subtree whose hash the client has
    while True:
        if first == end:  # m == n: {} if b, else {MTH(D[start:end])}
            if not complete:
                proof.append(subtree_hash(start, end))
            break
        k = split_point(end - start)
        if first <= start + k:  # m <= k: SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
            proof.append(subtree_hash(start + k, end))
            end = start + k
        else:  # m > k: SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])
            proof.append(subtree_hash(start, start + k))
            start = start + k
            complete = False
    proof.reverse()
    return proof


# --------------------------------------------------------------------------------------------
# Verification (RFC 9162 §2.1.3.2 and §2.1.4.2)
# --------------------------------------------------------------------------------------------


def verify_inclusion(
    leaf_hash: bytes,
    leaf_index: int,
    tree_size: int,
    inclusion_path: Sequence[bytes],
    root_hash: bytes,
    *,
    hasher: Hasher,
) -> bool:
    """Whether ``inclusion_path`` proves leaf ``leaf_index`` with ``leaf_hash`` is in the tree
    of ``tree_size`` leaves whose root is ``root_hash`` (RFC 9162 §2.1.3.2)."""
    size = hasher.digest_size
    if len(leaf_hash) != size or len(root_hash) != size or any(len(p) != size for p in inclusion_path):
        return False
    # 1. leaf_index >= tree_size fails.
    if leaf_index < 0 or leaf_index >= tree_size:
        return False
    # 2. fn = leaf_index, sn = tree_size - 1;  3. r = hash.
    fn, sn = leaf_index, tree_size - 1
    r = leaf_hash
    # 4. For each p in inclusion_path:
    for p in inclusion_path:
        # a. sn == 0: fail.
        if sn == 0:
            return False
        # b. LSB(fn) set, or fn == sn:
        if fn & 1 or fn == sn:
            r = hasher.node_hash(p, r)  # i.
            if not fn & 1:  # ii. shift until LSB(fn) is set or fn is 0.
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = hasher.node_hash(r, p)
        # c. shift once.
        fn >>= 1
        sn >>= 1
    # 5. sn == 0 and r == root_hash.
    return sn == 0 and r == root_hash


def verify_consistency(
    first: int,
    second: int,
    first_hash: bytes,
    second_hash: bytes,
    consistency_path: Sequence[bytes],
    *,
    hasher: Hasher,
) -> bool:
    """Whether ``consistency_path`` proves the tree of ``second`` leaves with root
    ``second_hash`` extends the tree of ``first`` leaves with root ``first_hash``
    (RFC 9162 §2.1.4.2; ``first == second`` needs an empty path and equal roots)."""
    size = hasher.digest_size
    if len(first_hash) != size or len(second_hash) != size or any(len(c) != size for c in consistency_path):
        return False
    if first <= 0 or second < first:
        return False
    if first == second:
        return len(consistency_path) == 0 and first_hash == second_hash
    # 1. An empty path fails.
    if not consistency_path:
        return False
    path = list(consistency_path)
    # 2. first an exact power of 2: prepend first_hash.
    if _is_power_of_two(first):
        path.insert(0, first_hash)
    # 3. fn = first - 1, sn = second - 1.
    fn, sn = first - 1, second - 1
    # 4. LSB(fn) set: shift both until it is not.
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # 5. fr = sr = the first value.
    fr = sr = path[0]
    # 6. For each subsequent value c:
    for c in path[1:]:
        # a. sn == 0: fail.
        if sn == 0:
            return False
        # b. LSB(fn) set, or fn == sn:
        if fn & 1 or fn == sn:
            fr = hasher.node_hash(c, fr)  # i.
            sr = hasher.node_hash(c, sr)  # ii.
            if not fn & 1:  # iii. shift until LSB(fn) is set or fn is 0.
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = hasher.node_hash(sr, c)
        # c. shift once.
        fn >>= 1
        sn >>= 1
    # 7. fr == first_hash, sr == second_hash, sn == 0.
    return fr == first_hash and sr == second_hash and sn == 0


# --------------------------------------------------------------------------------------------
# An in-memory tree
# --------------------------------------------------------------------------------------------


class MerkleTree:
    """An append-only tree in memory that keeps the hash of every perfect aligned subtree.

    ``levels[h][i]`` is ``MTH(D[i·2^h : (i+1)·2^h])``; appending a leaf adds at most one node per
    level (amortised one hash). A root or proof for any size up to :attr:`size` then needs
    O(log n) lookups and O(log n) hashes for the right edge — never the whole tree. Memory is
    about two hashes per leaf.
    """

    def __init__(self, hasher: Hasher, leaf_hashes: Iterable[bytes] = ()) -> None:
        self.hasher = hasher
        self._levels: list[list[bytes]] = [[]]
        self.extend(leaf_hashes)

    @classmethod
    def from_entries(cls, hasher: Hasher, entries: Iterable[bytes]) -> MerkleTree:
        """A tree whose leaves are ``H(0x00 ‖ entry)`` for each of ``entries``."""
        return cls(hasher, (hasher.leaf_hash(e) for e in entries))

    @property
    def size(self) -> int:
        """The number of leaves."""
        return len(self._levels[0])

    def __len__(self) -> int:
        return self.size

    def append(self, leaf_hash: bytes) -> int:
        """Add a leaf by its hash; returns its index."""
        if not isinstance(leaf_hash, bytes) or len(leaf_hash) != self.hasher.digest_size:
            raise ValueError(
                f"a leaf hash must be {self.hasher.digest_size} bytes ({self.hasher.name}), "
                f"got {leaf_hash!r:.80}"
            )
        levels = self._levels
        levels[0].append(leaf_hash)
        index = len(levels[0]) - 1
        height = 0
        # Each time a level gets an even count, its last two nodes make a new perfect parent.
        while len(levels[height]) % 2 == 0:
            row = levels[height]
            parent = self.hasher.node_hash(row[-2], row[-1])
            if height + 1 == len(levels):
                levels.append([])
            levels[height + 1].append(parent)
            height += 1
        return index

    def append_entry(self, entry: bytes) -> int:
        """Add a leaf by its entry bytes; returns its index."""
        return self.append(self.hasher.leaf_hash(entry))

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        for leaf_hash in leaf_hashes:
            self.append(leaf_hash)

    def leaf_hash(self, index: int) -> bytes:
        if not 0 <= index < self.size:
            raise ProofError(f"no leaf {index} in a tree of size {self.size}")
        return self._levels[0][index]

    def perfect_hash(self, height: int, index: int) -> bytes:
        """``MTH`` of the perfect aligned subtree of ``2^height`` leaves starting at ``index · 2^height``."""
        if height >= len(self._levels) or not 0 <= index < len(self._levels[height]):
            raise ProofError(f"no complete subtree of height {height} at index {index} in a tree of size {self.size}")
        return self._levels[height][index]

    def subtree_hash(self, start: int, end: int) -> bytes:
        """``MTH(D[start:end])`` for ``0 <= start < end <= size``.

        Perfect aligned ranges are looked up; any other range is split as RFC 9162 §2.1.1 says.
        """
        if not 0 <= start < end <= self.size:
            raise ProofError(f"no subtree [{start}, {end}) in a tree of size {self.size}")
        return self._subtree_hash(start, end)

    def _subtree_hash(self, start: int, end: int) -> bytes:
        n = end - start
        if n & (n - 1) == 0 and start % n == 0:
            height = n.bit_length() - 1
            return self._levels[height][start >> height]
        k = split_point(n)
        return self.hasher.node_hash(self._subtree_hash(start, start + k), self._subtree_hash(start + k, end))

    def _check_size(self, tree_size: int | None) -> int:
        if tree_size is None:
            return self.size
        if not 0 <= tree_size <= self.size:
            raise ProofError(f"no tree of size {tree_size}: the log holds {self.size} leaves")
        return tree_size

    def root(self, tree_size: int | None = None) -> bytes:
        """The root hash of the first ``tree_size`` leaves (default: all of them)."""
        n = self._check_size(tree_size)
        if n == 0:
            return self.hasher.empty_root()
        return self._subtree_hash(0, n)

    def inclusion_proof(self, leaf_index: int, tree_size: int | None = None) -> list[bytes]:
        """The inclusion proof of leaf ``leaf_index`` in the tree of ``tree_size`` leaves."""
        n = self._check_size(tree_size)
        return inclusion_proof(leaf_index, n, self._subtree_hash)

    def consistency_proof(self, first: int, second: int | None = None) -> list[bytes]:
        """The consistency proof from the tree of ``first`` leaves to that of ``second``."""
        n = self._check_size(second)
        return consistency_proof(first, n, self._subtree_hash)

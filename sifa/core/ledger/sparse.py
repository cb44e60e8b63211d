"""Stored subtree hashes: which nodes the database keeps, and proofs from a handful of rows.

Keeping every node of the tree would double the rows written per append. The ledger keeps the
hashes of perfect aligned subtrees only at every ``STRIDE``-th level (heights 4, 8, 12, …: subtrees
of 16, 256, 4096, … leaves). A node at height ``h`` is written by the append that completes it, from
its 2^STRIDE children at height ``h − STRIDE`` (leaf hashes when ``h = STRIDE``), so an append writes
1/15 of a node on average. A batch of appends writes the same nodes, computed in memory from its own
leaf hashes and at most one fetch of earlier children (:func:`batch_nodes`).

Any perfect subtree hash is then one stored row (its height is a stored level or 0) or the Merkle
hash of at most 2^(STRIDE−1) = 8 stored rows at the level below it. A root or a proof asks for
O(log n) ranges (RFC 9162 recursion), each splitting into O(log n) perfect subtrees, so a proof in
a tree of 10^6 leaves reads a few hundred hashes with two queries: :class:`Plan` first records
which ranges the proof needs (running the proof function with a recording node source), lists the
stored items that cover them, and after the caller fetched those answers the ranges.

Pure Python, no Django (like the rest of the verifier core); ``sifa verify --all`` recomputes every
stored node from the leaves and names the first that differs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from .hashing import Hasher
from .merkle import merkle_tree_hash, split_point

STRIDE = 4

#: A stored item: ``(height, index)``; height 0 is a leaf (index = leaf index).
Item = tuple[int, int]


def is_stored_height(height: int) -> bool:
    return height > 0 and height % STRIDE == 0


def nodes_completed_by(size: int) -> list[Item]:
    """The stored nodes that the append making the tree ``size`` leaves long completes, lowest first."""
    done: list[Item] = []
    height = STRIDE
    while size % (1 << height) == 0 and size >= (1 << height):
        done.append((height, (size >> height) - 1))
        height += STRIDE
    return done


def nodes_completed_between(old: int, new: int) -> list[Item]:
    """The stored nodes completed when the tree grows from ``old`` to ``new`` leaves, in the order
    ``new − old`` single appends would write them: by the size that completes each, lowest first.

    Node ``(h, j)`` is completed by the append that makes the tree ``(j + 1) · 2^h`` leaves long, so
    the nodes are those with ``old >> h ≤ j < new >> h``; every child comes before its parent.
    """
    done: list[Item] = []
    height = STRIDE
    while (new >> height) > (old >> height):  # no node at h completed → none above it either
        done.extend((height, j) for j in range(old >> height, new >> height))
        height += STRIDE
    if len(done) > 1:
        done.sort(key=lambda item: ((item[1] + 1) << item[0], item[0]))
    return done


def batch_nodes(hasher: Hasher, first: int, leaf_hashes: Sequence[bytes],
                fetch: Callable[[set[Item]], Mapping[Item, bytes]]) -> list[tuple[int, int, bytes]]:
    """``(height, index, hash)`` of every stored node completed by appending ``leaf_hashes`` as leaves
    ``first, first + 1, …``, in the order :func:`nodes_completed_between` gives.

    Children from the batch (its leaves, nodes it completes lower down) are computed in memory; the
    earlier ones (left of ``first``: at most 15 per stored height) come from ONE ``fetch(items)``
    call, made only when some are needed.
    """
    completed = nodes_completed_between(first, first + len(leaf_hashes))
    if not completed:
        return []
    mine = set(completed)
    plan = [(node, *children(node)) for node in completed]
    earlier = {(level, i) for _, level, indexes in plan for i in indexes
               if (i < first if level == 0 else (level, i) not in mine)}
    known: dict[Item, bytes] = dict(fetch(earlier)) if earlier else {}
    out: list[tuple[int, int, bytes]] = []
    for node, level, indexes in plan:
        if level == 0:
            kids = [leaf_hashes[i - first] if i >= first else known[(0, i)] for i in indexes]
        else:
            kids = [known[(level, i)] for i in indexes]
        value = node_hash_from_children(hasher, kids)
        known[node] = value
        out.append((node[0], node[1], value))
    return out


def children(node: Item) -> tuple[int, range]:
    """``(height, indexes)`` of the 2^STRIDE stored items a stored node is computed from."""
    height, index = node
    below = height - STRIDE
    first = index << STRIDE
    return below, range(first, first + (1 << STRIDE))


def expected_node_count(size: int, height: int) -> int:
    return size >> height


def perfect_parts(start: int, end: int) -> list[tuple[int, int]]:
    """``MTH(D[start:end])``'s perfect aligned subtrees as ``(start, height)``, left to right.

    ``start`` must be a multiple of the largest power of two ≤ ``end − start`` (true for every range
    the RFC 9162 recursion visits).
    """
    parts: list[tuple[int, int]] = []
    while end > start:
        n = end - start
        if n & (n - 1) == 0:
            parts.append((start, n.bit_length() - 1))
            break
        k = split_point(n)
        parts.append((start, k.bit_length() - 1))
        start += k
    return parts


def covering_items(start: int, height: int) -> list[Item]:
    """The stored items whose hashes give the perfect subtree of ``2^height`` leaves at ``start``."""
    level = height - height % STRIDE
    first = start >> level
    return [(level, i) for i in range(first, first + (1 << (height - level)))]


class Plan:
    """Collect the ranges a proof needs, list the stored items to fetch, then answer the ranges.

    Usage: ``plan.record`` as the node source of a first proof run (returns placeholders),
    ``plan.items()`` → fetch → ``plan.answer(hashes)`` → run the proof again with ``plan.subtree_hash``.
    """

    def __init__(self, hasher: Hasher | None) -> None:
        self.hasher = hasher  # may be set after recording, before answering
        self._ranges: list[tuple[int, int]] = []
        self._hashes: Mapping[Item, bytes] = {}

    def record(self, start: int, end: int) -> bytes:
        self._ranges.append((start, end))
        return b""

    def items(self) -> set[Item]:
        needed: set[Item] = set()
        for start, end in self._ranges:
            for part_start, height in perfect_parts(start, end):
                needed.update(covering_items(part_start, height))
        return needed

    def answer(self, hashes: Mapping[Item, bytes]) -> None:
        self._hashes = hashes

    def _perfect(self, start: int, height: int) -> bytes:
        items = covering_items(start, height)
        try:
            hashes = [self._hashes[item] for item in items]
        except KeyError as exc:
            raise LookupError(f"stored ledger node {exc.args[0]} is missing") from exc
        if len(hashes) == 1:
            return hashes[0]
        assert self.hasher is not None, "set Plan.hasher before answering"
        return merkle_tree_hash(hashes, hasher=self.hasher)

    def subtree_hash(self, start: int, end: int) -> bytes:
        """``MTH(D[start:end])`` from the fetched items (RFC 9162 §2.1.1 split on the right edge)."""
        parts = [self._perfect(s, h) for s, h in perfect_parts(start, end)]
        # perfect_parts splits left to right at the largest power of two, so the right edge folds
        # from the end: MTH = node(p0, node(p1, … node(p_{k−1}, p_k)))
        value = parts[-1]
        if len(parts) > 1:
            assert self.hasher is not None, "set Plan.hasher before answering"
        for left in reversed(parts[:-1]):
            value = self.hasher.node_hash(left, value)  # type: ignore[union-attr]
        return value


def plan_for(hasher: Hasher | None, proof: Callable[[Callable[[int, int], bytes]], object]) -> Plan:
    """Run ``proof(node_source)`` once with a recording source and return the plan."""
    plan = Plan(hasher)
    proof(plan.record)
    return plan


def node_hash_from_children(hasher: Hasher, child_hashes: Iterable[bytes]) -> bytes:
    """A stored node's hash: the Merkle hash of its 2^STRIDE children (a perfect tree)."""
    return merkle_tree_hash(list(child_hashes), hasher=hasher)

"""``sifa verify --all``: recompute the whole ledger from its stored rows and name the first bad item.

No Django import: the management command reads the rows and hands them over as plain values, so
the same checks can later run on an exported evidence package. Order of the checks:

1. entries, by index: the indexes run 0, 1, …, n−1 without a gap, and every stored leaf hash
   equals ``H(0x00 ‖ stored entry bytes)``;
1b. stored subtree hashes (:mod:`.sparse`): each equals the hash recomputed from the leaves, and
   every height holds exactly the complete subtrees of the n leaves, no more, no fewer;
2. checkpoints, in the order they were made: the hash algorithm is the ledger's, the key id is
   the installation key's, the signature verifies over the canonical bytes
   (:func:`.signing.checkpoint_message`), the tree size is at most n, and the root hash equals the
   Merkle tree hash of the first ``tree_size`` stored leaves;
3. successive checkpoints: sizes never shrink, and a consistency proof from the earlier to the
   later one verifies against both signed roots (RFC 9162 §2.1.4.2).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .hashing import get_hasher
from .merkle import MerkleTree, verify_consistency
from .signing import checkpoint_message, key_id, verify_signature
from .sparse import STRIDE


class LedgerTampered(Exception):
    """A stored item does not match what it must be; the message names it (Chinese, for people)."""


@dataclasses.dataclass(frozen=True)
class StoredEntry:
    index: int
    entry: bytes
    leaf_hash: bytes


@dataclasses.dataclass(frozen=True)
class StoredNode:
    height: int
    index: int
    hash: bytes


@dataclasses.dataclass(frozen=True)
class StoredCheckpoint:
    number: int
    tree_size: int
    root_hash: bytes
    hash_alg: str
    timestamp: datetime.datetime
    signature: bytes
    key_id: str


@dataclasses.dataclass(frozen=True)
class VerifyReport:
    entries: int
    checkpoints: int
    hash_alg: str
    key_id: str
    nodes: int = 0


def verify_ledger(
    entries: Iterable[StoredEntry],
    checkpoints: Iterable[StoredCheckpoint],
    *,
    hash_alg: str,
    public_key: Ed25519PublicKey,
    nodes: Iterable[StoredNode],
) -> VerifyReport:
    """Check everything (see the module docstring); raise :class:`LedgerTampered` at the first fault."""
    hasher = get_hasher(hash_alg)
    tree = MerkleTree(hasher)
    for expected, item in enumerate(entries):
        if item.index != expected:
            raise LedgerTampered(f"第 {expected} 条存证缺失（序号不连续，下一条是第 {item.index} 条）")
        if hasher.leaf_hash(item.entry) != item.leaf_hash:
            raise LedgerTampered(f"第 {item.index} 条存证的叶哈希不符（存证内容或叶哈希被改动）")
        tree.append(item.leaf_hash)
    node_count = _check_nodes(tree, nodes)
    kid = key_id(public_key)
    previous: StoredCheckpoint | None = None
    count = 0
    for cp in checkpoints:
        count += 1
        name = f"检查点 #{cp.number}"
        if cp.hash_alg != hasher.name:
            raise LedgerTampered(f"{name} 的哈希算法 {cp.hash_alg!r} 与账本的 {hasher.name!r} 不符")
        if cp.key_id != kid:
            raise LedgerTampered(f"{name} 的密钥标识 {cp.key_id} 与本机公钥 {kid} 不符")
        message = checkpoint_message(tree_size=cp.tree_size, root_hash=cp.root_hash, timestamp=cp.timestamp,
                                     hash_alg=cp.hash_alg)
        if not verify_signature(public_key, message, cp.signature):
            raise LedgerTampered(f"{name} 签名无效")
        if cp.tree_size > tree.size:
            raise LedgerTampered(f"{name} 的树大小 {cp.tree_size} 超过账本现有的 {tree.size} 条存证")
        if tree.root(cp.tree_size) != cp.root_hash:
            raise LedgerTampered(f"{name} 的根哈希与前 {cp.tree_size} 条存证重算的不符")
        if previous is not None:
            if cp.tree_size < previous.tree_size:
                raise LedgerTampered(f"{name} 的树大小 {cp.tree_size} 小于前一检查点 #{previous.number} 的 "
                                     f"{previous.tree_size}")
            if previous.tree_size > 0:
                proof = tree.consistency_proof(previous.tree_size, cp.tree_size)
                if not verify_consistency(previous.tree_size, cp.tree_size, previous.root_hash, cp.root_hash,
                                          proof, hasher=hasher):
                    raise LedgerTampered(f"{name} 与前一检查点 #{previous.number} 不一致")
        previous = cp
    return VerifyReport(entries=tree.size, checkpoints=count, hash_alg=hasher.name, key_id=kid, nodes=node_count)


def _check_nodes(tree: MerkleTree, nodes: Iterable[StoredNode]) -> int:
    """Every stored subtree hash equals the recomputed one; each stored height is complete."""
    expected_height, expected_index, count = STRIDE, 0, 0
    for node in nodes:  # ordered by (height, index)
        name = f"子树哈希（高度 {node.height}，第 {node.index} 个）"
        while node.height > expected_height:
            if expected_index < tree.size >> expected_height:
                raise LedgerTampered(f"子树哈希（高度 {expected_height}，第 {expected_index} 个）缺失")
            expected_height, expected_index = expected_height + STRIDE, 0
        if node.height == expected_height and node.index > expected_index:
            raise LedgerTampered(f"子树哈希（高度 {expected_height}，第 {expected_index} 个）缺失")
        if node.height != expected_height or node.index != expected_index:
            raise LedgerTampered(f"{name} 不应存在（存证账本只在每 {STRIDE} 层保存已完整的子树）")
        if node.index >= tree.size >> node.height:
            raise LedgerTampered(f"{name} 不应存在：该子树尚未完整")
        if tree.perfect_hash(node.height, node.index) != node.hash:
            raise LedgerTampered(f"{name} 与由存证重算的不符（存储的树节点被改动）")
        expected_index += 1
        count += 1
    while tree.size >> expected_height:
        if expected_index < tree.size >> expected_height:
            raise LedgerTampered(f"子树哈希（高度 {expected_height}，第 {expected_index} 个）缺失")
        expected_height, expected_index = expected_height + STRIDE, 0
    return count

"""sifa-draw-1: a verifiable random draw, in the Python standard library only.

Anyone may copy this one file and re-derive a published draw (``python3 algorithm.py draw.json``).
The full description, a worked example and the threat model are in docs/engines/draws.md; in short:

* **Published data** ``P = {"pools": {name: [{"id", "label"}, …]}, "steps": [...], "exclusions": {...}}``,
  serialised as canonical JSON (keys sorted, no spaces, UTF-8, non-ASCII kept as is) →
  ``pools_hash = H(canonical(P))``.
* **Commitment** ``H("sifa-draw-1/commit" ‖ seed)`` for a 32-byte random seed, published (and written
  to the evidence ledger) before the draw; the seed is revealed after it.
* **Material** ``H("sifa-draw-1/material" ‖ seed ‖ pools_hash ‖ root)`` where ``root`` is the ledger's
  Merkle root at the tree size used for the draw (bytes, not hex).
* **Stream** block ``i`` = ``H(material ‖ i as 8-byte big-endian)``, i = 0, 1, …; each 32-byte block is cut
  into four 8-byte big-endian unsigned integers, used in order.
* **Uniform integer in [0, n)**: take the next value ``x``; accept it if ``x < 2^64 − (2^64 mod n)`` and
  return ``x mod n``, else take the next (rejection sampling: no modulo bias).
* **Selection**: the pool sorted by id (code-point order), partial Fisher–Yates: for ``i`` in 0 … k−1,
  ``j = i + uniform(len − i)``, swap items ``i`` and ``j``; the selection is items 0 … k−1 in that order.
* **Steps** run in order on one shared stream. ``{"pool", "pick", "as"}`` picks ``pick`` ids (all of
  the pool, in drawn order, when ``pick`` ≥ its size). ``{"pool", "pick", "per", "as", "exclude"?}``
  picks ``pick`` ids for each id selected by step ``per`` (in that step's drawn order), from the pool
  minus ``exclusions[exclude][that id]``; ids may serve several targets.

``H`` is SM3 (``hashlib.new("sm3")``) unless the draw says ``"hash_alg": "sha256"``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

VERSION = "sifa-draw-1"
COMMIT_TAG = b"sifa-draw-1/commit"
MATERIAL_TAG = b"sifa-draw-1/material"
SEED_BYTES = 32
HASH_ALGORITHMS = ("sm3", "sha256")
_STEP_KEYS = {"pool", "pick", "as", "per", "exclude"}
MAX_PICK = 10000


class DrawSpecError(ValueError):
    """Published data that cannot be drawn: ``message`` is Chinese, ``field`` names the part."""

    def __init__(self, message: str, field: str = "pools") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- hashing and encoding ------------------------------------------------------------------------


def digest(alg: str, *parts: bytes) -> bytes:
    """``H(part_1 ‖ part_2 ‖ …)`` with SM3 or SHA-256."""
    if alg not in HASH_ALGORITHMS:
        raise ValueError(f"未知的哈希算法 {alg!r}")
    h = hashlib.new(alg)
    for part in parts:
        h.update(part)
    return h.digest()


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8 without \\u escapes (the ledger's canonical JSON rules)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def pools_hash(published: Mapping[str, Any], alg: str = "sm3") -> str:
    return digest(alg, canonical_json(published)).hex()


def commitment_of(seed: bytes, alg: str = "sm3") -> str:
    return digest(alg, COMMIT_TAG, seed).hex()


def material_of(seed: bytes, pools_hash_hex: str, root: bytes, alg: str = "sm3") -> bytes:
    return digest(alg, MATERIAL_TAG, seed, bytes.fromhex(pools_hash_hex), root)


def result_hash(result: Mapping[str, Any], alg: str = "sm3") -> str:
    return digest(alg, canonical_json(result)).hex()


class Stream:
    """The deterministic stream of 64-bit values and the unbiased integers drawn from it."""

    def __init__(self, material: bytes, alg: str = "sm3") -> None:
        self._values = self._generate(material, alg)
        self.used = 0  # 64-bit values consumed (shown in the result, handy when re-implementing)

    @staticmethod
    def _generate(material: bytes, alg: str) -> Iterator[int]:
        counter = 0
        while True:
            block = digest(alg, material, counter.to_bytes(8, "big"))
            for i in range(0, len(block) - 7, 8):
                yield int.from_bytes(block[i:i + 8], "big")
            counter += 1

    def next64(self) -> int:
        self.used += 1
        return next(self._values)

    def uniform(self, n: int) -> int:
        """A uniform integer in [0, n): values at or above the largest multiple of n are rejected."""
        if n < 1:
            raise ValueError("n must be at least 1")
        limit = 2**64 - (2**64 % n)
        while True:
            x = self.next64()
            if x < limit:
                return x % n


def fisher_yates(ids: Sequence[str], k: int, stream: Stream) -> list[str]:
    """The first ``k`` items of a partial Fisher–Yates shuffle of ``ids`` sorted by code point."""
    items = sorted(ids)
    k = min(k, len(items))
    for i in range(k):
        j = i + stream.uniform(len(items) - i)
        items[i], items[j] = items[j], items[i]
    return items[:k]


# --- validation -------------------------------------------------------------------------------


def validate(published: Any) -> None:
    """Raise :class:`DrawSpecError` unless ``published`` can be drawn for every possible outcome.

    Checked before the commitment: pools (non-empty unique string ids, string labels), steps (known
    keys, an existing pool, 1 ≤ pick ≤ 10000, unique ``as``, ``per`` naming an earlier plain step),
    exclusions (lists of ids), and that a per-target step has at least ``pick`` eligible ids for every
    id its ``per`` step could select (else the draw could fail after the commitment).
    """
    if not isinstance(published, Mapping) or set(published) != {"pools", "steps", "exclusions"}:
        raise DrawSpecError("公开数据须恰好包含 pools、steps、exclusions 三项", "pools")
    pools, steps, exclusions = published["pools"], published["steps"], published["exclusions"]
    if not isinstance(pools, Mapping) or not pools:
        raise DrawSpecError("名单（pools）不能为空", "pools")
    for name, pool in pools.items():
        if not isinstance(name, str) or not name:
            raise DrawSpecError("名单名称须为非空字符串", "pools")
        if not isinstance(pool, list):
            raise DrawSpecError(f"名单「{name}」须为列表", "pools")
        seen: set[str] = set()
        for n, item in enumerate(pool, start=1):
            if not isinstance(item, Mapping) or set(item) != {"id", "label"}:
                raise DrawSpecError(f"名单「{name}」第 {n} 项须恰好包含 id 与 label", "pools")
            if not isinstance(item["id"], str) or not item["id"] or not isinstance(item["label"], str):
                raise DrawSpecError(f"名单「{name}」第 {n} 项的 id 须为非空字符串、label 须为字符串", "pools")
            if item["id"] in seen:
                raise DrawSpecError(f"名单「{name}」中 id「{item['id']}」重复", "pools")
            seen.add(item["id"])
    if not isinstance(exclusions, Mapping):
        raise DrawSpecError("回避名单（exclusions）须为对象", "exclusions")
    for key, table in exclusions.items():
        if not isinstance(table, Mapping) or not all(
                isinstance(t, str) and isinstance(v, list) and all(isinstance(i, str) for i in v)
                for t, v in table.items()):
            raise DrawSpecError(f"回避名单「{key}」须为 {{对象 id: [须回避的 id, …]}}", "exclusions")
    if not isinstance(steps, list) or not steps:
        raise DrawSpecError("抽取步骤（steps）不能为空", "steps")
    plain: dict[str, str] = {}  # as → pool of the plain steps so far
    names: set[str] = set()
    for n, step in enumerate(steps, start=1):
        where = f"第 {n} 个抽取步骤"
        if not isinstance(step, Mapping) or not {"pool", "pick", "as"} <= set(step) or set(step) - _STEP_KEYS:
            raise DrawSpecError(f"{where}须包含 pool、pick、as（可选 per、exclude），不能有其他项", "steps")
        pool_name, pick, as_name = step["pool"], step["pick"], step["as"]
        if pool_name not in pools:
            raise DrawSpecError(f"{where}引用的名单「{pool_name}」不存在", "steps")
        if isinstance(pick, bool) or not isinstance(pick, int) or not 1 <= pick <= MAX_PICK:
            raise DrawSpecError(f"{where}的抽取数（pick）须为 1 至 {MAX_PICK} 的整数", "steps")
        if not isinstance(as_name, str) or not as_name or as_name in names:
            raise DrawSpecError(f"{where}的结果名（as）须为非空且不重复的字符串", "steps")
        names.add(as_name)
        if "per" not in step:
            if "exclude" in step:
                raise DrawSpecError(f"{where}：回避（exclude）只用于按对象分配（per）的步骤", "steps")
            plain[as_name] = pool_name
            continue
        per = step["per"]
        if per not in plain:
            raise DrawSpecError(f"{where}的 per 须为前面某个直接抽取步骤的结果名", "steps")
        excluded: Mapping[str, list[str]] = {}
        if "exclude" in step:
            if step["exclude"] not in exclusions:
                raise DrawSpecError(f"{where}引用的回避名单「{step['exclude']}」不存在", "exclusions")
            excluded = exclusions[step["exclude"]]
        pool_ids = {item["id"] for item in pools[pool_name]}
        for target in pools[plain[per]]:
            eligible = len(pool_ids - set(excluded.get(target["id"], ())))
            if eligible < pick:
                raise DrawSpecError(
                    f"{where}：「{target['label']}」可抽取的{pool_name}只有 {eligible} 人（已除去回避），"
                    f"少于每个对象须抽取的 {pick} 人", "steps")


# --- the draw ---------------------------------------------------------------------------------


def derive(published: Mapping[str, Any], seed: bytes, root: bytes, alg: str = "sm3") -> dict[str, Any]:
    """The result of the draw: ``{"version", "pools_hash", "steps": [...], "values_used"}``.

    A plain step gives ``{"as", "pool", "pick", "available", "all_taken", "selected": [ids]}``; a
    per-target step gives ``{"as", "pool", "pick", "per", "selected": {target id: [ids]}}``.
    """
    validate(published)
    if len(seed) != SEED_BYTES:
        raise DrawSpecError(f"种子须为 {SEED_BYTES} 字节", "seed")
    ph = pools_hash(published, alg)
    stream = Stream(material_of(seed, ph, root, alg), alg)
    pools = {name: [item["id"] for item in pool] for name, pool in published["pools"].items()}
    selected: dict[str, list[str]] = {}
    out: list[dict[str, Any]] = []
    for step in published["steps"]:
        ids = pools[step["pool"]]
        if "per" not in step:
            chosen = fisher_yates(ids, step["pick"], stream)
            selected[step["as"]] = chosen
            out.append({"as": step["as"], "pool": step["pool"], "pick": step["pick"], "available": len(ids),
                        "all_taken": step["pick"] >= len(ids), "selected": chosen})
            continue
        excluded = published["exclusions"].get(step.get("exclude", ""), {})
        per_target: dict[str, list[str]] = {}
        for target in selected[step["per"]]:
            barred = set(excluded.get(target, ()))
            per_target[target] = fisher_yates([i for i in ids if i not in barred], step["pick"], stream)
        out.append({"as": step["as"], "pool": step["pool"], "pick": step["pick"], "per": step["per"],
                    "selected": per_target})
    return {"version": VERSION, "pools_hash": ph, "steps": out, "values_used": stream.used}


def verify(published: Mapping[str, Any], commitment: str, seed: bytes, root: bytes, result: Any,
           alg: str = "sm3", expected_pools_hash: str | None = None) -> list[str]:
    """Problems found re-deriving the draw (an empty list: the result follows from the published data)."""
    problems: list[str] = []
    if commitment_of(seed, alg) != commitment:
        problems.append("种子与事先公布的承诺值不符：H(\"sifa-draw-1/commit\" ‖ 种子) ≠ 承诺值")
    try:
        validate(published)
    except DrawSpecError as exc:
        return [*problems, f"公开名单无法抽取：{exc.message}"]
    ph = pools_hash(published, alg)
    if expected_pools_hash is not None and ph != expected_pools_hash:
        problems.append("公开名单的哈希与承诺时登记的名单哈希不符（名单被改动）")
    try:
        expected = derive(published, seed, root, alg)
    except DrawSpecError as exc:
        return [*problems, f"无法重新推导：{exc.message}"]
    if not isinstance(result, Mapping) or result.get("steps") != expected["steps"]:
        got = result.get("steps") if isinstance(result, Mapping) else None
        named = [e["as"] for n, e in enumerate(expected["steps"])
                 if not isinstance(got, list) or n >= len(got) or got[n] != e]
        problems.append(f"公布的抽取结果与重新推导的结果不一致（{'、'.join(named) or '结果格式'}）")
    elif result != expected:
        problems.append("公布的抽取结果的附加信息（版本、名单哈希或取值个数）与重新推导的不一致")
    return problems


# --- the published record (draw.json) and its ledger entries -----------------------------------


def entry_fields(data: bytes) -> tuple[str, str, dict[str, Any]]:
    """(type, object hash, metadata) of a ledger entry, format 1 (docs/engines/ledger.md)."""
    if not data or data[0] != 1:
        raise ValueError("不是第 1 版存证格式")
    pos, fields = 1, []
    for _ in range(5):
        length = int.from_bytes(data[pos:pos + 4], "big")
        fields.append(data[pos + 4:pos + 4 + length])
        pos += 4 + length
    if pos != len(data):
        raise ValueError("存证长度不符")
    return fields[0].decode("ascii"), fields[2].decode("ascii"), json.loads(fields[3].decode("utf-8"))


def root_from_inclusion(alg: str, leaf: bytes, index: int, size: int, path: Sequence[bytes]) -> bytes | None:
    """The root an RFC 9162 §2.1.3.2 inclusion proof leads to (None if the proof is malformed)."""
    if index >= size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = digest(alg, b"\x01", p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = digest(alg, b"\x01", r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


def verify_record(record: Mapping[str, Any]) -> list[str]:
    """Check a draw's published record (the ``/draws/<number>.json`` download) with no database.

    The commitment and pools hash are in the ``draw.commit`` ledger entry, which is a leaf of the
    tree whose root was mixed into the draw (inclusion proof), taken at a size at least two past it
    (an entry was written after the commitment); the ``draw.result`` entry comes after that root and
    names the seed and the result's hash; and the result is re-derived.
    """
    problems: list[str] = []
    try:
        alg = record["hash_alg"]
        published, commitment, ph = record["published"], record["commitment"], record["pools_hash"]
        commit = record["commit_entry"]
        commit_bytes = base64.b64decode(commit["entry"])
        ctype, cobject, cmeta = entry_fields(commit_bytes)
    except (KeyError, TypeError, ValueError) as exc:
        return [f"文件格式不正确：{exc}"]
    if record.get("format") != VERSION:
        problems.append(f"文件格式版本不是 {VERSION}")
    if ctype != "draw.commit" or cmeta.get("commitment") != commitment or cmeta.get("pools_hash") != ph \
            or cmeta.get("draw") != record.get("number"):
        problems.append("承诺存证的内容与文件中的抽取编号、承诺值或名单哈希不符")
    if pools_hash(published, alg) != ph:
        problems.append("公开名单的哈希与承诺时登记的名单哈希不符（名单被改动）")
    if record.get("state") != "drawn":
        if record.get("seed") and commitment_of(bytes.fromhex(record["seed"]), alg) != commitment:
            problems.append("公开的种子与承诺值不符")
        return problems
    try:
        seed, root = bytes.fromhex(record["seed"]), bytes.fromhex(record["root_hash"])
        size, cindex = int(record["tree_size"]), int(commit["index"])
        path = [bytes.fromhex(p) for p in record["commit_inclusion"]]
        draw_entry = record["draw_entry"]
        dtype, dobject, dmeta = entry_fields(base64.b64decode(draw_entry["entry"]))
        dindex = int(draw_entry["index"])
        result = record["result"]
    except (KeyError, TypeError, ValueError) as exc:
        return [*problems, f"文件格式不正确：{exc}"]
    if not cindex + 2 <= size <= dindex:
        problems.append(f"账本顺序不符：承诺存证第 {cindex} 条、所用树大小 {size}、结果存证第 {dindex} 条"
                        f"（须 承诺序号 + 2 ≤ 树大小 ≤ 结果序号）")
    if root_from_inclusion(alg, digest(alg, b"\x00", commit_bytes), cindex, size, path) != root:
        problems.append("承诺存证不在所用根哈希对应的账本树中（包含证明不成立）")
    if dtype != "draw.result" or dmeta.get("draw") != record.get("number") or dmeta.get("seed") != record["seed"] \
            or dmeta.get("root_hash") != record["root_hash"] or dmeta.get("tree_size") != size \
            or dobject != result_hash(result, alg) or dmeta.get("commitment") != commitment:
        problems.append("结果存证的内容与文件中的种子、根哈希、树大小或结果不符")
    problems += verify(published, commitment, seed, root, result, alg, expected_pools_hash=ph)
    return problems


def main(argv: Sequence[str]) -> int:
    if len(argv) != 1:
        print("用法：python3 algorithm.py draw.json")
        return 2
    with open(argv[0], encoding="utf-8") as f:
        record = json.load(f)
    problems = verify_record(record)
    for p in problems:
        print(f"✘ {p}")
    if not problems:
        state = "已抽取，按公开数据重新推导，结果一致" if record.get("state") == "drawn" else "承诺有效（尚未抽取或已取消）"
        print(f"✔ {record.get('number')}：{state}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Reads of the random draws: the public list and record, the re-verification, results for modules.

Every draw is public (双随机一公开): ``public_draws`` lists them all and ``draw_record`` is the JSON
anyone can download and check offline with a copy of ``algorithm.py``. Writes are scoped through
``draws_visible_to(actor)``.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from sifa.core.accounts.actor import Actor
from sifa.core.draws import algorithm
from sifa.core.draws.models import DrawState, RandomDraw, RandomDrawQuerySet
from sifa.core.errors import NotFound
from sifa.core.ledger import store
from sifa.core.ledger.models import LedgerEntry


def draws_visible_to(actor: Actor) -> RandomDrawQuerySet:
    return RandomDraw.objects.visible_to(actor).select_related("org")


def public_draws(*, purpose: str = "") -> RandomDrawQuerySet:
    qs = RandomDraw.objects.select_related("org")
    return qs.filter(purpose=purpose) if purpose else qs


def public_draw(number: str) -> RandomDraw:
    """The draw with this number (any draw is public), or NotFound."""
    draw = RandomDraw.objects.select_related("org").filter(number=number).first()
    if draw is None:
        raise NotFound("随机抽取不存在")
    return draw


def draw_ids(draw: RandomDraw, as_name: str) -> list[str]:
    """The ids selected by the plain step ``as_name``, in drawn order ([] before the draw)."""
    for step in (draw.result or {}).get("steps", []):
        if step["as"] == as_name:
            if "per" in step:
                raise ValueError(f"step {as_name!r} assigns per target: use draw_assignments")
            return list(step["selected"])
    if draw.result is None:
        return []
    raise KeyError(as_name)


def draw_assignments(draw: RandomDraw, as_name: str) -> dict[str, list[str]]:
    """Target id → ids selected for it by the per-target step ``as_name`` ({} before the draw)."""
    for step in (draw.result or {}).get("steps", []):
        if step["as"] == as_name:
            if "per" not in step:
                raise ValueError(f"step {as_name!r} is a plain pick: use draw_ids")
            return {k: list(v) for k, v in step["selected"].items()}
    if draw.result is None:
        return {}
    raise KeyError(as_name)


def labels(draw: RandomDraw) -> dict[str, dict[str, str]]:
    """Pool name → {id: label} of the published pools."""
    return {name: {item["id"]: item["label"] for item in pool} for name, pool in draw.published["pools"].items()}


def _entry(index: int | None) -> dict[str, Any] | None:
    if index is None:
        return None
    row = LedgerEntry.objects.filter(index=index).first()
    if row is None:
        return {"index": index, "entry": "", "leaf_hash": ""}
    return {"index": index, "entry": base64.b64encode(bytes(row.entry)).decode("ascii"),
            "leaf_hash": bytes(row.leaf_hash).hex()}


def draw_record(draw: RandomDraw) -> dict[str, Any]:
    """Everything needed to re-derive and check the draw offline (``/draws/<number>.json``).

    Never the seed before the draw. After the draw: the seed, the tree size and root used, the
    inclusion proof of the commitment entry in that tree, and both ledger entries' bytes (base64).
    """
    drawn = draw.state == DrawState.DRAWN
    revealed = draw.state != DrawState.COMMITTED
    inclusion: list[str] | None = None
    if drawn and draw.tree_size is not None:
        _, path = store.inclusion(draw.commit_index, draw.tree_size)
        inclusion = [p.hex() for p in path]
    return {
        "format": algorithm.VERSION,
        "number": draw.number,
        "title": draw.title,
        "purpose": draw.purpose,
        "org": draw.org.name,
        "state": draw.state,
        "hash_alg": draw.hash_alg,
        "published": draw.published,
        "pools_hash": draw.pools_hash,
        "commitment": draw.commitment,
        "committed_at": draw.created_at.isoformat(),
        "commit_entry": _entry(draw.commit_index),
        "seed": draw.seed if revealed else None,
        "tree_size": draw.tree_size if drawn else None,
        "root_hash": draw.root_hash if drawn else None,
        "commit_inclusion": inclusion,
        "result": draw.result if drawn else None,
        "drawn_at": draw.drawn_at.isoformat() if draw.drawn_at else None,
        "draw_entry": _entry(draw.draw_index) if drawn else None,
        "cancel_reason": draw.cancel_reason or None,
        "cancel_entry": _entry(draw.cancel_index),
    }


@dataclass(frozen=True)
class Verification:
    ok: bool
    problems: list[str]
    checked: str  # what was checked, in Chinese


def reverify(draw: RandomDraw) -> Verification:
    """Re-derive the draw from its public record and check it against the stored ledger.

    Beyond ``algorithm.verify_record`` (which the offline copy runs too): the record's entries are the
    stored ledger rows at those indexes (read from the ledger, not the draw row), and the stored
    ledger's root at the tree size used is the root mixed in.
    """
    rec = draw_record(draw)
    problems = algorithm.verify_record(rec)
    if draw.state == DrawState.DRAWN and draw.tree_size is not None:
        if draw.tree_size > store.ledger_size():
            problems.append("所用账本树大小超过账本现有存证条数")
        elif store.root(draw.tree_size).hex() != draw.root_hash:
            problems.append(f"账本前 {draw.tree_size} 条存证的根哈希与抽取所用的根哈希不符")
        checked = "种子承诺、名单哈希、账本存证顺序与包含证明、抽取结果"
    elif draw.state == DrawState.CANCELLED:
        checked = "种子承诺、名单哈希（已取消）"
    else:
        checked = "名单哈希与承诺存证（尚未抽取，种子未公开）"
    return Verification(ok=not problems, problems=problems, checked=checked)

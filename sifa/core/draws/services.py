"""Writes of the random draws: commit, draw, cancel (docs/engines/draws.md).

Modules (双随机抽查 plans, 案卷评查 sampling) drive draws from inside THEIR own services, which record
their own audit event: they call the plain helpers ``commit_draw_in`` / ``perform_draw_in`` /
``cancel_draw_in`` (no transaction, no audit of their own, like ``sifa.core.cases.services.create_case``).
The ``@service`` wrappers ``commit_draw`` / ``perform_draw`` / ``cancel_draw`` are for the draws
pages and API (permission ``draws.manage``), one audit event each.

Order of the evidence: the commitment (pools hash + seed commitment) is appended to the ledger when
the draw is committed; the draw itself runs in a later transaction, at a ledger size at least two past
the commitment's index (some entry was written after it, so its root was unknown when the seed was
committed); the result entry is appended right after the root it used, under the same head lock.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from sifa.core import crypto
from sifa.core.accounts.actor import Actor
from sifa.core.audit.recorder import record
from sifa.core.draws import algorithm
from sifa.core.draws.errors import DrawStateConflict
from sifa.core.draws.models import DrawState, RandomDraw
from sifa.core.errors import DuplicateError, NotFound, ValidationFailed
from sifa.core.ledger import store
from sifa.core.ledger.entries import Entry
from sifa.core.ledger.store import append_entry
from sifa.core.orgs.models import Org
from sifa.core.services import service

SEED_CONTEXT = "draws.seed"
NUMBER_PREFIX = "CJ"
_PURPOSE_RE = re.compile(r"[a-z][a-z0-9._-]{0,63}")
_NUMBER_BAD = re.compile(r"[/\\?#%\s]")


# --- private helpers ------------------------------------------------------------------------------


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("draws: call *_in helpers inside the calling service's transaction")


def _published(pools: Mapping[str, Sequence[Mapping[str, Any]]], steps: Sequence[Mapping[str, Any]],
               exclusions: Mapping[str, Mapping[str, Sequence[Any]]] | None) -> dict[str, Any]:
    """Plain JSON of the published data (int ids become strings), validated: a Chinese message naming
    the part (pools / steps / exclusions) before anything is written."""
    try:
        plain = json.loads(json.dumps({"pools": pools, "steps": list(steps), "exclusions": exclusions or {}},
                                      ensure_ascii=False, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(f"名单或抽取步骤不是合法的 JSON 数据：{exc}", field="pools") from exc
    if isinstance(plain["pools"], dict):
        for pool in plain["pools"].values():
            for item in pool if isinstance(pool, list) else ():
                if isinstance(item, dict) and isinstance(item.get("id"), int) and not isinstance(item["id"], bool):
                    item["id"] = str(item["id"])
    if isinstance(plain["exclusions"], dict):
        for table in plain["exclusions"].values():
            if isinstance(table, dict):
                for key, ids in table.items():
                    if isinstance(ids, list):
                        table[key] = [str(i) if isinstance(i, int) and not isinstance(i, bool) else i for i in ids]
    try:
        algorithm.validate(plain)
    except algorithm.DrawSpecError as exc:
        raise ValidationFailed(exc.message, field=exc.field) from exc
    return dict(plain)


def _next_number(year: int) -> str:
    prefix = f"{NUMBER_PREFIX}-{year}-"
    taken = set(RandomDraw.objects.filter(number__startswith=prefix).values_list("number", flat=True))
    n = len(taken) + 1
    while f"{prefix}{n:04d}" in taken:
        n += 1
    return f"{prefix}{n:04d}"


def _scoped_org(actor: Actor, org: Org | None) -> Org:
    target = org or actor.org
    if target is None:
        raise ValidationFailed("请选择组织抽取的机构", field="org")
    visible = Org.objects.visible_to(actor).filter(pk=target.pk).first()
    if visible is None:
        raise NotFound("机构不存在或无权访问")
    return visible


def _locked(actor: Actor, draw: RandomDraw) -> RandomDraw:
    locked = RandomDraw.objects.visible_to(actor).select_for_update(of=("self",)).filter(pk=draw.pk).first()
    if locked is None:
        raise NotFound("随机抽取不存在或无权访问")
    return locked


def _seed_of(draw: RandomDraw) -> bytes:
    return bytes.fromhex(crypto.decrypt(draw.seed_encrypted, context=SEED_CONTEXT))


# --- helpers for modules (run inside the caller's @service; no audit event of their own) ----------


def commit_draw_in(actor: Actor, *, purpose: str, title: str, org: Org | None,
                   pools: Mapping[str, Sequence[Mapping[str, Any]]], steps: Sequence[Mapping[str, Any]],
                   exclusions: Mapping[str, Mapping[str, Sequence[Any]]] | None = None,
                   number: str | None = None) -> RandomDraw:
    """Validate the published data and commit to a fresh secret seed (docs/engines/draws.md "Commit").

    ``pools`` name → ``[{"id", "label"}, …]`` (labels are PUBLIC: names of entities, officers' names and
    执法证号 — never identity numbers); ``steps`` and ``exclusions`` as in ``algorithm.py``. The seed is 32
    bytes from ``secrets``, kept encrypted (``sifa.core.crypto``) until the draw; its commitment and the
    pools hash go into the ledger as a ``draw.commit`` entry. ``number`` lets a module give its own
    number (an inspection plan's); otherwise ``CJ-<year>-<seq>``. Checks the org is in the actor's scope
    (the caller checks its own permission).
    """
    _require_transaction()
    purpose = (purpose or "").strip()
    if not _PURPOSE_RE.fullmatch(purpose):
        raise ValidationFailed("用途代码须为小写英文字母开头的代码（如 enforcement.inspection），不超过 64 个字符",
                               field="purpose")
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("标题不能为空", field="title")
    if len(title) > 200:
        raise ValidationFailed("标题不能超过 200 个字符", field="title")
    target = _scoped_org(actor, org)
    published = _published(pools, steps, exclusions)
    now = timezone.now()
    if number is not None:
        number = number.strip()
        if not number or len(number) > 64 or _NUMBER_BAD.search(number):
            raise ValidationFailed("抽取编号须为 1 至 64 个字符，不能含空白和 / \\ ? # %", field="number")
        if RandomDraw.objects.filter(number=number).exists():
            raise DuplicateError(f"抽取编号「{number}」已被使用", field="number")
    else:
        number = _next_number(timezone.localdate(now).year)
    alg = store.ledger_hash_alg()
    seed = secrets.token_bytes(algorithm.SEED_BYTES)
    pools_hash = algorithm.pools_hash(published, alg)
    commitment = algorithm.commitment_of(seed, alg)
    entry = append_entry(Entry(
        type="draw.commit", case_id=None, object_hash=commitment,
        metadata={"draw": number, "algorithm": algorithm.VERSION, "purpose": purpose, "title": title,
                  "org": target.pk, "org_name": target.name, "pools_hash": pools_hash, "commitment": commitment},
        time=now))
    try:
        with transaction.atomic():
            return RandomDraw.objects.create(
                number=number, purpose=purpose, title=title, org=target, hash_alg=alg, published=published,
                pools_hash=pools_hash, commitment=commitment,
                seed_encrypted=crypto.encrypt(seed.hex(), context=SEED_CONTEXT), commit_index=entry.index,
                created_at=now, created_by=actor.user, created_by_name=actor.name[:150])
    except IntegrityError as exc:  # a concurrent commit took the same number
        raise DuplicateError(f"抽取编号「{number}」已被使用，请重试", field="number") from exc


def perform_draw_in(actor: Actor, draw: RandomDraw) -> RandomDraw:
    """Draw: mix the current ledger root into the committed seed, derive, reveal, ledger the result.

    Must run in a transaction after the one that committed (the commitment is then in the ledger). The
    ledger head is locked, its size ``N`` must be at least ``commit_index + 2`` (an entry written after
    the commitment, else 409: the root would have been known at commit time), the root of the first
    ``N`` entries is mixed in, and the ``draw.result`` entry is appended as entry ``N``. A draw is
    drawn once (409 otherwise).
    """
    _require_transaction()
    locked = _locked(actor, draw)
    if locked.state != DrawState.COMMITTED:
        raise DrawStateConflict(f"抽取「{locked.number}」{locked.get_state_display()}，不能再抽取")
    head = store.lock_head()
    size = head.size
    if size < locked.commit_index + 2:
        raise DrawStateConflict("承诺之后账本尚无新的存证，此时的账本根哈希在承诺时即可预知；请稍后再抽取")
    root = store.root(size)
    seed = _seed_of(locked)
    result = algorithm.derive(locked.published, seed, root, locked.hash_alg)
    now = timezone.now()
    entry = append_entry(Entry(
        type="draw.result", case_id=None, object_hash=algorithm.result_hash(result, locked.hash_alg),
        metadata={"draw": locked.number, "commitment": locked.commitment, "seed": seed.hex(), "tree_size": size,
                  "root_hash": root.hex()},
        time=now))
    if entry.index != size:  # the head is locked: nothing can slip in between
        raise RuntimeError(f"draw result appended at {entry.index}, expected {size}")
    locked.state = DrawState.DRAWN
    locked.seed = seed.hex()
    locked.seed_encrypted = ""
    locked.tree_size = size
    locked.root_hash = root.hex()
    locked.result = result
    locked.draw_index = entry.index
    locked.drawn_at = now
    locked.save(update_fields=["state", "seed", "seed_encrypted", "tree_size", "root_hash", "result", "draw_index",
                               "drawn_at"])
    return locked


def cancel_draw_in(actor: Actor, draw: RandomDraw, reason: str) -> RandomDraw:
    """Cancel a committed draw before it is drawn; the cancellation and the seed become public (a
    ``draw.cancel`` ledger entry), so anyone can see what a draw at that moment would have given."""
    _require_transaction()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写取消原因", field="reason")
    if len(reason) > 500:
        raise ValidationFailed("取消原因不能超过 500 个字符", field="reason")
    locked = _locked(actor, draw)
    if locked.state != DrawState.COMMITTED:
        raise DrawStateConflict(f"抽取「{locked.number}」{locked.get_state_display()}，只有待抽取的可以取消")
    seed = _seed_of(locked)
    now = timezone.now()
    entry = append_entry(Entry(
        type="draw.cancel", case_id=None, object_hash=locked.commitment,
        metadata={"draw": locked.number, "commitment": locked.commitment, "seed": seed.hex(), "reason": reason},
        time=now))
    locked.state = DrawState.CANCELLED
    locked.seed = seed.hex()
    locked.seed_encrypted = ""
    locked.cancel_reason = reason
    locked.cancel_index = entry.index
    locked.cancelled_at = now
    locked.save(update_fields=["state", "seed", "seed_encrypted", "cancel_reason", "cancel_index", "cancelled_at"])
    return locked


# --- public services (pages and API; permission draws.manage) -------------------------------------


@service("draws.draw.committed")
def commit_draw(*, actor: Actor, purpose: str, title: str, org: Org | None,
                pools: Mapping[str, Sequence[Mapping[str, Any]]], steps: Sequence[Mapping[str, Any]],
                exclusions: Mapping[str, Mapping[str, Sequence[Any]]] | None = None,
                number: str | None = None) -> RandomDraw:
    """Commit a draw (see ``commit_draw_in``); needs ``draws.manage``."""
    actor.require("draws.manage")
    draw = commit_draw_in(actor, purpose=purpose, title=title, org=org, pools=pools, steps=steps,
                          exclusions=exclusions, number=number)
    record(actor=actor, action="draws.draw.committed", obj=draw, org_override=draw.org,
           changes={"purpose": draw.purpose, "pools_hash": draw.pools_hash, "commitment": draw.commitment,
                    "ledger_index": draw.commit_index})
    return draw


@service("draws.draw.performed")
def perform_draw(*, actor: Actor, draw: RandomDraw) -> RandomDraw:
    """Perform a committed draw (see ``perform_draw_in``); needs ``draws.manage``."""
    actor.require("draws.manage")
    drawn = perform_draw_in(actor, draw)
    record(actor=actor, action="draws.draw.performed", obj=drawn, org_override=drawn.org,
           changes={"tree_size": drawn.tree_size, "root_hash": drawn.root_hash, "ledger_index": drawn.draw_index})
    return drawn


@service("draws.draw.cancelled")
def cancel_draw(*, actor: Actor, draw: RandomDraw, reason: str) -> RandomDraw:
    """Cancel a committed draw (see ``cancel_draw_in``); needs ``draws.manage``."""
    actor.require("draws.manage")
    cancelled = cancel_draw_in(actor, draw, reason)
    record(actor=actor, action="draws.draw.cancelled", obj=cancelled, org_override=cancelled.org,
           changes={"reason": cancelled.cancel_reason, "ledger_index": cancelled.cancel_index})
    return cancelled


"""Test helpers for random draws: small pools, a ledger "tick" (an entry written after a commitment,
as other users' uploads would be), draws committed straight through the helpers, the audit-coverage
recipes and the authorization matrix's draw objects."""

from __future__ import annotations

import itertools
from typing import Any

from django.db import transaction
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.draws import services
from sifa.core.draws.models import RandomDraw
from sifa.core.ledger.entries import Entry
from sifa.core.ledger.store import append_entry
from sifa.core.orgs.models import Org
from sifa.core.testing import actor_for

_seq = itertools.count(1)


def pools(targets: int = 6, inspectors: int = 5) -> dict[str, list[dict[str, str]]]:
    return {
        "targets": [{"id": f"E{i:03d}", "label": f"测试企业{i}号"} for i in range(1, targets + 1)],
        "inspectors": [{"id": f"P{i:03d}", "label": f"执法人员{i}（执法证号 33{i:06d}）"} for i in range(1, inspectors + 1)],
    }


STEPS: list[dict[str, Any]] = [
    {"pool": "targets", "pick": 3, "as": "targets"},
    {"pool": "inspectors", "pick": 2, "per": "targets", "as": "inspectors", "exclude": "conflicts"},
]
EXCLUSIONS = {"conflicts": {"E001": ["P001", "P002"], "E002": ["P003"]}}


def ledger_tick() -> None:
    """One unrelated ledger entry (what other users' uploads write between a commitment and a draw)."""
    with transaction.atomic():
        append_entry(Entry(type="test.tick", case_id=None, object_hash="", metadata={"n": next(_seq)},
                           time=timezone.now()))


def committed(actor: Actor | None = None, *, org: Org | None = None, tick: bool = True, **kw: Any) -> RandomDraw:
    """A draw committed through ``commit_draw_in`` (no audit row), then a ledger tick so it can be drawn."""
    actor = actor or actor_for("county")
    args: dict[str, Any] = {"purpose": "test.draw", "title": f"测试抽取{next(_seq)}", "org": org,
                            "pools": pools(), "steps": STEPS, "exclusions": EXCLUSIONS}
    args.update(kw)
    with transaction.atomic():
        draw = services.commit_draw_in(actor, **args)
    if tick:
        ledger_tick()
    return draw


def drawn(actor: Actor | None = None, **kw: Any) -> RandomDraw:
    actor = actor or actor_for("county")
    draw = committed(actor, **kw)
    with transaction.atomic():
        return services.perform_draw_in(actor, draw)


# --- audit coverage (tests/test_audit_coverage.py) -------------------------------------------------


def cover_commit(actor: Actor) -> RandomDraw:
    return services.commit_draw(actor=actor, purpose="test.draw", title="覆盖抽取", org=None, pools=pools(),
                                steps=STEPS, exclusions=EXCLUSIONS)


def cover_perform(actor: Actor) -> RandomDraw:
    return services.perform_draw(actor=actor, draw=committed(actor))


def cover_cancel(actor: Actor) -> RandomDraw:
    return services.cancel_draw(actor=actor, draw=committed(actor), reason="覆盖测试")


RECIPES: dict[str, tuple[str, Any]] = {
    "sifa.core.draws.services.commit_draw": ("county", cover_commit),
    "sifa.core.draws.services.perform_draw": ("county", cover_perform),
    "sifa.core.draws.services.cancel_draw": ("county", cover_cancel),
}


# --- the authorization matrix's objects (tests/test_authz_matrix.py) --------------------------------


def matrix_objects(kind: str, actor_org: Org, orgs: list[Org]) -> tuple[list[str], list[str]]:
    """(inside numbers, outside numbers): one committed draw per anchor org (kind "draw": perform/cancel
    routes, scoped; kind "public_draw": the public pages, every draw answers). Labels carry no marker."""
    if kind not in ("draw", "public_draw"):
        raise KeyError(kind)
    made: dict[int, str] = {}
    for org in orgs:
        number = f"MATRIX-DRAW-{org.pk}"
        if not RandomDraw.objects.filter(number=number).exists():
            committed(Actor.system("draws-matrix"), org=org, number=number, tick=False)
        made[org.pk] = number
    ledger_tick()
    outside = [o for o in orgs if not o.path.startswith(actor_org.path)]
    return [made[actor_org.pk]], [made[o.pk] for o in outside]

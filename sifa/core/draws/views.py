"""Pages of the random draws: the public list, the public draw page (with a server-side
re-verification) and its JSON download, and the perform / cancel buttons for ``draws.manage``."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from sifa.core.draws import selectors, services
from sifa.core.draws.models import DrawState, RandomDraw
from sifa.core.orgs.scope import get_visible_or_404
from sifa.core.ui.decorators import require_perm
from sifa.core.ui.pagination import paginate


def _actor(request: HttpRequest) -> Any:
    return getattr(request, "actor", None)


@require_GET
def draw_list(request: HttpRequest) -> HttpResponse:
    """Public (no sign-in): every draw, newest first."""
    page, querystring = paginate(request, selectors.public_draws(purpose=request.GET.get("purpose", "").strip()))
    return render(request, "draws/draw_list.html", {"page": page, "querystring": querystring})


def _step_rows(draw: RandomDraw) -> list[dict[str, Any]]:
    """The result as rows for the page: labels beside the ids, per-target assignments nested."""
    names = selectors.labels(draw)
    rows: list[dict[str, Any]] = []
    steps: list[dict[str, Any]] = (draw.result or {}).get("steps", [])
    for step in steps:
        pool = names.get(step["pool"], {})
        if "per" in step:
            per_pool = next((s["pool"] for s in steps if s["as"] == step["per"]), "")
            targets = names.get(per_pool, {})
            rows.append({"step": step, "assignments": [
                (t, targets.get(t, t), [(i, pool.get(i, i)) for i in ids]) for t, ids in step["selected"].items()]})
        else:
            rows.append({"step": step, "items": [(i, pool.get(i, i)) for i in step["selected"]]})
    return rows


@require_GET
def draw_detail(request: HttpRequest, number: str) -> HttpResponse:
    """Public (no sign-in): pools, steps, commitment and its ledger entry, then (after the draw) the seed,
    the root used, the result and the re-verification; never the seed before the draw."""
    draw = selectors.public_draw(number)
    actor = _actor(request)
    can_manage = bool(actor is not None and request.user.is_authenticated and actor.has_perm("draws.manage")
                      and selectors.draws_visible_to(actor).filter(pk=draw.pk).exists()
                      and draw.state == DrawState.COMMITTED)
    return render(request, "draws/draw_detail.html", {
        "draw": draw, "verification": selectors.reverify(draw), "rows": _step_rows(draw),
        "pools": [(name, pool) for name, pool in draw.published["pools"].items()],
        "steps_json": json.dumps(draw.published["steps"], ensure_ascii=False),
        "exclusions": draw.published["exclusions"], "can_manage": can_manage,
        "entries_between": (draw.tree_size - draw.commit_index - 1) if draw.tree_size is not None else None,
    })


@require_GET
def draw_json(request: HttpRequest, number: str) -> HttpResponse:
    """Public: the record to re-derive the draw offline (``python3 algorithm.py draw.json``)."""
    draw = selectors.public_draw(number)
    body = json.dumps(selectors.draw_record(draw), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''draw-{draw.pk}.json"
    return response


@login_required
@require_perm("draws.manage")
@require_POST
def draw_perform(request: HttpRequest, number: str) -> HttpResponse:
    actor = _actor(request)
    draw = get_visible_or_404(RandomDraw, actor, number=number)
    services.perform_draw(actor=actor, draw=draw)  # a SifaError (409 drawn twice …) is rendered by the middleware
    messages.success(request, "已完成抽取，种子已公开")
    return redirect(reverse("draws:detail", args=[draw.number]))


@login_required
@require_perm("draws.manage")
@require_POST
def draw_cancel(request: HttpRequest, number: str) -> HttpResponse:
    actor = _actor(request)
    draw = get_visible_or_404(RandomDraw, actor, number=number)
    services.cancel_draw(actor=actor, draw=draw, reason=request.POST.get("reason", ""))
    messages.success(request, "已取消抽取，种子已公开")
    return redirect(reverse("draws:detail", args=[draw.number]))

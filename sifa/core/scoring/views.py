"""Scoring pages: schemes, a version's indicator tree, rankings (with Excel export), explained scores."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sifa.core import registry
from sifa.core.errors import SifaError
from sifa.core.scoring import exports, periods, selectors, services
from sifa.core.scoring.engine import fmt
from sifa.core.scoring.models import Scheme, SchemeVersion, Score
from sifa.core.scoring.periods import Period, parse_period
from sifa.core.ui.decorators import require_perm


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


@login_required
@require_perm("scoring.view")
def scheme_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    schemes = list(selectors.schemes_visible_to(_actor(request)))
    rows = [(s, selectors.version_in_force(s, today)) for s in schemes]
    return render(request, "scoring/scheme_list.html", {"rows": rows})


def _tree_rows(version: SchemeVersion) -> list[dict[str, Any]]:
    out = []
    for node in version.tree.walk():
        ind = node.indicator
        source = registry.score_sources[ind.source] if ind.source in registry.score_sources else None
        out.append({"ind": ind, "depth": node.depth, "rule": selectors.rule_of(ind),
                    "source_label": source.label if source else ind.source})
    return out


@login_required
@require_perm("scoring.view")
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.scheme_for(_actor(request), pk)
    versions = list(scheme.versions.all())
    wanted = request.GET.get("version", "")
    version = next((v for v in versions if str(v.number) == wanted), None)
    if version is None:
        version = selectors.version_in_force(scheme, timezone.localdate()) or (versions[0] if versions else None)
    return render(request, "scoring/scheme_detail.html", {
        "scheme": scheme, "versions": versions, "version": version,
        "rows": _tree_rows(version) if version else [],
    })


def _period_of(request: HttpRequest, actor: Any, scheme: Scheme) -> tuple[Period, str | None]:
    """The period asked for, else the latest one with scores in scope, else the current month."""
    text = request.GET.get("period", "").strip()
    if text:
        try:
            return parse_period(text), None
        except SifaError as exc:
            return periods.containing(periods.MONTH, timezone.localdate()), exc.message
    latest = (Score.objects.visible_to(actor).current().filter(scheme=scheme).order_by("-period_end", "-computed_at")
              .first())
    if latest is not None:
        return latest.period, None
    return periods.containing(periods.MONTH, timezone.localdate()), None


@login_required
@require_perm("scoring.view")
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    scheme = selectors.scheme_for(actor, pk)
    period, error = _period_of(request, actor, scheme)
    sort = request.GET.get("sort", "-total")
    result = selectors.ranking(actor, scheme, period, sort=sort)
    rows = [{"row": r, "parts": [r.parts.get(c.code) for c in result.columns]} for r in result.rows]
    return render(request, "scoring/ranking.html", {
        "scheme": scheme, "ranking": result, "rows": rows, "period": period, "sort": sort, "error": error,
        "recent": periods.recent(timezone.localdate()),
    }, status=400 if error else 200)


@login_required
@require_perm("scoring.view")
def ranking_export(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    scheme = selectors.scheme_for(actor, pk)
    period, error = _period_of(request, actor, scheme)
    if error:
        messages.error(request, error)
        return redirect("scoring:ranking", pk=scheme.pk)
    result = selectors.ranking(actor, scheme, period, sort=request.GET.get("sort", "-total"))
    services.export_ranking(actor=actor, scheme=scheme, period=period, row_count=len(result.rows))
    response = HttpResponse(exports.ranking_workbook(result),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''scoring-{scheme.code}-{period.key}.xlsx"
    return response


@login_required
@require_POST
@require_perm("scoring.compute")
def compute(request: HttpRequest, pk: int) -> HttpResponse:
    """Compute a period for every subject in scope, or for one (``subject``) from its score page."""
    actor = _actor(request)
    scheme = selectors.scheme_for(actor, pk)
    subject = request.POST.get("subject", "").strip()
    try:
        period = parse_period(request.POST.get("period", ""))
        subjects = [int(subject)] if subject.isdigit() else None
        scores = services.compute_scores(actor=actor, scheme=scheme, period=period, subjects=subjects)
    except SifaError as exc:
        messages.error(request, exc.message)
        return redirect("scoring:ranking", pk=scheme.pk)
    if subjects and scores:
        messages.success(request, f"已重新计算，总分 {fmt(scores[0].total)}")
        return redirect("scoring:score_detail", pk=scores[0].pk)
    messages.success(request, f"已计算{period.label}的得分：{len(scores)} 个考核对象")
    return redirect(f"{reverse('scoring:ranking', args=[scheme.pk])}?period={period.key}")


def _score_context(request: HttpRequest, score: Score, **extra: Any) -> dict[str, Any]:
    actor = _actor(request)
    lines = selectors.explained_lines(score)
    return {
        "score": score, "lines": lines, "history": list(selectors.score_history(actor, score)),
        "current": selectors.current_score(actor, score), "subject_url": selectors.subject_url(score),
        "adjustments": list(selectors.adjustments_for(score)),
        "can_adjust": actor.has_perm("scoring.adjust") and score.is_current,
        "can_compute": actor.has_perm("scoring.compute"), **extra,
    }


@login_required
@require_perm("scoring.view")
def score_detail(request: HttpRequest, pk: int) -> HttpResponse:
    score = selectors.score_for(_actor(request), pk)
    return render(request, "scoring/score_detail.html", _score_context(request, score))


@login_required
@require_POST
@require_perm("scoring.adjust")
def adjust(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    score = selectors.score_for(actor, pk)
    form = {k: request.POST.get(k, "") for k in ("indicator", "points", "reason")}
    try:
        new = services.adjust_score(actor=actor, score=score, indicator=form["indicator"], points=form["points"],
                                    reason=form["reason"])
    except SifaError as exc:
        return render(request, "scoring/score_detail.html", _score_context(request, score, error=exc, form=form),
                      status=exc.status)
    messages.success(request, f"已调整 {form['indicator']}，总分 {fmt(score.total)} → {fmt(new.total)}")
    return redirect("scoring:score_detail", pk=new.pk)

"""千分制 pages: an org's score with its breakdown, trend and lost points; rankings of the orgs under it.

Thin views over ``assessment_selectors`` (reads) and the scoring engine's services (compute, the
audited Excel export). Every point is explained on the engine's score page, which these pages link to.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sifa.core.errors import SifaError
from sifa.core.scoring import exports, periods
from sifa.core.scoring.engine import fmt
from sifa.core.scoring.periods import Period, parse_period
from sifa.core.scoring.services import export_ranking
from sifa.core.ui.decorators import require_perm
from sifa.modules.judicial_office import assessment_selectors as selectors
from sifa.modules.judicial_office.assessment import compute_org_scores


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def period_from(params: Any, fallback: str | None = None) -> tuple[Period, str | None]:
    """The period asked for: ``start`` and ``end`` (custom), else the ``period`` text (else ``fallback``,
    the period in the path), else the current year. A bad value gives the current year and the error."""
    today = timezone.localdate()
    default = periods.containing(periods.YEAR, today)
    start, end = (params.get("start") or "").strip(), (params.get("end") or "").strip()
    try:
        if start or end:
            if not (start and end):
                return default, "自定义期间须同时填写开始和结束日期"
            try:
                first, last = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
            except ValueError:
                return default, "日期格式应为 YYYY-MM-DD"
            return periods.custom(first, last), None
        value = (params.get("period") or fallback or "").strip()
        return (parse_period(value), None) if value else (default, None)
    except SifaError as exc:
        return default, exc.message


def _period_choices(period: Period) -> dict[str, Any]:
    today = timezone.localdate()
    quick = [periods.containing(periods.MONTH, today), periods.previous(periods.containing(periods.MONTH, today)),
             periods.containing(periods.QUARTER, today), periods.containing(periods.YEAR, today),
             periods.previous(periods.containing(periods.YEAR, today))]
    return {"period": period, "quick": quick, "recent": periods.recent(today),
            "is_custom": period.kind == periods.CUSTOM}


@login_required
@require_perm("scoring.view")
def home(request: HttpRequest) -> HttpResponse:
    org = selectors.home_org(_actor(request))
    if org is None:
        raise Http404("没有可查看的机构")
    return redirect("jo_assessment:org", pk=org.pk)


def _chart_data(summary: selectors.OrgSummary, points: list[selectors.TrendPoint]) -> dict[str, Any]:
    return {
        "parts": [{"code": p.code, "label": p.label, "points": float(p.points) if p.points is not None else None,
                   "full": float(p.full_marks) if p.full_marks is not None else None, "deduction": p.deduction}
                  for p in summary.parts],
        "trend": [{"key": t.period.key, "label": t.period.label,
                   "total": float(t.score.total) if t.score is not None else None} for t in points],
    }


@login_required
@require_perm("scoring.view")
def org_page(request: HttpRequest, pk: int, period: str | None = None) -> HttpResponse:
    actor = _actor(request)
    org = selectors.org_for(actor, pk)
    chosen, error = period_from(request.GET, period)
    summary = selectors.org_summary(actor, org, chosen)
    until = min(chosen.end, timezone.localdate())
    points = selectors.trend(actor, org, until=until)
    kids = selectors.children(actor, org, chosen)
    return render(request, "judicial_office/assessment_org.html", {
        "org": org, "summary": summary, "trend": points, "trend_scored": sum(1 for t in points if t.score),
        "chart": _chart_data(summary, points), "crumbs": selectors.breadcrumb(actor, org), "children": kids,
        "error": error, "can_compute": actor.has_perm("scoring.compute"), **_period_choices(chosen),
    }, status=400 if error else 200)


@login_required
@require_perm("scoring.view")
def office_day(request: HttpRequest, pk: int, day: str = "") -> HttpResponse:
    """Where a score fact of an office's day leads: the work-log list of that office on that day (or all
    its logs), whose page checks its own permission and scope."""
    org = selectors.org_for(_actor(request), pk)
    query = f"?org={org.pk}"
    if day:
        try:
            query += f"&since={datetime.date.fromisoformat(day)}&until={datetime.date.fromisoformat(day)}"
        except ValueError as exc:
            raise Http404("日期格式应为 YYYY-MM-DD") from exc
    try:
        return redirect(reverse("judicial_office:log_list") + query)
    except NoReverseMatch:
        return redirect("jo_assessment:org", pk=org.pk)


@login_required
@require_perm("scoring.view")
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    org = selectors.org_for(actor, pk)
    chosen, error = period_from(request.GET)
    sort = request.GET.get("sort", "-total")
    result = selectors.child_ranking(actor, org, chosen, sort=sort)
    rows = [{"row": r, "scheme": result.schemes.get(r.score.pk),
             "cells": [(c, r.parts.get(c.code)) for c in result.columns]} for r in result.rows]
    return render(request, "judicial_office/assessment_ranking.html", {
        "org": org, "result": result, "rows": rows, "sort": sort, "error": error,
        "crumbs": selectors.breadcrumb(actor, org), "can_compute": actor.has_perm("scoring.compute"),
        **_period_choices(chosen),
    }, status=400 if error else 200)


@login_required
@require_perm("scoring.view")
def ranking_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The ranking as Excel, through the engine's workbook and its audited export (scoring.ranking.exported)."""
    actor = _actor(request)
    org = selectors.org_for(actor, pk)
    chosen, error = period_from(request.GET)
    if error:
        messages.error(request, error)
        return redirect("jo_assessment:ranking", pk=org.pk)
    result = selectors.child_ranking(actor, org, chosen, sort=request.GET.get("sort", "-total"))
    if result.ranking is None:
        messages.error(request, f"{chosen.label}没有适用于{org.name}的千分制考核方案，无法导出")
        return redirect("jo_assessment:ranking", pk=org.pk)
    export_ranking(actor=actor, scheme=result.ranking.scheme, period=chosen, row_count=len(result.rows),
                   within=f"{org.name}下级考核对象")
    response = HttpResponse(exports.ranking_workbook(result.ranking),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''assessment-{org.pk}-{chosen.key}.xlsx"
    return response


@login_required
@require_POST
@require_perm("scoring.compute")
def compute(request: HttpRequest, pk: int) -> HttpResponse:
    """Compute the period for the org and every assessed org under it (``scope=subtree``, default), or the
    org's last 12 months for its trend (``scope=trend``). Each computation keeps the previous result as history."""
    actor = _actor(request)
    org = selectors.org_for(actor, pk)
    chosen, error = period_from(request.POST)
    back = request.POST.get("next", "")
    target = (reverse("jo_assessment:ranking", args=[org.pk]) if back == "ranking"
              else reverse("jo_assessment:org", args=[org.pk]))
    if error:
        messages.error(request, error)
        return redirect(target)
    try:
        if request.POST.get("scope") == "trend":
            if not selectors.org_summary(actor, org, chosen).assessed:
                messages.error(request, f"{org.name}不是千分制考核对象，没有月度得分")
                return redirect(target)
            done = 0
            for month in selectors.last_months(min(chosen.end, timezone.localdate())):
                if selectors.applicable_scheme(org, month.start, selectors.family(actor)) is None:
                    continue
                done += len(compute_org_scores(actor=actor, org=org, period=month, only_org=True))
            messages.success(request, f"已计算{org.name}近 12 个月的月度得分（{done} 个）")
        else:
            scores = compute_org_scores(actor=actor, org=org, period=chosen)
            own = next((s for s in scores if s.subject_id == org.pk), None)
            total = f"，本机构 {fmt(own.total)} 分" if own else ""
            messages.success(request, f"已计算{chosen.label}的得分：{len(scores)} 个考核对象{total}")
    except SifaError as exc:
        messages.error(request, exc.message)
    return redirect(f"{target}?period={chosen.key}")

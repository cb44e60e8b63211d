"""Pages of the monthly evaluation: a month's results of an org's subjects (compute, Excel export), a
subject's trend with the cumulative summary, and the subject-page card."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sifa.core.errors import SifaError, ValidationFailed
from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import get_visible_or_404
from sifa.core.scoring.selectors import explained_lines
from sifa.core.ui.decorators import require_perm
from sifa.modules.correction import evaluation_selectors as sel
from sifa.modules.correction import evaluation_services as services
from sifa.modules.correction.models import CorrectionCase

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PARTS = (("A", "监督管理"), ("B", "教育学习、公益"), ("C", "奖惩"), ("D", "负面清单"))


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def _org(request: HttpRequest, actor: Any) -> Org:
    wanted = request.GET.get("org") or request.POST.get("org")
    if wanted:
        return get_visible_or_404(Org, actor, pk=wanted)
    if actor.org is None:
        raise ValidationFailed("请选择机构", field="org")
    return actor.org


@login_required
@require_perm("correction.view")
def evaluation_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    org = _org(request, actor)
    error = None
    try:
        period = sel.month(request.GET.get("period"))
    except SifaError as exc:
        period, error = sel.month(None), exc.message
    rows = sel.month_rows(actor, org, period)
    return render(request, "correction/evaluation/list.html", {
        "org": org, "period": period, "rows": rows, "parts": PARTS, "error": error,
        "scheme": sel.scheme_for_org(org, period), "can_compute": actor.has_perm("scoring.compute"),
    }, status=400 if error else 200)


@login_required
@require_perm("correction.view")
def evaluation_export(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    org = _org(request, actor)
    period = sel.month(request.GET.get("period"))
    content = services.export_evaluations(actor=actor, org=org, period=period)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''evaluations-{period.key}.xlsx"
    return response


@login_required
@require_perm("scoring.compute")
@require_POST
def evaluation_compute(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    org = _org(request, actor)
    try:
        period = sel.month(request.POST.get("period"))
        scores = services.compute_month(actor=actor, org=org, period=period)
    except SifaError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('correction:evaluation_list')}?org={org.pk}")
    messages.success(request, f"已计算 {len(scores)} 名社区矫正对象{period.label}的考核得分")
    return redirect(f"{reverse('correction:evaluation_list')}?org={org.pk}&period={period.key}")


@login_required
@require_perm("correction.view")
def evaluation_case(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    detail = get_visible_or_404(CorrectionCase, actor, pk=pk)
    points = sel.trend(detail, 12, actor=actor)
    latest = next((s for _, s in reversed(points) if s is not None), None)
    return render(request, "correction/evaluation/case.html", {
        "detail": detail, "points": points, "latest": latest, "summary": sel.evaluation_summary(detail, 12),
        "lines": explained_lines(latest) if latest else [],
    })


def evaluation_panel(request: HttpRequest, detail: CorrectionCase) -> dict[str, Any]:
    year = sel.trend(detail, 12, actor=_actor(request))  # read once: the card's six months and the summary
    points = year[-6:]
    scored = [s for _, s in points if s is not None]
    return {"detail": detail, "points": points, "latest": scored[-1] if scored else None,
            "summary": sel.evaluation_summary(detail, 12, points=year)}

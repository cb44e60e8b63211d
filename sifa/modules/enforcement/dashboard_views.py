"""执法监督驾驶舱 pages: the actor's own org, any org in scope (drill down), Excel export of a table (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sifa.core.errors import SifaError
from sifa.core.orgs.models import Org
from sifa.core.ui.cockpit import PRESETS, Period, period_from
from sifa.core.ui.decorators import require_perm
from sifa.modules.enforcement import dashboard, dashboard_services
from sifa.modules.enforcement.dashboard import PERMISSION, Dashboard

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def _period(request: HttpRequest) -> tuple[Period, SifaError | None]:
    """The period of the query string, or 本月 and the error to show beside the period form."""
    try:
        return period_from(preset=request.GET.get("period") or None, start=request.GET.get("start") or None,
                           end=request.GET.get("end") or None), None
    except SifaError as exc:
        return period_from(), exc


def _chart_data(d: Dashboard) -> dict[str, Any]:
    data = d.data
    rows = data.children or data.bodies
    return {
        "rows": {"names": [r.name for r in rows], "cases": [r.figures.cases for r in rows],
                 "overdue": [r.figures.overdue for r in rows], "urls": [r.url or r.cases_url for r in rows]},
        "groups": {"names": [t.label for t in data.by_group], "counts": [t.count for t in data.by_group],
                   "urls": [t.url for t in data.by_group]},
        "outcomes": [{"name": t.label, "value": t.count} for t in data.outcomes if t.count],
    }


def _render(request: HttpRequest, org: Org) -> HttpResponse:
    period, error = _period(request)
    d = dashboard.dashboard_for(_actor(request), org, period)
    p = dashboard.decided_params(period)
    links = {name: dashboard.case_list_url(org.pk, **p, flag=flag) for name, flag in (
        ("decided", "penalty_decided"), ("concluded", "concluded"), ("hearing_offered", "concluded,hearing_offered"),
        ("hearing_requested", "concluded,hearing_requested"), ("hearing_held", "concluded,hearing_held"),
        ("review_required", "concluded,review_required"), ("reviewed", "concluded,reviewed"),
        ("review_missing", "concluded,review_missing"))}
    links["cases"] = dashboard.case_list_url(org.pk, **dashboard.opened_params(period))
    links["overdue"] = dashboard.case_list_url(org.pk, overdue=1)
    return render(request, "enforcement/dashboard/page.html", {
        "c": d, "d": d.data, "t": d.data.totals, "period": period, "period_error": error, "links": links,
        "presets": [(k, v) for k, v in PRESETS.items() if k != "custom"], "chart": _chart_data(d),
        "overdue_rows": d.data.overdue[:dashboard.OVERDUE_LIST], "tables": dashboard_services.TABLES,
    }, status=error.status if error else 200)


@login_required
@require_perm(PERMISSION)
def home(request: HttpRequest) -> HttpResponse:
    return _render(request, dashboard.own_org(_actor(request)))


@login_required
@require_perm(PERMISSION)
def org_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, dashboard.org_for(_actor(request), pk))


@login_required
@require_perm(PERMISSION)
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """One table as .xlsx (``?table=children|bodies|groups|overdue|outcomes|loss_body|loss_item``), audited."""
    actor = _actor(request)
    org = dashboard.org_for(actor, pk)
    period, error = _period(request)
    if error:
        raise error
    table = request.GET.get("table") or "children"
    dashboard_services.check_table(table)
    content, rows = dashboard_services.table_workbook(dashboard.dashboard_for(actor, org, period), table)
    dashboard_services.export_dashboard_table(actor=actor, org=org, table=table, period=period, row_count=rows)
    response = HttpResponse(content, content_type=XLSX)
    name = f"enforcement-dashboard-{org.pk}-{table}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response

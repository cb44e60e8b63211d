"""矫正驾驶舱 pages: the actor's own org, any org in scope (drill down), Excel export of a table (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sifa.core.errors import SifaError
from sifa.core.orgs.models import Org
from sifa.core.ui.cockpit import PRESETS, Period, period_from
from sifa.core.ui.decorators import require_perm
from sifa.modules.correction import cockpit, cockpit_selectors, config
from sifa.modules.correction.cockpit_selectors import PERMISSION, Cockpit

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


def _chart_data(c: Cockpit) -> dict[str, Any]:
    d = c.data
    return {
        "children": {"names": [r.name for r in d.children], "totals": [r.figures.active for r in d.children],
                     "urls": [r.url for r in d.children]},
        "sentence": {"names": [t.label for t in d.by_sentence], "totals": [t.count for t in d.by_sentence],
                     "urls": ["" for _ in d.by_sentence]},
        "trend": {"labels": [p.label for p in d.trend], "inflow": [p.inflow for p in d.trend],
                  "outflow": [p.outflow for p in d.trend]},
    }


def _render(request: HttpRequest, org: Org) -> HttpResponse:
    period, error = _period(request)
    c = cockpit_selectors.cockpit_for(_actor(request), org, period)
    return render(request, "correction/cockpit/page.html", {
        "c": c, "d": c.data, "period": period, "period_error": error,
        "presets": [(k, v) for k, v in PRESETS.items() if k != "custom"], "chart": _chart_data(c),
        "tables": cockpit.TABLES, "level_flag": config.flag("levels"),
    }, status=error.status if error else 200)


@login_required
@require_perm(PERMISSION)
def home(request: HttpRequest) -> HttpResponse:
    return _render(request, cockpit_selectors.own_org(_actor(request)))


@login_required
@require_perm(PERMISSION)
def org_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, cockpit_selectors.org_for(_actor(request), pk))


@login_required
@require_perm(PERMISSION)
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """One table as .xlsx (``?table=children|sentence|level|state|trend|alerts``), audited."""
    actor = _actor(request)
    org = cockpit_selectors.org_for(actor, pk)
    period, error = _period(request)
    if error:
        raise error
    table = request.GET.get("table") or "children"
    cockpit.check_table(table)
    content, rows = cockpit.table_workbook(cockpit_selectors.cockpit_for(actor, org, period), table)
    cockpit.export_cockpit_table(actor=actor, org=org, table=table, period=period, row_count=rows)
    response = HttpResponse(content, content_type=XLSX)
    name = f"correction-cockpit-{org.pk}-{table}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response

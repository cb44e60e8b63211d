"""Cockpit pages: the actor's own org, any org in scope (drill down), Excel export of a table, the alerts behind a figure."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from sifa.core.alerts.choices import LEVEL_BADGE, AlertLevel, AlertState
from sifa.core.alerts.filters import AlertFilter
from sifa.core.alerts.models import Alert
from sifa.core.errors import SifaError
from sifa.core.orgs.models import Org
from sifa.core.ui.cockpit import PRESETS
from sifa.core.ui.decorators import require_perm
from sifa.core.ui.filters import filters_from_query
from sifa.core.ui.pagination import paginate
from sifa.modules.judicial_office import cockpit
from sifa.modules.judicial_office.cockpit import PERMISSION, CockpitPeriod

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def _period(request: HttpRequest) -> tuple[CockpitPeriod, SifaError | None]:
    """The period of the query string, or 本月 and the error to show beside the period form."""
    try:
        return cockpit.period_from(preset=request.GET.get("period") or None, start=request.GET.get("start") or None,
                                   end=request.GET.get("end") or None), None
    except SifaError as exc:
        return cockpit.period_from(), exc


def _chart_data(c: cockpit.Cockpit) -> dict[str, Any]:
    return {
        "children": {"names": [ch.name for ch in c.children], "totals": [ch.total for ch in c.children],
                     "urls": [ch.url for ch in c.children]},
        "items": {"names": [i.name for i in c.items], "totals": [i.total for i in c.items],
                  "urls": [i.url for i in c.items]},
        "series": {"labels": [p.label for p in c.series], "totals": [p.total for p in c.series],
                   "urls": [p.url for p in c.series]},
    }


def _render(request: HttpRequest, org: Org) -> HttpResponse:
    actor = _actor(request)
    period, error = _period(request)
    c = cockpit.cockpit_for(actor, org, period)
    return render(request, "judicial_office/cockpit_page.html", {
        "c": c, "period": period, "period_error": error, "presets": [(k, v) for k, v in PRESETS.items()
                                                                     if k != "custom"],
        "chart": _chart_data(c), "tables": cockpit.TABLES,
    }, status=error.status if error else 200)


@login_required
@require_perm(PERMISSION)
def home(request: HttpRequest) -> HttpResponse:
    return _render(request, cockpit.own_org(_actor(request)))


@login_required
@require_perm(PERMISSION)
def org_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, cockpit.org_for(_actor(request), pk))


@login_required
@require_perm(PERMISSION)
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """One table of the cockpit as .xlsx (``?table=items|children|offices|series|missing|late|alerts``), audited."""
    actor = _actor(request)
    org = cockpit.org_for(actor, pk)
    period, error = _period(request)
    if error:
        raise error
    table = request.GET.get("table") or "items"
    cockpit.check_table(table)
    content, rows = cockpit.table_workbook(cockpit.cockpit_for(actor, org, period), table)
    cockpit.export_cockpit_table(actor=actor, org=org, table=table, period=period, row_count=rows)
    response = HttpResponse(content, content_type=XLSX)
    name = f"cockpit-{org.pk}-{table}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@login_required
@require_perm(PERMISSION)
@require_perm("alerts.view")
def alerts(request: HttpRequest, pk: int) -> HttpResponse:
    """The alerts behind the cockpit's alert figures: the org's subtree, filtered like the alert inbox."""
    actor = _actor(request)
    org = cockpit.org_for(actor, pk)
    period, _ = _period(request)
    params = {k: v for k, v in request.GET.dict().items() if k not in ("period", "start", "end", "page")}
    params.setdefault("state", "open")
    filters, error = filters_from_query(AlertFilter, params)
    qs = filters.filter(cockpit.alerts_in(actor, org)) if filters else Alert.objects.none()
    page, querystring = paginate(request, qs)
    return render(request, "judicial_office/cockpit_alerts.html", {
        "org": org, "period": period, "page": page, "querystring": querystring, "params": params,
        "filter_error": error, "levels": AlertLevel.choices, "states": AlertState.choices, "badges": LEVEL_BADGE,
        "today": timezone.localdate(),
    }, status=400 if error else 200)

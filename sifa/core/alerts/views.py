from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sifa.core.alerts import selectors, services
from sifa.core.alerts.choices import LEVEL_BADGE, AlertAction, AlertLevel, AlertState
from sifa.core.alerts.filters import AlertFilter
from sifa.core.alerts.models import Alert
from sifa.core.errors import SifaError
from sifa.core.ui.decorators import require_perm
from sifa.core.ui.filters import filters_from_query
from sifa.core.ui.pagination import paginate


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


@login_required
@require_perm("alerts.view")
def alert_list(request: HttpRequest) -> HttpResponse:
    params = request.GET.dict()
    params.setdefault("state", "open")
    filters, error = filters_from_query(AlertFilter, params)
    qs = selectors.alerts_visible_to(_actor(request), filters=filters) if filters else Alert.objects.none()
    page, querystring = paginate(request, qs)
    return render(request, "alerts/alert_list.html", {
        "page": page, "querystring": querystring, "params": params, "filter_error": error,
        "levels": AlertLevel.choices, "states": AlertState.choices, "badges": LEVEL_BADGE,
    }, status=400 if error else 200)


def _detail(request: HttpRequest, alert: Alert, **extra: Any) -> dict[str, Any]:
    return {"alert": alert, "steps": alert.steps.all(), "actions": selectors.available_actions(alert, _actor(request)),
            "badge": LEVEL_BADGE.get(alert.level, "bg-secondary"), **extra}


@login_required
@require_perm("alerts.view")
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_for(_actor(request), pk)
    return render(request, "alerts/alert_detail.html", _detail(request, alert))


@login_required
@require_POST
@require_perm("alerts.handle")
def alert_act(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    alert = selectors.alert_for(actor, pk)
    try:
        alert = services.act_on_alert(actor=actor, alert=alert, action=request.POST.get("action", ""),
                                      note=request.POST.get("note", ""))
    except SifaError as exc:
        return render(request, "alerts/alert_detail.html", _detail(request, selectors.alert_for(actor, pk), error=exc),
                      status=exc.status)
    messages.success(request, "已办结" if alert.state == AlertState.CLOSED else f"已{AlertAction(request.POST['action']).label}")
    return redirect("alerts:detail", pk=alert.pk)

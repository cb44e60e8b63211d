from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from sifa.core import registry
from sifa.core.audit import exports, selectors, services
from sifa.core.audit.filters import AuditFilter
from sifa.core.audit.models import AuditEvent
from sifa.core.ui.decorators import require_perm
from sifa.core.ui.filters import filters_from_query
from sifa.core.ui.pagination import paginate


def _filters(request: HttpRequest) -> tuple[AuditFilter | None, str | None]:
    return filters_from_query(AuditFilter, request.GET.dict())


@login_required
@require_perm("audit.view")
def event_list(request: HttpRequest) -> HttpResponse:
    filters, error = _filters(request)
    qs = selectors.audit_events_visible_to(request.actor, filters=filters) if filters else AuditEvent.objects.none()  # type: ignore[attr-defined]
    page, querystring = paginate(request, qs, per_page=50)
    actions = sorted(registry.audit_actions.values(), key=lambda a: a.name)
    return render(request, "audit/event_list.html", {
        "page": page, "querystring": querystring, "params": request.GET, "filter_error": error, "actions": actions,
    }, status=400 if error else 200)


@login_required
@require_perm("audit.export")
def event_export(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    filters, error = _filters(request)
    if filters is None:
        messages.error(request, error or "筛选条件不正确")
        return redirect("audit:list")
    rows = list(selectors.audit_events_visible_to(actor, filters=filters)[:100000])
    services.export_audit_events(actor=actor, queryset_description=f"审计日志导出 {request.GET.urlencode()}", row_count=len(rows))
    response = HttpResponse(exports.audit_workbook(rows),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''audit.xlsx"
    return response

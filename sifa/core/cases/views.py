from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from sifa.core import registry
from sifa.core.cases import selectors, services
from sifa.core.cases.diagram import workflow_svg
from sifa.core.cases.filters import CaseFilter
from sifa.core.cases.models import Case
from sifa.core.errors import SifaError
from sifa.core.ui.filters import filters_from_query
from sifa.core.ui.pagination import paginate


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    filters, error = filters_from_query(CaseFilter, request.GET.dict())
    qs = selectors.cases_visible_to(_actor(request), filters=filters) if filters else Case.objects.none()
    page, querystring = paginate(request, qs)
    types = sorted(registry.case_types.values(), key=lambda t: t.code)
    labels = {t.code: t for t in types}
    types = [t for t in types if not t.page]
    rows = [(c, labels.get(c.case_type), _state_label(labels, c)) for c in page]
    return render(request, "cases/case_list.html", {
        "page": page, "rows": rows, "querystring": querystring, "params": request.GET, "types": types,
        "openable": [t for t in types if services.role_allowed(_actor(request), t.open_roles)],
        "filter_error": error,
    }, status=400 if error else 200)


def _state_label(labels: dict[str, Any], case: Case) -> str:
    spec = labels.get(case.case_type)
    return spec.workflow.state(case.state).label if spec else case.state


def _detail_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    actor = _actor(request)
    spec = services.case_type_of(case.case_type)
    return {
        "case": case,
        "spec": spec,
        "state": spec.workflow.state(case.state),
        "steps": selectors.allowed_steps(case, actor),
        "timeline": selectors.timeline(case, actor),
        "deadlines": case.deadlines.all(),
        "parties": case.parties.all(),
        "diagram": mark_safe(workflow_svg(spec.workflow, case.state)),  # noqa: S308 (built from escaped spec text)
        "workflow": spec.workflow,
        "alerts": case.alerts.all() if actor.has_perm("alerts.view") else [],
        "can_adjust": actor.has_perm("cases.deadlines.adjust"),
        "panels": _panels(request, case, actor),
    }


def _panels(request: HttpRequest, case: Case, actor: Any) -> dict[str, list[tuple[Any, dict[str, Any]]]]:
    """The apps' cards (registry.case_panels) for this case, by column, in order."""
    columns: dict[str, list[tuple[Any, dict[str, Any]]]] = {"main": [], "side": []}
    for panel in sorted(registry.case_panels.values(), key=lambda p: (p.order, p.key)):
        if panel.permission and not actor.has_perm(panel.permission):
            continue
        columns.setdefault(panel.column, []).append((panel, panel.context(request, case) if panel.context else {}))
    return columns


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.module_page_of(_actor(request), pk)
    if page:
        return redirect(page)
    case = selectors.case_for(_actor(request), pk)
    return render(request, "cases/case_detail.html", _detail_context(request, case))


@login_required
@require_POST
def case_transition(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    case = selectors.case_for(actor, pk)
    name = request.POST.get("transition", "")
    data = {k[len("data_"):]: v for k, v in request.POST.items() if k.startswith("data_")}
    try:
        case = services.transition_case(actor=actor, case=case, transition=name, data=data)
    except SifaError as exc:
        context = _detail_context(request, selectors.case_for(actor, pk))
        context.update({"step_error": exc, "failed_step": name, "posted": data})
        return render(request, "cases/case_detail.html", context, status=exc.status)
    messages.success(request, f"已办理：{services.workflow_of(case).state(case.state).label}")
    return redirect("cases:detail", pk=case.pk)


@login_required
def case_open(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    spec = services.case_type_of(request.GET.get("type") or request.POST.get("type", ""))
    error: SifaError | None = None
    if request.method == "POST":
        data = {f: request.POST.get(f"data_{f}", "") for f in spec.open_fields}
        try:
            case = services.open_case(actor=actor, case_type=spec.code, title=request.POST.get("title", ""), data=data)
        except SifaError as exc:
            error = exc
        else:
            messages.success(request, f"已立案：{case.number}")
            return redirect("cases:detail", pk=case.pk)
    fields = [(f, spec.workflow.label_of(f)) for f in spec.open_fields]
    return render(request, "cases/case_open.html", {"spec": spec, "fields": fields, "error": error, "posted": request.POST},
                  status=error.status if error else 200)


@login_required
@require_POST
def case_deadline_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    """中止 or 延长 one of the case's deadlines (form fields: key, kind, from, to, period, reason, approver)."""
    actor = _actor(request)
    actor.require("cases.deadlines.adjust")
    case = selectors.case_for(actor, pk)
    post = request.POST
    try:
        if post.get("kind") == "extend":
            deadline = services.extend_case_deadline(actor=actor, case=case, key=post.get("key", ""),
                                                     period=post.get("period", ""), reason=post.get("reason", ""),
                                                     approver=post.get("approver", ""))
        else:
            deadline = services.suspend_case_deadline(actor=actor, case=case, key=post.get("key", ""),
                                                      stopped_on=post.get("from", ""), resumed_on=post.get("to", ""),
                                                      reason=post.get("reason", ""))
    except SifaError as exc:
        context = _detail_context(request, selectors.case_for(actor, pk))
        context.update({"deadline_error": exc, "failed_key": post.get("key", "")})
        return render(request, "cases/case_detail.html", context, status=exc.status)
    messages.success(request, f"期限「{deadline.label}」现于 {deadline.due_date:%Y-%m-%d} 届满")
    return redirect("cases:detail", pk=case.pk)

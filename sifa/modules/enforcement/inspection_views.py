"""Pages of 双随机一公开: plans (list, create, detail with the pool preview and counts, publish / draw /
cancel / publish results), result entry, 监管对象 (list, import, export, detail with 回避关系), 综合查一次
merge, and the public pages (no sign-in). Thin: parse a form, call one service or selector, render."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from sifa.core.errors import SifaError
from sifa.core.ui.decorators import require_perm
from sifa.core.ui.forms import attach_error
from sifa.core.ui.pagination import paginate
from sifa.modules.enforcement import inspection_selectors as selectors
from sifa.modules.enforcement import inspection_services as services
from sifa.modules.enforcement.choices import EnforcementField
from sifa.modules.enforcement.inspection_forms import (
    CancelForm,
    ConflictForm,
    PlanForm,
    ResultForm,
    TargetImportForm,
)
from sifa.modules.enforcement.inspection_models import CreditGrade, PlanState, RiskLevel
from sifa.modules.enforcement.models import EnforcementOfficer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MANAGE = services.MANAGE
EXPORT_LIMIT = 50_000


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


# --- plans ----------------------------------------------------------------------------------------------


@login_required
@require_perm("enforcement.view")
def inspection_plan_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.plans_visible_to(_actor(request), state=request.GET.get("state", ""), q=request.GET.get("q", ""))
    page, querystring = paginate(request, qs)
    return render(request, "enforcement/inspection/plan_list.html", {
        "page": page, "querystring": querystring, "params": request.GET, "states": PlanState.choices})


@login_required
@require_perm(MANAGE)
def inspection_plan_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = PlanForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(actor=actor, **form.service_kwargs())
        except SifaError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"已新建抽查计划 {plan.number}，请核对名单与抽取数后公布")
            return redirect("enforcement:inspection_plan_detail", pk=plan.pk)
    return render(request, "enforcement/inspection/plan_form.html", {"form": form},
                  status=400 if form.errors else 200)


@login_required
@require_perm("enforcement.view")
def inspection_plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    plan = selectors.plan_for(actor, pk)
    pools = selectors.plan_pools(plan) if plan.state == PlanState.DRAFT else None
    inspections = list(selectors.inspections_of(plan))
    visits = {i.visit_id: selectors.visit_summary(i) for i in inspections if i.visit_id}
    return render(request, "enforcement/inspection/plan_detail.html", {
        "plan": plan, "pools": pools,
        "inspections": [(i, visits.get(i.visit_id) if i.visit_id else None) for i in inspections],
        "can_manage": actor.has_perm(MANAGE), "cancel_form": CancelForm(),
        "open_count": sum(1 for i in inspections if not i.outcome)})


def _plan_action(request: HttpRequest, pk: int, call: Any, done: str) -> HttpResponse:
    actor = _actor(request)
    plan = selectors.plan_for(actor, pk)
    try:
        call(actor, plan)
    except SifaError as exc:
        messages.error(request, exc.message)
        return redirect("enforcement:inspection_plan_detail", pk=plan.pk)
    messages.success(request, done)
    return redirect("enforcement:inspection_plan_detail", pk=plan.pk)


@login_required
@require_perm(MANAGE)
@require_POST
def inspection_plan_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_action(request, pk, lambda a, p: services.publish_plan(actor=a, plan=p),
                        "已公布：名单已冻结，种子承诺值已写入存证账本")


@login_required
@require_perm(MANAGE)
@require_POST
def inspection_plan_draw(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_action(request, pk, lambda a, p: services.draw_plan(actor=a, plan=p), "已抽取，种子已公开")


@login_required
@require_perm(MANAGE)
@require_POST
def inspection_plan_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _plan_action(request, pk, lambda a, p: services.cancel_plan(actor=a, plan=p, reason=reason), "已取消")


@login_required
@require_perm(MANAGE)
@require_POST
def inspection_plan_results(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_action(request, pk, lambda a, p: services.publish_results(actor=a, plan=p), "抽查结果已向社会公开")


@login_required
@require_perm(MANAGE)
def inspection_result(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    inspection = selectors.inspection_for(actor, pk)
    initial = {"outcome": inspection.outcome or "no_problem", "inspected_on": inspection.inspected_on
               or datetime.date.today(), "note": inspection.result_note, "case_reference": inspection.case_reference}
    form = ResultForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_result(actor=actor, inspection=inspection, **form.cleaned_data)
        except SifaError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"已登记检查结果：{inspection.entity.name}")
            return redirect("enforcement:inspection_plan_detail", pk=inspection.plan_id)
    return render(request, "enforcement/inspection/result_form.html",
                  {"form": form, "inspection": inspection, "visit": selectors.visit_summary(inspection)},
                  status=400 if form.errors else 200)


@login_required
@require_perm(MANAGE)
@require_POST
def inspection_merge(request: HttpRequest) -> HttpResponse:
    try:
        made = services.merge_visits(actor=_actor(request))
    except SifaError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"综合查一次：已合并为 {made} 次联合检查")
    return redirect("enforcement:inspection_plan_list")


# --- 监管对象 ------------------------------------------------------------------------------------------------


def _target_qs(request: HttpRequest) -> Any:
    body = request.GET.get("body", "")
    return selectors.targets_visible_to(_actor(request), body=int(body) if body.isdigit() else None,
                                        q=request.GET.get("q", ""), risk=request.GET.get("risk", ""),
                                        credit=request.GET.get("credit", ""))


@login_required
@require_perm("enforcement.view")
def inspection_target_list(request: HttpRequest) -> HttpResponse:
    page, querystring = paginate(request, _target_qs(request))
    return render(request, "enforcement/inspection/target_list.html", {
        "page": page, "querystring": querystring, "params": request.GET, "risks": RiskLevel.choices,
        "credits": CreditGrade.choices})


@login_required
@require_perm("enforcement.view")
def inspection_target_export(request: HttpRequest) -> HttpResponse:
    rows = list(_target_qs(request)[:EXPORT_LIMIT])
    services.export_targets(actor=_actor(request), description=f"监管对象导出 {request.GET.urlencode()}",
                            row_count=len(rows))
    return _xlsx(services.targets_workbook(rows), "inspection-targets.xlsx")


@login_required
@require_perm(MANAGE)
def inspection_target_template(request: HttpRequest) -> HttpResponse:
    return _xlsx(services.targets_workbook([]), "inspection-targets-template.xlsx")


@login_required
@require_perm(MANAGE)
def inspection_target_import(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = TargetImportForm(request.POST or None, request.FILES or None, actor=actor)
    row_errors: list[dict[str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            n = services.import_targets(actor=actor, body=form.cleaned_data["body"],
                                        content=form.cleaned_data["file"].read(), filename=form.cleaned_data["file"].name)
        except SifaError as exc:
            if len(exc.errors) > 1 or (exc.errors and exc.errors[0].get("field", "").startswith("rows[")):
                row_errors = exc.errors
                form.add_error(None, exc.message)
            else:
                attach_error(form, exc)
        else:
            messages.success(request, f"已导入 {n} 个监管对象")
            return redirect("enforcement:inspection_target_list")
    return render(request, "enforcement/inspection/target_import.html", {
        "form": form, "row_errors": row_errors, "fields": EnforcementField.labels},
        status=400 if form.errors else 200)


@login_required
@require_perm("enforcement.view")
def inspection_target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    target = selectors.target_for(actor, pk)
    officers = EnforcementOfficer.objects.visible_to(actor).filter(body=target.body).select_related("person")
    form = ConflictForm(request.POST or None, officers=officers)
    if request.method == "POST":
        actor.require(MANAGE)
        if form.is_valid():
            try:
                services.add_conflict(actor=actor, officer=form.cleaned_data["officer"], entity=target.entity,
                                      reason=form.cleaned_data["reason"])
            except SifaError as exc:
                attach_error(form, exc)
            else:
                messages.success(request, "已登记回避关系")
                return redirect("enforcement:inspection_target_detail", pk=target.pk)
    inspections = selectors.inspections_visible_to(actor).filter(target=target)[:50]
    return render(request, "enforcement/inspection/target_detail.html", {
        "target": target, "conflicts": selectors.conflicts_for_entity(actor, target.entity_id)
        .filter(officer__body=target.body), "form": form, "inspections": inspections,
        "can_manage": actor.has_perm(MANAGE)}, status=400 if form.errors else 200)


# --- public (双随机一公开: no sign-in) ------------------------------------------------------------------------


@require_GET
def inspection_public_list(request: HttpRequest) -> HttpResponse:
    page, querystring = paginate(request, selectors.public_plans())
    return render(request, "enforcement/inspection/public_list.html", {"page": page, "querystring": querystring})


@require_GET
def inspection_public_detail(request: HttpRequest, number: str) -> HttpResponse:
    plan = selectors.public_plan(number)
    return render(request, "enforcement/inspection/public_detail.html", {
        "plan": plan, "rows": selectors.public_inspections(plan)})

"""Work-plan pages (工作规划): plan list, new plan, plan detail with items and a progress matrix,
item add/edit/remove, the office's tasks (我的任务) with 确认完成, and the Excel export of progress."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from sifa.core.errors import Conflict, SifaError, ValidationFailed
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.ui.decorators import require_perm
from sifa.core.ui.forms import BootstrapMixin, attach_error
from sifa.core.ui.pagination import paginate
from sifa.modules.judicial_office import plans
from sifa.modules.judicial_office.choices import BADGE_COLOURS, OccurrenceStatus, Recurrence
from sifa.modules.judicial_office.models import PlanItem, PlanOccurrence, WorkCatalogueItem, WorkPlan

MATRIX_ROWS_PER_PAGE = 50


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


# --- forms -------------------------------------------------------------------------------------


class PlanForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label="规划标题", max_length=128)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    description = forms.CharField(label="说明", max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class ItemForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label="事项", max_length=128)
    catalogue_item = forms.ModelChoiceField(
        label="对应工作事项", queryset=WorkCatalogueItem.objects.none(), required=False, empty_label="（无：由司法所手工确认完成）",
        help_text="选择后按工作日志（手工填报与自动汇入）自动统计完成量")
    target = forms.IntegerField(label="目标数量", min_value=1, max_value=plans.MAX_TARGET, initial=1)
    recurrence = forms.ChoiceField(label="周期", choices=Recurrence.choices, initial=Recurrence.ONCE,
                                   help_text="每月：每月同日到期（月末顺延至月底）；每季度：季末月同日到期")
    due_date = forms.DateField(label="完成期限", widget=forms.DateInput(attrs={"type": "date"}),
                               help_text="周期事项为首期期限，分解至年底")
    remind_days = forms.IntegerField(label="提前提醒天数", min_value=0, max_value=plans.MAX_REMIND_DAYS, initial=3)

    def __init__(self, *args: Any, plan: WorkPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["catalogue_item"]
        field.queryset = plans.applicable_catalogue(plan.org)  # type: ignore[attr-defined]
        field.label_from_instance = lambda c: f"{c.name}（{c.unit}）"  # type: ignore[attr-defined]


def _item_initial(item: PlanItem) -> dict[str, Any]:
    return {"title": item.title, "catalogue_item": item.catalogue_item_id, "target": item.target,
            "recurrence": item.recurrence, "due_date": item.due_date, "remind_days": item.remind_days}


# --- list, create ------------------------------------------------------------------------------


@login_required
@require_perm(plans.VIEW)
def plan_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    year_text = request.GET.get("year", "").strip()
    year = int(year_text) if year_text.isdigit() else None
    page, querystring = paginate(request, plans.plans_visible_to(actor, year=year))
    return render(request, "judicial_office/plan_list.html", {
        "page": page, "querystring": querystring, "year": year, "tab": "plans",
        "can_create": actor.has_perm(plans.MANAGE) and actor.org is not None,
    })


@login_required
@require_perm(plans.MANAGE)
def plan_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    org: Org | None = actor.org
    form = PlanForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            plan = plans.create_plan(actor=actor, **form.cleaned_data)
        except SifaError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"已制定：{plan.title}，请添加规划事项")
            return redirect("jo_plans:detail", pk=plan.pk)
    offices = plans.target_offices(org) if org is not None else []
    return render(request, "judicial_office/plan_form.html", {
        "form": form, "org": org, "offices": len(offices),
        "is_office": org is not None and org.type == OrgType.JUDICIAL_OFFICE,
    }, status=400 if form.errors else 200)


# --- detail, items -----------------------------------------------------------------------------


def _detail_context(request: HttpRequest, plan: WorkPlan, *, item_form: ItemForm | None = None) -> dict[str, Any]:
    actor = _actor(request)
    summaries = plans.item_summaries(actor, plan)
    selected = None
    wanted = request.GET.get("item", "")
    for s in summaries:
        if str(s.item.pk) == wanted:
            selected = s.item
    if selected is None and summaries:
        selected = summaries[0].item
    matrix = plans.progress_matrix(actor, plan, selected) if selected is not None else None
    rows_page = Paginator(matrix.rows if matrix else [], MATRIX_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    manage = plans.can_manage(actor, plan)
    if manage and item_form is None:
        item_form = ItemForm(plan=plan, initial={"due_date": max(timezone.localdate(), datetime.date(plan.year, 1, 1))})
    return {
        "plan": plan, "summaries": summaries, "selected": selected, "matrix": matrix, "rows_page": rows_page,
        "querystring": params.urlencode(), "can_manage": manage, "item_form": item_form if manage else None,
        "today": timezone.localdate(), "badges": BADGE_COLOURS,
    }


@login_required
@require_perm(plans.VIEW)
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plans.plan_for(_actor(request), pk)
    return render(request, "judicial_office/plan_detail.html", _detail_context(request, plan))


@login_required
@require_POST
@require_perm(plans.MANAGE)
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    plan = plans.managed_plan_for(actor, pk)
    form = ItemForm(request.POST, plan=plan)
    if form.is_valid():
        try:
            item = plans.add_plan_item(actor=actor, plan=plan, **form.cleaned_data)
        except SifaError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"已添加「{item.title}」，分解为 {item.occurrences.count()} 项周期任务")
            return redirect(f"{reverse('jo_plans:detail', args=[plan.pk])}?item={item.pk}")
    return render(request, "judicial_office/plan_detail.html",
                  _detail_context(request, plans.plan_for(actor, plan.pk), item_form=form), status=400)


@login_required
@require_perm(plans.MANAGE)
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    item = plans.managed_item_for(actor, pk)
    form = ItemForm(request.POST or None, plan=item.plan, initial=_item_initial(item))
    if request.method == "POST" and form.is_valid():
        try:
            plans.update_plan_item(actor=actor, item=item, **form.cleaned_data)
        except SifaError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect(f"{reverse('jo_plans:detail', args=[item.plan_id])}?item={item.pk}")
    return render(request, "judicial_office/plan_item_form.html", {"form": form, "item": item, "plan": item.plan},
                  status=400 if form.errors else 200)


@login_required
@require_POST
@require_perm(plans.MANAGE)
def item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    item = plans.managed_item_for(actor, pk)
    try:
        plans.remove_plan_item(actor=actor, item=item)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('jo_plans:detail', args=[item.plan_id])}?item={item.pk}")
    messages.success(request, f"已删除「{item.title}」")
    return redirect("jo_plans:detail", pk=item.plan_id)


# --- export ------------------------------------------------------------------------------------


def progress_workbook(actor: Any, plan: WorkPlan) -> tuple[bytes, int]:
    """The plan's progress in the actor's scope: one row per office, item and period; and a summary per office."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("完成进度")
    ws.append([f"{plan.title}（{plan.year}年，{plan.org.name}）"])
    ws.append(["司法所", "事项", "周期", "周期开始", "完成期限", "目标数量", "已完成", "状态", "完成时间", "对应工作事项"])
    per_office: dict[int, list[Any]] = {}
    rows = 0
    for o in plans.occurrences_visible_to(actor, plan=plan).order_by("org__path", "item__due_date", "item_id",
                                                                       "due_date").iterator(chunk_size=2000):
        cat = o.item.catalogue_item
        completed = timezone.localtime(o.completed_at).strftime("%Y-%m-%d %H:%M") if o.completed_at else ""
        ws.append([o.org.name, o.item.title, plans.occurrence_label(o), o.period_start, o.due_date, o.target, o.done,
                   OccurrenceStatus(o.status).label, completed, cat.name if cat else "（手工确认）"])
        rows += 1
        summary = per_office.setdefault(o.org_id, [o.org.name, 0, 0, 0, 0])
        summary[1] += 1
        summary[2 + [OccurrenceStatus.DONE, OccurrenceStatus.OPEN, OccurrenceStatus.OVERDUE].index(
            OccurrenceStatus(o.status))] += 1
    summary_ws = wb.create_sheet("各所汇总")
    summary_ws.append(["司法所", "任务数", "已完成", "进行中", "已逾期", "完成率"])
    for name, total, done, open_, overdue in per_office.values():
        summary_ws.append([name, total, done, open_, overdue, f"{round(100 * done / total)}%" if total else ""])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), rows


@login_required
@require_perm(plans.VIEW)
def plan_export(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    plan = plans.plan_for(actor, pk)
    content, rows = progress_workbook(actor, plan)
    plans.export_plan_progress(actor=actor, plan=plan, row_count=rows)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''plan-{plan.pk}-progress.xlsx"
    return response


# --- my tasks ----------------------------------------------------------------------------------

TASK_FILTERS = (("pending", "未完成"), ("overdue", "已逾期"), ("done", "已完成"), ("all", "全部"))


@login_required
@require_perm(plans.VIEW)
def my_tasks(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    status = request.GET.get("status", "pending")
    if status not in dict(TASK_FILTERS):
        status = "pending"
    qs = plans.occurrences_visible_to(actor, status="" if status == "all" else status)
    if status == "done":
        qs = qs.order_by("-due_date", "org__path", "id")
    page, querystring = paginate(request, qs)
    today = timezone.localdate()
    own_org_id = actor.org.pk if actor.org is not None else None
    can_complete = actor.has_perm(plans.COMPLETE)
    tasks = [{"o": o, "label": plans.occurrence_label(o), "days_left": (o.due_date - today).days,
              "days_late": (today - o.due_date).days,
              "can_mark": can_complete and o.org_id == own_org_id and o.item.catalogue_item_id is None
              and o.status != OccurrenceStatus.DONE} for o in page]
    return render(request, "judicial_office/plan_tasks.html", {
        "page": page, "tasks": tasks, "querystring": querystring, "status": status, "filters": TASK_FILTERS,
        "tab": "tasks", "badges": BADGE_COLOURS, "today": today,
    })


@login_required
@require_POST
@require_perm(plans.COMPLETE)
def occurrence_done(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    occurrence: PlanOccurrence = plans.occurrence_for(actor, pk)
    try:
        plans.mark_occurrence_done(actor=actor, occurrence=occurrence, note=request.POST.get("note", ""))
    except (Conflict, ValidationFailed) as exc:
        messages.error(request, exc.message)
        return redirect("jo_plans:tasks")
    messages.success(request, f"已确认完成：{occurrence.item.title}（{plans.occurrence_label(occurrence)}）")
    return redirect("jo_plans:tasks")

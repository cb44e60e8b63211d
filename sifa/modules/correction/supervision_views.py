"""Pages of the supervision part: a case's supervision page (矫正小组, 管理等级, 个人情况, 矫正方案,
监管任务), plan versions, 我的监管任务 and the plan rule table. Thin: parse a form, call one service or
selector, render. The subject page's cards (``*_panel``) are registered in ``supervision.register``.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from sifa.core.errors import SifaError
from sifa.core.ui.decorators import require_perm
from sifa.core.ui.forms import BootstrapMixin, attach_error
from sifa.modules.correction import config, levels, plan_rules
from sifa.modules.correction import supervision_selectors as selectors
from sifa.modules.correction import supervision_services as services
from sifa.modules.correction.choices import (
    LEVEL_BADGES,
    MeasureCategory,
    PlanStatus,
    TaskKind,
    TaskStatus,
    TeamRole,
)
from sifa.modules.correction.models import CorrectionCase, CorrectionPlan, PlanRule, TeamMember

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE = forms.DateInput(attrs={"type": "date"})
CONDITION_ROWS = 5
NEW_MEASURE_ROWS = 3


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def subject_url(detail: CorrectionCase) -> str:
    """The subject's page (built by the lifecycle part), else the core case page."""
    for name in ("correction:subject_detail", "correction:case_detail"):
        try:
            return reverse(name, args=[detail.pk])
        except NoReverseMatch:
            continue
    return reverse("cases:detail", args=[detail.pk])


def _back(request: HttpRequest, default: str) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return default


# --- forms -------------------------------------------------------------------------------------------


class TeamMemberForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=64)
    role = forms.ChoiceField(label="身份", choices=TeamRole.choices)
    gender = forms.ChoiceField(label="性别", choices=(("", "请选择"), ("F", "女"), ("M", "男")))
    phone = forms.CharField(label="联系电话", max_length=32, required=False)


class LevelForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="评定类型", choices=list(services.LEVEL_KINDS.items()))
    level = forms.ChoiceField(label="确定等级", required=False, help_text="不选 = 采用评分建议")
    override_reason = forms.CharField(label="调整理由", required=False, max_length=1000,
                                      widget=forms.Textarea(attrs={"rows": 2}),
                                      help_text="确定等级与建议不一致时必填；将报县级社区矫正机构")
    assessed_on = forms.DateField(label="评定日期", required=False, widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        level = self.fields["level"]
        assert isinstance(level, forms.ChoiceField)
        level.choices = [("", "采用评分建议"), *config.level_choices()]


class PlanNewForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label="理由", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="调整方案时必填：对象表现或情况发生了什么变化")


class TaskDoneForm(BootstrapMixin, forms.Form):
    done_on = forms.DateField(label="完成日期", required=False, widget=DATE)
    hours = forms.DecimalField(label="时长（小时）", required=False, max_digits=5, decimal_places=1, min_value=0)
    note = forms.CharField(label="情况记录", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AttributesForm(BootstrapMixin, forms.Form):
    """The editable attributes of ``plan_rules.ATTRIBUTES`` (个人情况)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for attr in plan_rules.EDITABLE:
            if attr.kind == "choice":
                self.fields[attr.code] = forms.ChoiceField(label=attr.label, required=False,
                                                           choices=[("", "未填写"), *attr.dynamic_choices()])
            elif attr.kind == "bool":
                self.fields[attr.code] = forms.ChoiceField(label=attr.label, required=False,
                                                           choices=[("", "未填写"), ("true", "是"), ("false", "否")])
            elif attr.kind == "int":
                self.fields[attr.code] = forms.IntegerField(label=attr.label, required=False)
            else:
                self.fields[attr.code] = forms.CharField(label=attr.label, required=False, max_length=100)


class RuleForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label="编码", max_length=48, help_text="字母、数字、连字符，如 job-referral")
    category = forms.ChoiceField(label="类别", choices=MeasureCategory.choices)
    recommendation = forms.CharField(label="建议措施", max_length=255, widget=forms.Textarea(attrs={"rows": 2}))
    hours_per_month = forms.IntegerField(label="每月小时数", required=False, min_value=0, max_value=200,
                                         help_text="教育学习、公益活动类措施每月增加的小时数（可不填）")
    order = forms.IntegerField(label="排序", initial=100, min_value=0, max_value=32767)
    active = forms.BooleanField(label="启用", required=False, initial=True)


def _conditions_from_post(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for i in range(CONDITION_ROWS):
        attribute = str(data.get(f"cond-{i}-attribute", "")).strip()
        if not attribute:
            continue
        rows.append({"attribute": attribute, "op": str(data.get(f"cond-{i}-op", "")).strip(),
                     "value": str(data.get(f"cond-{i}-value", "")).strip()})
    return rows


def _condition_rows(conditions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for i in range(max(CONDITION_ROWS, len(conditions))):
        c = conditions[i] if i < len(conditions) else {}
        value = c.get("value", "")
        if isinstance(value, list):
            value = ",".join(str(v) for v in value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        rows.append({"i": i, "attribute": c.get("attribute", ""), "op": c.get("op", ""), "value": value})
    return rows


# --- the case's supervision page ------------------------------------------------------------------------


def _case_context(request: HttpRequest, detail: CorrectionCase) -> dict[str, Any]:
    today = timezone.localdate()
    team = selectors.active_team(detail)
    computed, reasons = levels.initial_level(detail)
    history = selectors.assessments(detail)
    plan_list = selectors.plans(detail)
    current = next((p for p in plan_list if p.status == PlanStatus.APPROVED), None)
    draft = next((p for p in plan_list if p.status == PlanStatus.DRAFT), None)
    board = selectors.task_board(_actor(request), detail=detail, today=today)
    hours = selectors.monthly_hours(detail, current)
    values = plan_rules.subject_values(detail)
    return {
        "detail": detail, "subject_url": subject_url(detail), "today": today,
        "team": team, "former": list(selectors.rows(TeamMember).filter(correction_case=detail, active=False)), "problems": selectors.team_problems(detail, team),
        "team_form": TeamMemberForm(), "level_form": LevelForm(initial={"kind": "periodic" if history else "initial"}),
        "computed": computed, "computed_label": config.level_label(computed), "reasons": reasons,
        "level_label": config.level_label(detail.level), "level_badge": LEVEL_BADGES.get(detail.level, "secondary"),
        "history": history, "history_rows": [(a, config.level_label(a.level), config.level_label(a.computed_level))
                                             for a in history],
        "levels_flag": config.flag("levels"), "health_flag": config.flag("health"),
        "reassess_due": selectors.reassessment_due(detail, history[0] if history else None),
        "plans": plan_list, "current_plan": current, "draft_plan": draft, "plan_form": PlanNewForm(),
        "board": board, "hours": hours, "task_form": TaskDoneForm(),
        "attributes": [(a, a.value_label(values.get(a.code))) for a in plan_rules.ATTRIBUTES],
        "config_levels": config.levels(),
        "can_manage": _actor(request).has_perm("correction.manage") and detail.case.state not in selectors.TERMINAL_STATES,
    }


def _case_page(request: HttpRequest, detail: CorrectionCase, *, status: int = 200, **extra: Any) -> HttpResponse:
    context = _case_context(request, detail)
    context.update(extra)
    return render(request, "correction/supervision/case.html", context, status=status)


@login_required
@require_perm("correction.view")
def supervision_case(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, selectors.case_for(_actor(request), pk))


@login_required
@require_perm("correction.manage")
@require_POST
def team_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    detail = selectors.case_for(actor, pk)
    form = TeamMemberForm(request.POST)
    if form.is_valid():
        try:
            member = services.add_team_member(actor=actor, detail=detail, **form.cleaned_data)
        except SifaError as exc:
            attach_error(form, exc)
            return _case_page(request, detail, status=exc.status, team_form=form)
        messages.success(request, f"已将{member.name}加入矫正小组")
        return redirect(_back(request, reverse("correction:supervision_case", args=[detail.pk])) + "#team")
    return _case_page(request, detail, status=400, team_form=form)


@login_required
@require_perm("correction.manage")
@require_POST
def team_remove(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    member = selectors.member_for(actor, pk)
    detail = member.correction_case
    try:
        services.remove_team_member(actor=actor, member=member, reason=request.POST.get("reason", ""))
    except SifaError as exc:
        return _case_page(request, detail, status=exc.status, team_error=exc.message)
    messages.success(request, f"已将{member.name}移出矫正小组")
    return redirect(reverse("correction:supervision_case", args=[detail.pk]) + "#team")


@login_required
@require_perm("correction.manage")
@require_POST
def level_assess(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    detail = selectors.case_for(actor, pk)
    form = LevelForm(request.POST)
    if form.is_valid():
        try:
            row = services.assess_level(actor=actor, detail=detail, **form.cleaned_data)
        except SifaError as exc:
            attach_error(form, exc)
            return _case_page(request, detail, status=exc.status, level_form=form)
        note = "；与建议不一致，已报县级社区矫正机构" if row.level != row.computed_level else ""
        messages.success(request, f"管理等级已确定为{config.level_label(row.level)}{note}")
        return redirect(reverse("correction:supervision_case", args=[detail.pk]) + "#level")
    return _case_page(request, detail, status=400, level_form=form)


@login_required
@require_perm("correction.manage")
def attributes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    detail = selectors.case_for(actor, pk)
    stored = {k: ("true" if v is True else "false" if v is False else v) for k, v in (detail.subject.attributes or {}).items()}
    form = AttributesForm(request.POST or None, initial=stored)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_subject_attributes(actor=actor, detail=detail, values=form.cleaned_data)
        except SifaError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, "个人情况已保存；管理等级建议和新生成的矫正方案将按新的情况计算")
            return redirect(reverse("correction:supervision_case", args=[detail.pk]) + "#attributes")
    derived = [(a, a.value_label(plan_rules.subject_values(detail).get(a.code))) for a in plan_rules.ATTRIBUTES
               if not a.editable]
    return render(request, "correction/supervision/attributes.html",
                  {"form": form, "detail": detail, "derived": derived, "subject_url": subject_url(detail)},
                  status=400 if form.errors else 200)


@login_required
@require_perm("correction.manage")
@require_POST
def plan_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Generate the first plan, or (when one is in force) an adjusted version with a reason."""
    actor = _actor(request)
    detail = selectors.case_for(actor, pk)
    form = PlanNewForm(request.POST)
    if form.is_valid():
        try:
            if selectors.approved_plan(detail) is None:
                plan = services.draft_plan(actor=actor, detail=detail, reason=form.cleaned_data["reason"])
            else:
                plan = services.adjust_plan(actor=actor, detail=detail, reason=form.cleaned_data["reason"])
        except SifaError as exc:
            attach_error(form, exc)
            return _case_page(request, detail, status=exc.status, plan_form=form)
        messages.success(request, f"已生成{plan}（待审批），请核对措施后审批")
        return redirect("correction:plan_detail", pk=plan.pk)
    return _case_page(request, detail, status=400, plan_form=form)


def _plan_page(request: HttpRequest, plan: CorrectionPlan, *, status: int = 200, error: str = "",
               rows: list[dict[str, Any]] | None = None) -> HttpResponse:
    detail = plan.correction_case
    measures = list(plan.measures.all())
    if rows is None:
        rows = [{"id": m.pk, "category": m.category, "text": m.text, "hours_per_month": m.hours_per_month or "",
                 "keep": True, "measure": m} for m in measures]
        rows += [{"id": "", "category": "", "text": "", "hours_per_month": "", "keep": True, "measure": None}
                 for _ in range(NEW_MEASURE_ROWS)]
    snapshot = [(a, a.value_label(plan.attributes_snapshot.get(a.code))) for a in plan_rules.ATTRIBUTES
                if a.code in plan.attributes_snapshot]
    return render(request, "correction/supervision/plan.html", {
        "plan": plan, "detail": detail, "measures": measures, "rows": rows, "error": error, "snapshot": snapshot,
        "categories": MeasureCategory.choices, "versions": selectors.plans(detail), "subject_url": subject_url(detail),
        "can_manage": _actor(request).has_perm("correction.manage") and plan.status == PlanStatus.DRAFT
        and detail.case.state not in selectors.TERMINAL_STATES,
    }, status=status)


@login_required
@require_perm("correction.view")
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_page(request, selectors.plan_for(_actor(request), pk))


@login_required
@require_perm("correction.manage")
@require_POST
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    plan = selectors.plan_for(actor, pk)
    rows: list[dict[str, Any]] = []
    measures = []
    n = int(request.POST.get("rows", "0") or 0) if str(request.POST.get("rows", "0")).isdigit() else 0
    for i in range(min(n, 200)):
        row = {"id": request.POST.get(f"m-{i}-id", ""), "category": request.POST.get(f"m-{i}-category", ""),
               "text": request.POST.get(f"m-{i}-text", ""), "hours_per_month": request.POST.get(f"m-{i}-hours", ""),
               "keep": request.POST.get(f"m-{i}-keep") == "on" or not request.POST.get(f"m-{i}-id"), "measure": None}
        rows.append(row)
        if row["keep"] and (row["id"] or str(row["text"]).strip()):
            measures.append({k: row[k] for k in ("id", "category", "text", "hours_per_month")})
    try:
        services.edit_plan(actor=actor, plan=plan, measures=measures)
    except SifaError as exc:
        return _plan_page(request, plan, status=exc.status, error=exc.message, rows=rows or None)
    messages.success(request, f"{plan}已修改")
    return redirect("correction:plan_detail", pk=plan.pk)


@login_required
@require_perm("correction.manage")
@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    plan = selectors.plan_for(actor, pk)
    try:
        services.approve_plan(actor=actor, plan=plan)
    except SifaError as exc:
        return _plan_page(request, plan, status=exc.status, error=exc.message)
    messages.success(request, f"{plan}已审批生效")
    return redirect(reverse("correction:supervision_case", args=[plan.correction_case_id]) + "#plan")


# --- tasks ---------------------------------------------------------------------------------------------


@login_required
@require_perm("correction.manage")
@require_POST
def task_complete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    task = selectors.task_for(actor, pk)
    back = _back(request, reverse("correction:supervision_case", args=[task.correction_case_id]) + "#tasks")
    form = TaskDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(back)
    try:
        services.complete_task(actor=actor, task=task, **form.cleaned_data)
    except SifaError as exc:
        messages.error(request, f"{task.get_kind_display()}（{task.due_date:%Y-%m-%d}）未登记：{exc.message}")
        return redirect(back)
    messages.success(request, f"已登记{task.get_kind_display()}完成")
    return redirect(back)


def _task_rows(tasks: list[Any]) -> list[dict[str, Any]]:
    hours_by_case: dict[int, dict[str, int]] = {}
    rows = []
    for t in tasks:
        if t.kind in (TaskKind.EDUCATION, TaskKind.PUBLIC_SERVICE) and t.correction_case_id not in hours_by_case:
            hours_by_case[t.correction_case_id] = selectors.monthly_hours(
                t.correction_case, selectors.approved_plan(t.correction_case))
        rows.append({"t": t, "required": selectors.required_hours(t, hours_by_case.get(t.correction_case_id))})
    return rows


@login_required
@require_perm("correction.view")
def my_tasks(request: HttpRequest) -> HttpResponse:
    """我的监管任务: overdue, today and upcoming tasks across the subjects in scope (phone-friendly)."""
    actor = _actor(request)
    board = selectors.task_board(actor)
    done, day = board.done, None
    try:
        day = datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = None
    if day is not None:  # the work log links here: the tasks done that day
        done = list(selectors.tasks_visible_to(actor).filter(status=TaskStatus.DONE, done_on=day).order_by("id")[:200])
    return render(request, "correction/supervision/my_tasks.html", {
        "sections": [("overdue", "逾期", _task_rows(board.overdue)), ("today", "今天", _task_rows(board.today)),
                     ("upcoming", "近两周", _task_rows(board.upcoming))],
        "done": done, "day": day, "today": timezone.localdate(), "task_form": TaskDoneForm(),
        "can_manage": actor.has_perm("correction.manage"), "levels_flag": config.flag("levels"),
    })


@login_required
@require_perm("correction.view")
def tasks_export(request: HttpRequest) -> HttpResponse:
    """Excel of the open and missed tasks in scope (audited: subjects' names are personal data)."""
    from openpyxl import Workbook

    actor = _actor(request)
    board = selectors.task_board(actor, limit=5000)
    tasks = board.overdue + board.today + board.upcoming
    wb = Workbook()
    ws = wb.active
    ws.title = "监管任务"
    ws.append(["案号", "社区矫正对象", "司法所", "任务", "应完成日期", "状态", "管理等级"])
    for t in tasks:
        d = t.correction_case
        ws.append([d.case.number, d.subject.person.name, d.case.org.name, t.get_kind_display(),
                   t.due_date.isoformat(), t.get_status_display(), config.level_label(d.level)])
    buf = io.BytesIO()
    wb.save(buf)
    services.export_tasks(actor=actor, description="逾期、今天、近两周的监管任务", row_count=len(tasks))
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''supervision-tasks-{timezone.localdate():%Y%m%d}.xlsx"
    return response


# --- the rule table --------------------------------------------------------------------------------------


@login_required
@require_perm("correction.rules.manage")
def rule_list(request: HttpRequest) -> HttpResponse:
    rules = list(PlanRule.objects.order_by("order", "code"))
    return render(request, "correction/supervision/rules.html", {
        "rules": [(r, [plan_rules.describe(c) for c in r.conditions]) for r in rules],
        "attributes": plan_rules.ATTRIBUTES, "ops": plan_rules.OPS,
    })


def _rule_page(request: HttpRequest, rule: PlanRule | None) -> HttpResponse:
    actor = _actor(request)
    initial = {} if rule is None else {"code": rule.code, "category": rule.category, "recommendation": rule.recommendation,
                                       "hours_per_month": rule.hours_per_month, "order": rule.order, "active": rule.active}
    form = RuleForm(request.POST or None, initial=initial or {"order": 100, "active": True})
    conditions = _conditions_from_post(request.POST) if request.method == "POST" else list(rule.conditions if rule else [])
    condition_error = ""
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_plan_rule(actor=actor, rule=rule, conditions=conditions, **form.cleaned_data)
        except SifaError as exc:
            if exc.field == "conditions":
                condition_error = exc.message
            else:
                attach_error(form, exc)
        else:
            messages.success(request, f"规则 {saved.code} 已保存")
            return redirect("correction:plan_rule_list")
    return render(request, "correction/supervision/rule_form.html", {
        "form": form, "rule": rule, "rows": _condition_rows(conditions), "condition_error": condition_error,
        "attributes": plan_rules.ATTRIBUTES, "ops": plan_rules.OPS,
    }, status=400 if (form.errors or condition_error) else 200)


@login_required
@require_perm("correction.rules.manage")
def rule_create(request: HttpRequest) -> HttpResponse:
    return _rule_page(request, None)


@login_required
@require_perm("correction.rules.manage")
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    from sifa.core.errors import NotFound

    rule = PlanRule.objects.filter(pk=pk).first()
    if rule is None:
        raise NotFound()
    return _rule_page(request, rule)


@login_required
@require_perm("correction.rules.manage")
@require_POST
def rule_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    from sifa.core.errors import NotFound

    rule = PlanRule.objects.filter(pk=pk).first()
    if rule is None:
        raise NotFound()
    try:
        services.deactivate_plan_rule(actor=_actor(request), rule=rule)
    except SifaError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"规则 {rule.code} 已停用")
    return redirect("correction:plan_rule_list")


# --- cards on the subject page (panels.SubjectPanel contexts) ------------------------------------------


def team_panel(request: HttpRequest, detail: CorrectionCase) -> dict[str, Any]:
    team = selectors.active_team(detail)
    return {"team": team, "problems": selectors.team_problems(detail, team),
            "url": reverse("correction:supervision_case", args=[detail.pk]) + "#team"}


def level_panel(request: HttpRequest, detail: CorrectionCase) -> dict[str, Any]:
    history = selectors.assessments(detail)
    latest = history[0] if history else None
    return {"label": config.level_label(detail.level), "badge": LEVEL_BADGES.get(detail.level, "secondary"),
            "latest": latest, "history": history[:5], "flag": config.flag("levels"),
            "reassess_due": selectors.reassessment_due(detail, latest),
            "url": reverse("correction:supervision_case", args=[detail.pk]) + "#level"}


def plan_panel(request: HttpRequest, detail: CorrectionCase) -> dict[str, Any]:
    versions = selectors.plans(detail)
    current = next((p for p in versions if p.status == PlanStatus.APPROVED), None)
    draft = next((p for p in versions if p.status == PlanStatus.DRAFT), None)
    return {"current": current, "draft": draft, "versions": versions,
            "measures": list(current.measures.all()) if current else [],
            "url": reverse("correction:supervision_case", args=[detail.pk]) + "#plan"}


def tasks_panel(request: HttpRequest, detail: CorrectionCase) -> dict[str, Any]:
    board = selectors.case_task_board(_actor(request), detail)
    return {"overdue": board.overdue, "today": board.today, "upcoming": board.upcoming[:8],
            "missed_count": sum(1 for t in board.overdue if t.status == TaskStatus.MISSED),
            "url": reverse("correction:supervision_case", args=[detail.pk]) + "#tasks"}

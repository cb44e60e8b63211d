"""Work-log pages: 今日日志 (phone-first day grid), my month, logs in scope with Excel export, log detail,
correction request and approval, the work catalogue. Views parse, call one service or selector, render."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from sifa.core.accounts.actor import Actor
from sifa.core.cases.models import Case
from sifa.core.errors import SifaError, ValidationFailed
from sifa.core.orgs.choices import OrgType
from sifa.core.ui.decorators import require_perm
from sifa.core.ui.filters import filters_from_query
from sifa.core.ui.pagination import paginate
from sifa.modules.judicial_office import forms, selectors, services
from sifa.modules.judicial_office.catalogue import catalogue_for, grouped
from sifa.modules.judicial_office.choices import BADGE_COLOURS, CorrectionStatus, WorkLogStatus
from sifa.modules.judicial_office.models import WorkCatalogueItem, WorkLog

_CASE_SPLIT = re.compile(r"[\s,，、;；]+")
EXPORT_MAX_ROWS = 50_000


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined]


def _day_param(value: str, today: datetime.date) -> tuple[datetime.date, str | None]:
    if not value:
        return today, None
    try:
        day = datetime.date.fromisoformat(value.strip())
    except ValueError:
        return today, "日期格式应为 YYYY-MM-DD，已显示今天"
    if day > today:
        return today, f"不能填报未来日期（{day:%Y-%m-%d}），已显示今天"
    return day, None


# --- the day grid (今日日志) -----------------------------------------------------------------------


def _grid_items(office: Any, log: WorkLog | None) -> list[WorkCatalogueItem]:
    """The office's active catalogue, plus any item already on the log (even if deactivated since)."""
    items = list(catalogue_for(office))
    if log is not None:
        known = {i.pk for i in items}
        items += [i.catalogue_item for i in log.items.all() if i.catalogue_item_id not in known]
    return sorted(items, key=lambda i: (i.order, i.code))


def _case_numbers(log: WorkLog | None) -> dict[str, str]:
    if log is None:
        return {}
    return {i.catalogue_item.code: "，".join(c.number for c in i.cases.all()) for i in log.items.all()}


def _resolve_cases(actor: Actor, items: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Case numbers typed per item → case ids in scope; errors name the row and the unknown number."""
    wanted = {n for item in items for n in item["case_numbers"]}
    known = dict(Case.objects.visible_to(actor).filter(number__in=wanted).values_list("number", "pk"))
    errors = []
    for i, item in enumerate(items):
        item["cases"] = [known[n] for n in item["case_numbers"] if n in known]
        for n in item["case_numbers"]:
            if n not in known:
                errors.append({"field": f"items[{i}].cases",
                               "message": f"第 {i + 1} 项关联案件：案号「{n}」不存在或无权访问"})
    return errors


def _parse_grid(request: HttpRequest, actor: Actor, codes: list[str]) -> list[dict[str, Any]]:
    items = forms.parse_day_post(request.POST, request.FILES, codes)
    for item in items:
        raw = request.POST.get(f"cases-{item['code']}", "")
        item["case_numbers"] = [n for n in _CASE_SPLIT.split(raw.strip()) if n]
    return items


def _grid_rows(items: list[WorkCatalogueItem], values: dict[str, dict[str, Any]], cases_text: dict[str, str],
               errors: dict[str, list[str]], log: WorkLog | None) -> list[tuple[str, list[dict[str, Any]]]]:
    photos = {i.catalogue_item.code: list(i.photos.all()) for i in log.items.all()} if log else {}
    rows = []
    for category, group in grouped(items):
        rows.append((category, [{
            "item": item, "count": values.get(item.code, {}).get("count", "") or "0",
            "note": values.get(item.code, {}).get("note", ""), "cases": cases_text.get(item.code, ""),
            "photos": photos.get(item.code, []), "keep": values.get(item.code, {}).get("keep", set()),
            "errors": errors.get(item.code, []),
        } for item in group]))
    return rows


@login_required
@require_perm("judicial_office.worklog.write")
def today(request: HttpRequest) -> HttpResponse:
    """今日日志: the day grid for the actor's own log (GET ?day= for a past day; POST saves or submits)."""
    actor = _actor(request)
    now_day = timezone.localdate()
    office = actor.org if actor.org is not None and actor.org.type == OrgType.JUDICIAL_OFFICE else None
    day, day_error = _day_param((request.POST if request.method == "POST" else request.GET).get("day", ""), now_day)
    if office is None:
        return render(request, "judicial_office/worklog_today.html", {"office": None, "day": day, "today": now_day})
    log = selectors.own_log(actor, day)
    items = _grid_items(office, log)
    codes = [i.code for i in items]
    values = forms.log_values(log)
    cases_text = _case_numbers(log)
    errors: dict[str, list[str]] = {}
    general: list[str] = [day_error] if day_error else []
    status = 200
    if request.method == "POST" and not day_error:
        posted = _parse_grid(request, actor, codes)
        values = forms.posted_values(request.POST, codes)
        cases_text = {c: request.POST.get(f"cases-{c}", "") for c in codes}
        try:
            case_errors = _resolve_cases(actor, posted)
            if case_errors:
                raise ValidationFailed("；".join(e["message"] for e in case_errors), errors=case_errors)
            saved = services.save_work_log(actor=actor, day=day, items=posted, text=request.POST.get("text", ""),
                                           submit=request.POST.get("action") == "submit")
        except SifaError as exc:
            errors, general = forms.item_errors(exc, posted)
            status = exc.status
            if any(item.get("uploads") for item in posted):
                general.append("所选照片未保存，请改正后重新选择照片")
        else:
            submitted = saved.status == WorkLogStatus.SUBMITTED
            messages.success(request, f"{day:%Y-%m-%d} 工作日志已{'提交' if submitted else '保存为草稿'}")
            return redirect(f"{reverse('judicial_office:today')}?day={day:%Y-%m-%d}")
    lock = selectors.lock_of(day)
    locked = log is not None and log.status == WorkLogStatus.SUBMITTED and lock is not None and now_day > lock
    pending = log.corrections.filter(status=CorrectionStatus.PENDING).first() if log is not None else None
    return render(request, "judicial_office/worklog_today.html", {
        "office": office, "day": day, "today": now_day, "log": log, "lock": lock, "locked": locked,
        "pending": pending, "rows": _grid_rows(items, values, cases_text, errors, log), "general_errors": general,
        "text": request.POST.get("text", "") if request.method == "POST" else (log.text if log else ""),
        "auto_items": selectors.auto_items_of_day(actor, office, day),
        "case_choices": selectors.linkable_cases(actor, office),
        "recent_days": [now_day - datetime.timedelta(days=n) for n in range(1, 8)],
        "badge": BADGE_COLOURS,
    }, status=status)


@login_required
@require_perm("judicial_office.worklog.write")
def month(request: HttpRequest) -> HttpResponse:
    """我的日志月历: submitted / draft / missing / locked per day of a month."""
    actor = _actor(request)
    first = selectors.parse_month(request.GET.get("month", ""), timezone.localdate())
    return render(request, "judicial_office/worklog_calendar.html", {
        "view": selectors.month_view(actor, first), "today": timezone.localdate(),
        "lock_days": services.lock_working_days(),
        "is_office": actor.org is not None and actor.org.type == OrgType.JUDICIAL_OFFICE})


# --- logs in scope ---------------------------------------------------------------------------------


def _filters(request: HttpRequest) -> tuple[selectors.WorkLogFilter | None, str | None]:
    return filters_from_query(selectors.WorkLogFilter, request.GET.dict())


@login_required
@require_perm("judicial_office.worklog.view")
def log_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    filters, error = _filters(request)
    qs = selectors.logs_visible_to(actor, filters=filters) if filters else WorkLog.objects.none()
    page, querystring = paginate(request, qs)
    context = {"page": page, "querystring": querystring, "filter_error": error, "params": request.GET,
               "badge": BADGE_COLOURS, "pending": selectors.pending_corrections_for_approver(actor).count(),
               "orgs": _filter_orgs(actor)}
    template = ("judicial_office/worklog_list_table.html" if request.headers.get("HX-Request")
                else "judicial_office/worklog_list.html")
    return render(request, template, context, status=400 if error else 200)


def _filter_orgs(actor: Actor) -> list[Any]:
    from sifa.core.orgs.models import Org

    qs = Org.objects.visible_to(actor).filter(type__in=[OrgType.JUDICIAL_OFFICE, OrgType.JUSTICE_BUREAU,
                                                        OrgType.JUSTICE_DEPARTMENT])
    return list(qs.order_by("path").only("pk", "name", "depth")[:300])


def _describe(params: Any) -> str:
    """The export's filter in words, for the audit log."""
    shown = [f"{k}={v}" for k, v in params.items() if v and k in selectors.WorkLogFilter.model_fields]
    return "工作日志导出 " + ("；".join(shown) or "（全部）")


def logs_workbook(logs: list[WorkLog], codes: list[tuple[str, str]]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("工作日志")
    ws.append(["工作日期", "司法所", "填报人", "状态", "提交时间", "修改次数", *[name for _, name in codes], "工作记事"])
    for log in logs:
        counts = {i.catalogue_item.code: i.count for i in log.items.all()}
        ws.append([log.day.isoformat(), log.org.name, log.author_name, WorkLogStatus(log.status).label,
                   timezone.localtime(log.submitted_at).strftime("%Y-%m-%d %H:%M") if log.submitted_at else "",
                   log.revision, *[counts.get(code, "") for code, _ in codes], log.text])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@login_required
@require_perm("judicial_office.worklog.view")
def log_export(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    filters, error = _filters(request)
    if filters is None:
        messages.error(request, error or "筛选条件不正确")
        return redirect("judicial_office:log_list")
    logs = list(selectors.logs_visible_to(actor, filters=filters)
                .prefetch_related("items__catalogue_item")[:EXPORT_MAX_ROWS])
    used = {i.catalogue_item for log in logs for i in log.items.all()}
    codes = [(c.code, c.name) for c in sorted(used, key=lambda c: (c.order, c.code))]
    services.export_work_logs(actor=actor, description=_describe(request.GET), row_count=len(logs))
    response = HttpResponse(logs_workbook(logs, codes),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''worklogs-{timezone.localdate():%Y%m%d}.xlsx"
    return response


@login_required
@require_perm("judicial_office.worklog.view")
def log_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    log = selectors.log_for(actor, pk)
    lock = selectors.lock_of(log.day)
    mine = actor.user is not None and log.author_id == actor.user.pk
    locked = log.status == WorkLogStatus.SUBMITTED and lock is not None and timezone.localdate() > lock
    return render(request, "judicial_office/worklog_detail.html", {
        "log": log, "lock": lock, "locked": locked, "mine": mine, "badge": BADGE_COLOURS,
        "auto_items": selectors.auto_items_of_day(actor, log.org, log.day),
        "corrections": list(log.corrections.all()),
        "can_edit": mine and not locked and actor.has_perm("judicial_office.worklog.write"),
        "can_correct": mine and locked and actor.has_perm("judicial_office.worklog.write")})


# --- corrections ---------------------------------------------------------------------------------


@login_required
@require_perm("judicial_office.worklog.write")
def correction_request(request: HttpRequest, pk: int) -> HttpResponse:
    """更正申请: the locked log's grid filled with its content, plus a reason (GET shows, POST submits)."""
    actor = _actor(request)
    log = selectors.log_for(actor, pk)
    items = _grid_items(log.org, log)
    codes = [i.code for i in items]
    values, cases_text = forms.log_values(log), _case_numbers(log)
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    status = 200
    if request.method == "POST":
        posted = _parse_grid(request, actor, codes)
        values = forms.posted_values(request.POST, codes)
        cases_text = {c: request.POST.get(f"cases-{c}", "") for c in codes}
        try:
            case_errors = _resolve_cases(actor, posted)
            if case_errors:
                raise ValidationFailed("；".join(e["message"] for e in case_errors), errors=case_errors)
            for item in posted:
                item.pop("uploads", None)
            correction = services.request_correction(actor=actor, log=log, reason=request.POST.get("reason", ""),
                                                     items=posted, text=request.POST.get("text", ""))
        except SifaError as exc:
            errors, general = forms.item_errors(exc, posted)
            status = exc.status
        else:
            messages.success(request, "更正申请已提交，等待审批")
            return redirect("judicial_office:correction_detail", pk=correction.pk)
    return render(request, "judicial_office/worklog_correction_form.html", {
        "log": log, "rows": _grid_rows(items, values, cases_text, errors, log), "general_errors": general,
        "reason": request.POST.get("reason", ""),
        "text": request.POST.get("text", "") if request.method == "POST" else log.text,
        "lock": selectors.lock_of(log.day), "case_choices": selectors.linkable_cases(actor, log.org)}, status=status)


@login_required
@require_perm("judicial_office.worklog.view")
def correction_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    status = request.GET.get("status", "")
    if status not in CorrectionStatus.values:
        status = CorrectionStatus.PENDING if actor.has_perm("judicial_office.worklog.approve") else ""
    page, querystring = paginate(request, selectors.corrections_visible_to(actor, status=status or None))
    return render(request, "judicial_office/worklog_corrections.html", {
        "page": page, "querystring": querystring, "status": status, "statuses": CorrectionStatus.choices,
        "badge": BADGE_COLOURS})


def _correction_context(request: HttpRequest, pk: int, **extra: Any) -> dict[str, Any]:
    actor = _actor(request)
    correction = selectors.correction_for(actor, pk)
    log = selectors.log_for(actor, correction.log_id)
    own = actor.user is not None and correction.requested_by_id == actor.user.pk
    current = {i.catalogue_item.code: i for i in log.items.all()}
    rows = selectors.proposed_rows(correction)
    for row in rows:
        code = str(row["code"])
        row["current"] = current[code].count if code in current else None
    proposed_codes = {r["code"] for r in rows}
    rows += [{"code": code, "name": i.catalogue_item.name, "count": None, "note": "", "current": i.count}
             for code, i in current.items() if code not in proposed_codes]
    return {"correction": correction, "log": log, "rows": rows, "badge": BADGE_COLOURS,
            "can_decide": (actor.has_perm("judicial_office.worklog.approve") and not own
                           and correction.status == CorrectionStatus.PENDING), **extra}


@login_required
@require_perm("judicial_office.worklog.view")
def correction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "judicial_office/worklog_correction_detail.html", _correction_context(request, pk))


@login_required
@require_POST
@require_perm("judicial_office.worklog.approve")
def correction_decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    correction = selectors.correction_for(actor, pk)
    decision = request.POST.get("decision", "")
    note = request.POST.get("note", "")
    try:
        if decision not in ("approve", "reject"):
            raise ValidationFailed("请选择批准或驳回", field="decision")
        services.decide_correction(actor=actor, correction=correction, approve=decision == "approve", note=note)
    except SifaError as exc:
        return render(request, "judicial_office/worklog_correction_detail.html",
                      _correction_context(request, pk, error=exc, note=note), status=exc.status)
    messages.success(request, "已批准更正，日志已按更正内容修改" if decision == "approve" else "已驳回更正申请")
    return redirect("judicial_office:correction_detail", pk=pk)


# --- the catalogue -------------------------------------------------------------------------------


def _save_item(actor: Actor, form: forms.CatalogueItemForm, item: WorkCatalogueItem | None) -> WorkCatalogueItem | None:
    data = form.cleaned_data
    try:
        return services.save_catalogue_item(
            actor=actor, item=item, code=data.get("code", "") or "", name=data["name"],
            category=data.get("category", ""), unit=data["unit"], daily_ceiling=data["daily_ceiling"],
            order=data["order"], active=data.get("active", False))
    except SifaError as exc:
        form.add_service_error(exc)
        return None


@login_required
@require_perm("judicial_office.catalogue.manage")
def catalogue(request: HttpRequest) -> HttpResponse:
    """工作事项目录: every item that applies here or below, and a form to add one for the actor's org."""
    actor = _actor(request)
    form = forms.CatalogueItemForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and _save_item(actor, form, None) is not None:
            messages.success(request, f"已新增工作事项「{form.cleaned_data['name']}」")
            return redirect("judicial_office:catalogue")
        status = 400
    items = list(selectors.catalogue_items_visible_to(actor))
    return render(request, "judicial_office/worklog_catalogue.html", {
        "form": form, "rows": [(i, services.can_manage_item(actor, i)) for i in items]}, status=status)


@login_required
@require_perm("judicial_office.catalogue.manage")
def catalogue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    item = selectors.catalogue_item_for(actor, pk)
    form = forms.CatalogueItemForm(request.POST or None, item=item)
    status = 200
    if request.method == "POST":
        if form.is_valid() and _save_item(actor, form, item) is not None:
            messages.success(request, f"已保存工作事项「{form.cleaned_data['name']}」")
            return redirect("judicial_office:catalogue")
        status = 409 if any("上级" in str(e) for e in form.non_field_errors()) else 400
    return render(request, "judicial_office/worklog_catalogue_edit.html", {
        "form": form, "item": item, "can_manage": services.can_manage_item(actor, item)}, status=status)

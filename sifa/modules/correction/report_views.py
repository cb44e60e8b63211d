"""Field-report pages (富春微矫正): the phone page of 网格员 and volunteers, the officers' report list,
report detail, suggestion queue, Excel export, and the keyword-rule admin pages.

Views parse, call one selector or service, render (CONVENTIONS §4.10). Scope and the minors rule
live in ``report_selectors``; every write goes through ``report_services``.
"""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from sifa.core.alerts.choices import LEVEL_BADGE, AlertLevel
from sifa.core.errors import SifaError, ValidationFailed
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.ui.decorators import require_perm
from sifa.core.ui.forms import BootstrapMixin, attach_error
from sifa.core.ui.pagination import paginate
from sifa.modules.correction import report_selectors as selectors
from sifa.modules.correction import report_services as services
from sifa.modules.correction.choices import SuggestionStatus
from sifa.modules.correction.classify import level_label, split_keywords
from sifa.modules.correction.models import CorrectionCase, FieldReport, KeywordRule

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_MAX_ROWS = 5000
OFFICE_SELECT_LIMIT = 200


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def case_label(detail: CorrectionCase) -> str:
    minor = "（未成年）" if detail.subject.is_minor else ""
    return f"{detail.subject.person.name}{minor} · {detail.case.number} · {detail.case.org.name}"


def location_text(report: FieldReport) -> str:
    """Map-free location: 纬度/经度 with accuracy, or 未获取定位."""
    if report.latitude is None or report.longitude is None:
        return "未获取定位"
    text = f"纬度 {report.latitude:.6f}，经度 {report.longitude:.6f}"
    if report.accuracy_m is not None:
        text += f"（精度约 {report.accuracy_m} 米）"
    return text


# --- the phone page ------------------------------------------------------------------------------


class ReportForm(BootstrapMixin, forms.Form):
    case = forms.CharField(label="社区矫正对象", widget=forms.Select())
    note = forms.CharField(label="情况说明", max_length=services.NOTE_MAX, required=False,
                           widget=forms.Textarea(attrs={"rows": 4, "placeholder": "看到、听到的情况：就业、家庭、饮酒、外出等"}))
    latitude = forms.CharField(required=False, widget=forms.HiddenInput())
    longitude = forms.CharField(required=False, widget=forms.HiddenInput())
    accuracy_m = forms.CharField(required=False, widget=forms.HiddenInput())
    captured_at = forms.CharField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args: Any, cases: list[CorrectionCase], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].widget.choices = [("", "请选择")] + [(str(c.pk), case_label(c)) for c in cases]


def _photo(request: HttpRequest) -> UploadedFile | None:
    return request.FILES.get("photo_camera") or request.FILES.get("photo")


@login_required
@require_perm("correction.field_report")
def report_new(request: HttpRequest) -> HttpResponse:
    """The phone page: pick a subject, photo (camera or file), note, browser location."""
    actor = _actor(request)
    cases = list(selectors.reportable_cases(actor)[:2000])
    initial = {"case": request.GET.get("case", "")}
    form = ReportForm(request.POST or None, cases=cases, initial=initial)
    photo_error = ""
    status = 200
    if request.method == "POST":
        raw = request.POST.get("case", "").strip()
        detail = selectors.reportable_case_for(actor, raw) if raw else None  # out of scope → 404
        if form.is_valid() and detail is not None:
            data = form.cleaned_data
            try:
                report = services.submit_field_report(
                    actor=actor, correction_case=detail, note=data["note"], photo=_photo(request),
                    latitude=data["latitude"], longitude=data["longitude"], accuracy_m=data["accuracy_m"],
                    captured_at=data["captured_at"])
            except ValidationFailed as exc:
                if exc.field == "photo":
                    photo_error = exc.message
                else:
                    attach_error(form, exc)
            else:
                categories = "、".join(report.categories) or "未归类"
                messages.success(request, f"已提交现场报告（{categories}），已存证 #{report.ledger_seq}")
                return redirect(f"{reverse('correction:field_report_new')}?done={report.pk}")
        status = 400
    return render(request, "correction/reports/new.html", {
        "form": form, "photo_error": photo_error, "has_cases": bool(cases),
        "recent": selectors.own_recent_reports(actor), "done": request.GET.get("done", ""),
        "photo_accept": "image/*", "note_max": services.NOTE_MAX,
    }, status=status)


# --- officer side: list, export, detail ------------------------------------------------------------


def _offices(actor: Any) -> list[Org]:
    offices = list(Org.objects.visible_to(actor).filter(type=OrgType.JUDICIAL_OFFICE)
                   .order_by("path")[:OFFICE_SELECT_LIMIT + 1])
    return offices if len(offices) <= OFFICE_SELECT_LIMIT else []


def _list_context(request: HttpRequest) -> dict[str, Any]:
    actor = _actor(request)
    try:
        filters = selectors.ReportFilters.parse(request.GET)
        error = ""
    except ValidationFailed as exc:
        filters, error = None, exc.message
    qs = selectors.reports_visible_to(actor, filters=filters) if filters else FieldReport.objects.none()
    page, querystring = paginate(request, qs)
    subject = None
    if filters and filters.case:
        subject = CorrectionCase.objects.visible_to(actor).select_related("subject__person", "case__org").filter(
            pk=filters.case).first()
    return {"page": page, "querystring": querystring, "params": request.GET, "filter_error": error,
            "offices": _offices(actor), "categories": selectors.categories(),
            "reporters": selectors.reporters_in_scope(actor), "subject": subject}


@login_required
@require_perm("correction.view")
def report_list(request: HttpRequest) -> HttpResponse:
    """Reports in scope, per office (?org=) and per subject (?case=); filters category, reporter, dates."""
    template = "correction/reports/_table.html" if request.headers.get("HX-Request") else "correction/reports/list.html"
    return render(request, template, _list_context(request))


def reports_workbook(reports: list[FieldReport]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("现场报告")
    ws.append(["接收时间", "拍摄时间", "社区矫正对象", "案号", "司法所", "报告人", "情况说明", "分类", "分类依据",
               "定位", "存证序号", "照片 SM3", "状态"])
    for r in reports:
        detail = r.correction_case
        ws.append([
            timezone.localtime(r.received_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(r.captured_at).strftime("%Y-%m-%d %H:%M") if r.captured_at else "",
            detail.subject.person.name, detail.case.number, detail.case.org.name, r.reporter_name, r.note,
            "、".join(r.categories), "；".join(str(c.get("explanation", "")) for c in r.classification),
            location_text(r), r.ledger_seq, r.photo.sm3 if r.photo else "", r.get_status_display()])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@login_required
@require_perm("correction.view")
def report_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as Excel (audited: it holds personal data)."""
    actor = _actor(request)
    try:
        filters = selectors.ReportFilters.parse(request.GET)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("correction:field_report_list")
    reports = list(selectors.reports_visible_to(actor, filters=filters)[:EXPORT_MAX_ROWS])
    services.export_field_reports(actor=actor, description=filters.describe(), row_count=len(reports))
    response = HttpResponse(reports_workbook(reports), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''field-reports-{timezone.localdate():%Y%m%d}.xlsx"
    return response


def _detail_context(request: HttpRequest, report: FieldReport, *, errors: dict[int, str] | None = None
                    ) -> dict[str, Any]:
    actor = _actor(request)
    return {"report": report, "location": location_text(report), "suggestions": list(report.suggestions.all()),
            "classification": [{**c, "badge": LEVEL_BADGE.get(c.get("alert_level", ""), ""),
                                "level_label": level_label(c.get("alert_level", ""))} for c in report.classification],
            "can_decide": actor.has_perm("correction.manage"), "errors": errors or {},
            "ledger_entry_url": f"/api/v1/ledger/entries?start={report.ledger_seq}&end={(report.ledger_seq or 0) + 1}"
            if report.ledger_seq is not None else ""}


@login_required
@require_perm("correction.view")
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for(_actor(request), pk)
    return render(request, "correction/reports/detail.html", _detail_context(request, report))


@login_required
@require_POST
@require_perm("correction.manage")
def report_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    report = selectors.report_for(actor, pk)
    try:
        services.mark_report_reviewed(actor=actor, report=report)
    except SifaError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已标记为已查看")
    return redirect("correction:field_report_detail", pk=report.pk)


# --- suggestions ---------------------------------------------------------------------------------


def _queue_context(request: HttpRequest, *, errors: dict[int, str] | None = None) -> dict[str, Any]:
    actor = _actor(request)
    status = request.GET.get("status", SuggestionStatus.PENDING)
    if status not in SuggestionStatus.values and status != "all":
        status = SuggestionStatus.PENDING
    org_text = request.GET.get("org", "")
    org = int(org_text) if org_text.isdigit() else None
    qs = selectors.suggestions_visible_to(actor, status="" if status == "all" else status, org=org)
    page, querystring = paginate(request, qs)
    return {"page": page, "querystring": querystring, "status": status, "statuses": SuggestionStatus.choices,
            "params": request.GET, "offices": _offices(actor), "can_decide": actor.has_perm("correction.manage"),
            "errors": errors or {}}


@login_required
@require_perm("correction.view")
def suggestion_queue(request: HttpRequest) -> HttpResponse:
    """精准矫正建议 pending across the officer's scope (or decided ones, by status)."""
    return render(request, "correction/reports/suggestions.html", _queue_context(request))


@login_required
@require_POST
@require_perm("correction.manage")
def suggestion_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept (``decision=accept``) or dismiss (``decision=dismiss`` + ``reason``) one suggestion."""
    actor = _actor(request)
    suggestion = selectors.suggestion_for(actor, pk)
    back = request.POST.get("back", "")
    accept = request.POST.get("decision") == "accept"
    try:
        services.decide_suggestion(actor=actor, suggestion=suggestion, accept=accept,
                                   reason=request.POST.get("reason", ""))
    except SifaError as exc:
        errors = {suggestion.pk: exc.message}
        if back == "report":
            report = selectors.report_for(actor, suggestion.field_report_id)
            return render(request, "correction/reports/detail.html",
                          _detail_context(request, report, errors=errors), status=exc.status)
        return render(request, "correction/reports/suggestions.html", _queue_context(request, errors=errors),
                      status=exc.status)
    messages.success(request, f"已{'采纳' if accept else '不采纳'}建议「{suggestion.text}」")
    if back == "report":
        return redirect("correction:field_report_detail", pk=suggestion.field_report_id)
    return redirect("correction:suggestion_queue")


# --- keyword rules -------------------------------------------------------------------------------


class RuleForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label="编码", max_length=48, help_text="英文字母、数字、连字符，如 drinking；保存后用于分类依据")
    category = forms.CharField(label="类别", max_length=32, help_text="如 饮酒、家庭矛盾")
    keywords = forms.CharField(label="关键词", widget=forms.Textarea(attrs={"rows": 3}),
                               help_text="用顿号、逗号、空格或换行分隔；情况说明中出现任一关键词即归入该类别")
    alert_level = forms.ChoiceField(label="预警等级", required=False,
                                    choices=[("", "不预警")] + list(AlertLevel.choices))
    suggestion = forms.CharField(label="矫正建议", max_length=255, required=False,
                                 help_text="归入该类别时推送给矫正工作人员的精准矫正建议")
    order = forms.IntegerField(label="排序", min_value=0, max_value=32767, initial=100)
    active = forms.BooleanField(label="启用", required=False, initial=True)

    def rule_input(self) -> services.RuleInput:
        d = self.cleaned_data
        return services.RuleInput(code=d["code"], category=d["category"], keywords=split_keywords(d["keywords"]),
                                  alert_level=d["alert_level"] or "", suggestion=d["suggestion"] or "",
                                  order=d["order"], active=d["active"])


@login_required
@require_perm("correction.rules.manage")
def rule_list(request: HttpRequest) -> HttpResponse:
    rules = [(r, level_label(r.alert_level), LEVEL_BADGE.get(r.alert_level, "bg-secondary-lt"))
             for r in selectors.keyword_rules()]
    return render(request, "correction/reports/rules.html", {"rules": rules})


def _rule_form(request: HttpRequest, rule: KeywordRule | None) -> HttpResponse:
    actor = _actor(request)
    initial = {"code": rule.code, "category": rule.category, "keywords": "、".join(rule.keywords),
               "alert_level": rule.alert_level, "suggestion": rule.suggestion, "order": rule.order,
               "active": rule.active} if rule else None
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_keyword_rule(actor=actor, data=form.rule_input(), rule=rule)
        except SifaError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"已保存分类规则「{saved.code}」")
            return redirect("correction:keyword_rule_list")
    return render(request, "correction/reports/rule_form.html", {"form": form, "rule": rule},
                  status=400 if form.errors else 200)


@login_required
@require_perm("correction.rules.manage")
def rule_create(request: HttpRequest) -> HttpResponse:
    return _rule_form(request, None)


def _rule(pk: int) -> KeywordRule:
    from sifa.core.errors import NotFound

    rule = KeywordRule.objects.filter(pk=pk).first()
    if rule is None:
        raise NotFound()
    return rule


@login_required
@require_perm("correction.rules.manage")
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _rule_form(request, _rule(pk))


@login_required
@require_POST
@require_perm("correction.rules.manage")
def rule_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _rule(pk)
    try:
        services.deactivate_keyword_rule(actor=_actor(request), rule=rule)
    except SifaError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已停用分类规则「{rule.code}」")
    return redirect("correction:keyword_rule_list")

"""Pages of the 社区矫正 lifecycle: subject list and export, intake, the subject page, 调查评估.

Thin: parse a form, call one service or selector, render. Every view of a subject page records
``correction.subject.viewed``; a minor's page (CC-35) first asks a holder of
``correction.minor_files`` for the judicial need (recorded as ``correction.minor_file.opened``) and
opens it for ``MINOR_ACCESS_MINUTES``; everyone else gets 404, as for a missing subject.
"""

from __future__ import annotations

import io
import time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from sifa.core import registry
from sifa.core.errors import SifaError
from sifa.core.ui.decorators import require_perm
from sifa.core.ui.filters import filters_from_query
from sifa.core.ui.forms import attach_error
from sifa.core.ui.pagination import paginate
from sifa.modules.correction import config, panels, selectors, services
from sifa.modules.correction.choices import LEVEL_BADGES, AssessmentConclusion, SentenceType
from sifa.modules.correction.forms import (
    OPTIONAL_STEP_FIELDS,
    STEP_CHOICES,
    TEXTAREAS,
    AssessmentForm,
    IntakeForm,
    MinorReasonForm,
    is_date_field,
)
from sifa.modules.correction.models import CorrectionCase, PreSentenceAssessment
from sifa.modules.correction.selectors import AssessmentFilter, CorrectionFilter
from sifa.modules.correction.workflow import ASSESSMENT_WORKFLOW, CORRECTION_WORKFLOW

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_LIMIT = 50_000
MINOR_ACCESS_MINUTES = 30
SESSION_MINOR = "correction_minor_files"
STATE_BADGES = {"decided": "bg-secondary", "notified": "bg-azure", "awaiting_report": "bg-yellow", "in_transfer": "bg-yellow",
                "received": "bg-cyan", "under_correction": "bg-green", "lost_contact": "bg-red",
                "revocation_proposed": "bg-orange", "recommitment_proposed": "bg-orange", "revoked": "bg-dark",
                "recommitted": "bg-dark", "deceased": "bg-dark", "discharged": "bg-blue"}
EXTRA_LABELS = {"documents_timeliness": "法律文书送达", "report_timeliness": "报到（移交）", "report_band": "逾期报到档次",
                "term_start": "矫正期起算日", "notices": "通知", "notified_on": "通知日期", "procuratorate": "人民检察院",
                "police": "公安机关", "prison": "原关押机关", "timeliness": "完成时限", "submitted_on": "提交日期",
                "conclusion": "评估意见", "reason": "原因"}


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


# --- subject list and export ---------------------------------------------------------------------


def _rows(page: Any) -> list[dict[str, Any]]:
    rows = []
    for detail in page:
        row = selectors.subject_row(detail)
        row["days_left"] = selectors.days_left(detail)
        row["state_badge"] = STATE_BADGES.get(detail.case.state, "bg-secondary")
        row["level_badge"] = LEVEL_BADGES.get(detail.level, "secondary")
        rows.append(row)
    return rows


@login_required
@require_perm("correction.view")
def subject_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    filters, error = filters_from_query(CorrectionFilter, request.GET.dict())
    qs = selectors.correction_cases_visible_to(actor, filters=filters) if filters else CorrectionCase.objects.none()
    page, querystring = paginate(request, qs)
    context = {"page": page, "rows": _rows(page), "querystring": querystring, "filter_error": error,
               "params": request.GET, "states": [(s.code, s.label) for s in CORRECTION_WORKFLOW.states],
               "sentence_types": SentenceType.choices, "levels": config.level_choices(),
               "offices": list(selectors.offices_for(actor)[:300]),
               "can_manage": actor.has_perm("correction.manage")}
    template = "correction/_subject_table.html" if request.headers.get("HX-Request") else "correction/subject_list.html"
    return render(request, template, context, status=400 if error else 200)


@login_required
@require_perm("correction.view")
def subject_export(request: HttpRequest) -> HttpResponse:
    """Excel of the filtered list: identity numbers masked, minors' identity hidden; audited (personal data)."""
    actor = _actor(request)
    filters, error = filters_from_query(CorrectionFilter, request.GET.dict())
    if filters is None:
        messages.error(request, error or "筛选条件不正确")
        return redirect("correction:subject_list")
    details = list(selectors.correction_cases_visible_to(actor, filters=filters)[:EXPORT_LIMIT])
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("社区矫正对象")
    ws.append(["案号", "姓名", "性别", "身份证号（脱敏）", "矫正类别", "矫正期限", "起算日", "期满日", "状态", "管理等级",
               "执行地司法所", "报到（接收）日期", "失去联系"])
    for detail in details:
        r = selectors.subject_row(detail)
        ws.append([r["number"], r["name"], r["gender"], r["id_number_masked"], r["sentence_type_label"], r["term"],
                   r["term_start"].isoformat() if r["term_start"] else "", r["term_end"].isoformat() if r["term_end"] else "",
                   r["state_label"], r["level_label"] if r["level"] else "", r["office"],
                   r["received_on"].isoformat() if r["received_on"] else "", "是" if r["lost_contact"] else ""])
    buf = io.BytesIO()
    wb.save(buf)
    services.export_subjects(actor=actor, description=f"社区矫正对象导出 {request.GET.urlencode()}"[:255],
                             row_count=len(details))
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''correction-subjects.xlsx"
    return response


@login_required
@require_perm("correction.manage")
def intake(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = IntakeForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            detail = services.open_correction(actor=actor, **form.cleaned_data)
        except SifaError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"已登记：{detail.case.number}")
            return redirect("correction:subject_detail", case_id=detail.pk)
    return render(request, "correction/intake.html", {"form": form, "title": "登记社区矫正案件"},
                  status=400 if form.errors else 200)


# --- the subject page -----------------------------------------------------------------------------


def _minor_open(request: HttpRequest, case_id: int) -> bool:
    granted = request.session.get(SESSION_MINOR, {})
    return float(granted.get(str(case_id), 0)) > time.time()


def _step_forms(steps: list[Any], workflow: Any) -> list[dict[str, Any]]:
    out = []
    for s in steps:
        name = s.transition.name
        fields = []
        for field_name, label in s.fields:
            fields.append(_field(name, field_name, label, required=True))
        if name == "submit":
            fields.append(_field(name, "findings", "调查情况", required=True))
        for field_name, label in OPTIONAL_STEP_FIELDS.get(name, ()):
            fields.append(_field(name, field_name, label, required=False))
        out.append({"name": name, "label": s.transition.label, "fields": fields, "blocked_reason": s.blocked_reason})
    return out


def _field(step: str, name: str, label: str, *, required: bool) -> dict[str, Any]:
    choices = STEP_CHOICES.get(f"{name}@{step}")
    if name == "conclusion":
        choices = list(AssessmentConclusion.choices)
    kind = "select" if choices else "date" if is_date_field(name) else "textarea" if name in TEXTAREAS else "text"
    return {"name": name, "label": label, "kind": kind, "choices": choices or [], "required": required}


def _timeline(case: Any, actor: Any, workflow: Any) -> list[dict[str, Any]]:
    out = []
    for event in selectors.timeline_of(case, actor):
        detail = {EXTRA_LABELS.get(k, k): v for k, v in event.detail.items()}
        out.append({"kind": event.kind, "at": event.at, "label": event.label, "actor_name": event.actor_name,
                    "detail": detail, "ref": event.ref})
    return out


def _core_panels(request: HttpRequest, case: Any, actor: Any) -> list[tuple[Any, dict[str, Any]]]:
    """The core case panels (documents, attachments, case code) for the underlying case."""
    out = []
    for panel in sorted(registry.case_panels.values(), key=lambda p: (p.order, p.key)):
        if panel.permission and not actor.has_perm(panel.permission):
            continue
        out.append((panel, panel.context(request, case) if panel.context else {}))
    return out


def _subject_panels(request: HttpRequest, detail: CorrectionCase, actor: Any) -> dict[str, list[tuple[Any, dict[str, Any]]]]:
    columns: dict[str, list[tuple[Any, dict[str, Any]]]] = {"main": [], "side": []}
    for panel in panels.ordered():
        if panel.permission and not actor.has_perm(panel.permission):
            continue
        columns.setdefault(panel.column, []).append((panel, panel.context(request, detail) if panel.context else {}))
    return columns


def _detail_context(request: HttpRequest, detail: CorrectionCase, **extra: Any) -> dict[str, Any]:
    actor = _actor(request)
    case = detail.case
    if actor.has_perm("alerts.view"):
        prefetch_related_objects([case], "alerts")  # read by the timeline and the alerts card: one query
    photo = detail.subject.photo
    return {
        "detail": detail, "case": case, "subject": detail.subject, "person": detail.subject.person,
        "photo": photo, "state_label": selectors.state_label(detail),
        "state_badge": STATE_BADGES.get(case.state, "bg-secondary"), "badges": selectors.overlay_badges(detail),
        "level_label": config.level_label(detail.level), "level_badge": LEVEL_BADGES.get(detail.level, "secondary"),
        "days_left": selectors.days_left(detail), "deadlines": selectors.deadlines_of(case),
        "timeline": _timeline(case, actor, CORRECTION_WORKFLOW),
        "steps": _step_forms(selectors.lifecycle_steps(detail, actor), CORRECTION_WORKFLOW),
        "panels": _subject_panels(request, detail, actor), "core_panels": _core_panels(request, case, actor),
        "alerts": case.alerts.all() if actor.has_perm("alerts.view") else [],
        "sanctions_flag": config.flag("sanctions"), **extra,
    }


@login_required
@require_perm("correction.view")
def subject_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    detail = selectors.correction_for(actor, case_id)
    if detail.subject.is_minor and not _minor_open(request, case_id):
        return render(request, "correction/minor_reason.html", {"form": MinorReasonForm(), "case_id": case_id})
    services.record_subject_view(actor=actor, detail=detail, via="page")
    return render(request, "correction/subject_detail.html", _detail_context(request, detail))


@login_required
@require_POST
@require_perm("correction.minor_files")
def minor_access(request: HttpRequest, case_id: int) -> HttpResponse:
    """CC-35 / C-85: state the judicial need; the file opens for this session for a limited time."""
    actor = _actor(request)
    detail = selectors.correction_for(actor, case_id)
    form = MinorReasonForm(request.POST)
    if form.is_valid():
        try:
            services.open_minor_file(actor=actor, detail=detail, reason=form.cleaned_data["reason"])
        except SifaError as exc:
            attach_error(form, exc)
        else:
            granted = dict(request.session.get(SESSION_MINOR, {}))
            granted[str(case_id)] = time.time() + MINOR_ACCESS_MINUTES * 60
            request.session[SESSION_MINOR] = granted
            return redirect("correction:subject_detail", case_id=case_id)
    return render(request, "correction/minor_reason.html", {"form": form, "case_id": case_id}, status=400)


@login_required
@require_POST
@require_perm("correction.manage")
def subject_step(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    detail = selectors.correction_for(actor, case_id)
    if detail.subject.is_minor and not _minor_open(request, case_id):
        return redirect("correction:subject_detail", case_id=case_id)
    name = request.POST.get("transition", "")
    data = {k[len("data_"):]: v for k, v in request.POST.items() if k.startswith("data_")}
    try:
        result = services.take_step(actor=actor, detail=detail, transition=name, data=data)
    except SifaError as exc:
        context = _detail_context(request, selectors.correction_for(actor, case_id), step_error=exc, failed_step=name,
                                  posted=data)
        return render(request, "correction/subject_detail.html", context, status=exc.status)
    messages.success(request, f"已办理：{selectors.state_label(result.detail)}")
    for document in result.documents:
        messages.success(request, f"已制作「{document.label}」{document.number}")
    for warning in result.warnings:
        messages.warning(request, warning)
    return redirect("correction:subject_detail", case_id=case_id)


# --- 调查评估 ------------------------------------------------------------------------------------------


@login_required
@require_perm("correction.view")
def assessment_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    filters, error = filters_from_query(AssessmentFilter, request.GET.dict())
    qs = selectors.assessments_visible_to(actor, filters=filters) if filters else PreSentenceAssessment.objects.none()
    page, querystring = paginate(request, qs)
    rows = [(a, selectors.assessment_state_label(a), a.case.deadlines.filter(key="assessment").first()) for a in page]
    return render(request, "correction/assessment_list.html", {
        "page": page, "rows": rows, "querystring": querystring, "params": request.GET, "filter_error": error,
        "states": [(s.code, s.label) for s in ASSESSMENT_WORKFLOW.states], "flag": config.flag("assessment"),
        "can_manage": actor.has_perm("correction.manage")}, status=400 if error else 200)


@login_required
@require_perm("correction.manage")
def assessment_open(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = AssessmentForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.open_assessment(actor=actor, **form.cleaned_data)
        except SifaError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"已登记调查评估委托：{assessment.case.number}")
            return redirect("correction:assessment_detail", case_id=assessment.pk)
    section = config.section("assessment")
    return render(request, "correction/assessment_form.html", {
        "form": form, "title": "登记调查评估委托", "flag": config.flag("assessment"),
        "period": section["period"], "urgent_period": section["urgent_period"]}, status=400 if form.errors else 200)


def _assessment_context(request: HttpRequest, assessment: PreSentenceAssessment, **extra: Any) -> dict[str, Any]:
    actor = _actor(request)
    case = assessment.case
    return {"assessment": assessment, "case": case, "state_label": selectors.assessment_state_label(assessment),
            "deadlines": selectors.deadlines_of(case), "flag": config.flag("assessment"),
            "timeline": _timeline(case, actor, ASSESSMENT_WORKFLOW),
            "steps": _step_forms(selectors.assessment_steps(assessment, actor), ASSESSMENT_WORKFLOW),
            "core_panels": _core_panels(request, case, actor), **extra}


@login_required
@require_perm("correction.view")
def assessment_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    assessment = selectors.assessment_for(_actor(request), case_id)
    return render(request, "correction/assessment_detail.html", _assessment_context(request, assessment))


@login_required
@require_POST
@require_perm("correction.manage")
def assessment_step(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    assessment = selectors.assessment_for(actor, case_id)
    name = request.POST.get("transition", "")
    data = {k[len("data_"):]: v for k, v in request.POST.items() if k.startswith("data_")}
    try:
        result = services.take_assessment_step(actor=actor, assessment=assessment, transition=name, data=data)
    except SifaError as exc:
        context = _assessment_context(request, selectors.assessment_for(actor, case_id), step_error=exc,
                                      failed_step=name, posted=data)
        return render(request, "correction/assessment_detail.html", context, status=exc.status)
    messages.success(request, f"已办理：{selectors.assessment_state_label(result.detail)}")
    for document in result.documents:
        messages.success(request, f"已制作「{document.label}」{document.number}")
    for warning in result.warnings:
        messages.warning(request, warning)
    return redirect("correction:assessment_detail", case_id=case_id)

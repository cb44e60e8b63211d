"""Pages of 行政争议: the case panel (行政争议 hint pointing at the 案件码 card, the AP-29 withdrawal form,
the court acceptance form), the 非诉执行监督 page with its Excel export. Thin (CONVENTIONS §4.10).
"""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from sifa.core.errors import SifaError
from sifa.core.ui.decorators import require_perm
from sifa.core.ui.pagination import paginate
from sifa.modules.enforcement import dispute
from sifa.modules.enforcement import dispute_services as services
from sifa.modules.enforcement.outcome_services import DECIDED_STATES, WITHDRAWAL_KEY
from sifa.modules.enforcement.penalty_models import PenaltyCase
from sifa.modules.enforcement.penalty_selectors import penalty_case_for, penalty_cases_visible_to

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_LIMIT = 50_000


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


class WithdrawalForm(forms.Form):
    withdrawn_on = forms.DateField(label="撤回日期", widget=forms.DateInput(attrs={"type": "date"}))
    explanation = forms.CharField(label="公开说明", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CourtAcceptanceForm(forms.Form):
    accepted_on = forms.DateField(label="法院受理日期", widget=forms.DateInput(attrs={"type": "date"}))


# --- the case panel --------------------------------------------------------------------------------


def panel_context(request: HttpRequest, case: Any) -> dict[str, Any]:
    """The 行政争议 card (registry.case_panels): only on 行政处罚 cases decided or later."""
    if getattr(case, "case_type", "") != "penalty" or case.state not in DECIDED_STATES:
        return {}
    detail = PenaltyCase.objects.filter(pk=case.pk).first()
    if detail is None:
        return {}
    actor = _actor(request)
    withdrawal = dispute.deadline_of(detail, WITHDRAWAL_KEY)
    late = None
    if withdrawal is not None and withdrawal.stopped_at is not None:
        late = max((timezone.localdate(withdrawal.stopped_at) - withdrawal.due_date).days, 0)
    can_handle = actor.has_perm("enforcement.cases.handle")
    return {"dispute": detail, "can_handle": can_handle, "withdrawal": withdrawal, "withdrawal_late": late,
            "withdrawal_form": WithdrawalForm(initial={"withdrawn_on": timezone.localdate()}),
            "acceptance_form": CourtAcceptanceForm(),
            "can_accept": can_handle and case.state == "court_application" and detail.court_accepted_on is None,
            "rule_deadline": dispute.deadline_of(detail, dispute.COURT_RULE_KEY)}


def _back(case_id: int) -> HttpResponse:
    return redirect(reverse("enforcement:penalty_case", args=[case_id]) + "#dispute")


@login_required
@require_POST
@require_perm("enforcement.cases.handle")
def withdrawal_record(request: HttpRequest, case_id: int) -> HttpResponse:
    """AP-29: record the withdrawal of the published information (form on the case page)."""
    actor = _actor(request)
    detail = penalty_case_for(actor, case_id)
    try:
        stopped = services.record_publication_withdrawal(actor=actor, detail=detail,
                                                         withdrawn_on=request.POST.get("withdrawn_on", ""),
                                                         explanation=request.POST.get("explanation", ""))
    except SifaError as exc:
        messages.error(request, exc.message)
    else:
        day = timezone.localdate(stopped.stopped_at) if stopped.stopped_at else None
        late = (day - stopped.due_date).days if day else 0
        messages.success(request, "已登记撤回公开信息" + (f"（逾期 {late} 天，AP-29）" if late > 0 else ""))
    return _back(case_id)


@login_required
@require_POST
@require_perm("enforcement.cases.handle")
def court_acceptance_record(request: HttpRequest, case_id: int) -> HttpResponse:
    """AP-37.accept / AP-37.rule: record the court's acceptance (form on the case page)."""
    actor = _actor(request)
    detail = penalty_case_for(actor, case_id)
    try:
        services.record_court_acceptance(actor=actor, detail=detail, accepted_on=request.POST.get("accepted_on", ""))
    except SifaError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已登记法院受理，裁定期限七日（AP-37.rule）")
    return _back(case_id)


# --- 非诉执行监督 ------------------------------------------------------------------------------------


def _filtered(request: HttpRequest) -> tuple[Any, str, str]:
    actor = _actor(request)
    state = request.GET.get("state", "")
    flag = request.GET.get("flag", "")
    qs = dispute.nonlitigation_cases(penalty_cases_visible_to(actor), state)
    return qs, state if state in dispute.NONLITIGATION_STATES else "", flag if flag in dispute.FLAG_LABELS else ""


@login_required
@require_perm("enforcement.cases.view")
def nonlitigation(request: HttpRequest) -> HttpResponse:
    """非诉执行监督: cases overdue, 催告 served, applied to or ruled by the court, with AP-37 dates and flags."""
    qs, state, flag = _filtered(request)
    today = timezone.localdate()
    if flag:
        rows = [r for r in dispute.rows_for(qs[:EXPORT_LIMIT], today) if flag in r.flags]
        page, querystring = paginate(request, rows)
        shown = list(page)
    else:
        page, querystring = paginate(request, qs)
        shown = dispute.rows_for(page, today)
    return render(request, "enforcement/dispute/nonlitigation.html", {
        "page": page, "rows": shown, "querystring": querystring, "state": state, "flag": flag,
        "states": [(s, dispute.STATE_LABELS[s]) for s in dispute.NONLITIGATION_STATES],
        "flags": list(dispute.FLAG_LABELS.items()), "lead_days": dispute.window_closing_days(), "today": today})


def _d(value: Any) -> str:
    return value.isoformat() if value else ""


@login_required
@require_perm("enforcement.cases.view")
def nonlitigation_export(request: HttpRequest) -> HttpResponse:
    """Excel of the filtered 非诉执行 list (same selector as the page and the API); audited (personal data)."""
    actor = _actor(request)
    qs, _, flag = _filtered(request)
    rows = dispute.rows_for(qs.select_related("case", "body")[:EXPORT_LIMIT], timezone.localdate())
    if flag:
        rows = [r for r in rows if flag in r.flags]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("非诉执行监督")
    ws.append(["案号", "当事人", "执法主体", "状态", "决定书文号", "决定书送达日期", "催告书送达日期", "最早申请日期（AP-37）",
               "申请期限起", "申请期限止（三个月）", "申请强制执行日期", "法院受理期限", "法院受理日期", "法院裁定期限",
               "法院裁定日期", "提示"])
    for r in rows:
        d = r.detail
        ws.append([r.number, d.party_name, d.body.name, r.state_label, d.decision_number, _d(r.served_on),
                   _d(r.demand_served_on), _d(r.earliest_application), _d(r.window_opens), _d(r.window_closes),
                   _d(r.applied_on), _d(r.accept_due), _d(r.accepted_on), _d(r.rule_due), _d(r.ruled_on),
                   "；".join(dispute.FLAG_LABELS[f] for f in r.flags)])
    buf = io.BytesIO()
    wb.save(buf)
    services.record_nonlitigation_export(actor=actor, description=f"非诉执行监督导出 {request.GET.urlencode()}"[:255],
                                         row_count=len(rows))
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''nonlitigation.xlsx"
    return response

"""Pages of 行政处罚 cases: list (filters: state, body, overdue) and Excel export, new case (普通 / 简易),
the case page (facts, party with masked id, officers with certificate status, cited articles, deadlines
with rule ids, the steps with their guards' messages, documents and the core cards), and the step POST.

Thin: parse, call one service or selector, render (CONVENTIONS §4.10).
"""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from sifa.core import registry
from sifa.core.cases.models import CaseDeadline
from sifa.core.cases.services import role_allowed
from sifa.core.errors import SifaError
from sifa.core.ui.decorators import require_perm
from sifa.core.ui.filters import filters_from_query
from sifa.core.ui.forms import attach_error
from sifa.core.ui.pagination import paginate
from sifa.modules.enforcement import penalty_selectors as selectors
from sifa.modules.enforcement import penalty_services as services
from sifa.modules.enforcement.choices import Circumstance, PenaltyType
from sifa.modules.enforcement.models import EnforcementBody, EnforcementOfficer, PowerItem
from sifa.modules.enforcement.penalty_documents import documents_for_state
from sifa.modules.enforcement.penalty_models import (
    PenaltyCase,
    PenaltyPartyType,
    PenaltyProcedure,
    ReviewTrigger,
    ServiceMethod,
)
from sifa.modules.enforcement.penalty_selectors import PenaltyFilter
from sifa.modules.enforcement.penalty_workflow import PENALTY_WORKFLOW

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_LIMIT = 50_000
TERMINAL = {s.code for s in PENALTY_WORKFLOW.states if s.terminal}
STATE_LABELS = {s.code: s.label for s in PENALTY_WORKFLOW.states}
SELECTS: dict[str, list[tuple[str, str]]] = {
    "service_method": list(ServiceMethod.choices),
    "collective_discussion": [("", "否"), ("1", "是")], "defence_made": [("", "否"), ("1", "是")],
    "hearing_waived": [("", "否"), ("1", "是")], "electronic_consent": [("", "否"), ("1", "是")],
    "no_rollover": [("", "否（休息日顺延）"), ("1", "是（不顺延）")],
}
MULTI = {"proposed_types", "decision_types"}
TEXTAREAS = {"opinion", "handling", "reason", "ruling"}
HELP: dict[tuple[str, str], str] = {
    ("decide", "decision_number"): "留空时随决定制作行政处罚决定书，以其文号为决定书文号",
}

OPTIONAL: dict[str, tuple[str, ...]] = {
    "conclude_investigation": ("collective_discussion",),
    "serve_notice": ("proposed_amount",),
    "decide": ("decision_amount", "decision_number", "defence_made", "hearing_waived"),
    "decide_on_spot": ("decision_amount",),
    "serve_decision": ("electronic_consent",),
    "await_payment": ("no_rollover",),
    "record_payment": ("paid_amount",),
    "mark_overdue": ("on",),
    "start_investigation": ("started_on",),
}


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


# --- list and export ------------------------------------------------------------------------------


def _row(detail: PenaltyCase) -> dict[str, Any]:
    running = [d for d in detail.case.deadlines.all() if d.status == "running"]
    late = any(d.due_date < timezone.localdate() for d in running)
    return {"detail": detail, "number": detail.case.number, "party": detail.party_name,
            "procedure": detail.get_procedure_display(), "state": detail.case.state,
            "state_label": STATE_LABELS.get(detail.case.state, detail.case.state), "body": detail.body.name,
            "filed_on": detail.filed_on, "overdue": late or detail.case.state == "overdue",
            "next_due": min((d.due_date for d in running), default=None)}


@login_required
@require_perm("enforcement.cases.view")
def penalty_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    filters, error = filters_from_query(PenaltyFilter, request.GET.dict())
    qs = selectors.penalty_cases_visible_to(actor, filters=filters) if filters else PenaltyCase.objects.none()
    page, querystring = paginate(request, qs.prefetch_related("case__deadlines"))
    context = {"page": page, "rows": [_row(d) for d in page], "querystring": querystring, "params": request.GET,
               "filter_error": error, "states": [(s.code, s.label) for s in PENALTY_WORKFLOW.states],
               "bodies": EnforcementBody.objects.visible_to(actor).order_by("name")[:200],
               "can_handle": actor.has_perm("enforcement.cases.handle")}
    template = "enforcement/penalty/_table.html" if request.headers.get("HX-Request") else "enforcement/penalty/list.html"
    return render(request, template, context, status=400 if error else 200)


@login_required
@require_perm("enforcement.cases.view")
def penalty_export(request: HttpRequest) -> HttpResponse:
    """Excel of the filtered list (the same selector as the page and the API); audited as personal data."""
    actor = _actor(request)
    filters, error = filters_from_query(PenaltyFilter, request.GET.dict())
    if filters is None:
        messages.error(request, error or "筛选条件不正确")
        return redirect("enforcement:penalty_list")
    details = list(selectors.penalty_cases_visible_to(actor, filters=filters).prefetch_related("case__deadlines")
                   [:EXPORT_LIMIT])
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("行政处罚案件")
    ws.append(["案号", "当事人", "程序", "执法主体", "状态", "立案日期", "处罚种类", "金额（元）", "决定书文号", "决定日期",
               "缴款期限", "缴款日期", "超期"])
    for d in details:
        r = _row(d)
        ws.append([r["number"], r["party"], r["procedure"], r["body"], r["state_label"],
                   d.filed_on.isoformat() if d.filed_on else "", "、".join(d.decision_type_labels),
                   float(d.decision_amount) if d.decision_amount is not None else "", d.decision_number,
                   d.decided_on.isoformat() if d.decided_on else "", d.payment_due.isoformat() if d.payment_due else "",
                   d.paid_on.isoformat() if d.paid_on else "", "是" if r["overdue"] else ""])
    buf = io.BytesIO()
    wb.save(buf)
    services.record_penalty_export(actor=actor, description=f"行政处罚案件导出 {request.GET.urlencode()}"[:255],
                                   row_count=len(details))
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''penalty-cases.xlsx"
    return response


# --- new case -------------------------------------------------------------------------------------


class PenaltyCaseForm(forms.Form):
    procedure = forms.ChoiceField(label="程序", choices=PenaltyProcedure.choices)
    party_type = forms.ChoiceField(label="当事人类型", choices=PenaltyPartyType.choices)
    party_name = forms.CharField(label="当事人姓名（名称）", max_length=128)
    id_number = forms.CharField(label="身份证号（公民）", max_length=18, required=False)
    credit_code = forms.CharField(label="统一社会信用代码（法人或其他组织）", max_length=18, required=False)
    power_item = forms.ModelChoiceField(label="执法事项", queryset=PowerItem.objects.none(), required=False)
    act_date = forms.DateField(label="违法行为发生日", widget=forms.DateInput(attrs={"type": "date"}))
    act_end_date = forms.DateField(label="连续或继续状态终了日", required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    discovered_on = forms.DateField(label="发现日期", widget=forms.DateInput(attrs={"type": "date"}))
    serious_harm = forms.BooleanField(label="涉及生命健康安全、金融安全且有危害后果（AP-07 五年）", required=False)
    facts = forms.CharField(label="违法事实", widget=forms.Textarea(attrs={"rows": 4}))
    circumstance = forms.ChoiceField(label="违法情节", choices=[("", "—"), *Circumstance.choices], required=False)
    cited_articles = forms.CharField(label="违法依据和处罚依据", required=False,
                                     help_text="如：《浙江省市容和环境卫生管理条例》第二十九条",
                                     widget=forms.Textarea(attrs={"rows": 2}))
    officers = forms.ModelMultipleChoiceField(label="执法人员（不少于两人，AP-12）", queryset=EnforcementOfficer.objects.none(),
                                              required=False)
    review_triggers = forms.MultipleChoiceField(label="法制审核情形（AP-22）", choices=ReviewTrigger.choices,
                                                required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        item_field = self.fields["power_item"]
        officer_field = self.fields["officers"]
        assert isinstance(item_field, forms.ModelChoiceField) and isinstance(officer_field, forms.ModelChoiceField)
        item_field.queryset = PowerItem.objects.visible_to(actor).filter(active=True).order_by("code")
        officer_field.queryset = (EnforcementOfficer.objects.visible_to(actor).select_related("person")
                                  .order_by("person__name"))


@login_required
@require_perm("enforcement.cases.handle")
def penalty_new(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = PenaltyCaseForm(request.POST or None, actor=actor,
                           initial={"procedure": request.GET.get("procedure", PenaltyProcedure.ORDINARY)})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["officers"] = [o.pk for o in data["officers"]]
        try:
            detail = services.open_penalty_case(actor=actor, **data)
        except SifaError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"已登记：{detail.case.number}")
            return redirect("enforcement:penalty_case", case_id=detail.pk)
    return render(request, "enforcement/penalty/new.html", {"form": form}, status=400 if form.errors else 200)


# --- the case page --------------------------------------------------------------------------------


def _field(step: str, name: str, *, required: bool) -> dict[str, Any]:
    label = PENALTY_WORKFLOW.label_of(name)
    if name in MULTI:
        return {"name": name, "label": label, "kind": "multi", "choices": list(PenaltyType.choices), "required": required}
    if name in SELECTS:
        return {"name": name, "label": label, "kind": "select", "choices": SELECTS[name], "required": required}
    if name.endswith("_at"):
        kind = "datetime"
    elif name.endswith("_on"):
        kind = "date"
    else:
        kind = "textarea" if name in TEXTAREAS else "text"
    return {"name": name, "label": label, "kind": kind, "choices": [], "required": required,
            "help": HELP.get((step, name), "")}


def _steps(detail: PenaltyCase, actor: Any) -> list[dict[str, Any]]:
    """The steps this actor may take now, each with its fields and the guard's current message (if any)."""
    if not (actor.has_perm("enforcement.cases.handle") or actor.has_perm("enforcement.cases.review")):
        return []
    out = []
    for t in PENALTY_WORKFLOW.transitions_from(detail.case.state):
        if not role_allowed(actor, t.roles):
            continue
        if detail.procedure == PenaltyProcedure.SIMPLIFIED and t.name == "file":
            continue
        if detail.procedure == PenaltyProcedure.ORDINARY and t.name == "decide_on_spot":
            continue
        blocked = None
        if t.guard is not None and not t.required_fields:
            try:
                blocked = t.guard(detail.case, actor, {})
            except SifaError:
                blocked = None
        fields = [_field(t.name, f, required=True) for f in t.required_fields]
        fields += [_field(t.name, f, required=False) for f in OPTIONAL.get(t.name, ())]
        out.append({"name": t.name, "label": t.label, "fields": fields, "blocked_reason": blocked})
    return out


def _shown(value: object) -> str:
    """A step's recorded value as users read it: 是/否 for flags, penalty type labels for codes."""
    if value is True or value == "True":
        return "是"
    if value is False or value == "False":
        return "否"
    text = str(value)
    labels = dict(PenaltyType.choices)
    parts = [p.strip() for p in text.strip("[]").replace("'", "").split(",")]
    if parts and all(p in labels for p in parts):
        return "、".join(str(labels[p]) for p in parts)
    return text


def _cited(detail: PenaltyCase) -> str:
    """Cited articles as links to the law library (unknown laws stay text, escaped)."""
    from sifa.core.laws.citations import link_citations

    return link_citations(detail.cited_articles) if detail.cited_articles else ""


def _core_panels(request: HttpRequest, case: Any, actor: Any) -> list[tuple[Any, dict[str, Any]]]:
    out = []
    for panel in sorted(registry.case_panels.values(), key=lambda p: (p.order, p.key)):
        if panel.permission and not actor.has_perm(panel.permission):
            continue
        out.append((panel, panel.context(request, case) if panel.context else {}))
    return out


def _context(request: HttpRequest, detail: PenaltyCase, **extra: Any) -> dict[str, Any]:
    from sifa.modules.enforcement.rules import assignment_problems

    actor = _actor(request)
    case = detail.case
    today = timezone.localdate()
    officers = [{"officer": o, "problems": assignment_problems(o, power_item=detail.power_item, on=today)}
                for o in detail.officers.select_related("person", "body")]
    timeline = [{"label": t.label, "created_at": t.created_at, "actor_name": t.actor_name,
                 "data": [(PENALTY_WORKFLOW.label_of(k), _shown(v)) for k, v in (t.data or {}).items() if v not in ("", None)]}
                for t in case.transitions.order_by("created_at", "id")]
    fee = detail.late_fee_on(today) if case.state in ("overdue", "demand_served", "court_application") else None
    return {"detail": detail, "case": case, "state_label": STATE_LABELS.get(case.state, case.state),
            "officers": officers, "cited": _cited(detail), "timeline": timeline,
            "deadlines": CaseDeadline.objects.filter(case=case).order_by("due_date", "id"),
            "steps": _steps(detail, actor), "late_fee": fee, "core_panels": _core_panels(request, case, actor),
            "state_documents": documents_for_state(case.state) if actor.has_perm("documents.generate") else [],
            "id_masked": detail.person.id_number_masked if detail.person else "",
            "credit_code": detail.entity.credit_code if detail.entity else "",
            "terminal": case.state in TERMINAL, **extra}


@login_required
@require_perm("enforcement.cases.view")
def penalty_case(request: HttpRequest, case_id: int) -> HttpResponse:
    detail = selectors.penalty_case_for(_actor(request), case_id)
    return render(request, "enforcement/penalty/detail.html", _context(request, detail))


@login_required
@require_POST
@require_perm("enforcement.cases.view")
def penalty_step(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    detail = selectors.penalty_case_for(actor, case_id)
    name = request.POST.get("transition", "")
    data: dict[str, Any] = {}
    for key in request.POST:
        if key.startswith("data_"):
            values = [v for v in request.POST.getlist(key) if v != ""]
            data[key[len("data_"):]] = values if key[len("data_"):] in MULTI else (values[0] if values else "")
    try:
        moved = services.move_penalty_case(actor=actor, detail=detail, transition=name, data=data)
    except SifaError as exc:
        context = _context(request, selectors.penalty_case_for(actor, case_id), step_error=exc, failed_step=name)
        return render(request, "enforcement/penalty/detail.html", context, status=exc.status)
    messages.success(request, f"已办理：{STATE_LABELS.get(moved.case.state, moved.case.state)}")
    return redirect("enforcement:penalty_case", case_id=case_id)

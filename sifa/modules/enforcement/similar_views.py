"""Pages of 类案检索: the case's similar cases with the amount distribution, the 裁量基准 range, the 裁量
warnings with their answer form, the 败诉风险 and the 复议/诉讼 outcomes; the case panel; the imported
decisions (list, Excel/JSONL import, template). Thin: parse, call one service or selector, render.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from sifa.core.errors import SifaError, ValidationFailed
from sifa.core.ui.decorators import require_perm
from sifa.core.ui.forms import attach_error
from sifa.core.ui.pagination import paginate
from sifa.modules.enforcement import similar
from sifa.modules.enforcement import similar_services as services
from sifa.modules.enforcement.outcome_models import RemedyKind, RemedyResult
from sifa.modules.enforcement.outcome_services import DECIDED_STATES, outcomes_of
from sifa.modules.enforcement.penalty_models import PenaltyCase
from sifa.modules.enforcement.penalty_selectors import penalty_case_for
from sifa.modules.enforcement.risk import litigation_risks
from sifa.modules.enforcement.similar_models import ImportedDecision

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def analysis(detail: PenaltyCase, actor: Any, amount: Decimal | None = None) -> dict[str, Any]:
    """Everything the page, the panel and the API show for one case (one ranking)."""
    found = similar.similar_cases(similar.query_of(detail), actor=actor)
    amount = amount if amount is not None else similar.amount_under_review(detail)
    dist = similar.distribution(detail, amount, found)
    answers = {a.key: a for a in detail.discretion_answers.all()}
    warnings = [{"key": k, "text": t, "answer": answers.get(k)} for k, t in dist.warnings]
    return {"similar": found, "distribution": dist, "warnings": warnings, "amount": amount,
            "unanswered": [w for w in warnings if w["answer"] is None],
            "risks": litigation_risks(detail, found), "outcomes": outcomes_of(detail),
            "answers": list(detail.discretion_answers.all())}


def _bars(dist: similar.Distribution) -> list[dict[str, Any]]:
    """A small histogram (5 bins) of the similar amounts, the proposed amount's bin marked."""
    if not dist.amounts:
        return []
    low, high = min(dist.amounts), max(dist.amounts)
    span = (high - low) or Decimal(1)
    bins = [0] * 5
    for a in dist.amounts:
        bins[min(4, int((a - low) / span * 5))] += 1
    mark = None
    if dist.amount is not None and low <= dist.amount <= high:
        mark = min(4, int((dist.amount - low) / span * 5))
    top = max(bins) or 1
    return [{"from": low + span * i / 5, "to": low + span * (i + 1) / 5, "n": n, "pct": int(100 * n / top),
             "mark": i == mark} for i, n in enumerate(bins)]


class AnswerForm(forms.Form):
    amount = forms.DecimalField(label="拟罚款金额（元）", max_digits=14, decimal_places=2, widget=forms.HiddenInput)
    reason = forms.CharField(label="说明理由", min_length=1, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=RemedyKind.choices)
    authority = forms.CharField(label="复议机关或人民法院", max_length=128)
    filed_on = forms.DateField(label="申请（起诉）日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    decided_on = forms.DateField(label="决定（裁判）日期", widget=forms.DateInput(attrs={"type": "date"}))
    result = forms.ChoiceField(label="结果", choices=RemedyResult.choices)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _amount_param(request: HttpRequest) -> Decimal | None:
    return similar._money(request.GET.get("amount", "").replace(",", "").strip())


def page_context(request: HttpRequest, detail: PenaltyCase, **extra: Any) -> dict[str, Any]:
    actor = _actor(request)
    data = analysis(detail, actor, _amount_param(request))
    can_handle = actor.has_perm("enforcement.cases.handle")
    context = {"detail": detail, "case": detail.case, **data, "bars": _bars(data["distribution"]),
               "can_handle": can_handle, "decided": detail.case.state in DECIDED_STATES and detail.decided_on,
               "settings": similar.settings(),
               "answer_form": extra.pop("answer_form", None) or AnswerForm(initial={"amount": data["amount"]}),
               "outcome_form": extra.pop("outcome_form", None) or OutcomeForm(), **extra}
    return context


@login_required
@require_perm("enforcement.cases.view")
def similar_cases(request: HttpRequest, case_id: int) -> HttpResponse:
    detail = penalty_case_for(_actor(request), case_id)
    return render(request, "enforcement/similar/page.html", page_context(request, detail))


@login_required
@require_POST
@require_perm("enforcement.cases.handle")
def similar_answer(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    detail = penalty_case_for(actor, case_id)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_discretion_warning(actor=actor, detail=detail, amount=form.cleaned_data["amount"],
                                               reason=form.cleaned_data["reason"])
        except SifaError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, "已说明裁量预警理由")
            return redirect("enforcement:similar_cases", case_id=case_id)
    context = page_context(request, detail, answer_form=form)
    return render(request, "enforcement/similar/page.html", context, status=400)


def panel_context(request: HttpRequest, case: Any) -> dict[str, Any]:
    """The case panel (registry.case_panels): only on 行政处罚 cases; the risks and outcomes cards."""
    if getattr(case, "case_type", "") != "penalty":
        return {}
    detail = PenaltyCase.objects.select_related("case", "case__org", "body", "power_item").filter(pk=case.pk).first()
    if detail is None:
        return {}
    actor = _actor(request)
    data = analysis(detail, actor)
    return {"penalty": detail, **data, "can_handle": actor.has_perm("enforcement.cases.handle"),
            "decided": detail.case.state in DECIDED_STATES and detail.decided_on, "outcome_form": OutcomeForm()}


# --- imported decisions -----------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(label="文件（.xlsx 或 .jsonl）")


@login_required
@require_perm("enforcement.cases.view")
def decision_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    qs = ImportedDecision.objects.visible_to(actor).order_by("-decided_on", "-id")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(source_org__icontains=q) | qs.filter(number__icontains=q) | qs.filter(power_item__icontains=q)
    page, querystring = paginate(request, qs.prefetch_related("remedy_outcomes"))
    return render(request, "enforcement/similar/decision_list.html", {
        "page": page, "querystring": querystring, "q": q, "can_import": actor.has_perm("enforcement.manage")})


@login_required
@require_perm("enforcement.manage")
def decision_import(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > services.MAX_BYTES:
                    raise ValidationFailed("文件不能超过 10 MB", field="file")
                made = services.import_decisions(actor=actor, content=upload.read(), filename=upload.name or "")
            except SifaError as exc:
                if exc.errors and all(e.get("field", "").startswith("rows[") for e in exc.errors):
                    row_errors = exc.errors
                    form.add_error(None, exc.message)
                else:
                    attach_error(form, exc)
            else:
                messages.success(request, f"已导入 {len(made)} 件处罚决定")
                return redirect("enforcement:decision_list")
    return render(request, "enforcement/similar/decision_import.html",
                  {"form": form, "row_errors": row_errors, "headers": services.template_headers()}, status=status)


@login_required
@require_perm("enforcement.manage")
def decision_template(request: HttpRequest) -> HttpResponse:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "处罚决定"
    ws.append(services.template_headers())
    ws.append(["示例市综合行政执法局", "示例综执罚〔2025〕1号", "2025-06-01", "当事人在某路人行道上摆摊经营，占道约 3 平方米。",
               "对擅自占用城市道路、人行道摆摊经营的行政处罚", "《城市市容和环境卫生管理条例》第三十六条", "一般", "罚款", 200,
               "罚款 200 元", "", "", "", ""])
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''imported-decisions-template.xlsx"
    return response

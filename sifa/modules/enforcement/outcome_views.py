"""The 复议/诉讼 outcome form's POST (from the 类案检索 page or the case panel). Thin."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sifa.core.errors import SifaError
from sifa.core.ui.decorators import require_perm
from sifa.core.ui.forms import attach_error
from sifa.modules.enforcement import outcome_services as services
from sifa.modules.enforcement.penalty_selectors import penalty_case_for
from sifa.modules.enforcement.similar_views import OutcomeForm, page_context


@login_required
@require_POST
@require_perm("enforcement.cases.handle")
def outcome_record(request: HttpRequest, case_id: int) -> HttpResponse:
    actor: Any = request.actor  # type: ignore[attr-defined]
    detail = penalty_case_for(actor, case_id)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            outcome = services.record_outcome(actor=actor, detail=detail, **form.cleaned_data)
        except SifaError as exc:
            attach_error(form, exc)
        else:
            note = "，已发出败诉复盘预警" if outcome.lost else ""
            messages.success(request, f"已登记{outcome.get_kind_display()}结果：{outcome.get_result_display()}{note}")
            return redirect("enforcement:similar_cases", case_id=case_id)
    return render(request, "enforcement/similar/page.html", page_context(request, detail, outcome_form=form),
                  status=400)

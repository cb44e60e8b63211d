"""Pages: 期限计算器 (everyone signed in), 节假日安排 (list for everyone, loading for administrators), 规则表."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sifa.core.deadlines import calculator, rules, selectors, services
from sifa.core.deadlines.forms import CalculatorForm, CalendarLoadForm
from sifa.core.errors import SifaError
from sifa.core.ui.decorators import require_perm
from sifa.core.ui.forms import attach_error

_INPUT_KEYS = ("rule", "start", "period", "variant", "statute", "custody_days", "extend", "extend_reason",
               "extend_approver", "suspend_from", "suspend_to")


@login_required
def calculator_page(request: HttpRequest) -> HttpResponse:
    """期限计算器: a rule (or a bare period) and a start date → the due date with its counting steps."""
    # A submitted form always sends start and period; a link with only ?rule= preselects the rule.
    asked = "start" in request.GET or "period" in request.GET
    form = CalculatorForm(request.GET if asked else None, initial={"rule": request.GET.get("rule", "")})
    outcome = None
    if asked and form.is_valid():
        data = {k: form.cleaned_data.get(k) or "" for k in _INPUT_KEYS}
        data["start"] = form.start_text()
        try:
            outcome = calculator.calculate(calculator.CalculatorInput(**data), selectors.working_calendar())
        except SifaError as exc:
            _attach_errors(form, exc)
    selected = _selected_rule(request.GET.get("rule", ""))
    context: dict[str, Any] = {"form": form, "outcome": outcome, "selected": selected,
                               "status": outcome.status if outcome else ("", "")}
    htmx = bool(request.headers.get("HX-Request"))
    template = "deadlines/_calculator.html" if htmx else "deadlines/calculator.html"
    # HTMX swaps only 2xx answers; a full page with errors answers 400 like the other forms.
    return render(request, template, context, status=400 if form.errors and not htmx else 200)


def _attach_errors(form: Any, exc: SifaError) -> None:
    """Each error beside its own field (a calendar load can name several bad lines at once)."""
    if not exc.errors:
        attach_error(form, exc)
        return
    for error in exc.errors:
        field = error.get("field")
        form.add_error(field if field in form.fields else None, error["message"])


def _selected_rule(rule_id: str) -> rules.Rule | None:
    try:
        return rules.get_rule(rule_id) if rule_id.strip() else None
    except SifaError:
        return None


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    return render(request, "deadlines/rule_list.html", {"domains": rules.rules_by_domain()})


def _calendar_context(request: HttpRequest, form: CalendarLoadForm | None) -> dict[str, Any]:
    actor = request.actor  # type: ignore[attr-defined]
    can_manage = actor.has_perm("deadlines.calendar.manage")
    return {"years": list(selectors.calendar_years()), "can_manage": can_manage,
            "form": form if form is not None else (CalendarLoadForm() if can_manage else None)}


@login_required
def calendar_list(request: HttpRequest) -> HttpResponse:
    return render(request, "deadlines/calendar.html", _calendar_context(request, None))


@login_required
@require_POST
@require_perm("deadlines.calendar.manage")
def calendar_load(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    form = CalendarLoadForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            row = services.load_calendar_year(
                actor=actor, year=data["year"], notice=data["notice"], rest_days=data["rest_days"].splitlines(),
                makeup_days=(data["makeup_days"] or "").splitlines(), source=data["source"] or "",
                replace=data["replace"])
        except SifaError as exc:
            _attach_errors(form, exc)
        else:
            messages.success(request, f"已载入 {row.year} 年节假日安排（{len(row.rest_days)} 个放假日，"
                                      f"{len(row.makeup_days)} 个调休上班日）")
            return redirect("deadlines:calendar")
    return render(request, "deadlines/calendar.html", _calendar_context(request, form), status=400)

"""Pages of 被依法限制人身自由 (CC-22): the record form, a restriction's page with the end form, and the
subject-page card. Thin: parse a form, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from sifa.core.errors import SifaError
from sifa.core.orgs.scope import get_visible_or_404
from sifa.core.ui.decorators import require_perm
from sifa.core.ui.forms import BootstrapMixin, attach_error
from sifa.modules.correction import liberty_selectors as sel
from sifa.modules.correction import liberty_services as services
from sifa.modules.correction.choices import LibertyRestrictionKind
from sifa.modules.correction.models import CorrectionCase, LibertyRestriction
from sifa.modules.correction.movement_views import subject_url

DATE = forms.DateInput(attrs={"type": "date"})


class LibertyRestrictionForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="限制人身自由情形", choices=[("", "请选择")] + list(LibertyRestrictionKind.choices))
    deciding_organ = forms.CharField(label="决定机关", max_length=128, help_text="如 杭州市公安局富阳区分局")
    decision_number = forms.CharField(label="决定书文号", max_length=64, required=False)
    decided_on = forms.DateField(label="决定日期", widget=DATE)
    start_date = forms.DateField(label="开始执行日期", widget=DATE)
    expected_end = forms.DateField(label="预计结束日期", widget=DATE, required=False, help_text="如拘留期满日；不确定的不填")
    notified_on = forms.DateField(label="社区矫正机构获知日期", widget=DATE, help_text="收到决定机关通知或得知之日")
    note = forms.CharField(label="情况说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class LibertyEndForm(BootstrapMixin, forms.Form):
    ended_on = forms.DateField(label="结束日期", widget=DATE)
    end_note = forms.CharField(label="结束情况", max_length=2000, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}), help_text="如 拘留期满释放、解除强制隔离戒毒")


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


@login_required
@require_perm("correction.manage")
def liberty_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    detail = get_visible_or_404(CorrectionCase, actor, pk=pk)
    today = timezone.localdate()
    form = LibertyRestrictionForm(request.POST or None, initial={"notified_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            row = services.record_liberty_restriction(actor=actor, detail=detail, **form.cleaned_data)
        except SifaError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"已登记「{row.get_kind_display()}」")
            return redirect("correction:liberty_detail", pk=row.pk)
    return render(request, "correction/liberty/form.html", {
        "form": form, "detail": detail, "subject_url": subject_url(detail), "term_note": sel.TERM_NOTE,
    }, status=400 if form.errors else 200)


def _detail_context(request: HttpRequest, row: LibertyRestriction, end_form: LibertyEndForm | None = None) -> dict[str, Any]:
    manage = _actor(request).has_perm("correction.manage")
    return {
        "row": row, "detail": row.correction_case, "subject_url": subject_url(row.correction_case),
        "lag": sel.notice_lag(row), "late": sel.notice_late(row), "late_limit": sel.late_days_limit(),
        "custodial": sel.is_custodial(row), "term_note": sel.TERM_NOTE,
        "end_form": end_form or (LibertyEndForm(initial={"ended_on": timezone.localdate()})
                                 if manage and row.ended_on is None else None),
    }


@login_required
@require_perm("correction.view")
def liberty_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = sel.restriction_for(_actor(request), pk)
    return render(request, "correction/liberty/detail.html", _detail_context(request, row))


@login_required
@require_perm("correction.manage")
@require_POST
def liberty_end(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    row = sel.restriction_for(actor, pk)
    form = LibertyEndForm(request.POST)
    if form.is_valid():
        try:
            services.end_liberty_restriction(actor=actor, restriction=row, **form.cleaned_data)
        except SifaError as exc:
            attach_error(form, exc)
            return render(request, "correction/liberty/detail.html", _detail_context(request, row, form),
                          status=exc.status)
        messages.success(request, "已登记结束")
        return redirect("correction:liberty_detail", pk=row.pk)
    return render(request, "correction/liberty/detail.html", _detail_context(request, row, form), status=400)


def liberty_panel(request: HttpRequest, detail: CorrectionCase) -> dict[str, Any]:
    return sel.panel(detail)

"""Pages of 奖惩与提请: propose a sanction (司法所), the county queue and decision, court proposals with the
arrest request and outcomes, 减刑建议, evidence packages and the Excel export. Thin: parse, call, render."""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from sifa.core.attachments.models import Attachment
from sifa.core.errors import SifaError
from sifa.core.ui.decorators import require_perm
from sifa.core.ui.forms import BootstrapMixin, attach_error
from sifa.modules.correction import config
from sifa.modules.correction import sanction_selectors as selectors
from sifa.modules.correction import sanction_services as services
from sifa.modules.correction.choices import SanctionKind, SanctionStatus, SentenceType
from sifa.modules.correction.models import CorrectionCase
from sifa.modules.correction.sanction_choices import (
    PROPOSAL_BADGES,
    SANCTION_BADGES,
    ArrestStatus,
    ProposalStatus,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_LIMIT = 20_000


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def county_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Page guard: ``correction.approve`` held at a county agency — checked before any lookup (403)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        services.require_county_agency(_actor(request))
        return view(request, *args, **kwargs)

    return wrapper


# --- forms ----------------------------------------------------------------------------------------------

class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


DATE = forms.DateInput(attrs={"type": "date"})


def _evidence_field(detail: CorrectionCase) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label="证据材料（本案已上传的文件）", required=False, widget=forms.CheckboxSelectMultiple,
        queryset=Attachment.objects.filter(case_id=detail.pk, kind="evidence").order_by("-uploaded_at"),
        help_text="选择后随文书一并装入证据包；也可在下面上传新的证据文件。")


class SanctionForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="类型", choices=SanctionKind.choices)
    ground = forms.ChoiceField(label="情形", choices=[(code, f"{code} {label}") for items in
                                                      services.SANCTION_GROUNDS.values() for code, label in items])
    facts = forms.CharField(label="事实（司法所核实情况）", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    occurred_on = forms.DateField(label="违规（表现）发生日期", required=False, widget=DATE)
    reported_on = forms.DateField(label="报到（回到监管）日期", required=False, widget=DATE,
                                  help_text="CC-16.1、CC-17.2：核算迟到（脱离监管）天数以确定训诫或警告档")
    absence_from = forms.DateField(label="脱离监管起始日", required=False, widget=DATE,
                                   help_text="不填时按报到期限（判决生效之日起十日，节假日顺延）核算")
    recipient = forms.CharField(label="受理的公安机关（提请治安管理处罚）", required=False, max_length=128)
    evidence = forms.ModelMultipleChoiceField(queryset=Attachment.objects.none(), required=False)
    uploads = MultipleFileField(label="上传证据文件", required=False)

    def __init__(self, *args: Any, detail: CorrectionCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"] = _evidence_field(detail)


class DecideForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(label="决定", choices=(("decide", "决定"), ("reject", "不予决定")))
    decided_on = forms.DateField(label="决定日期", required=False, widget=DATE)
    note = forms.CharField(label="意见（不予决定时必填）", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ProposalForm(BootstrapMixin, forms.Form):
    grounds = forms.MultipleChoiceField(label="提请事由", widget=forms.CheckboxSelectMultiple)
    facts = forms.CharField(label="事实和理由", widget=forms.Textarea(attrs={"rows": 5}), max_length=8000)
    court = forms.CharField(label="受理法院（决定机关）", max_length=128,
                            help_text="原审人民法院或者执行地人民法院（CC-27）；收监执行：执行地或原决定机关（CC-30）")
    court_received_at = forms.DateTimeField(label="法院（决定机关）收到建议书时间",
                                            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                            input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"])
    procuratorate = forms.CharField(label="抄送人民检察院", max_length=128)
    procuratorate_copied_on = forms.DateField(label="抄送日期", widget=DATE)
    arrest_requested = forms.BooleanField(label="同时提请逮捕（CC-28，法院四十八小时内决定）", required=False)
    arrest_reason = forms.CharField(label="提请逮捕理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.ModelMultipleChoiceField(queryset=Attachment.objects.none(), required=False)
    uploads = MultipleFileField(label="上传证据文件", required=False)

    def __init__(self, *args: Any, detail: CorrectionCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["grounds"]).choices = [(c, f"{c} {label}") for c, label in
                                          services.PROPOSAL_GROUNDS.get(detail.sentence_type, [])]
        self.fields["evidence"] = _evidence_field(detail)
        if detail.sentence_type == SentenceType.TEMPORARY_EXECUTION:
            del self.fields["arrest_requested"]
            del self.fields["arrest_reason"]


class ArrestForm(BootstrapMixin, forms.Form):
    arrested = forms.ChoiceField(label="法院决定", choices=(("yes", "决定逮捕（已执行）"), ("no", "不予逮捕")))
    arrested_on = forms.DateField(label="逮捕日期", required=False, widget=DATE)
    note = forms.CharField(label="说明", required=False, max_length=500)


class RulingForm(BootstrapMixin, forms.Form):
    outcome = forms.ChoiceField(label="结果", choices=(("granted", "裁定撤销（决定收监执行）"),
                                                     ("rejected", "裁定（决定）不予撤销、收监")))
    ruling_date = forms.DateField(label="裁定（决定）日期", widget=DATE)
    ruling_number = forms.CharField(label="裁定（决定）书文号", required=False, max_length=64)
    note = forms.CharField(label="说明", required=False, max_length=500)


class CommutationForm(BootstrapMixin, forms.Form):
    facts = forms.CharField(label="减刑事实和理由", widget=forms.Textarea(attrs={"rows": 5}), max_length=8000,
                            help_text="缓刑对象一般不适用减刑，有重大立功表现的除外（CP-11）")
    proposed_reduction = forms.CharField(label="建议减刑幅度", max_length=64, help_text="如 减去有期徒刑三个月")
    court = forms.CharField(label="受理法院（执行地中级以上人民法院）", max_length=128)
    court_received_on = forms.DateField(label="法院收到建议书日期", widget=DATE)
    procuratorate = forms.CharField(label="抄送人民检察院", max_length=128)


class CommutationRulingForm(BootstrapMixin, forms.Form):
    outcome = forms.ChoiceField(label="结果", choices=(("granted", "裁定减刑"), ("rejected", "裁定不予减刑")))
    ruling_date = forms.DateField(label="裁定日期", widget=DATE)
    ruling_number = forms.CharField(label="裁定书文号", max_length=64)
    granted_reduction = forms.CharField(label="裁定减刑幅度", required=False, max_length=64)


# --- helpers ------------------------------------------------------------------------------------------

def _form_page(request: HttpRequest, form: forms.Form, *, title: str, detail: CorrectionCase, intro: str = "",
               submit: str = "提交", flag: str = "", grounds: Any = None) -> HttpResponse:
    return render(request, "correction/sanctions/form.html", {
        "form": form, "title": title, "detail": detail, "intro": intro, "submit": submit, "flag": flag,
        "grounds": grounds or []}, status=400 if form.errors else 200)


def _back(detail_pk: int) -> HttpResponse:
    return redirect("correction:subject_detail", detail_pk)


def _zip(actor: Any, detail: CorrectionCase, ids: list[int], *, what: str, filename: str) -> Any:
    """The package as a streamed download (a FileResponse, which the page decorators treat as a response)."""
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 — closed by FileResponse
    try:
        services.write_evidence_package(actor, detail, ids, out, what=what)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    response = FileResponse(out, as_attachment=True, filename=filename, content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    return response


# --- the county queue and the export ------------------------------------------------------------------

@login_required
@require_perm("correction.approve")
@require_GET
def sanction_queue(request: HttpRequest) -> HttpResponse:
    """奖惩审批: proposed sanctions awaiting the county agency's decision, and proposals awaiting a court."""
    actor = _actor(request)
    sanctions = list(selectors.awaiting_decision(actor)[:500])
    proposals = list(selectors.pending_proposals(actor)[:200])
    return render(request, "correction/sanctions/queue.html", {
        "sanctions": sanctions, "proposals": proposals, "can_decide": services.is_county_agency(actor.org),
        "flag": config.flag("sanctions"), "badges": SANCTION_BADGES, "proposal_badges": PROPOSAL_BADGES})


@login_required
@require_perm("correction.view")
@require_GET
def sanction_export(request: HttpRequest) -> HttpResponse:
    """Excel of the sanctions in scope (``?status=``), audited as a personal-data export."""
    from sifa.modules.correction.sanction_exports import sanctions_workbook

    actor = _actor(request)
    rows = selectors.sanctions_visible_to(actor).order_by("-proposed_at", "-id")
    status = request.GET.get("status", "")
    if status in SanctionStatus.values:
        rows = rows.filter(status=status)
    items = list(rows[:EXPORT_LIMIT])
    services.export_sanctions(actor=actor, description=f"社区矫正奖惩导出 status={status or '全部'}", row_count=len(items))
    response = HttpResponse(sanctions_workbook(items), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''correction-sanctions.xlsx"
    return response


# --- sanctions ------------------------------------------------------------------------------------------

@login_required
@require_perm("correction.manage")
def sanction_new(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    detail = selectors.case_for(actor, pk)
    initial = {k: request.GET[k] for k in ("kind", "ground") if k in request.GET}
    form = SanctionForm(request.POST or None, request.FILES or None, detail=detail, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sanction = services.propose_sanction(
                actor=actor, detail=detail, kind=data["kind"], ground=data["ground"], facts=data["facts"],
                occurred_on=data["occurred_on"], reported_on=data["reported_on"], absence_from=data["absence_from"],
                recipient=data["recipient"], evidence=list(data["evidence"]), files=data["uploads"])
        except SifaError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"已提出{sanction.get_kind_display()}，待县级社区矫正机构决定")
            return redirect("correction:sanction_detail", sanction.pk)
    return _form_page(request, form, title=f"提出奖惩 · {detail.subject}", detail=detail, submit="提出",
                      flag=config.flag("sanctions"), grounds=selectors.grounds_for(detail),
                      intro="司法所核实后提出，由县级社区矫正机构决定（CC-15…CC-18）。")


@login_required
@require_perm("correction.view")
@require_GET
def sanction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    sanction = selectors.sanction_for(actor, pk)
    can_decide = (sanction.status == SanctionStatus.PROPOSED and actor.has_perm("correction.approve")
                  and services.is_county_agency(actor.org))
    return render(request, "correction/sanctions/sanction_detail.html", {
        "sanction": sanction, "detail": sanction.correction_case, "evidence": list(sanction.evidence.all()),
        "badge": SANCTION_BADGES.get(sanction.status, ""), "form": DecideForm() if can_decide else None,
        "flag": config.flag("sanctions")})


@login_required
@require_POST
@county_only
def sanction_decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    sanction = selectors.sanction_for(actor, pk)
    form = DecideForm(request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "decide":
                services.decide_sanction(actor=actor, sanction=sanction, decided_on=data["decided_on"], note=data["note"])
                messages.success(request, "已作出决定并制作文书")
            else:
                services.reject_sanction(actor=actor, sanction=sanction, note=data["note"])
                messages.success(request, "已不予决定")
        except SifaError as exc:
            status = exc.status
            attach_error(form, exc)
        else:
            return redirect("correction:sanction_detail", sanction.pk)
    return render(request, "correction/sanctions/sanction_detail.html", {
        "sanction": sanction, "detail": sanction.correction_case, "evidence": list(sanction.evidence.all()),
        "badge": SANCTION_BADGES.get(sanction.status, ""), "form": form, "flag": config.flag("sanctions")},
        status=status)


@login_required
@require_perm("correction.view")
@require_GET
def sanction_package(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    sanction = selectors.sanction_for(actor, pk)
    ids = services.package_files([sanction.document], list(sanction.evidence.all()))
    return _zip(actor, sanction.correction_case, ids, what=f"sanction:{sanction.pk}",
                filename=f"证据包-{sanction.get_kind_display()}-{sanction.pk}.zip")


# --- court proposals ---------------------------------------------------------------------------------------

@login_required
@county_only
def proposal_new(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    detail = selectors.case_for(actor, pk)
    wanted = request.GET.getlist("ground")
    now = timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)
    form = ProposalForm(request.POST or None, request.FILES or None, detail=detail, initial={
        "grounds": wanted, "court": detail.decision_org_name, "court_received_at": now.strftime("%Y-%m-%dT%H:%M"),
        "procuratorate_copied_on": timezone.localdate()})
    recommit = detail.sentence_type == SentenceType.TEMPORARY_EXECUTION
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        common = {"actor": actor, "detail": detail, "grounds": data["grounds"], "facts": data["facts"],
                  "court": data["court"], "court_received_at": data["court_received_at"],
                  "procuratorate": data["procuratorate"], "procuratorate_copied_on": data["procuratorate_copied_on"],
                  "evidence": list(data["evidence"]), "files": data["uploads"]}
        try:
            if recommit:
                proposal = services.propose_recommitment(**common)
            else:
                proposal = services.propose_revocation(**common, arrest_requested=data.get("arrest_requested", False),
                                                       arrest_reason=data.get("arrest_reason", ""))
        except SifaError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"已{proposal.get_kind_display()}，建议书已制作")
            return redirect("correction:proposal_detail", proposal.pk)
    title = "提请收监执行" if recommit else f"提请撤销{detail.get_sentence_type_display()}"
    return _form_page(request, form, title=f"{title} · {detail.subject}", detail=detail, submit="登记提请并制作建议书",
                      grounds=selectors.grounds_for(detail),
                      intro="建议书送原审人民法院或者执行地人民法院并抄送人民检察院，附证据材料（CC-27）；"
                            "法院自收到之日起三十日内裁定（CC-29、CC-30）。系统不自动提请。")


def _proposal_page(request: HttpRequest, proposal: Any, *, arrest_form: forms.Form | None = None,
                   ruling_form: forms.Form | None = None, status: int = 200) -> HttpResponse:
    actor = _actor(request)
    detail = proposal.correction_case
    can_act = (proposal.status == ProposalStatus.PENDING and actor.has_perm("correction.approve")
               and services.is_county_agency(actor.org))
    if can_act and proposal.arrest_status == ArrestStatus.REQUESTED:
        arrest_form = arrest_form or ArrestForm()
    else:
        arrest_form = None
    return render(request, "correction/sanctions/proposal_detail.html", {
        "proposal": proposal, "detail": detail, "evidence": list(proposal.evidence.all()),
        "grounds": [(c, services.proposal_ground_label(detail.sentence_type, c)) for c in proposal.grounds],
        "deadlines": [(d, selectors.deadline_alert_on(d)) for d in selectors.running_deadlines(detail)],
        "badge": PROPOSAL_BADGES.get(proposal.status, ""), "arrest_form": arrest_form,
        "ruling_form": (ruling_form or RulingForm()) if can_act else None}, status=status)


@login_required
@require_perm("correction.view")
@require_GET
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _proposal_page(request, selectors.proposal_for(_actor(request), pk))


def _proposal_post(request: HttpRequest, pk: int, form_class: type[forms.Form],
                   call: Callable[[Any, Any, dict[str, Any]], Any], done: str, *, slot: str) -> HttpResponse:
    actor = _actor(request)
    proposal = selectors.proposal_for(actor, pk)
    form = form_class(request.POST)
    status = 400
    if form.is_valid():
        try:
            call(actor, proposal, form.cleaned_data)
        except SifaError as exc:
            status = exc.status
            attach_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("correction:proposal_detail", proposal.pk)
    proposal.refresh_from_db()
    return _proposal_page(request, proposal, status=status, **{slot: form})


@login_required
@require_POST
@county_only
def proposal_arrest(request: HttpRequest, pk: int) -> HttpResponse:
    def call(actor: Any, proposal: Any, data: dict[str, Any]) -> Any:
        return services.record_arrest(actor=actor, proposal=proposal, arrested=data["arrested"] == "yes",
                                      arrested_on=data["arrested_on"], note=data["note"])

    return _proposal_post(request, pk, ArrestForm, call, "已登记逮捕决定", slot="arrest_form")


@login_required
@require_POST
@county_only
def proposal_ruling(request: HttpRequest, pk: int) -> HttpResponse:
    def call(actor: Any, proposal: Any, data: dict[str, Any]) -> Any:
        return services.record_ruling(actor=actor, proposal=proposal, granted=data["outcome"] == "granted",
                                      ruling_date=data["ruling_date"], ruling_number=data["ruling_number"],
                                      note=data["note"])

    return _proposal_post(request, pk, RulingForm, call, "已登记裁定（决定）结果", slot="ruling_form")


@login_required
@require_perm("correction.view")
@require_GET
def proposal_package(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    proposal = selectors.proposal_for(actor, pk)
    ids = services.package_files([proposal.document, proposal.arrest_document], list(proposal.evidence.all()))
    return _zip(actor, proposal.correction_case, ids, what=f"proposal:{proposal.pk}",
                filename=f"证据包-{proposal.get_kind_display()}-{proposal.pk}.zip")


# --- 减刑建议 (CC-23) ----------------------------------------------------------------------------------

@login_required
@county_only
def commutation_new(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    detail = selectors.case_for(actor, pk)
    form = CommutationForm(request.POST or None, initial={"court_received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_commutation(actor=actor, detail=detail, **form.cleaned_data)
        except SifaError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, "已登记减刑建议，裁定期限（三十日）开始计算")
            return _back(detail.pk)
    return _form_page(request, form, title=f"提请减刑 · {detail.subject}", detail=detail, submit="登记并制作建议书",
                      intro="向执行地的中级以上人民法院提出减刑建议，同时抄送人民检察院；法院自收到之日起三十日内裁定（CC-23）。")


@login_required
@require_POST
@county_only
def commutation_ruling(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    commutation = selectors.commutation_for(actor, pk)
    form = CommutationRulingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_commutation_ruling(actor=actor, commutation=commutation, granted=data["outcome"] == "granted",
                                               ruling_date=data["ruling_date"], ruling_number=data["ruling_number"],
                                               granted_reduction=data["granted_reduction"])
        except SifaError as exc:
            messages.error(request, exc.message)
            return HttpResponse(exc.message, status=exc.status)
        messages.success(request, "已登记减刑裁定结果")
        return _back(commutation.correction_case_id)
    return HttpResponse("；".join(str(e[0]) for e in form.errors.values()), status=400)

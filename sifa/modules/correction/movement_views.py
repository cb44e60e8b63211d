"""Pages of 外出/迁居, 执行地变更 and 电子定位: request forms, approval queues, detail pages with the
decision forms, and the subject-page cards. Thin: parse a form, call one service or selector, render."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sifa.core.cases.services import role_allowed
from sifa.core.errors import PermissionDeniedError, SifaError
from sifa.core.orgs.scope import get_visible_or_404
from sifa.core.ui.decorators import require_perm
from sifa.core.ui.forms import BootstrapMixin, attach_error
from sifa.modules.correction import config
from sifa.modules.correction import movement_selectors as sel
from sifa.modules.correction import movement_services as services
from sifa.modules.correction.choices import (
    LeaveKind,
    MonitoringGround,
    MonitoringStatus,
    RequestStatus,
    TransferStatus,
)
from sifa.modules.correction.models import (
    CorrectionCase,
    ElectronicMonitoring,
    LeaveRequest,
    ResidenceTransfer,
)
from sifa.modules.correction.workflow import AGENCY

DATE = forms.DateInput(attrs={"type": "date"})


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def require_roles(roles: tuple[str, ...], message: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Page guard for a workflow step limited to role codes (403 before any object is read)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not role_allowed(_actor(request), roles):
                raise PermissionDeniedError(message)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def subject_url(detail: CorrectionCase) -> str:
    """The subject's page (built by the lifecycle part), else the case page."""
    for name in ("correction:subject_detail", "correction:case_detail"):
        try:
            return reverse(name, args=[detail.pk])
        except NoReverseMatch:
            continue
    return reverse("cases:detail", args=[detail.pk])


# --- forms -------------------------------------------------------------------------------------------


class LeaveForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="类型", choices=LeaveKind.choices, initial=LeaveKind.LEAVE)
    destination = forms.CharField(label="目的地", max_length=255)
    reason = forms.CharField(label="事由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    start_date = forms.DateField(label="外出（迁居）日期", widget=DATE)
    end_date = forms.DateField(label="返回日期", widget=DATE, required=False, help_text="迁居不填")


class DecideForm(BootstrapMixin, forms.Form):
    approve = forms.TypedChoiceField(label="审批结论", choices=(("1", "批准"), ("0", "不予批准")), coerce=lambda v: v == "1")
    note = forms.CharField(label="审批意见", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="不予批准须写明理由")


class CheckInForm(BootstrapMixin, forms.Form):
    returned_on = forms.DateField(label="销假日期", widget=DATE)


class TransferForm(BootstrapMixin, forms.Form):
    to_org = forms.IntegerField(label="新执行地司法所", widget=forms.Select)
    new_address = forms.CharField(label="新居住地", max_length=255)
    planned_move_on = forms.DateField(label="拟迁居日期", widget=DATE)
    reason = forms.CharField(label="变更理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, current_org_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offices = sel.transfer_targets().exclude(pk=current_org_id or 0).order_by("path")[:2000]
        choices = [("", "请选择")] + [(o.pk, f"{o.parent.name if o.parent else ''} · {o.name}") for o in offices]
        self.fields["to_org"].widget = forms.Select(choices=choices, attrs={"class": "form-select"})


class ReplyForm(BootstrapMixin, forms.Form):
    accept = forms.TypedChoiceField(label="回复意见", choices=(("1", "同意接收"), ("0", "不同意接收")),
                                    coerce=lambda v: v == "1")
    note = forms.CharField(label="说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="不同意须写明理由")


class CompleteForm(BootstrapMixin, forms.Form):
    completed_on = forms.DateField(label="交接日期", widget=DATE, required=False, help_text="默认今天")


class MonitoringForm(BootstrapMixin, forms.Form):
    ground = forms.ChoiceField(label="适用情形（《社区矫正法》第二十九条第一款）",
                               choices=[("", "请选择")] + list(MonitoringGround.choices))
    facts = forms.CharField(label="事实依据", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="写明违反禁止令、未经批准离开、被警告、被治安管理处罚或拟提请撤销（收监）的事实")
    start_date = forms.DateField(label="开始日期", widget=DATE)


class ExtendForm(BootstrapMixin, forms.Form):
    facts = forms.CharField(label="评估意见和事实依据", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class RemoveForm(BootstrapMixin, forms.Form):
    removed_on = forms.DateField(label="解除日期", widget=DATE)
    reason = forms.CharField(label="解除理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


# --- home: queues ------------------------------------------------------------------------------------


@login_required
@require_perm("correction.view")
def movement_home(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    today = timezone.localdate()
    overdue = [leave for leave in sel.leaves_visible_to(actor).filter(
        kind=LeaveKind.LEAVE, returned_on__isnull=True, status__in=(RequestStatus.APPROVED, RequestStatus.OVERDUE),
        end_date__lt=today).order_by("end_date")[:200] if sel.is_overdue(leave, today)]
    ending = sel.monitoring_ending(today).filter(pk__in=sel.monitoring_visible_to(actor).values("pk")).order_by("end_date")
    return render(request, "correction/movement/home.html", {
        "pending_leaves": sel.pending_leaves_for(actor),
        "pending_monitoring": sel.pending_monitoring_for(actor),
        "incoming": list(sel.incoming_transfers(actor)[:200]),
        "open_transfers": list(sel.transfers_visible_to(actor).filter(
            status__in=(TransferStatus.REQUESTED, TransferStatus.ACCEPTED))[:200]),
        "overdue": overdue, "ending": list(ending[:200]),
        "leave_flag": config.flag("leave"), "transfer_flag": config.flag("transfer"), "today": today,
    })


# --- 外出 ---------------------------------------------------------------------------------------------


def _leave_context(request: HttpRequest, leave: LeaveRequest, **forms_: Any) -> dict[str, Any]:
    actor = _actor(request)
    pending = leave.status == RequestStatus.PENDING
    can_decide = pending and sel.can_approve_leave(actor, leave.approval_level)
    can_check_in = (leave.kind == LeaveKind.LEAVE and actor.has_perm("correction.manage")
                    and leave.status in (RequestStatus.APPROVED, RequestStatus.OVERDUE))
    return {
        "leave": leave, "detail": leave.correction_case, "subject_url": subject_url(leave.correction_case),
        "overdue": sel.is_overdue(leave), "due_back": sel.return_deadline(leave),
        "decide_form": forms_.get("decide_form") or (DecideForm() if can_decide else None),
        "checkin_form": forms_.get("checkin_form") or (
            CheckInForm(initial={"returned_on": timezone.localdate()}) if can_check_in else None),
        "leave_config": config.section("leave"), "leave_flag": config.flag("leave"),
        "year_days": sel.year_days(leave.correction_case, leave.start_date.year),
    }


@login_required
@require_perm("correction.manage")
def leave_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    detail = get_visible_or_404(CorrectionCase, actor, pk=pk)
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            leave = services.request_leave(actor=actor, detail=detail, **form.cleaned_data)
        except SifaError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"已登记{leave.get_kind_display()}申请，审批层级：{leave.get_approval_level_display()}")
            return redirect("correction:leave_detail", pk=leave.pk)
    return render(request, "correction/movement/form.html", {
        "form": form, "detail": detail, "subject_url": subject_url(detail), "title": "外出（迁居）申请",
        "flag": config.flag("leave"), "leave_config": config.section("leave"),
        "year_days": sel.year_days(detail, timezone.localdate().year),
    }, status=400 if form.errors else 200)


@login_required
@require_perm("correction.view")
def leave_detail(request: HttpRequest, pk: int) -> HttpResponse:
    leave = sel.leave_for(_actor(request), pk)
    return render(request, "correction/movement/leave_detail.html", _leave_context(request, leave))


@login_required
@require_perm("correction.view")
@require_POST
def leave_decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    leave = sel.leave_for(actor, pk)
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            leave = services.decide_leave(actor=actor, leave=leave, **form.cleaned_data)
        except SifaError as exc:
            attach_error(form, exc)
            return render(request, "correction/movement/leave_detail.html",
                          _leave_context(request, leave, decide_form=form), status=exc.status)
        messages.success(request, f"已审批：{leave.get_status_display()}")
        return redirect("correction:leave_detail", pk=leave.pk)
    return render(request, "correction/movement/leave_detail.html", _leave_context(request, leave, decide_form=form),
                  status=400)


@login_required
@require_perm("correction.manage")
@require_POST
def leave_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    leave = sel.leave_for(actor, pk)
    form = CheckInForm(request.POST)
    if form.is_valid():
        try:
            leave = services.check_in_leave(actor=actor, leave=leave, **form.cleaned_data)
        except SifaError as exc:
            attach_error(form, exc)
            return render(request, "correction/movement/leave_detail.html",
                          _leave_context(request, leave, checkin_form=form), status=exc.status)
        messages.success(request, "已销假")
        return redirect("correction:leave_detail", pk=leave.pk)
    return render(request, "correction/movement/leave_detail.html", _leave_context(request, leave, checkin_form=form),
                  status=400)


# --- 执行地变更 -----------------------------------------------------------------------------------------


def _transfer_context(request: HttpRequest, transfer: ResidenceTransfer, **forms_: Any) -> dict[str, Any]:
    actor = _actor(request)
    receiving = sel.is_receiving_side(actor, transfer)
    sees_file = sel.sees_file(actor, transfer)
    can_reply = (transfer.status == TransferStatus.REQUESTED and receiving and actor.has_perm("correction.manage"))
    can_complete = transfer.status == TransferStatus.ACCEPTED and sees_file and role_allowed(actor, AGENCY)
    return {
        "transfer": transfer, "detail": transfer.correction_case, "sees_file": sees_file, "receiving": receiving,
        "subject_url": subject_url(transfer.correction_case) if sees_file else "",
        "reply_form": forms_.get("reply_form") or (ReplyForm() if can_reply else None),
        "complete_form": forms_.get("complete_form") or (CompleteForm() if can_complete else None),
        "notices": sel.transfer_notices(transfer) if transfer.status == TransferStatus.COMPLETED else [],
        "transfer_config": config.section("transfer"), "transfer_flag": config.flag("transfer"),
        "late": transfer.status == TransferStatus.REQUESTED and transfer.reply_due is not None
        and transfer.reply_due < timezone.localdate(),
        "handover_late": transfer.handover_due is not None and (
            (transfer.status == TransferStatus.ACCEPTED and transfer.handover_due < timezone.localdate())
            or (transfer.completed_on is not None and transfer.completed_on > transfer.handover_due)),
    }


@login_required
@require_perm("correction.manage")
def transfer_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    detail = get_visible_or_404(CorrectionCase, actor, pk=pk)
    form = TransferForm(request.POST or None, current_org_id=detail.case.org_id)
    if request.method == "POST" and form.is_valid():
        try:
            target = sel.transfer_target(form.cleaned_data["to_org"])
            transfer = services.request_transfer(actor=actor, detail=detail, to_org=target,
                                                 new_address=form.cleaned_data["new_address"],
                                                 reason=form.cleaned_data["reason"],
                                                 planned_move_on=form.cleaned_data["planned_move_on"])
        except SifaError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"已向{transfer.to_org.name}征求意见，回复期限 {transfer.reply_due:%Y-%m-%d}")
            return redirect("correction:transfer_detail", pk=transfer.pk)
    return render(request, "correction/movement/form.html", {
        "form": form, "detail": detail, "subject_url": subject_url(detail), "title": "变更执行地",
        "flag": config.flag("transfer"), "transfer_config": config.section("transfer"),
    }, status=400 if form.errors else 200)


@login_required
@require_perm("correction.view")
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = sel.transfer_for(_actor(request), pk)
    return render(request, "correction/movement/transfer_detail.html", _transfer_context(request, transfer))


@login_required
@require_perm("correction.manage")
@require_POST
def transfer_reply(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    transfer = sel.transfer_for(actor, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            transfer = services.reply_transfer(actor=actor, transfer=transfer, **form.cleaned_data)
        except SifaError as exc:
            if exc.status == 404:
                raise
            attach_error(form, exc)
            return render(request, "correction/movement/transfer_detail.html",
                          _transfer_context(request, transfer, reply_form=form), status=exc.status)
        messages.success(request, f"已回复：{transfer.get_status_display()}")
        return redirect("correction:transfer_detail", pk=transfer.pk)
    return render(request, "correction/movement/transfer_detail.html",
                  _transfer_context(request, transfer, reply_form=form), status=400)


@login_required
@require_roles(AGENCY, "执行地变更由县级社区矫正机构决定并办理交接（CC-13）")
@require_POST
def transfer_complete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    transfer = sel.transfer_for(actor, pk)
    if not sel.sees_file(actor, transfer):
        from sifa.core.errors import NotFound

        raise NotFound()
    form = CompleteForm(request.POST)
    if form.is_valid():
        try:
            transfer = services.complete_transfer(actor=actor, transfer=transfer,
                                                  completed_on=form.cleaned_data.get("completed_on"))
        except SifaError as exc:
            attach_error(form, exc)
            return render(request, "correction/movement/transfer_detail.html",
                          _transfer_context(request, transfer, complete_form=form), status=exc.status)
        messages.success(request, f"已交接至{transfer.to_org.name}，对象应于 {transfer.report_due:%Y-%m-%d} 前到新执行地报到")
        return redirect("correction:movement_home")
    return render(request, "correction/movement/transfer_detail.html",
                  _transfer_context(request, transfer, complete_form=form), status=400)


# --- 电子定位 -------------------------------------------------------------------------------------------


def _monitoring_context(request: HttpRequest, row: ElectronicMonitoring, **forms_: Any) -> dict[str, Any]:
    actor = _actor(request)
    manage = actor.has_perm("correction.manage")
    active = row.status == MonitoringStatus.ACTIVE
    extended = row.extensions.exclude(status=MonitoringStatus.REJECTED).exists()
    return {
        "row": row, "detail": row.correction_case, "subject_url": subject_url(row.correction_case),
        "can_approve": sel.can_approve_monitoring(actor),
        "decide_form": forms_.get("decide_form") or (
            DecideForm() if row.status == MonitoringStatus.PENDING and sel.can_approve_monitoring(actor) else None),
        "extend_form": forms_.get("extend_form") or (ExtendForm() if active and manage and not extended else None),
        "remove_form": forms_.get("remove_form") or (
            RemoveForm(initial={"removed_on": timezone.localdate()}) if active and manage else None),
        "history": list(sel.rows_of(ElectronicMonitoring).filter(correction_case=row.correction_case)),
        "ahead_days": config.section("reminders")["monitoring_end_ahead_days"],
    }


@login_required
@require_perm("correction.manage")
def monitoring_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    detail = get_visible_or_404(CorrectionCase, actor, pk=pk)
    form = MonitoringForm(request.POST or None, initial={"start_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            row = services.request_monitoring(actor=actor, detail=detail, **form.cleaned_data)
        except SifaError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"已提请电子定位，期限至 {row.end_date:%Y-%m-%d}，待县级司法行政部门负责人批准")
            return redirect("correction:monitoring_detail", pk=row.pk)
    return render(request, "correction/movement/form.html", {
        "form": form, "detail": detail, "subject_url": subject_url(detail), "title": "提请使用电子定位装置",
        "flag": "", "monitoring": True,
    }, status=400 if form.errors else 200)


@login_required
@require_perm("correction.view")
def monitoring_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = sel.monitoring_for(_actor(request), pk)
    return render(request, "correction/movement/monitoring_detail.html", _monitoring_context(request, row))


def _monitoring_post(request: HttpRequest, pk: int, form_class: type[forms.Form], form_key: str,
                     call: Callable[..., ElectronicMonitoring], done: str) -> HttpResponse:
    actor = _actor(request)
    row = sel.monitoring_for(actor, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            result = call(actor=actor, monitoring=row, **form.cleaned_data)
        except SifaError as exc:
            attach_error(form, exc)
            return render(request, "correction/movement/monitoring_detail.html",
                          _monitoring_context(request, row, **{form_key: form}), status=exc.status)
        messages.success(request, done)
        return redirect("correction:monitoring_detail", pk=result.pk)
    return render(request, "correction/movement/monitoring_detail.html",
                  _monitoring_context(request, row, **{form_key: form}), status=400)


@login_required
@require_perm("correction.view")
@require_POST
def monitoring_decide(request: HttpRequest, pk: int) -> HttpResponse:
    return _monitoring_post(request, pk, DecideForm, "decide_form", services.decide_monitoring, "已审批")


@login_required
@require_perm("correction.manage")
@require_POST
def monitoring_extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _monitoring_post(request, pk, ExtendForm, "extend_form", services.request_monitoring_extension,
                            "已提请延长，待县级司法行政部门负责人批准")


@login_required
@require_perm("correction.manage")
@require_POST
def monitoring_remove(request: HttpRequest, pk: int) -> HttpResponse:
    return _monitoring_post(request, pk, RemoveForm, "remove_form", services.remove_monitoring, "已解除电子定位")


# --- subject-page cards (panels.SubjectPanel contexts) ----------------------------------------------------


def leave_panel(request: HttpRequest, detail: CorrectionCase) -> dict[str, Any]:
    return {**sel.movement_summary(detail), "detail": detail}


def monitoring_panel(request: HttpRequest, detail: CorrectionCase) -> dict[str, Any]:
    summary = sel.monitoring_summary(detail)
    return {"detail": detail, "monitoring": summary["monitoring"], "current": summary["current_monitoring"]}

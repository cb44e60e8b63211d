"""/api/v1/correction/movement: 外出/迁居 (CC-12), 执行地变更 (CC-13), 电子定位 (CC-19). Scope-checked like
the pages; errors are problem+json naming the field."""

import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from sifa.core.api import PagePagination, actor_of
from sifa.core.cases.services import role_allowed
from sifa.core.errors import NotFound, PermissionDeniedError
from sifa.core.orgs.scope import get_visible_or_404
from sifa.modules.correction import config
from sifa.modules.correction import movement_selectors as sel
from sifa.modules.correction import movement_services as services
from sifa.modules.correction.choices import LeaveKind, MonitoringGround
from sifa.modules.correction.models import (
    CorrectionCase,
    ElectronicMonitoring,
    LeaveRequest,
    ResidenceTransfer,
)
from sifa.modules.correction.movement_selectors import rows_of
from sifa.modules.correction.workflow import AGENCY

router = Router(tags=["社区矫正·外出与电子定位"])


# --- schemas -------------------------------------------------------------------------------------------


class CorrectionLeaveOut(Schema):
    id: int
    case_id: int
    case_number: str
    subject_name: str
    kind: str = Field(..., description="leave 外出 / relocation 迁居")
    kind_label: str
    destination: str
    reason: str
    start_date: datetime.date
    end_date: datetime.date
    days: int
    approval_level: str = Field(..., description="office 司法所 / county 县级社区矫正机构（依配置 leave [NV]）")
    status: str
    status_label: str
    overdue: bool = Field(..., description="已批准外出、超过销假期限仍未销假")
    return_deadline: datetime.date
    decided_by: str
    decision_note: str
    returned_on: datetime.date | None

    @staticmethod
    def resolve_case_id(obj: LeaveRequest) -> int:
        return obj.correction_case_id

    @staticmethod
    def resolve_case_number(obj: LeaveRequest) -> str:
        return obj.correction_case.case.number

    @staticmethod
    def resolve_subject_name(obj: LeaveRequest) -> str:
        return obj.correction_case.subject.person.name

    @staticmethod
    def resolve_kind_label(obj: LeaveRequest) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj: LeaveRequest) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_overdue(obj: LeaveRequest) -> bool:
        return sel.is_overdue(obj)

    @staticmethod
    def resolve_return_deadline(obj: LeaveRequest) -> datetime.date:
        return sel.return_deadline(obj)


class CorrectionLeaveIn(Schema):
    kind: str = Field(LeaveKind.LEAVE, pattern="^(leave|relocation)$", description="leave 外出 / relocation 迁居")
    destination: str = Field(..., max_length=255)
    reason: str = Field(..., max_length=2000)
    start_date: datetime.date
    end_date: datetime.date | None = Field(None, description="返回日期（迁居不填）")


class MovementDecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=2000, description="不予批准须写明理由")


class LeaveReturnIn(Schema):
    returned_on: datetime.date


class ResidenceTransferOut(Schema):
    id: int
    case_id: int
    subject_name: str
    from_org_id: int
    from_org_name: str
    to_org_id: int
    to_org_name: str
    new_address: str
    reason: str
    status: str
    status_label: str
    requested_on: datetime.date
    planned_move_on: datetime.date | None
    reply_due: datetime.date | None
    handover_due: datetime.date | None
    replied_by: str
    reply_note: str
    completed_on: datetime.date | None
    report_due: datetime.date | None
    notices: list[str] = Field(..., description="交接时记录的通知与文书移送（CC-13）")

    @staticmethod
    def resolve_case_id(obj: ResidenceTransfer) -> int:
        return obj.correction_case_id

    @staticmethod
    def resolve_subject_name(obj: ResidenceTransfer) -> str:
        return obj.correction_case.subject.person.name

    @staticmethod
    def resolve_from_org_name(obj: ResidenceTransfer) -> str:
        return obj.from_org.name

    @staticmethod
    def resolve_to_org_name(obj: ResidenceTransfer) -> str:
        return obj.to_org.name

    @staticmethod
    def resolve_status_label(obj: ResidenceTransfer) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_notices(obj: ResidenceTransfer) -> list[str]:
        return sel.transfer_notices(obj) if obj.status == "completed" else []


class ResidenceTransferIn(Schema):
    to_org_id: int = Field(..., description="新执行地司法所（可以是辖区外的司法所）")
    new_address: str = Field(..., max_length=255)
    planned_move_on: datetime.date = Field(..., description="拟迁居日期（应至少提前 transfer.apply_ahead_days 日申请，CC-13 [NV]）")
    reason: str = Field(..., max_length=2000)


class TransferReplyIn(Schema):
    accept: bool
    note: str = Field("", max_length=2000, description="不同意接收须写明理由")


class TransferCompleteIn(Schema):
    completed_on: datetime.date | None = Field(None, description="交接日期（默认今天）")


class ElectronicMonitoringOut(Schema):
    id: int
    case_id: int
    subject_name: str
    ground: str
    ground_label: str
    facts: str
    start_date: datetime.date
    end_date: datetime.date
    extends_id: int | None
    status: str
    status_label: str
    approved_by: str
    removed_on: datetime.date | None
    removal_reason: str

    @staticmethod
    def resolve_case_id(obj: ElectronicMonitoring) -> int:
        return obj.correction_case_id

    @staticmethod
    def resolve_subject_name(obj: ElectronicMonitoring) -> str:
        return obj.correction_case.subject.person.name

    @staticmethod
    def resolve_ground_label(obj: ElectronicMonitoring) -> str:
        return obj.get_ground_display()

    @staticmethod
    def resolve_status_label(obj: ElectronicMonitoring) -> str:
        return obj.get_status_display()


class ElectronicMonitoringIn(Schema):
    ground: str = Field(..., description="、".join(f"{v} {label}" for v, label in MonitoringGround.choices))
    facts: str = Field(..., max_length=4000)
    start_date: datetime.date


class MonitoringExtensionIn(Schema):
    facts: str = Field(..., max_length=4000, description="延长的评估意见和事实依据")


class MonitoringRemovalIn(Schema):
    removed_on: datetime.date
    reason: str = Field(..., max_length=2000)


class MovementConfigOut(Schema):
    leave: dict[str, object]
    transfer: dict[str, object]


# --- 外出 ---------------------------------------------------------------------------------------------


@router.get("/config", response=MovementConfigOut, summary="外出、执行地变更的配置值及其 [NV] 标注")
def movement_config(request: HttpRequest) -> dict[str, object]:
    actor_of(request).require("correction.view")
    return {"leave": config.section("leave"), "transfer": config.section("transfer")}


@router.get("/leaves", response=list[CorrectionLeaveOut], summary="外出（迁居）申请列表（pending=true：待我审批）")
@paginate(PagePagination)
def list_leaves(request: HttpRequest, status: str | None = None, pending: bool = False):  # type: ignore[no-untyped-def]
    actor = actor_of(request)
    actor.require("correction.view")
    if pending:
        return sel.pending_leaves_for(actor)
    rows = sel.leaves_visible_to(actor)
    return rows.filter(status=status) if status else rows


@router.post("/cases/{case_id}/leaves", response={201: CorrectionLeaveOut}, summary="登记外出（迁居）申请")
def create_leave(request: HttpRequest, case_id: int, payload: CorrectionLeaveIn) -> Status[LeaveRequest]:
    actor = actor_of(request)
    actor.require("correction.manage")
    detail = get_visible_or_404(CorrectionCase, actor, pk=case_id)
    leave = services.request_leave(actor=actor, detail=detail, **payload.dict())
    return Status(201, sel.leave_for(actor, leave.pk))


@router.get("/leaves/{leave_id}", response=CorrectionLeaveOut, summary="外出（迁居）申请详情")
def get_leave(request: HttpRequest, leave_id: int) -> LeaveRequest:
    actor = actor_of(request)
    actor.require("correction.view")
    return sel.leave_for(actor, leave_id)


@router.post("/leaves/{leave_id}/decision", response=CorrectionLeaveOut, summary="审批外出（迁居）申请")
def decide_leave(request: HttpRequest, leave_id: int, payload: MovementDecisionIn) -> LeaveRequest:
    actor = actor_of(request)
    actor.require("correction.view")
    leave = sel.leave_for(actor, leave_id)
    return services.decide_leave(actor=actor, leave=leave, approve=payload.approve, note=payload.note)


@router.post("/leaves/{leave_id}/return", response=CorrectionLeaveOut, summary="销假")
def return_leave(request: HttpRequest, leave_id: int, payload: LeaveReturnIn) -> LeaveRequest:
    actor = actor_of(request)
    actor.require("correction.manage")
    leave = sel.leave_for(actor, leave_id)
    return services.check_in_leave(actor=actor, leave=leave, returned_on=payload.returned_on)


# --- 执行地变更 -------------------------------------------------------------------------------------------


@router.get("/transfers", response=list[ResidenceTransferOut], summary="执行地变更列表（incoming=true：待本机构回复）")
@paginate(PagePagination)
def list_transfers(request: HttpRequest, incoming: bool = False):  # type: ignore[no-untyped-def]
    actor = actor_of(request)
    actor.require("correction.view")
    return sel.incoming_transfers(actor) if incoming else sel.transfers_visible_to(actor)


@router.post("/cases/{case_id}/transfers", response={201: ResidenceTransferOut}, summary="申请变更执行地（征求新执行地意见）")
def create_transfer(request: HttpRequest, case_id: int, payload: ResidenceTransferIn) -> Status[ResidenceTransfer]:
    actor = actor_of(request)
    actor.require("correction.manage")
    detail = get_visible_or_404(CorrectionCase, actor, pk=case_id)
    target = sel.transfer_target(payload.to_org_id, field="to_org_id")
    transfer = services.request_transfer(actor=actor, detail=detail, to_org=target, new_address=payload.new_address,
                                         reason=payload.reason, planned_move_on=payload.planned_move_on)
    return Status(201, sel.transfer_for(actor, transfer.pk))


@router.get("/transfers/{transfer_id}", response=ResidenceTransferOut, summary="执行地变更详情")
def get_transfer(request: HttpRequest, transfer_id: int) -> ResidenceTransfer:
    actor = actor_of(request)
    actor.require("correction.view")
    return sel.transfer_for(actor, transfer_id)


@router.post("/transfers/{transfer_id}/reply", response=ResidenceTransferOut, summary="新执行地回复（同意或不同意接收）")
def reply_transfer(request: HttpRequest, transfer_id: int, payload: TransferReplyIn) -> ResidenceTransfer:
    actor = actor_of(request)
    actor.require("correction.manage")
    transfer = sel.transfer_for(actor, transfer_id)
    return services.reply_transfer(actor=actor, transfer=transfer, accept=payload.accept, note=payload.note)


@router.post("/transfers/{transfer_id}/complete", response=ResidenceTransferOut, summary="办理交接（档案移交新执行地）")
def complete_transfer(request: HttpRequest, transfer_id: int, payload: TransferCompleteIn) -> ResidenceTransfer:
    actor = actor_of(request)
    if not role_allowed(actor, AGENCY):
        raise PermissionDeniedError("执行地变更由县级社区矫正机构决定并办理交接（CC-13）")
    transfer = sel.transfer_for(actor, transfer_id)
    if not sel.sees_file(actor, transfer):
        raise NotFound()
    done = services.complete_transfer(actor=actor, transfer=transfer, completed_on=payload.completed_on)
    return rows_of(ResidenceTransfer).select_related("correction_case__subject__person", "from_org",
                                                    "to_org").get(pk=done.pk)


# --- 电子定位 -------------------------------------------------------------------------------------------


@router.get("/monitoring", response=list[ElectronicMonitoringOut], summary="电子定位列表（pending=true：待我审批）")
@paginate(PagePagination)
def list_monitoring(request: HttpRequest, status: str | None = None, pending: bool = False):  # type: ignore[no-untyped-def]
    actor = actor_of(request)
    actor.require("correction.view")
    if pending:
        return sel.pending_monitoring_for(actor)
    rows = sel.monitoring_visible_to(actor)
    return rows.filter(status=status) if status else rows


@router.post("/cases/{case_id}/monitoring", response={201: ElectronicMonitoringOut}, summary="提请使用电子定位装置（CC-19）")
def create_monitoring(request: HttpRequest, case_id: int, payload: ElectronicMonitoringIn) -> Status[ElectronicMonitoring]:
    actor = actor_of(request)
    actor.require("correction.manage")
    detail = get_visible_or_404(CorrectionCase, actor, pk=case_id)
    row = services.request_monitoring(actor=actor, detail=detail, ground=payload.ground, facts=payload.facts,
                                      start_date=payload.start_date)
    return Status(201, sel.monitoring_for(actor, row.pk))


@router.get("/monitoring/{monitoring_id}", response=ElectronicMonitoringOut, summary="电子定位详情")
def get_monitoring(request: HttpRequest, monitoring_id: int) -> ElectronicMonitoring:
    actor = actor_of(request)
    actor.require("correction.view")
    return sel.monitoring_for(actor, monitoring_id)


@router.post("/monitoring/{monitoring_id}/decision", response=ElectronicMonitoringOut,
             summary="审批电子定位（县级司法行政部门负责人，CC-19）")
def decide_monitoring(request: HttpRequest, monitoring_id: int, payload: MovementDecisionIn) -> ElectronicMonitoring:
    actor = actor_of(request)
    actor.require("correction.view")
    row = sel.monitoring_for(actor, monitoring_id)
    return services.decide_monitoring(actor=actor, monitoring=row, approve=payload.approve, note=payload.note)


@router.post("/monitoring/{monitoring_id}/extension", response={201: ElectronicMonitoringOut}, summary="提请延长电子定位期限")
def extend_monitoring(request: HttpRequest, monitoring_id: int, payload: MonitoringExtensionIn) -> Status[ElectronicMonitoring]:
    actor = actor_of(request)
    actor.require("correction.manage")
    row = sel.monitoring_for(actor, monitoring_id)
    return Status(201, services.request_monitoring_extension(actor=actor, monitoring=row, facts=payload.facts))


@router.post("/monitoring/{monitoring_id}/removal", response=ElectronicMonitoringOut, summary="解除电子定位")
def remove_monitoring(request: HttpRequest, monitoring_id: int, payload: MonitoringRemovalIn) -> ElectronicMonitoring:
    actor = actor_of(request)
    actor.require("correction.manage")
    row = sel.monitoring_for(actor, monitoring_id)
    return services.remove_monitoring(actor=actor, monitoring=row, removed_on=payload.removed_on, reason=payload.reason)


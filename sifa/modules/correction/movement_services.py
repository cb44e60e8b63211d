"""Writes of the movement part: 外出/迁居 (CC-12), 执行地变更 (CC-13), 电子定位 (CC-19).

One public service per step, each one durable transaction with one audit event of its action. The
[NV] values (外出 approval levels and caps, 执行地变更 time limits) come from ``config`` and are never
hard-coded; the pages show their flags.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.audit.recorder import record
from sifa.core.cases.errors import GuardFailed, TransitionNotAllowed
from sifa.core.cases.models import Case, CaseDeadline, DeadlineStatus
from sifa.core.cases.services import apply_transition, role_allowed, start_deadline
from sifa.core.errors import Conflict, NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.services import service
from sifa.modules.correction import config
from sifa.modules.correction import movement_selectors as sel
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
    SupervisionTask,
)
from sifa.modules.correction.movement_selectors import rows_of, visible
from sifa.modules.correction.workflow import AGENCY

SUPERVISED_STATES = ("under_correction",)
MONITORABLE_STATES = ("received", "under_correction", "lost_contact", "revocation_proposed", "recommitment_proposed")
MONITORING_DEADLINE_KEY = "monitoring"


def _locked_detail(actor: Actor, detail: CorrectionCase) -> CorrectionCase:
    locked = (CorrectionCase.objects.visible_to(actor).select_for_update(of=("self",)).filter(pk=detail.pk)
              .select_related("case", "subject__person").first())
    if locked is None:
        raise NotFound()
    return locked


def _text(value: str | None, field: str, label: str, *, max_length: int = 2000) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(f"请填写{label}", field=field)
    if len(text) > max_length:
        raise ValidationFailed(f"{label}不能超过 {max_length} 字", field=field)
    return text


# --- 外出 / 迁居 (CC-12) ------------------------------------------------------------------------------


def leave_level(detail: CorrectionCase, *, kind: str, start_date: datetime.date, days: int,
                exclude: int | None = None) -> tuple[str, str]:
    """The approval level of a request and why (RULES.md CC-12, 《社区矫正法》第二十七条第一款; levels and caps
    are config ``leave`` [NV]): up to office_max_days → 司法所; longer, above single_max_days, or past the
    yearly year_max_days → the county agency only. A 迁居 is decided by the county agency."""
    cfg = config.section("leave")
    if kind == LeaveKind.RELOCATION:
        return "county", "迁居由县级社区矫正机构审批"
    used = sel.year_days(detail, start_date.year, exclude=exclude)
    if days > int(cfg["single_max_days"]):
        return "county", f"单次外出 {days} 日，超过单次上限 {cfg['single_max_days']} 日，须县级社区矫正机构审批"
    if used + days > int(cfg["year_max_days"]):
        return "county", f"本年累计外出将达 {used + days} 日，超过年度上限 {cfg['year_max_days']} 日，须县级社区矫正机构审批"
    if days > int(cfg["office_max_days"]):
        return "county", f"外出 {days} 日，超过司法所审批上限 {cfg['office_max_days']} 日，须县级社区矫正机构审批"
    return "office", f"外出 {days} 日（本年累计 {used + days} 日），司法所可以审批"


@service("correction.leave.requested")
def request_leave(*, actor: Actor, detail: CorrectionCase, destination: str, reason: str,
                  start_date: datetime.date, end_date: datetime.date | None = None,
                  kind: str = LeaveKind.LEAVE) -> LeaveRequest:
    """Register a 外出 (or 迁居) request of the subject (CC-12: prior approval is required). The days are
    counted inclusively and the approval level follows config ``leave`` [NV] (``leave_level``)."""
    actor.require("correction.manage")
    locked = _locked_detail(actor, detail)
    if locked.case.state not in SUPERVISED_STATES:
        raise TransitionNotAllowed("只有矫正中的对象可以申请外出或迁居")
    if kind not in LeaveKind.values:
        raise ValidationFailed("类型应为外出或迁居", field="kind")
    destination = _text(destination, "destination", "目的地", max_length=255)
    reason = _text(reason, "reason", "事由")
    if start_date is None:
        raise ValidationFailed("请填写外出日期", field="start_date")
    if kind == LeaveKind.RELOCATION:
        end_date = start_date
        days = 0
    else:
        if end_date is None:
            raise ValidationFailed("请填写返回日期", field="end_date")
        if end_date < start_date:
            raise ValidationFailed("返回日期不能早于外出日期", field="end_date")
        days = (end_date - start_date).days + 1
    assert end_date is not None
    level, why = leave_level(locked, kind=kind, start_date=start_date, days=days)
    leave = rows_of(LeaveRequest).create(correction_case=locked, kind=kind, destination=destination, reason=reason,
                                        start_date=start_date, end_date=end_date, days=days, approval_level=level)
    record(actor=actor, action="correction.leave.requested", obj=leave, org_override=locked.case.org,
           changes={"case": locked.case.number, "kind": kind, "days": days, "approval_level": level, "why": why,
                    "start_date": start_date.isoformat(), "end_date": end_date.isoformat()})
    return leave


def _locked_leave(actor: Actor, leave: LeaveRequest) -> LeaveRequest:
    locked = (visible(LeaveRequest, actor).select_for_update(of=("self",)).filter(pk=leave.pk)
              .select_related("correction_case__case").first())
    if locked is None:
        raise NotFound()
    return locked


@service("correction.leave.decided")
def decide_leave(*, actor: Actor, leave: LeaveRequest, approve: bool, note: str = "") -> LeaveRequest:
    """Approve or refuse a pending request (CC-12: approval "shall" be given for a 正当理由, so a refusal
    states its reason). Only the approver of the request's level may decide (config ``leave`` [NV])."""
    locked = _locked_leave(actor, leave)
    if not sel.can_approve_leave(actor, locked.approval_level):
        who = "县级社区矫正机构" if locked.approval_level == "county" else "司法所或县级社区矫正机构"
        raise GuardFailed(f"该申请应由{who}审批（CC-12；审批层级依配置 leave，{config.flag('leave')}）")
    if locked.status != RequestStatus.PENDING:
        raise Conflict(f"该申请已{locked.get_status_display()}，不能再审批")
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationFailed("不予批准须写明理由（有正当理由的应当批准，CC-12）", field="note")
    locked.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    locked.decided_by = actor.name[:150]
    locked.decided_at = timezone.now()
    locked.decision_note = note[:2000]
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    record(actor=actor, action="correction.leave.decided", obj=locked, org_override=locked.correction_case.case.org,
           changes={"status": locked.status, "note": note[:200], "approval_level": locked.approval_level})
    return locked


@service("correction.leave.returned")
def check_in_leave(*, actor: Actor, leave: LeaveRequest, returned_on: datetime.date) -> LeaveRequest:
    """销假: the subject reported back on ``returned_on``. Later than the return date plus config
    leave.return_checkin_days [NV] counts as an unapproved absence (CC-12 → CC-16/CC-17)."""
    actor.require("correction.manage")
    locked = _locked_leave(actor, leave)
    if locked.kind != LeaveKind.LEAVE:
        raise Conflict("迁居申请不需要销假")
    if locked.status not in (RequestStatus.APPROVED, RequestStatus.OVERDUE):
        raise Conflict(f"该申请{locked.get_status_display()}，不能销假")
    if returned_on is None:
        raise ValidationFailed("请填写销假日期", field="returned_on")
    if returned_on < locked.start_date:
        raise ValidationFailed("销假日期不能早于外出日期", field="returned_on")
    if returned_on > timezone.localdate():
        raise ValidationFailed("销假日期不能晚于今天", field="returned_on")
    locked.returned_on = returned_on
    locked.status = RequestStatus.RETURNED
    locked.save(update_fields=["returned_on", "status"])
    late = (returned_on - sel.return_deadline(locked)).days
    record(actor=actor, action="correction.leave.returned", obj=locked, org_override=locked.correction_case.case.org,
           changes={"returned_on": returned_on.isoformat(), "days_late": max(late, 0)})
    return locked


# --- 执行地变更 (CC-13) ------------------------------------------------------------------------------


def _working_days_after(day: datetime.date, n: int) -> datetime.date:
    from sifa.core.deadlines.selectors import working_calendar

    return working_calendar().add_working_days(day, n)


def _days_after(day: datetime.date, n: int) -> datetime.date:
    """N 日 from ``day`` (GEN-01; last day on a rest day rolls over, GEN-04 default 民法典第二百零三条 [INT])."""
    from sifa.core.deadlines.periods import parse_period
    from sifa.core.deadlines.rules import compute_free
    from sifa.core.deadlines.selectors import working_calendar

    due = compute_free(day, parse_period(f"{n}日"), working_calendar(), explain=False).due
    return due if isinstance(due, datetime.date) and not isinstance(due, datetime.datetime) else due.date()


@service("correction.transfer.requested")
def request_transfer(*, actor: Actor, detail: CorrectionCase, to_org: Org, new_address: str,
                     reason: str, planned_move_on: datetime.date | None) -> ResidenceTransfer:
    """The current office asks to move the 执行地 to another 司法所 (CC-13, 《社区矫正法》第二十七条第二款).

    The request names the planned moving date, which must lie at least config
    transfer.apply_ahead_days [NV] days after the request (0 turns the check off). The new office
    may lie outside the requester's scope; the reply is due within config
    transfer.reply_working_days [NV] working days (deadlines engine calendar)."""
    actor.require("correction.manage")
    locked = _locked_detail(actor, detail)
    if locked.case.state not in SUPERVISED_STATES:
        raise TransitionNotAllowed("只有矫正中的对象可以申请变更执行地")
    if to_org is None or to_org.type != OrgType.JUDICIAL_OFFICE or to_org.valid_to is not None:
        raise ValidationFailed("新执行地应为在用的司法所", field="to_org")
    if to_org.pk == locked.case.org_id:
        raise ValidationFailed("新执行地与现执行地相同", field="to_org")
    new_address = _text(new_address, "new_address", "新居住地", max_length=255)
    reason = _text(reason, "reason", "变更理由")
    today = timezone.localdate()
    ahead = int(config.section("transfer")["apply_ahead_days"])
    if planned_move_on is None:
        raise ValidationFailed("请填写拟迁居日期", field="planned_move_on")
    if planned_move_on < today + datetime.timedelta(days=ahead):
        raise ValidationFailed(
            f"变更执行地应至少提前 {ahead} 日申请，拟迁居日期最早为 {today + datetime.timedelta(days=ahead):%Y-%m-%d}"
            f"（CC-13，配置 transfer.apply_ahead_days [NV]）", field="planned_move_on")
    if rows_of(ResidenceTransfer).filter(correction_case=locked, status__in=(TransferStatus.REQUESTED,
                                                                           TransferStatus.ACCEPTED)).exists():
        raise Conflict("该对象已有办理中的执行地变更")
    due = _working_days_after(today, int(config.section("transfer")["reply_working_days"]))
    transfer = rows_of(ResidenceTransfer).create(
        correction_case=locked, from_org=locked.case.org, to_org=to_org, new_address=new_address, reason=reason,
        requested_on=today, planned_move_on=planned_move_on, reply_due=due)
    record(actor=actor, action="correction.transfer.requested", obj=transfer, org_override=locked.case.org,
           changes={"case": locked.case.number, "to_org": to_org.pk, "reply_due": due.isoformat(),
                    "planned_move_on": planned_move_on.isoformat()})
    return transfer


def _locked_transfer(transfer: ResidenceTransfer) -> ResidenceTransfer:
    locked = (rows_of(ResidenceTransfer).select_for_update(of=("self",)).filter(pk=transfer.pk)
              .select_related("correction_case__case", "from_org", "to_org").first())
    if locked is None:
        raise NotFound()
    return locked


@service("correction.transfer.replied")
def reply_transfer(*, actor: Actor, transfer: ResidenceTransfer, accept: bool, note: str = "") -> ResidenceTransfer:
    """The receiving side (staff of the new 司法所 or of its county) agrees or not (CC-13 征求意见); a refusal
    states its reason. Nothing about the file beyond the request is shown to it before the hand-over.
    An acceptance sets the hand-over due date: config transfer.handover_working_days [NV] working days
    after the reply."""
    actor.require("correction.manage")
    locked = _locked_transfer(transfer)
    if not sel.is_receiving_side(actor, locked):
        if sel.sees_file(actor, locked):
            raise GuardFailed("征求意见应由新执行地司法所或其县级社区矫正机构回复（CC-13）")
        raise NotFound()
    if locked.status != TransferStatus.REQUESTED:
        raise Conflict(f"该变更{locked.get_status_display()}，不能再回复")
    note = (note or "").strip()
    if not accept and not note:
        raise ValidationFailed("不同意接收须写明理由", field="note")
    locked.status = TransferStatus.ACCEPTED if accept else TransferStatus.REJECTED
    locked.replied_by = f"{actor.name}（{actor.org.name if actor.org else '系统'}）"[:150]
    locked.reply_note = note[:2000]
    if accept:
        locked.handover_due = _working_days_after(timezone.localdate(),
                                                  int(config.section("transfer")["handover_working_days"]))
    locked.save(update_fields=["status", "replied_by", "reply_note", "handover_due"])
    record(actor=actor, action="correction.transfer.replied", obj=locked, org_override=actor.org or locked.to_org,
           changes={"status": locked.status, "note": note[:200], "late": timezone.localdate() > (locked.reply_due
                                                                                            or timezone.localdate())})
    return locked


def _county_of(org: Org) -> Org | None:
    parent = org.parent
    while parent is not None and parent.region.level != "county":
        parent = parent.parent
    return parent


def _notices(detail: CorrectionCase, to_org: Org) -> list[str]:
    """CC-13: notify the 决定机关 and the new agency, send the documents to the new agency; it forwards
    them to its local 检察院 and 公安. Recorded as data on the hand-over."""
    county = _county_of(to_org)
    agency = county.name if county else f"{to_org.name}所属县级社区矫正机构"
    externals: dict[str, str] = {}
    if county is not None:
        for type_, name in Org.objects.filter(path__startswith=county.path,
                                              type__in=(OrgType.PROCURATORATE, OrgType.POLICE)).values_list("type", "name"):
            externals.setdefault(type_, name)
    region = county.region.name if county else ""
    procuratorate = externals.get(OrgType.PROCURATORATE, f"{region}人民检察院")
    police = externals.get(OrgType.POLICE, f"{region}公安机关")
    return [
        f"决定机关：书面通知{detail.decision_org_name}（{detail.judgment_number}）执行地已变更",
        f"新执行地社区矫正机构：通知{agency}并移送法律文书和矫正档案",
        f"新执行地人民检察院：由{agency}抄送{procuratorate}",
        f"新执行地公安机关：由{agency}抄送{police}",
    ]


@service("correction.transfer.completed")
def complete_transfer(*, actor: Actor, transfer: ResidenceTransfer,
                      completed_on: datetime.date | None = None) -> ResidenceTransfer:
    """Hand the file over (CC-13): the workflow step ``change_execution_place`` (county agency), the case,
    its detail, its subject and its tasks move to the new office (the old office no longer sees the
    file; its evaluation history moves with it), the notices are recorded, and the subject must report
    at the new place within config transfer.report_days [NV]. A hand-over after the due date set at
    acceptance (transfer.handover_working_days [NV]) is recorded as late, with the days over."""
    if not role_allowed(actor, AGENCY):
        raise PermissionDeniedError("执行地变更由县级社区矫正机构决定并办理交接（CC-13）")
    locked = _locked_transfer(transfer)
    detail = _locked_detail(actor, locked.correction_case)
    if locked.status != TransferStatus.ACCEPTED:
        raise Conflict("新执行地同意接收后才能办理交接" if locked.status == TransferStatus.REQUESTED
                       else f"该变更{locked.get_status_display()}，不能交接")
    today = timezone.localdate()
    completed_on = completed_on or today
    if completed_on > today:
        raise ValidationFailed("交接日期不能晚于今天", field="completed_on")
    to_org = locked.to_org
    notices = _notices(detail, to_org)
    case, _ = apply_transition(actor=actor, case=detail.case, transition="change_execution_place",
                               data={"to_org": to_org.pk, "transfer": locked.pk, "notices": "\n".join(notices)})
    old_org_id = case.org_id
    Case.objects.filter(pk=case.pk).update(org=to_org)
    CorrectionCase.objects.filter(pk=detail.pk).update(org_path=to_org.path)
    detail.subject.__class__.objects.filter(pk=detail.subject_id).update(org=to_org)
    rows_of(SupervisionTask).filter(correction_case=detail).update(org_path=to_org.path)
    _move_scores(case.pk, to_org)
    report_days = int(config.section("transfer")["report_days"])
    locked.status = TransferStatus.COMPLETED
    locked.completed_on = completed_on
    locked.report_due = _days_after(completed_on, report_days)
    locked.save(update_fields=["status", "completed_on", "report_due"])
    late_days = (completed_on - locked.handover_due).days if locked.handover_due else 0
    record(actor=actor, action="correction.transfer.completed", obj=locked, org_override=actor.org,
           changes={"case": case.number, "from_org": old_org_id, "to_org": to_org.pk, "notices": notices,
                    "report_due": locked.report_due.isoformat(), "handover_late_days": max(late_days, 0)})
    return locked


def _move_scores(case_id: int, to_org: Org) -> None:
    """The file's evaluation history (scores and adjustments of the case) follows the file (CC-23, CC-36)."""
    from sifa.core.scoring.models import Adjustment, Score

    Score.objects.filter(subject_kind="case", subject_id=case_id).update(org=to_org)
    Adjustment.objects.filter(subject_kind="case", subject_id=case_id).update(org=to_org)


# --- 电子定位 (CC-19) ---------------------------------------------------------------------------------


def monitoring_end(start: datetime.date) -> datetime.date:
    """RULES.md CC-19 (《社区矫正法》第二十九条第二款): at most 三个月 from the start (GEN-02), a maximum
    duration that never rolls over (GEN-04) — the deadlines engine rule "CC-19"."""
    from sifa.core.deadlines.rules import compute_rule
    from sifa.core.deadlines.selectors import working_calendar

    due = compute_rule("CC-19", start, working_calendar(), explain=False).due
    return due if not isinstance(due, datetime.datetime) else due.date()


@service("correction.monitoring.requested")
def request_monitoring(*, actor: Actor, detail: CorrectionCase, ground: str, facts: str,
                       start_date: datetime.date) -> ElectronicMonitoring:
    """Propose electronic monitoring on one of the five statutory grounds (CC-19, 《社区矫正法》第二十九条
    第一款), checked against the record where it holds the data (``monitoring_ground_check``; C-40: a
    训诫 alone is no ground). The period ends three months after ``start_date`` (C-39)."""
    actor.require("correction.manage")
    locked = _locked_detail(actor, detail)
    if locked.case.state not in MONITORABLE_STATES:
        raise TransitionNotAllowed("该对象当前不在矫正中，不能适用电子定位")
    problem = sel.monitoring_ground_check(locked, ground, facts)
    if problem:
        if ground not in MonitoringGround.values:
            raise ValidationFailed(problem, field="ground")
        if len((facts or "").strip()) < sel.MIN_FACTS:
            raise ValidationFailed(problem, field="facts")
        raise GuardFailed(problem)
    if start_date is None:
        raise ValidationFailed("请填写开始日期", field="start_date")
    if rows_of(ElectronicMonitoring).filter(correction_case=locked, status__in=(MonitoringStatus.PENDING,
                                                                               MonitoringStatus.ACTIVE)).exists():
        raise Conflict("该对象已有待审批或使用中的电子定位，期满前请办理延长")
    row = rows_of(ElectronicMonitoring).create(correction_case=locked, ground=ground, facts=facts.strip()[:4000],
                                              start_date=start_date, end_date=monitoring_end(start_date))
    record(actor=actor, action="correction.monitoring.requested", obj=row, org_override=locked.case.org,
           changes={"case": locked.case.number, "ground": ground, "start_date": start_date.isoformat(),
                    "end_date": row.end_date.isoformat()})
    return row


@service("correction.monitoring.extension_requested")
def request_monitoring_extension(*, actor: Actor, monitoring: ElectronicMonitoring, facts: str) -> ElectronicMonitoring:
    """Propose an extension after evaluation (CC-19, 第二十九条第二款): a new period of at most 三个月 from the
    end of the current one, which needs its own approval (C-39: 2026-02-10 → 2026-05-10, no rollover)."""
    actor.require("correction.manage")
    locked = visible(ElectronicMonitoring, actor).select_for_update(of=("self",)).filter(
        pk=monitoring.pk).select_related("correction_case__case").first()
    if locked is None:
        raise NotFound()
    if locked.status != MonitoringStatus.ACTIVE:
        raise Conflict("只有使用中的电子定位可以延长")
    if rows_of(ElectronicMonitoring).filter(extends=locked).exclude(status=MonitoringStatus.REJECTED).exists():
        raise Conflict("该期间已申请延长")
    facts = _text(facts, "facts", "延长的评估意见和事实依据", max_length=4000)
    row = rows_of(ElectronicMonitoring).create(correction_case=locked.correction_case, ground=locked.ground, facts=facts,
                                              start_date=locked.end_date, end_date=monitoring_end(locked.end_date),
                                              extends=locked)
    record(actor=actor, action="correction.monitoring.extension_requested", obj=row,
           org_override=locked.correction_case.case.org,
           changes={"extends": locked.pk, "start_date": row.start_date.isoformat(), "end_date": row.end_date.isoformat()})
    return row


@service("correction.monitoring.decided")
def decide_monitoring(*, actor: Actor, monitoring: ElectronicMonitoring, approve: bool,
                      note: str = "") -> ElectronicMonitoring:
    """Approve or refuse a proposed period or extension. RULES.md CC-19: only the 县级司法行政部门负责人
    approves (C-39: approval by the 司法所 alone is invalid). On approval the case's em_active flag is
    set, an extension ends the period it extends, and the 三个月 deadline runs on the case."""
    if not sel.can_approve_monitoring(actor):
        raise GuardFailed("电子定位须经县级司法行政部门负责人批准，司法所或其他机构的批准无效"
                          "（CC-19，《社区矫正法》第二十九条第一款）")
    locked = visible(ElectronicMonitoring, actor).select_for_update(of=("self",)).filter(
        pk=monitoring.pk).select_related("correction_case__case", "extends").first()
    if locked is None:
        raise NotFound()
    if locked.status != MonitoringStatus.PENDING:
        raise Conflict(f"该电子定位{locked.get_status_display()}，不能再审批")
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationFailed("不予批准须写明理由", field="note")
    detail = locked.correction_case
    if approve and locked.extends_id is None:
        problem = sel.monitoring_ground_check(detail, locked.ground, locked.facts)
        if problem:
            raise GuardFailed(problem)
    now = timezone.now()
    locked.status = MonitoringStatus.ACTIVE if approve else MonitoringStatus.REJECTED
    locked.approved_by = actor.name[:150]
    locked.approved_at = now
    fields = ["status", "approved_by", "approved_at"]
    if not approve:
        locked.removal_reason = note[:2000]
        fields.append("removal_reason")
    locked.save(update_fields=fields)
    if approve:
        previous = locked.extends
        if previous is not None and previous.status == MonitoringStatus.ACTIVE:
            previous.status = MonitoringStatus.ENDED
            previous.removed_on = previous.end_date
            previous.removal_reason = f"经评估批准延长至 {locked.end_date:%Y-%m-%d}"
            previous.save(update_fields=["status", "removed_on", "removal_reason"])
        start_deadline(case=detail.case, key=MONITORING_DEADLINE_KEY, rule="CC-19", start=locked.start_date)
        CorrectionCase.objects.filter(pk=detail.pk).update(em_active=True)
    record(actor=actor, action="correction.monitoring.decided", obj=locked, org_override=detail.case.org,
           changes={"status": locked.status, "note": note[:200], "extends": locked.extends_id,
                    "end_date": locked.end_date.isoformat()})
    return locked


@service("correction.monitoring.removed")
def remove_monitoring(*, actor: Actor, monitoring: ElectronicMonitoring, removed_on: datetime.date,
                      reason: str) -> ElectronicMonitoring:
    """Remove the device when no longer needed or at the end of the period (CC-19, 第二十九条第二款); the
    em_active flag is cleared and the case's 三个月 deadline stops. No location track is kept (PI-03)."""
    actor.require("correction.manage")
    locked = visible(ElectronicMonitoring, actor).select_for_update(of=("self",)).filter(
        pk=monitoring.pk).select_related("correction_case__case").first()
    if locked is None:
        raise NotFound()
    if locked.status != MonitoringStatus.ACTIVE:
        raise Conflict("只有使用中的电子定位可以解除")
    reason = _text(reason, "reason", "解除理由")
    if removed_on is None:
        raise ValidationFailed("请填写解除日期", field="removed_on")
    if removed_on < locked.start_date:
        raise ValidationFailed("解除日期不能早于开始日期", field="removed_on")
    if removed_on > timezone.localdate():
        raise ValidationFailed("解除日期不能晚于今天", field="removed_on")
    locked.status = MonitoringStatus.ENDED
    locked.removed_on = removed_on
    locked.removal_reason = reason
    locked.save(update_fields=["status", "removed_on", "removal_reason"])
    detail = locked.correction_case
    still = rows_of(ElectronicMonitoring).filter(correction_case=detail, status=MonitoringStatus.ACTIVE).exists()
    if not still:
        CorrectionCase.objects.filter(pk=detail.pk).update(em_active=False)
        CaseDeadline.objects.filter(Q(case=detail.case) & Q(key=MONITORING_DEADLINE_KEY),
                                    status=DeadlineStatus.RUNNING).update(status=DeadlineStatus.STOPPED,
                                                                          stopped_at=timezone.now())
    record(actor=actor, action="correction.monitoring.removed", obj=locked, org_override=detail.case.org,
           changes={"removed_on": removed_on.isoformat(), "reason": reason[:200]})
    return locked


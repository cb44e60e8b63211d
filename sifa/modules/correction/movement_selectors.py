"""Reads of the movement part: 外出/迁居 requests, 执行地变更, 电子定位 — scoped, and the rule reads the
other parts use (``unapproved_absences`` for the CC-16/CC-17 ladder, ``monitoring_ground_check`` for CC-19).

Every list starts from ``Model.objects.visible_to(actor)``; a transfer is also visible to the receiving
side (staff of the new 司法所 or of its county), who must reply to it (CC-13) but learn nothing else
about the file until it is handed over.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from sifa.core.errors import NotFound, ValidationFailed
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import get_visible_or_404
from sifa.modules.correction import config
from sifa.modules.correction.choices import (
    LeaveKind,
    MonitoringGround,
    MonitoringStatus,
    RequestStatus,
    SanctionKind,
    SanctionStatus,
    TransferStatus,
)
from sifa.modules.correction.models import (
    CorrectionCase,
    ElectronicMonitoring,
    LeaveRequest,
    ResidenceTransfer,
    Sanction,
)

if TYPE_CHECKING:
    from sifa.core.accounts.actor import Actor

COUNTY_AGENCY_TYPES = (OrgType.JUSTICE_BUREAU, OrgType.CORRECTION_AGENCY)
MIN_FACTS = 4  # characters of facts a ground needs at least
M = TypeVar("M", bound=models.Model)


def rows_of(model: type[M]) -> QuerySet[M]:
    """All rows of a case-child model, typed as such (``CaseChildQuerySet`` is declared for Model)."""
    return cast("QuerySet[M]", model._default_manager.all())


def visible(model: type[M], actor: Actor) -> QuerySet[M]:
    """``Model.objects.visible_to(actor)``, typed as a queryset of ``model``."""
    rows: Any = model._default_manager.all()
    return cast("QuerySet[M]", rows.visible_to(actor))


# --- who acts where ---------------------------------------------------------------------------------


def is_office(actor: Actor) -> bool:
    """The actor acts at a 司法所."""
    org = actor.org
    return org is not None and org.type == OrgType.JUDICIAL_OFFICE


def is_county_agency(actor: Actor) -> bool:
    """The actor acts at a county-level 司法局 or 社区矫正机构 (the 执行地县级社区矫正机构); system actors too."""
    if actor.is_system:
        return True
    org = actor.org
    return org is not None and org.type in COUNTY_AGENCY_TYPES and org.region.level == "county"


def can_approve_leave(actor: Actor, level: str) -> bool:
    """CC-12 [NV]: an office-level request may be approved by the 司法所 (correction.manage there) or by
    the county agency; a county-level one only by the county agency (correction.approve at the county)."""
    county = is_county_agency(actor) and actor.has_perm("correction.approve")
    if level == "county":
        return county
    return county or (is_office(actor) and actor.has_perm("correction.manage"))


def can_approve_monitoring(actor: Actor) -> bool:
    """CC-19 (《社区矫正法》第二十九条第一款): approval by the 县级司法行政部门负责人 — a leader or a holder of
    correction.approve acting at a county-level justice bureau (or its 社区矫正机构)."""
    if actor.is_system:
        return True
    role = actor.membership.role.code if actor.membership else ""
    return is_county_agency(actor) and (role == "leader" or actor.has_perm("correction.approve"))


# --- 外出 (CC-12) ------------------------------------------------------------------------------------


def leaves_visible_to(actor: Actor) -> QuerySet[LeaveRequest]:
    return (visible(LeaveRequest, actor)
            .select_related("correction_case__case", "correction_case__subject__person"))


def leave_for(actor: Actor, pk: int) -> LeaveRequest:
    return get_visible_or_404(LeaveRequest, actor, pk=pk)


def pending_leaves_for(actor: Actor) -> list[LeaveRequest]:
    """The approver's queue: pending requests in scope that this actor may approve."""
    rows = leaves_visible_to(actor).filter(status=RequestStatus.PENDING).order_by("start_date", "pk")
    return [row for row in rows[:500] if can_approve_leave(actor, row.approval_level)]


def return_deadline(leave: LeaveRequest) -> datetime.date:
    """The last day to report back (销假): the return date plus config leave.return_checkin_days [NV]."""
    return leave.end_date + datetime.timedelta(days=int(config.section("leave")["return_checkin_days"]))


def is_overdue(leave: LeaveRequest, today: datetime.date | None = None) -> bool:
    """Approved, not back, and past the return deadline (CC-12 breach)."""
    today = today or timezone.localdate()
    return (leave.kind == LeaveKind.LEAVE and leave.status in (RequestStatus.APPROVED, RequestStatus.OVERDUE)
            and leave.returned_on is None and return_deadline(leave) < today)


def year_days(detail: CorrectionCase, year: int, *, exclude: int | None = None) -> int:
    """外出 days of the case in ``year`` already approved or waiting (for the yearly cap, CC-12 [NV])."""
    rows = rows_of(LeaveRequest).filter(
        correction_case=detail, kind=LeaveKind.LEAVE, start_date__year=year,
        status__in=(RequestStatus.PENDING, RequestStatus.APPROVED, RequestStatus.RETURNED, RequestStatus.OVERDUE))
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return sum(rows.values_list("days", flat=True))


@dataclass(frozen=True)
class Absence:
    """An absence without approval: back later than allowed, or not back at all (CC-12 breach).

    ``days_late``: days past the return deadline (to today when not back) — the CC-16(1)/CC-17(2)
    "十日" line is applied by the sanctions part with config sanctions.admonition_late_max_days.
    """

    leave: LeaveRequest
    due_back: datetime.date
    returned_on: datetime.date | None
    days_late: int

    @property
    def label(self) -> str:
        if self.returned_on is None:
            return f"外出至 {self.leave.end_date:%Y-%m-%d}，逾期 {self.days_late} 日未归（应于 {self.due_back:%Y-%m-%d} 前销假）"
        return f"外出至 {self.leave.end_date:%Y-%m-%d}，{self.returned_on:%Y-%m-%d} 才销假，逾期 {self.days_late} 日"


def unapproved_absences(detail: CorrectionCase, *, today: datetime.date | None = None,
                        start: datetime.date | None = None, end: datetime.date | None = None) -> list[Absence]:
    """The subject's absences beyond an approved 外出 (RULES.md CC-12: an unapproved absence counts toward
    CC-16, CC-17 and CC-25), oldest first; optionally only those whose return deadline lies in [start, end].

    Read by the sanctions part (训诫/警告 ladder) and by the monthly evaluation.
    """
    today = today or timezone.localdate()
    rows = rows_of(LeaveRequest).filter(correction_case=detail, kind=LeaveKind.LEAVE,
                                       status__in=(RequestStatus.APPROVED, RequestStatus.OVERDUE, RequestStatus.RETURNED))
    return [a for a in (_absence(leave, today) for leave in rows.order_by("end_date", "pk"))
            if a is not None and (start is None or a.due_back >= start) and (end is None or a.due_back <= end)]


def _absence(leave: LeaveRequest, today: datetime.date) -> Absence | None:
    due = return_deadline(leave)
    back = leave.returned_on
    if back is None:
        return Absence(leave, due, None, (today - due).days) if due < today else None
    return Absence(leave, due, back, (back - due).days) if back > due else None


# --- 执行地变更 (CC-13) --------------------------------------------------------------------------------


def _receiving_q(actor: Actor) -> Q:
    if actor.is_system:
        return Q()
    q = Q(pk__in=[])
    for path in actor.scope_paths:
        q |= Q(to_org__path__startswith=path)
    return q


def transfers_visible_to(actor: Actor) -> QuerySet[ResidenceTransfer]:
    """Transfers of files in scope, plus those coming to an office in scope (the receiving side)."""
    own = visible(ResidenceTransfer, actor).values("pk")
    return (rows_of(ResidenceTransfer).filter(Q(pk__in=own) | _receiving_q(actor))
            .select_related("correction_case__case", "correction_case__subject__person", "from_org", "to_org"))


def transfer_for(actor: Actor, pk: int) -> ResidenceTransfer:
    found = transfers_visible_to(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def is_receiving_side(actor: Actor, transfer: ResidenceTransfer) -> bool:
    return actor.is_system or any(transfer.to_org.path.startswith(p) for p in actor.scope_paths)


def sees_file(actor: Actor, transfer: ResidenceTransfer) -> bool:
    return CorrectionCase.objects.visible_to(actor).filter(pk=transfer.correction_case_id).exists()


def incoming_transfers(actor: Actor) -> QuerySet[ResidenceTransfer]:
    return transfers_visible_to(actor).filter(_receiving_q(actor), status=TransferStatus.REQUESTED)


def transfer_targets() -> QuerySet[Org]:
    """Every 司法所 in force (the new 执行地 may lie outside the requester's scope, CC-13)."""
    return Org.objects.filter(type=OrgType.JUDICIAL_OFFICE, valid_to__isnull=True).select_related("parent")


def transfer_target(pk: int | str | None, *, field: str = "to_org") -> Org:
    """A 司法所 by id among all offices; only its name and county are ever shown. An unknown id is an
    input error naming the field (the office list is public within the platform)."""
    try:
        found = transfer_targets().filter(pk=int(pk or 0)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise ValidationFailed("新执行地应为在用的司法所", field=field)
    return found


def transfer_notices(transfer: ResidenceTransfer) -> list[str]:
    """The notices recorded when the file was handed over (from the case's transition log)."""
    from sifa.core.cases.models import CaseTransition

    row = (CaseTransition.objects.filter(case_id=transfer.correction_case_id, name="change_execution_place",
                                         data__transfer=transfer.pk).order_by("-pk").first())
    text = str(row.data.get("notices", "")) if row else ""
    return [line for line in text.split("\n") if line]


# --- 电子定位 (CC-19) ---------------------------------------------------------------------------------


def monitoring_visible_to(actor: Actor) -> QuerySet[ElectronicMonitoring]:
    return (visible(ElectronicMonitoring, actor)
            .select_related("correction_case__case", "correction_case__subject__person", "extends"))


def monitoring_for(actor: Actor, pk: int) -> ElectronicMonitoring:
    return get_visible_or_404(ElectronicMonitoring, actor, pk=pk)


def pending_monitoring_for(actor: Actor) -> list[ElectronicMonitoring]:
    if not can_approve_monitoring(actor):
        return []
    return list(monitoring_visible_to(actor).filter(status=MonitoringStatus.PENDING).order_by("start_date", "pk")[:500])


def current_period(detail: CorrectionCase) -> ElectronicMonitoring | None:
    """The active period of the case (the latest one; an extension ends the period it extends)."""
    return (rows_of(ElectronicMonitoring).filter(correction_case=detail, status=MonitoringStatus.ACTIVE)
            .order_by("-end_date", "-pk").first())


def monitoring_ending(today: datetime.date | None = None, *, ahead_days: int | None = None
                      ) -> QuerySet[ElectronicMonitoring]:
    """Active periods ending within config reminders.monitoring_end_ahead_days, or already past their end."""
    today = today or timezone.localdate()
    ahead = ahead_days if ahead_days is not None else int(config.section("reminders")["monitoring_end_ahead_days"])
    return (rows_of(ElectronicMonitoring).filter(status=MonitoringStatus.ACTIVE,
                                                end_date__lte=today + datetime.timedelta(days=ahead))
            .select_related("correction_case__case", "correction_case__subject__person"))


def monitoring_ground_check(detail: CorrectionCase, ground: str, facts: str) -> str | None:
    """Why ``ground`` does not hold for the case (None when it does) — RULES.md CC-19 (《社区矫正法》第二十九条
    第一款), checked against the record where the record holds the data:

    - 拒不报告且被警告 (第三项): a decided 警告 (Sanction kind warning_sanction) on the case;
    - 被给予治安管理处罚 (第四项): a decided 提请治安管理处罚 on the case;
    - 违反禁止令 (第一项): the judgment carries a 禁止令;
    - the others (未经批准离开市县, 拟提请撤销/收监): the facts must state them.

    A 训诫 alone is no ground (CASES C-40).
    """
    if ground not in MonitoringGround.values:
        return "请选择《社区矫正法》第二十九条第一款规定的五种情形之一（CC-19）"
    if len((facts or "").strip()) < MIN_FACTS:
        return "请写明适用电子定位的事实依据（CC-19）"
    decided = rows_of(Sanction).filter(correction_case=detail, status=SanctionStatus.DECIDED)
    if ground == MonitoringGround.REFUSED_REPORT_WARNED and not decided.filter(kind=SanctionKind.WARNING).exists():
        had = decided.filter(kind=SanctionKind.ADMONITION).exists()
        return ("该对象没有已决定的警告" + ("（仅有训诫）" if had else "")
                + "，不符合“拒不按照规定报告自己的活动情况，被给予警告”的情形（CC-19，《社区矫正法》第二十九条第一款第三项）")
    if ground == MonitoringGround.SECURITY_PENALTY and not decided.filter(
            kind=SanctionKind.SECURITY_PENALTY_REQUEST).exists():
        return "该对象没有已决定的提请治安管理处罚，不符合第二十九条第一款第四项（CC-19）"
    if ground == MonitoringGround.PROHIBITION_ORDER and not detail.prohibition_order.strip():
        return "判决未宣告禁止令，不符合“违反人民法院禁止令”的情形（CC-19，第二十九条第一款第一项）"
    return None


def movement_summary(detail: CorrectionCase) -> dict[str, Any]:
    """What the 外出与执行地变更 card shows (no scope check: the page already holds the case). Two queries:
    the case's requests (a handful) are read once and the list, the absences (``unapproved_absences``) and
    the year's days (``year_days``) are computed from them; then the transfers."""
    today = timezone.localdate()
    every = list(rows_of(LeaveRequest).filter(correction_case=detail).order_by("-start_date", "-pk"))
    counted = (RequestStatus.PENDING, RequestStatus.APPROVED, RequestStatus.RETURNED, RequestStatus.OVERDUE)
    absence_states = (RequestStatus.APPROVED, RequestStatus.OVERDUE, RequestStatus.RETURNED)
    detail.__dict__["_overdue_leaves"] = [x for x in every if x.status == RequestStatus.OVERDUE]  # for case_facts
    own = [leave for leave in every if leave.kind == LeaveKind.LEAVE]
    absences = [a for a in (_absence(leave, today) for leave in sorted(
        (x for x in own if x.status in absence_states), key=lambda x: (x.end_date, x.pk))) if a is not None]
    return {
        "leaves": [(leave, is_overdue(leave, today)) for leave in every[:10]],
        "absences": absences,
        "transfers": list(rows_of(ResidenceTransfer).filter(correction_case=detail).select_related("from_org", "to_org")[:5]),
        "year_days": sum(x.days for x in own if x.start_date.year == today.year and x.status in counted),
        "leave_config": config.section("leave"),
        "leave_flag": config.flag("leave"),
        "transfer_flag": config.flag("transfer"),
    }


def monitoring_summary(detail: CorrectionCase) -> dict[str, Any]:
    """What the 电子定位 card shows, in one query: the latest periods and the active one (``current_period``)."""
    every = list(rows_of(ElectronicMonitoring).filter(correction_case=detail))
    active = sorted((m for m in every if m.status == MonitoringStatus.ACTIVE), key=lambda m: (m.end_date, m.pk))
    return {"monitoring": every[:10], "current_monitoring": active[-1] if active else None}

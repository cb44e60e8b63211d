"""社区矫正 · 外出/迁居 (CC-12), 执行地变更 (CC-13), 电子定位 (CC-19): registrations and alert rules.

- ``correction.leave_overdue``: an approved 外出 whose subject has not reported back by the return date
  plus config leave.return_checkin_days [NV] (an unapproved absence, CC-12 → CC-16/CC-17);
- ``correction.monitoring_ending``: an electronic monitoring period ending within config
  reminders.monitoring_end_ahead_days, or past its end and neither removed nor extended (CC-19: at
  most 三个月 per period, never rolled over).

Both are evaluated by the core alert scan (``alerts.scan``), so they need no job of their own. The
三个月 also runs as the case deadline ``monitoring`` (rule CC-19), with the core 期限 alerts.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from sifa.core.alerts.choices import AlertLevel
from sifa.core.alerts.rules import AlertCondition, AlertRule

AUDIT_ACTIONS = (
    ("correction.leave.requested", "登记社区矫正对象外出（迁居）申请"),
    ("correction.leave.decided", "审批社区矫正对象外出（迁居）申请"),
    ("correction.leave.returned", "社区矫正对象外出销假"),
    ("correction.transfer.requested", "申请变更社区矫正执行地"),
    ("correction.transfer.replied", "回复执行地变更征求意见"),
    ("correction.transfer.completed", "办理执行地变更交接"),
    ("correction.monitoring.requested", "提请使用电子定位装置"),
    ("correction.monitoring.extension_requested", "提请延长电子定位期限"),
    ("correction.monitoring.decided", "审批电子定位"),
    ("correction.monitoring.removed", "解除电子定位"),
)


def _overdue_leaves(today: datetime.date) -> Iterator[AlertCondition]:
    from sifa.modules.correction.choices import LeaveKind, RequestStatus
    from sifa.modules.correction.models import LeaveRequest
    from sifa.modules.correction.movement_selectors import is_overdue, return_deadline, rows_of

    rows = (rows_of(LeaveRequest).filter(kind=LeaveKind.LEAVE, returned_on__isnull=True,
                                        status__in=(RequestStatus.APPROVED, RequestStatus.OVERDUE), end_date__lt=today)
            .select_related("correction_case__case", "correction_case__subject__person"))
    for leave in rows.iterator():
        if not is_overdue(leave, today):
            continue
        case = leave.correction_case.case
        due = return_deadline(leave)
        yield AlertCondition(
            object_type="correction.leaverequest", object_id=str(leave.pk), org_id=case.org_id, case_id=case.pk,
            title=f"{case.number} 社区矫正对象外出逾期未归（应于 {due:%Y-%m-%d} 前销假）",
            detail=f"外出至 {leave.destination}，{leave.start_date:%Y-%m-%d} 至 {leave.end_date:%Y-%m-%d}，"
                   f"已逾期 {(today - due).days} 日；未经批准的外出按 CC-16、CC-17 处理",
            legal_basis="《社区矫正法》第二十七条第一款（CC-12）")


def _monitoring_ending(today: datetime.date) -> Iterator[AlertCondition]:
    from sifa.modules.correction.movement_selectors import monitoring_ending

    for row in monitoring_ending(today).iterator():
        case = row.correction_case.case
        left = (row.end_date - today).days
        when = f"已于 {row.end_date:%Y-%m-%d} 届满，应立即解除或经批准延长" if left < 0 else \
            f"将于 {row.end_date:%Y-%m-%d} 届满（剩余 {left} 天），请评估后解除或报批延长"
        yield AlertCondition(
            object_type="correction.electronicmonitoring", object_id=str(row.pk), org_id=case.org_id, case_id=case.pk,
            title=f"{case.number} 电子定位{when}"[:255],
            detail="每次使用电子定位装置的期限不得超过三个月，延长须经评估并重新批准，每次延长不超过三个月（CC-19）",
            legal_basis="《社区矫正法》第二十九条第二款（CC-19）")


LEAVE_OVERDUE = AlertRule(
    code="correction.leave_overdue", label="社区矫正对象外出逾期未归", level=AlertLevel.ORANGE,
    description="已批准外出的社区矫正对象超过返回日期加销假期限（配置 leave.return_checkin_days）仍未销假",
    legal_basis="《社区矫正法》第二十七条第一款（CC-12）", evaluate=_overdue_leaves, sign_hours=8, handle_hours=24, permission="correction.view")

MONITORING_ENDING = AlertRule(
    code="correction.monitoring_ending", label="电子定位期限即将届满", level=AlertLevel.YELLOW,
    description="电子定位期间在配置 reminders.monitoring_end_ahead_days 天内届满，或已届满仍未解除、延长",
    legal_basis="《社区矫正法》第二十九条第二款（CC-19）", evaluate=_monitoring_ending, permission="correction.view")


def register() -> None:
    """Audit actions, menu, API router, alert rules and the subject-page cards of this part."""
    from sifa.core import registry
    from sifa.core.registry import MenuEntry
    from sifa.modules.correction import panels
    from sifa.modules.correction.movement_api import router
    from sifa.modules.correction.movement_views import leave_panel, monitoring_panel

    for name, label in AUDIT_ACTIONS:
        registry.register_audit_action(name, label)
    registry.menu.register("correction_movement", MenuEntry(
        "correction_movement", "外出与定位审批", "correction:movement_home", icon="route",
        permission="correction.view", order=62, group="社区矫正"))
    registry.api_routers.register("/correction/movement", router)
    registry.alert_rules.register(LEAVE_OVERDUE.code, LEAVE_OVERDUE)
    registry.alert_rules.register(MONITORING_ENDING.code, MONITORING_ENDING)
    panels.register(panels.SubjectPanel(
        key="movement", label="外出与执行地变更", template="correction/movement/_panel_leave.html",
        context=leave_panel, column="main", order=60, permission="correction.view"))
    panels.register(panels.SubjectPanel(
        key="monitoring", label="电子定位", template="correction/movement/_panel_monitoring.html",
        context=monitoring_panel, column="side", order=61, permission="correction.view"))


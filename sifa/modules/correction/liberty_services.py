"""Writes of 被依法限制人身自由 (RULES.md CC-22, 《社区矫正法》第三十二条).

The deciding organ (公安机关, 人民法院, 人民检察院 …) notifies the 社区矫正机构 及时 when a subject is 拘留,
placed in 强制隔离戒毒 or under a 刑事强制措施. The agency records what it was told, when it learned it, and
later the end. One public service per step, one durable transaction, one audit event.

Effects (no others are invented):

- the overlay flag ``liberty_restricted`` is set while any restriction of the case is active;
- a custodial restriction (``CUSTODIAL_KINDS``: 行政拘留、司法拘留、强制隔离戒毒、拘传、刑事拘留、逮捕) pauses
  the supervision tasks: tasks due from its start that are open or were marked missed become 暂停, and none
  are generated for the days it runs; 取保候审 and 监视居住 leave the tasks as they are;
- the correction term (CC-34) and its deadline run on: the statute says nothing about suspending it.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.audit.recorder import record
from sifa.core.errors import Conflict, NotFound, ValidationFailed
from sifa.core.services import service
from sifa.modules.correction import liberty_selectors as sel
from sifa.modules.correction.choices import CUSTODIAL_KINDS, LibertyRestrictionKind, TaskStatus
from sifa.modules.correction.models import CorrectionCase, LibertyRestriction, SupervisionTask
from sifa.modules.correction.services import TERMINAL

MANAGE = "correction.manage"


def _locked_detail(actor: Actor, detail: CorrectionCase) -> CorrectionCase:
    locked = (CorrectionCase.objects.visible_to(actor).select_for_update(of=("self",)).filter(pk=detail.pk)
              .select_related("case", "subject__person").first())
    if locked is None:
        raise NotFound()
    if locked.case.state in TERMINAL:
        raise Conflict("社区矫正已解除或终止，不能再登记")
    return locked


def _text(value: str | None, field: str, label: str, *, max_length: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed(f"请填写{label}", field=field)
    if len(text) > max_length:
        raise ValidationFailed(f"{label}不能超过 {max_length} 字", field=field)
    return text


def _pause_tasks(detail: CorrectionCase, start: datetime.date) -> int:
    """Tasks due from ``start`` that are open or were marked missed become 暂停 (the subject is in custody)."""
    return (SupervisionTask._default_manager
            .filter(correction_case=detail, due_date__gte=start, status__in=(TaskStatus.OPEN, TaskStatus.MISSED))
            .update(status=TaskStatus.PAUSED))


def _resume_tasks(detail: CorrectionCase, today: datetime.date) -> int:
    """After a release: paused tasks due from today on, outside any other custodial restriction still active,
    are open again; paused tasks of past days stay paused (they fell while the agency knew of a custody)."""
    windows = sel.paused_windows(detail)
    ids = [pk for pk, due in SupervisionTask._default_manager.filter(
        correction_case=detail, status=TaskStatus.PAUSED, due_date__gte=today).values_list("pk", "due_date")
        if not sel.in_windows(due, windows)]
    return SupervisionTask._default_manager.filter(pk__in=ids).update(status=TaskStatus.OPEN)


@service("correction.liberty.recorded")
def record_liberty_restriction(*, actor: Actor, detail: CorrectionCase, kind: str, deciding_organ: str,
                               decided_on: datetime.date | None, start_date: datetime.date | None,
                               notified_on: datetime.date | None, expected_end: datetime.date | None = None,
                               decision_number: str = "", note: str = "") -> LibertyRestriction:
    """Record a notice of 拘留、强制隔离戒毒 or a 刑事强制措施 (CC-22, 《社区矫正法》第三十二条: the deciding organ
    notifies the 社区矫正机构 及时). Sets ``liberty_restricted``; a custodial kind pauses the supervision tasks
    from ``start_date``. The term (CC-34) is not suspended. A notice learned long after the decision is kept
    as it came (``notified_on``) and shown as 通知滞后 (CASES.md has no case for CC-22)."""
    from sifa.modules.correction.supervision_services import _sync_tasks

    actor.require(MANAGE)
    locked = _locked_detail(actor, detail)
    if kind not in LibertyRestrictionKind.values:
        raise ValidationFailed("请选择限制人身自由情形", field="kind")
    organ = _text(deciding_organ, "deciding_organ", "决定机关", max_length=128)
    number = _text(decision_number, "decision_number", "决定书文号", max_length=64, required=False)
    today = timezone.localdate()
    if decided_on is None:
        raise ValidationFailed("请填写决定日期", field="decided_on")
    if decided_on > today:
        raise ValidationFailed("决定日期不能晚于今天", field="decided_on")
    if start_date is None:
        raise ValidationFailed("请填写开始执行日期", field="start_date")
    if start_date < decided_on:
        raise ValidationFailed("开始执行日期不能早于决定日期", field="start_date")
    if expected_end is not None and expected_end < start_date:
        raise ValidationFailed("预计结束日期不能早于开始执行日期", field="expected_end")
    if notified_on is None:
        raise ValidationFailed("请填写社区矫正机构获知日期", field="notified_on")
    if notified_on < decided_on:
        raise ValidationFailed("获知日期不能早于决定日期", field="notified_on")
    if notified_on > today:
        raise ValidationFailed("获知日期不能晚于今天", field="notified_on")
    text = _text(note, "note", "情况说明", max_length=2000, required=False)
    row = sel.restrictions().create(
        correction_case=locked, kind=kind, deciding_organ=organ, decision_number=number, decided_on=decided_on,
        start_date=start_date, expected_end=expected_end, notified_on=notified_on, note=text,
        recorded_by=actor.name[:150])
    locked.liberty_restricted = True
    locked.save(update_fields=["liberty_restricted"])
    paused = created = 0
    if kind in CUSTODIAL_KINDS:
        paused = _pause_tasks(locked, start_date)
        created, _removed = _sync_tasks(locked, today)
    record(actor=actor, action="correction.liberty.recorded", obj=row, org_override=locked.case.org,
           object_repr=f"{locked.case.number} {row}",
           changes={"case": locked.case.number, "kind": kind, "deciding_organ": organ,
                    "decided_on": decided_on.isoformat(), "start_date": start_date.isoformat(),
                    "notified_on": notified_on.isoformat(), "notice_lag_days": sel.notice_lag(row),
                    "tasks_paused": paused, "tasks_created": created})
    return row


@service("correction.liberty.ended")
def end_liberty_restriction(*, actor: Actor, restriction: LibertyRestriction, ended_on: datetime.date | None,
                            end_note: str = "") -> LibertyRestriction:
    """Record the end of a restriction (释放、解除、期满、变更强制措施 …; CC-22). The overlay flag clears when no
    other restriction of the case is active; after a custodial one the tasks due from today resume and the
    schedule is generated again. The term (CC-34) never stopped, so nothing is added to it."""
    from sifa.modules.correction.supervision_services import _sync_tasks

    actor.require(MANAGE)
    row = sel.visible_restrictions(actor).select_for_update(of=("self",)).filter(pk=restriction.pk).first()
    if row is None:
        raise NotFound()
    locked = _locked_detail(actor, row.correction_case)
    if row.ended_on is not None:
        raise Conflict(f"该情形已于 {row.ended_on:%Y-%m-%d} 结束")
    today = timezone.localdate()
    if ended_on is None:
        raise ValidationFailed("请填写结束日期", field="ended_on")
    if ended_on < row.start_date:
        raise ValidationFailed("结束日期不能早于开始执行日期", field="ended_on")
    if ended_on > today:
        raise ValidationFailed("结束日期不能晚于今天", field="ended_on")
    row.ended_on = ended_on
    row.end_note = _text(end_note, "end_note", "结束情况", max_length=2000, required=False)
    row.save(update_fields=["ended_on", "end_note"])
    still = sel.restrictions().filter(correction_case=locked, ended_on__isnull=True).exists()
    locked.liberty_restricted = still
    locked.save(update_fields=["liberty_restricted"])
    resumed = created = 0
    if row.kind in CUSTODIAL_KINDS:
        resumed = _resume_tasks(locked, today)
        created, _removed = _sync_tasks(locked, today)
    record(actor=actor, action="correction.liberty.ended", obj=row, org_override=locked.case.org,
           object_repr=f"{locked.case.number} {row}",
           changes={"ended_on": ended_on.isoformat(), "flag_cleared": not still, "tasks_resumed": resumed,
                    "tasks_created": created})
    return row

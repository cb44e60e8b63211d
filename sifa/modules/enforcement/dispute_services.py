"""行政争议 writes: the court's acceptance of a 非诉执行 application (AP-37.accept / AP-37.rule), the
withdrawal of published decision information after a loss (AP-29), and the audited 非诉执行 export.
Each is one transaction with one audit event.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.audit.recorder import record
from sifa.core.cases.models import CaseDeadline, DeadlineStatus
from sifa.core.cases.services import start_deadline, stop_deadline
from sifa.core.errors import ValidationFailed
from sifa.core.services import service
from sifa.modules.enforcement.dispute import COURT_ACCEPT_KEY, COURT_RULE_KEY
from sifa.modules.enforcement.outcome_services import WITHDRAWAL_KEY
from sifa.modules.enforcement.penalty_models import PenaltyCase
from sifa.modules.enforcement.penalty_selectors import penalty_case_for

COURT_ACCEPTED = "enforcement.court_acceptance.recorded"
WITHDRAWN = "enforcement.publication.withdrawn"
NONLITIGATION_EXPORTED = "enforcement.nonlitigation.exported"
AUDIT_ACTIONS = (
    (COURT_ACCEPTED, "登记法院受理强制执行申请", False),
    (WITHDRAWN, "撤回已公开的行政处罚决定信息", False),
    (NONLITIGATION_EXPORTED, "导出非诉执行监督清单", True),
)


def _date(value: Any, *, field: str, label: str) -> datetime.date:
    if value in (None, ""):
        raise ValidationFailed(f"请填写{label}", field=field)
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValidationFailed(f"「{label}」应为日期（YYYY-MM-DD）", field=field) from exc


def _on(day: datetime.date) -> datetime.datetime:
    """The moment a deadline met on ``day`` is recorded as stopped (noon, local time)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def _locked(actor: Actor, detail: PenaltyCase) -> PenaltyCase:
    found = penalty_case_for(actor, detail.pk)
    return PenaltyCase.objects.select_for_update(of=("self",)).select_related("case", "body").get(pk=found.pk)


@service(COURT_ACCEPTED)
def record_court_acceptance(*, actor: Actor, detail: PenaltyCase, accepted_on: datetime.date | str) -> PenaltyCase:
    """The court accepted the application for enforcement: stops AP-37.accept (五日, 《行政强制法》
    第五十六条第一款) and starts AP-37.rule (七日 from acceptance, 第五十七条, 第六十九条), which the
    step 登记法院裁定 stops."""
    actor.require("enforcement.cases.handle")
    found = _locked(actor, detail)
    day = _date(accepted_on, field="accepted_on", label="法院受理日期")
    if found.case.state != "court_application" or found.court_applied_on is None:
        raise ValidationFailed("本案尚未申请人民法院强制执行或法院已裁定，不能登记受理", field="accepted_on")
    if found.court_accepted_on is not None:
        raise ValidationFailed(f"已登记法院于 {found.court_accepted_on:%Y-%m-%d} 受理", field="accepted_on")
    if day < found.court_applied_on:
        raise ValidationFailed("法院受理日期不能早于申请强制执行日期", field="accepted_on")
    if day > timezone.localdate():
        raise ValidationFailed("法院受理日期不能晚于今天", field="accepted_on")
    found.court_accepted_on = day
    found.save(update_fields=["court_accepted_on", "updated_at"])
    stop_deadline(case=found.case, key=COURT_ACCEPT_KEY, at=_on(day))
    deadline = start_deadline(case=found.case, key=COURT_RULE_KEY, rule="AP-37.rule", start=day)
    record(actor=actor, action=COURT_ACCEPTED, obj=found.case, object_repr=str(found),
           changes={"accepted_on": day.isoformat(), "ruling_due": deadline.due_date.isoformat()})
    return found


@service(WITHDRAWN)
def record_publication_withdrawal(*, actor: Actor, detail: PenaltyCase, withdrawn_on: datetime.date | str,
                                  explanation: str) -> CaseDeadline:
    """The published decision information was withdrawn, with a public explanation, after the decision
    was changed, revoked, or declared unlawful or void: stops the AP-29 三日 (工作日) deadline
    (《行政处罚法》第四十八条第二款、第八十五条; C-30: revoked 2026-02-12 → by 2026-02-24). A withdrawal
    after the due date is still recorded, marked late (days late in the audit event)."""
    actor.require("enforcement.cases.handle")
    found = _locked(actor, detail)
    day = _date(withdrawn_on, field="withdrawn_on", label="撤回日期")
    text = str(explanation or "").strip()
    if not text:
        raise ValidationFailed("请填写公开说明（撤回原因）", field="explanation")
    if len(text) > 2000:
        raise ValidationFailed("公开说明不能超过 2000 个字符", field="explanation")
    deadline = CaseDeadline.objects.filter(case=found.case, key=WITHDRAWAL_KEY).first()
    if deadline is None:
        raise ValidationFailed("本案没有需要撤回的公开信息（已公开的决定被变更、撤销、确认违法或确认无效后才需撤回，AP-29）",
                               field="withdrawn_on")
    if deadline.status != DeadlineStatus.RUNNING:
        raise ValidationFailed("已登记撤回公开信息", field="withdrawn_on")
    if day < deadline.start_date:
        raise ValidationFailed(f"撤回日期不能早于处罚决定被改变之日（{deadline.start_date:%Y-%m-%d}）", field="withdrawn_on")
    if day > timezone.localdate():
        raise ValidationFailed("撤回日期不能晚于今天", field="withdrawn_on")
    stopped = stop_deadline(case=found.case, key=WITHDRAWAL_KEY, at=_on(day))
    assert stopped is not None
    late = max((day - stopped.due_date).days, 0)
    record(actor=actor, action=WITHDRAWN, obj=found.case, object_repr=str(found),
           changes={"withdrawn_on": day.isoformat(), "due": stopped.due_date.isoformat(), "late_days": late,
                    "explanation": text[:500]})
    return stopped


@service(NONLITIGATION_EXPORTED)
def record_nonlitigation_export(*, actor: Actor, description: str, row_count: int) -> None:
    """An Excel export of the 非诉执行 supervision list (party names: personal data)."""
    actor.require("enforcement.cases.view")
    record(actor=actor, action=NONLITIGATION_EXPORTED, object_type="enforcement.penaltycase",
           object_repr=description[:255], changes={"rows": row_count})

"""复议/诉讼 outcomes of penalty decisions: ``record_outcome`` (one audit event), the 复盘 alert rule
ENF-REVIEW-LOSS, and the loss-rate selector (by body and power item) for the dashboard.

A loss (撤销 / 变更 / 确认违法 / 确认无效):
- opens the 复盘 (post-loss review) alert ``enforcement.review_loss`` (ENF-REVIEW-LOSS) for the body's
  org on the core alert loop: "复盘：…", closed by the core alert handling (签收 → 处置 → 核查);
- if the decision was published (公开, AP-29), starts the AP-29 三日 (工作日) withdrawal deadline on the
  case from the outcome's date (《行政处罚法》第四十八条第二款、第八十五条; CASES C-30).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from sifa.core.accounts.actor import Actor
from sifa.core.alerts.choices import AlertLevel
from sifa.core.alerts.rules import AlertCondition, AlertRule
from sifa.core.alerts.services import open_alert_in_transaction
from sifa.core.audit.recorder import record
from sifa.core.cases.services import start_deadline
from sifa.core.errors import ValidationFailed
from sifa.core.services import service
from sifa.modules.enforcement.outcome_models import LOSSES, RemedyKind, RemedyOutcome, RemedyResult
from sifa.modules.enforcement.penalty_models import PenaltyCase
from sifa.modules.enforcement.penalty_selectors import penalty_case_for

RECORDED = "enforcement.remedy_outcome.recorded"
AUDIT_ACTIONS = ((RECORDED, "登记复议、诉讼结果", False),)
WITHDRAWAL_KEY = "publication_withdrawal"
DECIDED_STATES = frozenset({
    "decided", "served", "published", "payment_due", "overdue", "demand_served", "court_application",
    "court_ruled", "on_spot_decided", "record_filed", "paid", "closed", "no_penalty",
})

REVIEW_LOSS = AlertRule(
    code="enforcement.review_loss", label="败诉复盘", level=AlertLevel.ORANGE,
    description="ENF-REVIEW-LOSS：行政处罚决定在行政复议或行政诉讼中被撤销、变更、确认违法或确认无效，执法主体应组织复盘",
    legal_basis="《行政处罚法》第七十五条第二款（行政机关发现错误应当主动改正）；复盘为本平台工作要求",
    evaluate=None, sign_hours=48, handle_hours=24 * 30, permission="enforcement.cases.view")


def _date(value: Any, *, field: str, label: str, required: bool = True) -> datetime.date | None:
    if value in (None, ""):
        if required:
            raise ValidationFailed(f"请填写{label}", field=field)
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValidationFailed(f"「{label}」应为日期（YYYY-MM-DD）", field=field) from exc


@service(RECORDED)
def record_outcome(*, actor: Actor, detail: PenaltyCase, kind: str, authority: str, result: str,
                   decided_on: datetime.date | str | None, filed_on: datetime.date | str | None = None,
                   note: str = "") -> RemedyOutcome:
    """Record the result of a 行政复议 / 行政诉讼 against the case's decision. A loss opens the 复盘
    alert (ENF-REVIEW-LOSS) for the body's org and, for a published decision, starts the AP-29 三日
    (工作日) withdrawal deadline from ``decided_on`` (《行政处罚法》第四十八条第二款、第八十五条, C-30)."""
    actor.require("enforcement.cases.handle")
    found = penalty_case_for(actor, detail.pk)
    if found.case.state not in DECIDED_STATES or found.decided_on is None:
        raise ValidationFailed("案件尚未作出处罚决定，不能登记复议、诉讼结果", field="kind")
    if kind not in RemedyKind.values:
        raise ValidationFailed("类型应为行政复议、行政诉讼（一审）或行政诉讼（二审）", field="kind")
    if result not in RemedyResult.values:
        raise ValidationFailed("结果应为维持、驳回、撤销、变更、确认违法、确认无效或撤回", field="result")
    name = str(authority or "").strip()
    if not name:
        raise ValidationFailed("请填写复议机关或人民法院", field="authority")
    if len(name) > 128:
        raise ValidationFailed("复议机关或人民法院不能超过 128 个字符", field="authority")
    decided = _date(decided_on, field="decided_on", label="决定（裁判）日期")
    filed = _date(filed_on, field="filed_on", label="申请（起诉）日期", required=False)
    assert decided is not None
    if decided < found.decided_on:
        raise ValidationFailed("决定（裁判）日期不能早于处罚决定日期", field="decided_on")
    if filed is not None and filed > decided:
        raise ValidationFailed("申请（起诉）日期不能晚于决定（裁判）日期", field="filed_on")
    outcome = RemedyOutcome.objects.create(
        case=found, org=found.case.org, kind=kind, authority=name, filed_on=filed, decided_on=decided, result=result,
        note=str(note or "").strip()[:2000], recorded_by=actor.name[:64])
    changes: dict[str, Any] = {"kind": kind, "result": result, "decided_on": decided.isoformat()}
    if result in LOSSES:
        alert = open_alert_in_transaction(rule=REVIEW_LOSS, actor_name=actor.name, condition=AlertCondition(
            object_type="enforcement.remedyoutcome", object_id=str(outcome.pk), org_id=found.body.org_id,
            case_id=found.case.pk,
            title=f"复盘：{found.case.number}处罚决定被{outcome.get_kind_display()}{outcome.get_result_display()}",
            detail=f"{found.body.name} · {found.decision_number} · {name} {decided:%Y-%m-%d} "
                   f"{outcome.get_result_display()}。请查明原因、整改并核查。"))
        if alert is not None:
            outcome.review_alert_id = alert.pk
            outcome.save(update_fields=["review_alert_id"])
            changes["review_alert"] = alert.pk
        if found.published_on is not None:
            deadline = start_deadline(case=found.case, key=WITHDRAWAL_KEY, rule="AP-29", start=decided)
            changes["withdrawal_due"] = deadline.due_date.isoformat()
    record(actor=actor, action=RECORDED, obj=found.case, object_repr=f"{found.case.number} {outcome}",
           changes=changes)
    return outcome


# --- reads -----------------------------------------------------------------------------------------


def outcomes_visible_to(actor: Actor) -> QuerySet[RemedyOutcome]:
    actor.require("enforcement.cases.view")
    return RemedyOutcome.objects.visible_to(actor).select_related("case", "case__case", "case__body", "imported")


def outcomes_of(detail: PenaltyCase) -> list[RemedyOutcome]:
    return list(RemedyOutcome.objects.filter(case=detail).order_by("decided_on", "id"))


@dataclass(frozen=True)
class LossRate:
    """Outcomes recorded and lost for one (body, power item) pair."""

    body_id: int
    body_name: str
    power_item_id: int | None
    power_item_name: str
    outcomes: int
    losses: int

    @property
    def rate(self) -> float:
        return round(self.losses / self.outcomes, 4) if self.outcomes else 0.0


def loss_rates(actor: Actor, *, since: datetime.date | None = None) -> list[LossRate]:
    """复议/诉讼 loss rate by body and power item over the actor's subtree (for the dashboard)."""
    qs = outcomes_visible_to(actor).filter(case__isnull=False)
    if since is not None:
        qs = qs.filter(decided_on__gte=since)
    rows: Iterable[dict[str, Any]] = (
        qs.values("case__body_id", "case__body__name", "case__power_item_id", "case__power_item__name")
        .annotate(n=Count("id"), lost_n=Count("id", filter=Q(result__in=list(LOSSES))))
        .order_by("case__body__name", "case__power_item__name"))
    return [LossRate(body_id=r["case__body_id"], body_name=r["case__body__name"], power_item_id=r["case__power_item_id"],
                     power_item_name=r["case__power_item__name"] or "（未关联事项）", outcomes=r["n"], losses=r["lost_n"])
            for r in rows]

"""败诉风险提示: concrete risks of a 行政处罚 case losing in 行政复议 / 行政诉讼, each with its rule.

``litigation_risks(case, similar_outcomes)`` reads the case (its procedural facts and deadlines) and the
recorded 复议/诉讼 outcomes of similar cases; it writes nothing. Checks:

- AP-27 / AP-25 / AP-28 … — a statutory deadline of the case overdue (running past its due date, or
  completed after it): 《行政处罚法》第六十条 etc. (the deadline's own rule and article);
- AP-24 — a hearing right required (第六十三条) but not stated in the 告知;
- AP-12 — fewer than two officers, or an officer without a valid 执法证 for the item (第四十二条);
- AP-22 — 法制审核 required (第五十八条) but not done at the deciding stage;
- AP-23 — the decision stage reached without the 告知 served (第四十四条、第六十二条);
- AP-07 — the limitation had run when the act was discovered (第三十六条);
- similar cases — "N of M similar cases with a recorded outcome were 撤销/变更/确认违法/确认无效".
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone

if TYPE_CHECKING:
    from sifa.modules.enforcement.penalty_models import PenaltyCase
    from sifa.modules.enforcement.similar import SimilarCase

HIGH, MEDIUM, LOW = "high", "medium", "low"
LEVEL_LABELS = {HIGH: "高", MEDIUM: "中", LOW: "低"}
LEVEL_BADGES = {HIGH: "bg-red text-white", MEDIUM: "bg-orange text-white", LOW: "bg-yellow-lt"}
# States from which the decision is being prepared or has been made (AP-22 / AP-23 matter from here).
DECIDING = frozenset({"pre_decision_notice_served", "hearing_requested", "hearing_notified", "hearing_held",
                      "hearing_waived", "legal_review", "legal_reviewed"})
DECIDED = frozenset({"decided", "served", "published", "payment_due", "overdue", "demand_served",
                     "court_application", "court_ruled", "paid", "closed"})
PRE_FILING = frozenset({"clue_received"})


@dataclass(frozen=True)
class Risk:
    """One risk: the RULES.md id it comes from, a Chinese explanation, a level (high/medium/low)."""

    rule_id: str
    text: str
    level: str
    cases: tuple[str, ...] = field(default=())

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, self.level)

    @property
    def badge(self) -> str:
        return LEVEL_BADGES.get(self.level, "bg-secondary-lt")


def _deadline_risks(case: PenaltyCase, today: datetime.date) -> list[Risk]:
    from sifa.core.cases.models import CaseDeadline, DeadlineStatus

    out = []
    for d in CaseDeadline.objects.filter(case=case.case).order_by("due_date", "id"):
        if d.status == DeadlineStatus.RUNNING and d.due_date < today:
            out.append(Risk(d.rule_id, f"「{d.label}」已于 {d.due_date:%Y-%m-%d} 届满仍未完成（{d.article}），"
                                       "程序超期可能被认定程序违法", HIGH))
        elif d.status == DeadlineStatus.STOPPED and d.stopped_at is not None \
                and timezone.localdate(d.stopped_at) > d.due_date:
            out.append(Risk(d.rule_id, f"「{d.label}」届满日为 {d.due_date:%Y-%m-%d}，"
                                       f"{timezone.localdate(d.stopped_at):%Y-%m-%d} 才完成（{d.article}）", MEDIUM))
    return out


def _hearing_risk(case: PenaltyCase) -> Risk | None:
    from sifa.modules.enforcement.rules import hearing_required

    types = case.decision_types or case.proposed_types
    amount = case.decision_amount if case.decision_types else case.proposed_amount
    if not types or case.hearing_offered or case.notice_served_on is None:
        return None
    field_code = case.power_item.field if case.power_item else ""
    try:
        required = any(hearing_required(t, amount, case.party_type, case.body, field=field_code) for t in types)
    except (ValueError, LookupError):
        return None
    if not required:
        return None
    return Risk("AP-24", "拟作出（已作出）的处罚属于应当告知听证权利的情形，但告知时未告知听证权利"
                         "（《行政处罚法》第六十三条）", HIGH)


def _officer_risk(case: PenaltyCase) -> Risk | None:
    from sifa.core.errors import SifaError
    from sifa.modules.enforcement.rules import check_case_officers

    if case.case.state in PRE_FILING:
        return None
    try:
        check_case_officers(list(case.officers.select_related("person", "body")), case.power_item,
                            case.filed_on or timezone.localdate())
    except SifaError as exc:
        return Risk("AP-12", f"执法人员不符合要求：{exc.message}", HIGH)
    return None


def litigation_risks(case: PenaltyCase, similar_outcomes: Sequence[SimilarCase]) -> list[Risk]:
    """The risks of ``case`` (see the module docstring), highest level first, then by rule id."""
    from sifa.modules.enforcement import penalty

    today = timezone.localdate()
    state = case.case.state
    risks = _deadline_risks(case, today)
    for found in (_hearing_risk(case), _officer_risk(case)):
        if found is not None:
            risks.append(found)
    stage = state in DECIDING or state in DECIDED
    if stage and case.legal_review_required and case.legal_reviewed_on is None:
        risks.append(Risk("AP-22", "本案属于应当法制审核的情形，尚未经法制审核（《行政处罚法》第五十八条）", HIGH))
    if (state in DECIDED and case.procedure == "ordinary" and case.notice_served_on is None):
        risks.append(Risk("AP-23", "作出处罚决定前未向当事人送达事先告知书（《行政处罚法》第四十四条、第六十二条）", HIGH))
    if penalty.limitation(case.act_date, case.act_end_date, case.discovered_on, case.serious_harm).expired:
        risks.append(Risk("AP-07", "违法行为在法定期限内未被发现，不再给予行政处罚（《行政处罚法》第三十六条）", HIGH))
    with_outcome = [s for s in similar_outcomes if s.remedies]
    lost = [s for s in with_outcome if s.lost]
    if lost:
        listed = tuple(f"{s.source_org} {s.number or '（无文号）'}：" + "、".join(f"{k}{r}" for k, r, _ in s.remedies)
                       for s in lost)
        level = HIGH if len(lost) * 2 >= len(with_outcome) else MEDIUM
        risks.append(Risk("ENF-SIMILAR-LOSS", f"{len(with_outcome)} 件有复议、诉讼结果的类案中，{len(lost)} 件被撤销、变更、"
                                 "确认违法或确认无效，请对照其理由复核本案", level, listed))
    order = {HIGH: 0, MEDIUM: 1, LOW: 2}
    return sorted(risks, key=lambda r: (order.get(r.level, 3), r.rule_id))

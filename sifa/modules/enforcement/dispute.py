"""行政争议 calculations: the 非诉执行监督 rows (AP-37), the court-window alert rule, and the law citer of
open 行政处罚 cases. Pure reads; writes are in ``dispute_services``.

非诉执行 (《行政强制法》第五十三条至第五十七条、第六十九条; RULES.md AP-37):

- the court may be applied to only 十日 (工作日) after the 催告书 was served (第五十四条; C-31:
  2026-04-28 → 2026-05-14), ``penalty.earliest_court_application``;
- and only after the 复议 (六十日) and 诉讼 (六个月) windows from service closed, within 三个月
  (第五十三条; C-32: served 2026-01-20 → by 2026-10-20), ``penalty.court_application_window``;
- the court accepts within 五日 (AP-37.accept, 第五十六条第一款) and rules within 七日 of acceptance
  (AP-37.rule, 第五十七条).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.urls import reverse

from sifa.core.alerts.choices import AlertLevel
from sifa.core.alerts.rules import AlertCondition, AlertRule
from sifa.core.cases import deadline_bridge
from sifa.core.cases.models import CaseDeadline
from sifa.core.laws.citations import Citer, CitingObject, parse_citations
from sifa.modules.enforcement import config, penalty
from sifa.modules.enforcement.penalty_models import PenaltyCase
from sifa.modules.enforcement.penalty_workflow import PENALTY, PENALTY_WORKFLOW

#: The states of 非诉执行: overdue, 催告 served, applied to the court, ruled.
NONLITIGATION_STATES = ("overdue", "demand_served", "court_application", "court_ruled")
NOT_APPLIED_STATES = ("overdue", "demand_served")
TERMINAL_STATES = frozenset(s.code for s in PENALTY_WORKFLOW.states if s.terminal)
STATE_LABELS = {s.code: s.label for s in PENALTY_WORKFLOW.states}
COURT_ACCEPT_KEY = "court_accept"
COURT_RULE_KEY = "court_rule"
DEFAULT_WINDOW_DAYS = 15
AP37_BASIS = "AP-37，《行政强制法》第五十三条"

FLAG_LABELS = {
    "too_early": "申请早于法定最早日期",
    "window_closing": "申请期限即将届满",
    "window_lapsed": "申请期限已届满未申请",
    "accept_overdue": "法院受理超期",
    "rule_overdue": "法院裁定超期",
}
FLAG_BADGES = {"too_early": "bg-red text-white", "window_closing": "bg-orange text-white",
               "window_lapsed": "bg-red text-white", "accept_overdue": "bg-orange text-white",
               "rule_overdue": "bg-orange text-white"}


def window_closing_days() -> int:
    """Lead time of the court-window flag and alert (``[nonlitigation] window_closing_days``, 15 as shipped)."""
    return int(config.load().get("nonlitigation", {}).get("window_closing_days", DEFAULT_WINDOW_DAYS))


@dataclass
class NonLitigationRow:
    """One case in 非诉执行, with the AP-37 dates and flags."""

    detail: PenaltyCase
    served_on: datetime.date | None
    demand_served_on: datetime.date | None
    earliest_application: datetime.date | None  # AP-37, 第五十四条 (C-31)
    window_opens: datetime.date | None  # after 复议 and 诉讼 windows (C-32)
    window_closes: datetime.date | None  # 三个月 (AP-37.window)
    applied_on: datetime.date | None
    accept_due: datetime.date | None  # AP-37.accept
    accepted_on: datetime.date | None
    rule_due: datetime.date | None  # AP-37.rule
    ruled_on: datetime.date | None
    flags: list[str] = field(default_factory=list)

    @property
    def number(self) -> str:
        return self.detail.case.number

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.detail.case.state, self.detail.case.state)

    @property
    def flag_items(self) -> list[tuple[str, str, str]]:
        return [(f, FLAG_LABELS[f], FLAG_BADGES[f]) for f in self.flags]


def _due(detail: PenaltyCase, key: str) -> datetime.date | None:
    for d in detail.case.deadlines.all():  # prefetched by the caller
        if d.key == key:
            return d.due_date
    return None


def nonlitigation_row(detail: PenaltyCase, today: datetime.date, lead_days: int | None = None) -> NonLitigationRow:
    """The row of one case: dates (AP-37, C-31, C-32) and flags as of ``today``.

    Flags: ``too_early`` (applied before the earliest date or before the windows closed — the step's
    guard refuses it, shown should data arrive otherwise); ``window_closing`` (no application yet and
    the 三个月 end is within ``lead_days``); ``window_lapsed`` (no application and the end passed);
    ``accept_overdue`` (applied, no acceptance recorded after the AP-37.accept 五日); ``rule_overdue``
    (accepted, no ruling after the AP-37.rule 七日)."""
    lead = window_closing_days() if lead_days is None else lead_days
    earliest = penalty.earliest_court_application(detail.demand_served_on) if detail.demand_served_on else None
    window = penalty.court_application_window(detail.served_on) if detail.served_on else None
    accept_due = _due(detail, COURT_ACCEPT_KEY)
    if accept_due is None and detail.court_applied_on is not None:
        accept_due = deadline_bridge.compute("AP-37.accept", detail.court_applied_on).due_date
    rule_due = _due(detail, COURT_RULE_KEY)
    row = NonLitigationRow(
        detail=detail, served_on=detail.served_on, demand_served_on=detail.demand_served_on,
        earliest_application=earliest, window_opens=window.opens if window else None,
        window_closes=window.closes if window else None, applied_on=detail.court_applied_on,
        accept_due=accept_due, accepted_on=detail.court_accepted_on, rule_due=rule_due,
        ruled_on=detail.court_ruled_on)
    applied = detail.court_applied_on
    if applied is not None and ((earliest and applied < earliest) or (window and applied < window.opens)):
        row.flags.append("too_early")
    if applied is None and window is not None and detail.paid_on is None:
        left = (window.closes - today).days
        if 0 <= left <= lead:
            row.flags.append("window_closing")
        elif left < 0:
            row.flags.append("window_lapsed")
    if applied is not None and detail.court_accepted_on is None and detail.court_ruled_on is None \
            and accept_due is not None and today > accept_due:
        row.flags.append("accept_overdue")
    if detail.court_accepted_on is not None and detail.court_ruled_on is None and rule_due is not None \
            and today > rule_due:
        row.flags.append("rule_overdue")
    return row


def nonlitigation_cases(qs: QuerySet[PenaltyCase], state: str = "") -> QuerySet[PenaltyCase]:
    """The cases of ``qs`` (already scoped) in 非诉执行, oldest service first."""
    states = (state,) if state in NONLITIGATION_STATES else NONLITIGATION_STATES
    return (qs.filter(case__state__in=states).prefetch_related("case__deadlines")
            .order_by("served_on", "case_id"))


def rows_for(details: Iterable[PenaltyCase], today: datetime.date) -> list[NonLitigationRow]:
    lead = window_closing_days()
    return [nonlitigation_row(d, today, lead) for d in details]


# --- the alert rule --------------------------------------------------------------------------------


def window_closing_conditions(today: datetime.date) -> Iterator[AlertCondition]:
    """enforcement.court_window_closing: not yet applied (逾期 or 已催告), unpaid, and the 三个月 window of
    AP-37 (《行政强制法》第五十三条, C-32) ends within ``window_closing_days`` days."""
    lead = window_closing_days()
    qs = (PenaltyCase.objects.filter(case__state__in=NOT_APPLIED_STATES, court_applied_on__isnull=True,
                                     paid_on__isnull=True, served_on__isnull=False)
          .select_related("case", "body").order_by("served_on", "case_id"))
    for detail in qs.iterator(chunk_size=500):
        assert detail.served_on is not None
        closes = penalty.court_application_window(detail.served_on).closes
        left = (closes - today).days
        if 0 <= left <= lead:
            yield AlertCondition(
                object_type="enforcement.penaltycase", object_id=str(detail.pk), org_id=detail.body.org_id,
                case_id=detail.pk, legal_basis=AP37_BASIS,
                title=f"{detail.case.number}申请法院强制执行的期限将于 {closes:%Y-%m-%d} 届满（还有 {left} 天）",
                detail=f"{detail.body.name} · {detail.party_name} · 决定书 {detail.decision_number} "
                       f"{detail.served_on:%Y-%m-%d} 送达，尚未申请人民法院强制执行。"
                       + ("尚未催告，须先催告并待十日（工作日）。" if detail.demand_served_on is None else ""))


COURT_WINDOW_CLOSING = AlertRule(
    code="enforcement.court_window_closing", label="申请法院强制执行期限将届满", level=AlertLevel.ORANGE,
    description="ENF-COURT-WINDOW：行政处罚决定未履行、尚未申请人民法院强制执行，三个月申请期限在提醒天数内"
                "（默认 15 天，配置 nonlitigation.window_closing_days）届满（AP-37）",
    legal_basis="AP-37，《行政强制法》第五十三条", evaluate=window_closing_conditions, sign_hours=24,
    handle_hours=24 * 7, permission="enforcement.cases.view")


# --- the law citer of open penalty cases ----------------------------------------------------------


def find_citing_cases(law_title: str, changed: set[tuple[int, int]], removed: set[tuple[int, int]],
                      repealed: bool) -> Iterator[CitingObject]:
    """Open (not terminal) 行政处罚 cases whose 违法依据和处罚依据 cite an article of ``law_title`` in
    ``changed`` or ``removed`` (any article when ``repealed``); owned by the case's org."""
    wanted = changed | removed
    qs = (PenaltyCase.objects.filter(case__case_type=PENALTY, cited_articles__contains=law_title)
          .exclude(case__state__in=TERMINAL_STATES).select_related("case", "case__org").order_by("case_id"))
    for detail in qs.iterator(chunk_size=500):
        pairs = sorted({(a.number, a.sub) for a in parse_citations(detail.cited_articles)
                        if a.law_title == law_title and (repealed or (a.number, a.sub) in wanted)})
        if pairs:
            yield CitingObject(org=detail.case.org, label=f"行政处罚案件 {detail.case.number} {detail.party_name}"
                                                          f"（{STATE_LABELS.get(detail.case.state, detail.case.state)}）",
                               url=reverse("enforcement:penalty_case", args=[detail.pk]), articles=pairs)


CASE_CITER = Citer(key="enforcement.penalty_case", label="行政处罚案件", find=find_citing_cases)


def deadline_of(detail: PenaltyCase, key: str) -> CaseDeadline | None:
    return CaseDeadline.objects.filter(case_id=detail.pk, key=key).first()

"""执法监督驾驶舱 figures: one org's subtree (province → city → county → 执法主体) for one period.

What is counted (each figure links to the case list filtered the same way, ``case_list_url``):

- cases registered (登记) in the period, by state group (办理中/已决定/执行中/已结案/不予处罚/移送) and by body;
- running statutory deadlines past their due date today (AP-27 decision, AP-31 payment …), with rule ids;
- of the cases decided in the period (ordinary procedure, 处罚决定 or 不予处罚):
  the hearing rate (AP-24, 《行政处罚法》第六十三条: hearing right stated / proposal requiring it; hearings
  requested and held), the legal-review rate (AP-22, 第五十八条: reviewed / required) and the average days
  立案 → 决定 (AP-27, 第六十条: 九十日);
- fines decided in the period, paid in the period, late fees (加处罚款, AP-32/AP-33) accrued on them;
- 复议/诉讼 outcomes decided in the period by result, and the loss rate by body and by power item
  (``outcome_services.LossRate``; losses are AP-29's 撤销/变更/确认违法/确认无效).

Reads are scoped: the org comes from ``org_for`` (in the actor's subtree, else 404) and every figure
is of that org's subtree. Results are cached 60 seconds per org, period and day.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.alerts.choices import OPEN_STATES
from sifa.core.alerts.models import Alert
from sifa.core.cases.models import CaseDeadline, DeadlineStatus
from sifa.core.errors import ValidationFailed
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.ui.cockpit import Period, breadcrumb, cached_figures, cockpit_org
from sifa.modules.enforcement.models import EnforcementBody
from sifa.modules.enforcement.outcome_models import LOSSES, RemedyOutcome, RemedyResult
from sifa.modules.enforcement.outcome_services import LossRate
from sifa.modules.enforcement.penalty_models import PenaltyCase
from sifa.modules.enforcement.penalty_workflow import PENALTY

PERMISSION = "enforcement.dashboard.view"
OVERDUE_LIST = 50
DRILL_TYPES = (OrgType.JUSTICE_DEPARTMENT, OrgType.JUSTICE_BUREAU, OrgType.ENFORCEMENT_DEPARTMENT)

# The workflow's states (penalty_workflow.PENALTY_WORKFLOW) in the dashboard's six groups.
STATE_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "handling": ("办理中", ("clue_received", "filed", "investigating", "evidence_preserved", "investigation_concluded",
                         "pre_decision_notice_served", "hearing_requested", "hearing_notified", "hearing_held",
                         "hearing_waived", "legal_review", "legal_reviewed")),
    "decided": ("已决定", ("decided", "served", "published", "on_spot_decided", "record_filed")),
    "enforcing": ("执行中", ("payment_due", "overdue", "demand_served", "court_application", "court_ruled", "paid")),
    "closed": ("已结案", ("closed",)),
    "no_penalty": ("不予处罚", ("no_penalty",)),
    "transfer": ("移送", ("transfer_reported", "transfer_approved", "transferred_to_public_security")),
}
GROUP_OF = {state: key for key, (_, states) in STATE_GROUPS.items() for state in states}
LIABILITY_PREFIX = "enforcement."


def group_states(group: str) -> tuple[str, ...]:
    """The workflow states of a group key (ValidationFailed naming the field for an unknown one)."""
    if group not in STATE_GROUPS:
        raise ValidationFailed(f"未知的案件状态分组「{group}」，可选："
                               + "、".join(f"{k}（{v[0]}）" for k, v in STATE_GROUPS.items()), field="group")
    return STATE_GROUPS[group][1]


def org_for(actor: Actor, org_id: int) -> Org:
    """The org whose dashboard is asked for: in the actor's scope (404 otherwise, like a missing one)."""
    return cockpit_org(actor, org_id, permission=PERMISSION, page="执法监督驾驶舱")


def own_org(actor: Actor) -> Org:
    return cockpit_org(actor, None, permission=PERMISSION, page="执法监督驾驶舱")


# --- figures ---------------------------------------------------------------------------------------


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Figures:
    """The counts of one subtree, one child row or one body."""

    cases: int = 0  # registered in the period
    groups: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATE_GROUPS, 0))
    overdue: int = 0  # running deadlines past due today
    decided: int = 0  # 处罚决定 (not 不予处罚) in the period, both procedures
    concluded: int = 0  # ordinary cases decided (处罚决定 or 不予处罚) in the period: the base of the rates
    hearing_required: int = 0
    hearing_offered: int = 0
    hearing_requested: int = 0
    hearing_held: int = 0
    review_required: int = 0
    reviewed: int = 0
    decision_days: int = 0  # sum of days 立案 → 决定
    decision_days_n: int = 0
    fines_decided: Decimal = Decimal("0")
    fines_paid: Decimal = Decimal("0")
    late_fees: Decimal = Decimal("0")

    @property
    def hearing_rate(self) -> float | None:
        return _rate(self.hearing_offered, self.hearing_required)

    @property
    def review_rate(self) -> float | None:
        return _rate(self.reviewed, self.review_required)

    @property
    def average_days(self) -> float | None:
        return round(self.decision_days / self.decision_days_n, 1) if self.decision_days_n else None

    def add(self, other: Figures) -> None:
        for name in ("cases", "overdue", "decided", "concluded", "hearing_required", "hearing_offered",
                     "hearing_requested", "hearing_held", "review_required", "reviewed", "decision_days",
                     "decision_days_n", "fines_decided", "fines_paid", "late_fees"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, n in other.groups.items():
            self.groups[key] += n


@dataclass
class Row:
    """One row of the children or bodies table; ``url`` drills down (children) or lists the cases (bodies)."""

    id: int | None
    name: str
    type: str
    path: str
    figures: Figures = field(default_factory=Figures)
    url: str = ""
    cases_url: str = ""


@dataclass
class OverdueRow:
    case_id: int
    number: str
    body: str
    label: str
    rule_id: str
    article: str
    due_date: datetime.date
    days_late: int
    url: str = ""


@dataclass
class Tally:
    key: str
    label: str
    count: int
    url: str = ""


@dataclass
class DashboardData:
    """What the cache holds: every figure of one org for one period (nothing depends on who asks)."""

    org_id: int
    period: Period
    today: datetime.date
    computed_at: datetime.datetime
    totals: Figures
    children: list[Row]
    bodies: list[Row]
    by_group: list[Tally]
    overdue: list[OverdueRow]
    outcomes: list[Tally]
    outcomes_total: int
    losses_total: int
    loss_by_body: list[LossRate]
    loss_by_item: list[LossRate]
    alerts: list[Tally]

    @property
    def loss_rate(self) -> float | None:
        return _rate(self.losses_total, self.outcomes_total)


@dataclass
class Dashboard:
    org: Org
    breadcrumb: list[Org]
    data: DashboardData


# --- links -----------------------------------------------------------------------------------------

_urls: dict[str, str] = {}


def _url(name: str, *args: int) -> str:
    key = f"{name}:{len(args)}"
    if key not in _urls:
        try:
            _urls[key] = reverse(name, args=[0] * len(args)).replace("/0/", "/{}/")
        except NoReverseMatch:
            _urls[key] = ""
    return _urls[key].format(*args) if _urls[key] else ""


def dashboard_url(org_id: int, period: Period) -> str:
    base = _url("enforcement:dashboard_org", org_id)
    return f"{base}?{period.query}" if base else ""


def case_list_url(org_id: int, **params: Any) -> str:
    """The 行政处罚 case list (``penalty_selectors.PenaltyFilter``) for the org's subtree, filtered by ``params``."""
    base = _url("enforcement:penalty_list")
    query = {"org": org_id, **{k: v for k, v in params.items() if v not in (None, "", False)}}
    return f"{base}?{urlencode({k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in query.items()})}"


def opened_params(period: Period) -> dict[str, Any]:
    return {"opened_from": period.start, "opened_to": period.end}


def decided_params(period: Period) -> dict[str, Any]:
    return {"decided_from": period.start, "decided_to": period.end}


# --- computing ---------------------------------------------------------------------------------------


def _child_len(org: Org) -> int:
    return len(org.path) + len(Org.path_segment(org.pk))


def _children(org: Org, period: Period) -> dict[str, Row]:
    rows = (Org.objects.filter(parent=org, type__in=DRILL_TYPES, valid_from__lte=period.end)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=period.start))
            .order_by("path").values("pk", "name", "type", "path"))
    return {r["path"]: Row(r["pk"], r["name"], r["type"], r["path"], url=dashboard_url(r["pk"], period),
                           cases_url=case_list_url(r["pk"], **opened_params(period))) for r in rows}


def _between(day: datetime.date | None, period: Period) -> bool:
    return day is not None and period.start <= day <= period.end


def _case_figures(row: dict[str, Any], period: Period, today: datetime.date,
                  bodies: dict[int, EnforcementBody]) -> Figures:
    """The figures one case contributes (AP-22, AP-24, AP-27, AP-31 … AP-33)."""
    from sifa.modules.enforcement.penalty import late_fee
    from sifa.modules.enforcement.rules import hearing_required

    f = Figures()
    opened = timezone.localtime(row["case__opened_at"]).date()
    if _between(opened, period):
        f.cases = 1
        f.groups[GROUP_OF.get(row["case__state"], "handling")] += 1
    decided_in = _between(row["decided_on"], period)
    if decided_in and row["decision_number"]:
        f.decided = 1
        if row["decision_amount"] is not None:
            f.fines_decided = row["decision_amount"]
        if row["payment_due"] is not None and row["decision_amount"] is not None:
            end = min(today, row["paid_on"]) if row["paid_on"] else today
            pairs = [(datetime.date.fromisoformat(a), datetime.date.fromisoformat(b))
                     for a, b in row["review_periods"] or []]
            f.late_fees = late_fee(row["decision_amount"], row["payment_due"], end, pairs)
    if _between(row["paid_on"], period) and row["paid_amount"] is not None:
        f.fines_paid = row["paid_amount"]
    if decided_in and row["procedure"] == "ordinary":
        f.concluded = 1
        amount = row["proposed_amount"]
        if row["notice_served_on"] is not None:
            body = bodies.get(row["body_id"])
            required = any(hearing_required(t, amount, row["party_type"], body, field=row["power_item__field"] or "")
                           for t in row["proposed_types"] or [] if t)
            f.hearing_required = int(required)
            f.hearing_offered = int(bool(row["hearing_offered"]) and required)
        f.hearing_requested = int(row["hearing_requested_on"] is not None)
        f.hearing_held = int(row["hearing_held_on"] is not None)
        if row["review_triggers"]:
            f.review_required = 1
            f.reviewed = int(row["legal_reviewed_on"] is not None)
        if row["filed_on"] is not None:
            f.decision_days = (row["decided_on"] - row["filed_on"]).days
            f.decision_days_n = 1
    return f


CASE_FIELDS = ("case_id", "case__org__path", "case__state", "case__opened_at", "body_id", "body__name", "procedure",
               "party_type", "filed_on", "decided_on", "decision_number", "decision_amount", "notice_served_on",
               "proposed_types", "proposed_amount", "hearing_offered", "hearing_requested_on", "hearing_held_on",
               "review_triggers", "legal_reviewed_on", "paid_on", "paid_amount", "payment_due", "review_periods",
               "power_item__field")


def _cases(org: Org, period: Period) -> Iterable[dict[str, Any]]:
    start = timezone.make_aware(datetime.datetime.combine(period.start, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min))
    relevant = (Q(case__opened_at__gte=start, case__opened_at__lt=end)
                | Q(decided_on__gte=period.start, decided_on__lte=period.end)
                | Q(paid_on__gte=period.start, paid_on__lte=period.end))
    return (PenaltyCase.objects.filter(case__org__path__startswith=org.path).filter(relevant)
            .values(*CASE_FIELDS).order_by().iterator(chunk_size=2000))


def _overdue(org: Org, today: datetime.date) -> tuple[dict[str, int], dict[int, int], list[OverdueRow]]:
    """Running deadlines of the subtree's penalty cases past due today: by org path, by body, the list."""
    qs = (CaseDeadline.objects.filter(status=DeadlineStatus.RUNNING, due_date__lt=today,
                                      case__case_type=PENALTY, case__org__path__startswith=org.path)
          .select_related("case", "case__org", "case__penalty__body").order_by("due_date", "id"))
    by_path: dict[str, int] = {}
    by_body: dict[int, int] = {}
    rows: list[OverdueRow] = []
    for d in qs.iterator(chunk_size=2000):
        by_path[d.case.org.path] = by_path.get(d.case.org.path, 0) + 1
        detail = getattr(d.case, "penalty", None)
        if detail is not None:
            by_body[detail.body_id] = by_body.get(detail.body_id, 0) + 1
        rows.append(OverdueRow(d.case_id, d.case.number, detail.body.name if detail else "", d.label, d.rule_id,
                               d.article, d.due_date, (today - d.due_date).days,
                               _url("enforcement:penalty_case", d.case_id)))
    return by_path, by_body, rows


def _outcomes(org: Org, period: Period) -> tuple[list[Tally], list[LossRate], list[LossRate]]:
    """复议/诉讼 results decided in the period, and the loss rate by body and by power item."""
    qs = RemedyOutcome.objects.filter(org__path__startswith=org.path, decided_on__gte=period.start,
                                      decided_on__lte=period.end)
    counts = dict(qs.values_list("result").annotate(n=Count("id")).order_by())
    tallies = [Tally(value, str(label), counts.get(value, 0)) for value, label in RemedyResult.choices]
    lost = Count("id", filter=Q(result__in=list(LOSSES)))
    by_body = [LossRate(body_id=r["case__body_id"], body_name=r["case__body__name"], power_item_id=None,
                        power_item_name="", outcomes=r["n"], losses=r["lost_n"])
               for r in qs.filter(case__isnull=False).values("case__body_id", "case__body__name")
               .annotate(n=Count("id"), lost_n=lost).order_by("case__body__name")]
    by_item = [LossRate(body_id=r["case__body_id"], body_name=r["case__body__name"],
                        power_item_id=r["case__power_item_id"],
                        power_item_name=r["case__power_item__name"] or "（未关联事项）", outcomes=r["n"], losses=r["lost_n"])
               for r in qs.filter(case__isnull=False)
               .values("case__body_id", "case__body__name", "case__power_item_id", "case__power_item__name")
               .annotate(n=Count("id"), lost_n=lost).order_by("case__body__name", "case__power_item__name")]
    return tallies, by_body, by_item


def _alerts(org: Org) -> list[Tally]:
    """Open alerts of the subtree from the module's rules (AP-40 liability, 执法证) and on penalty cases."""
    from sifa.core import registry

    rows = (Alert.objects.filter(org__path__startswith=org.path, state__in=OPEN_STATES)
            .filter(Q(rule_code__startswith=LIABILITY_PREFIX) | Q(case__case_type=PENALTY))
            .values_list("rule_code").annotate(n=Count("id")).order_by("rule_code"))
    out = []
    for code, n in rows:
        rule = registry.alert_rules[code] if code in registry.alert_rules else None
        out.append(Tally(code, rule.label if rule else code, n, f"{_url('alerts:list')}?state=open&rule={code}"))
    return out


def compute(org: Org, period: Period, today: datetime.date) -> DashboardData:
    """Every figure of ``org``'s subtree for ``period`` (uncached)."""
    children = _children(org, period)
    own = Row(None, "本级", org.type, org.path)
    child_len = _child_len(org)
    body_objects = {b.pk: b for b in EnforcementBody.objects.filter(org__path__startswith=org.path)
                    .select_related("org").order_by("name")}
    bodies = {pk: Row(pk, b.name, "body", b.org.path,
                      cases_url=case_list_url(org.pk, body=pk, **opened_params(period)))
              for pk, b in body_objects.items()}
    totals = Figures()
    for row in _cases(org, period):
        figures = _case_figures(row, period, today, body_objects)
        totals.add(figures)
        children.get(row["case__org__path"][:child_len], own).figures.add(figures)
        if row["body_id"] in bodies:
            bodies[row["body_id"]].figures.add(figures)
    by_path, by_body, overdue = _overdue(org, today)
    for path, n in by_path.items():
        totals.overdue += n
        children.get(path[:child_len], own).figures.overdue += n
    for pk, n in by_body.items():
        if pk in bodies:
            bodies[pk].figures.overdue += n
    rows = list(children.values())
    if own.figures != Figures():  # cases held by the org itself
        rows.append(own)
    outcomes, loss_by_body, loss_by_item = _outcomes(org, period)
    by_group = [Tally(key, label, totals.groups[key], case_list_url(org.pk, group=key, **opened_params(period)))
                for key, (label, _) in STATE_GROUPS.items()]
    return DashboardData(
        org_id=org.pk, period=period, today=today, computed_at=timezone.now(), totals=totals, children=rows,
        bodies=list(bodies.values()), by_group=by_group, overdue=overdue, outcomes=outcomes,
        outcomes_total=sum(t.count for t in outcomes),
        losses_total=sum(t.count for t in outcomes if t.key in LOSSES), loss_by_body=loss_by_body,
        loss_by_item=loss_by_item, alerts=_alerts(org))


def dashboard_for(actor: Actor, org: Org, period: Period, *, today: datetime.date | None = None,
                  fresh: bool = False) -> Dashboard:
    """The dashboard of ``org`` (from ``org_for``/``own_org``): figures at most ``CACHE_SECONDS`` old."""
    actor.require(PERMISSION)
    today = today or timezone.localdate()
    data = cached_figures("enforcement.dashboard", org, period, today, lambda: compute(org, period, today),
                          fresh=fresh)
    return Dashboard(org=org, breadcrumb=breadcrumb(actor, org), data=data)

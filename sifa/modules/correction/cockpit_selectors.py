"""矫正驾驶舱 figures: one org's subtree (province → city → county → 司法所), as counts only.

Every figure is an aggregate in SQL over one indexed prefix range (``CorrectionCase.org_path``,
``SupervisionTask.org_path``, the alerts' org path), grouped by the child org (the path cut to the
child's depth) — no per-row Python loop, so a province costs the same few statements as an office:

1. cases by child: 在册, 期间新增 (报到接收), 期间解除/终止, 失联, 电子定位中;
2. cases by state × sentence type × level (the three count tables);
3. tasks due in the period by child: 逾期 (missed, or open past due) and the reporting compliance
   (报告 tasks done on time / due so far; the grace days are ``[reminders] task_grace_days``);
4. 12 months of inflow (``received_on``) and outflow (``ended_on``);
5. open alerts of the subtree on correction cases or of correction rules, by level and rule.

The result is cached for ``CACHE_SECONDS`` (60) per org, period and day, which is the issue's "fresh
within 60 seconds"; the breadcrumb (it depends on who asks) is never cached. No figure lists a person:
minors (CC-35, 《社区矫正法》第五十四条) never appear on the cockpit, its export or its API.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q
from django.db.models.functions import Substr, TruncMonth
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from sifa.core import registry
from sifa.core.accounts.actor import Actor
from sifa.core.alerts.choices import LEVEL_BADGE, LEVEL_ORDER, OPEN_STATES, AlertLevel
from sifa.core.alerts.models import Alert
from sifa.core.cases.models import Case
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.ui.cockpit import Period, breadcrumb, cached_figures, cockpit_org
from sifa.modules.correction import config
from sifa.modules.correction.choices import SentenceType, TaskKind, TaskStatus
from sifa.modules.correction.models import CorrectionCase, SupervisionTask
from sifa.modules.correction.workflow import CORRECTION, CORRECTION_WORKFLOW

PERMISSION = "correction.view"
TREND_MONTHS = 12
DRILL_TYPES = (OrgType.JUSTICE_DEPARTMENT, OrgType.JUSTICE_BUREAU, OrgType.JUDICIAL_OFFICE)

# States of RULES.md §2.6 (workflow.py) grouped for the cockpit: 在册 = received and not yet ended.
PENDING_STATES = ("decided", "notified", "awaiting_report", "in_transfer")
ENDED_STATES = tuple(s.code for s in CORRECTION_WORKFLOW.states if s.terminal)
ACTIVE_STATES = tuple(s.code for s in CORRECTION_WORKFLOW.states
                      if s.code not in PENDING_STATES and s.code not in ENDED_STATES)


def org_for(actor: Actor, org_id: int) -> Org:
    """The org whose cockpit is asked for: in the actor's scope (404 otherwise, like a missing one)."""
    return cockpit_org(actor, org_id, permission=PERMISSION, page="矫正驾驶舱")


def own_org(actor: Actor) -> Org:
    return cockpit_org(actor, None, permission=PERMISSION, page="矫正驾驶舱")


# --- figures ---------------------------------------------------------------------------------------


@dataclass
class Compliance:
    """报告 tasks done on time over those due in the period (so far)."""

    on_time: int = 0
    due: int = 0

    @property
    def percent(self) -> float | None:
        return round(100 * self.on_time / self.due, 1) if self.due else None


@dataclass
class Figures:
    """The counts of one subtree (the whole org, or one child row)."""

    active: int = 0
    pending: int = 0
    intake: int = 0
    ended: int = 0
    lost_contact: int = 0
    monitored: int = 0
    overdue_tasks: int = 0
    compliance: Compliance = field(default_factory=Compliance)

    def add(self, other: Figures) -> None:
        for name in ("active", "pending", "intake", "ended", "lost_contact", "monitored", "overdue_tasks"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.compliance.on_time += other.compliance.on_time
        self.compliance.due += other.compliance.due


@dataclass
class ChildRow:
    id: int | None  # None: cases held by the org itself (本级)
    name: str
    type: str
    path: str
    figures: Figures = field(default_factory=Figures)
    url: str = ""


@dataclass
class Tally:
    key: str
    label: str
    count: int
    badge: str = ""


@dataclass
class MonthPoint:
    month: datetime.date
    label: str
    inflow: int = 0
    outflow: int = 0


@dataclass
class AlertRow:
    code: str
    label: str
    level: str
    count: int

    @property
    def badge(self) -> str:
        return LEVEL_BADGE.get(self.level, "bg-secondary")

    @property
    def level_label(self) -> str:
        return str(AlertLevel(self.level).label) if self.level in AlertLevel.values else self.level


@dataclass
class CockpitData:
    """What the cache holds: every figure of one org for one period (no actor-dependent part)."""

    org_id: int
    org_name: str
    org_type: str
    period: Period
    today: datetime.date
    computed_at: datetime.datetime
    totals: Figures
    children: list[ChildRow]
    by_sentence: list[Tally]
    by_level: list[Tally]
    by_state: list[Tally]
    trend: list[MonthPoint]
    alerts_by_level: list[Tally]
    alerts_by_rule: list[AlertRow]

    @property
    def open_alerts(self) -> int:
        return sum(c.count for c in self.alerts_by_level)


@dataclass
class Cockpit:
    org: Org
    breadcrumb: list[Org]
    data: CockpitData
    show_alerts: bool


# --- reads -----------------------------------------------------------------------------------------

_urls: dict[str, str] = {}


def cockpit_url(org_id: int, period: Period) -> str:
    if "org" not in _urls:
        try:
            _urls["org"] = reverse("correction:cockpit_org", args=[0]).replace("/0/", "/{}/")
        except NoReverseMatch:
            _urls["org"] = ""
    base = _urls["org"]
    return f"{base.format(org_id)}?{period.query}" if base else ""


def _child_len(org: Org) -> int:
    return len(org.path) + len(Org.path_segment(org.pk))


def _children(org: Org, period: Period) -> dict[str, ChildRow]:
    rows = (Org.objects.filter(parent=org, type__in=DRILL_TYPES, valid_from__lte=period.end)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=period.start))
            .order_by("path").values("pk", "name", "type", "path"))
    return {r["path"]: ChildRow(r["pk"], r["name"], r["type"], r["path"], url=cockpit_url(r["pk"], period))
            for r in rows}


def _case_figures(org: Org, period: Period) -> dict[str, Figures]:
    """Statement 1: per child path, the case counts (one grouped pass over the subtree's cases)."""
    active, pending = Q(case__state__in=ACTIVE_STATES), Q(case__state__in=PENDING_STATES)
    rows = (CorrectionCase.objects.filter(org_path__startswith=org.path)
            .annotate(child=Substr("org_path", 1, _child_len(org))).values("child")
            .annotate(active=Count("pk", filter=active), pending=Count("pk", filter=pending),
                      intake=Count("pk", filter=Q(received_on__gte=period.start, received_on__lte=period.end)),
                      ended=Count("pk", filter=Q(case__state__in=ENDED_STATES, ended_on__gte=period.start,
                                                 ended_on__lte=period.end)),
                      lost=Count("pk", filter=active & (Q(case__state="lost_contact") | Q(lost_contact=True))),
                      monitored=Count("pk", filter=active & Q(em_active=True)))
            .order_by())
    return {r["child"]: Figures(active=r["active"], pending=r["pending"], intake=r["intake"], ended=r["ended"],
                                lost_contact=r["lost"], monitored=r["monitored"]) for r in rows}


def _task_figures(org: Org, period: Period, today: datetime.date) -> dict[str, tuple[int, int, int]]:
    """Statement 3: per child path, tasks due in the period → (overdue, reports due so far, reports on time).

    Overdue: 逾期未完成 (missed), or still open after its day. Reporting compliance (CC-39, the reporting
    duty of 《社区矫正法》第二十三条; frequencies are configuration [NV]): 报告 tasks due in the period and
    either done or already past their day (a task paused while the subject was in custody, CC-22, is not
    due); on time = done no later than the day plus the grace days.
    """
    grace = datetime.timedelta(days=int(config.section("reminders").get("task_grace_days", 0)))
    report = Q(kind=TaskKind.REPORT_IN)
    on_time_by = F("due_date") + grace if grace else F("due_date")
    rows = (SupervisionTask.objects.filter(org_path__startswith=org.path, due_date__gte=period.start,
                                           due_date__lte=period.end)
            .annotate(child=Substr("org_path", 1, _child_len(org))).values("child")
            .annotate(overdue=Count("pk", filter=Q(status=TaskStatus.MISSED)
                                    | Q(status=TaskStatus.OPEN, due_date__lt=today)),
                      due=Count("pk", filter=report & (Q(status=TaskStatus.DONE)
                                                       | Q(due_date__lt=today) & ~Q(status=TaskStatus.PAUSED))),
                      on_time=Count("pk", filter=report & Q(status=TaskStatus.DONE, done_on__lte=on_time_by)))
            .order_by())
    return {r["child"]: (r["overdue"], r["due"], r["on_time"]) for r in rows}


def _breakdown(org: Org) -> tuple[list[Tally], list[Tally], list[Tally]]:
    """Statement 2: cases by state (all), and 在册 cases by sentence type and by level."""
    return _tallies(CorrectionCase.objects.filter(org_path__startswith=org.path)
                    .values("case__state", "sentence_type", "level").annotate(n=Count("pk")).order_by())


def _tallies(rows: Iterable[dict[str, Any]]) -> tuple[list[Tally], list[Tally], list[Tally]]:
    """Counts by state × sentence type × level folded into the three tables."""
    states: dict[str, int] = {}
    sentences: dict[str, int] = {}
    levels: dict[str, int] = {}
    for r in rows:
        states[r["case__state"]] = states.get(r["case__state"], 0) + r["n"]
        if r["case__state"] in ACTIVE_STATES:
            sentences[r["sentence_type"]] = sentences.get(r["sentence_type"], 0) + r["n"]
            levels[r["level"] or ""] = levels.get(r["level"] or "", 0) + r["n"]
    by_state = [Tally(s.code, s.label, states.get(s.code, 0)) for s in CORRECTION_WORKFLOW.states]
    by_sentence = [Tally(value, label, sentences.get(value, 0)) for value, label in SentenceType.choices]
    known = [code for code, _ in config.level_choices()]
    by_level = [Tally(code, label, levels.get(code, 0)) for code, label in config.level_choices()]
    by_level += [Tally(code, config.level_label(code), n) for code, n in sorted(levels.items())
                 if code not in known and n]
    return by_sentence, by_level, by_state


def _month_start(day: datetime.date, back: int = 0) -> datetime.date:
    index = day.year * 12 + day.month - 1 - back
    return datetime.date(index // 12, index % 12 + 1, 1)


def _as_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value


def _trend(org: Org, end: datetime.date) -> list[MonthPoint]:
    """Statement 4: the 12 months up to ``end``'s month: cases received (inflow) and ended (outflow)."""
    first = _month_start(end, TREND_MONTHS - 1)
    points = {(m := _month_start(end, back)): MonthPoint(m, f"{m:%Y-%m}") for back in range(TREND_MONTHS - 1, -1, -1)}
    base = CorrectionCase.objects.filter(org_path__startswith=org.path)
    for r in (base.filter(received_on__gte=first, received_on__lte=end).annotate(m=TruncMonth("received_on"))
              .values("m").annotate(n=Count("pk")).order_by()):
        points[_as_date(r["m"])].inflow = r["n"]
    for r in (base.filter(case__state__in=ENDED_STATES, ended_on__gte=first, ended_on__lte=end)
              .annotate(m=TruncMonth("ended_on")).values("m").annotate(n=Count("pk")).order_by()):
        points[_as_date(r["m"])].outflow = r["n"]
    return list(points.values())


def _alerts(org: Org) -> tuple[list[Tally], list[AlertRow]]:
    """Statement 5: open alerts of the subtree on correction cases or of the module's own rules."""
    rows = (Alert.objects.filter(org__path__startswith=org.path, state__in=OPEN_STATES)
            .filter(Q(case__case_type=CORRECTION) | Q(rule_code__startswith="correction."))
            .values("rule_code", "level").annotate(n=Count("id")).order_by())
    levels: dict[str, int] = {}
    rules: dict[str, AlertRow] = {}
    for r in rows:
        levels[r["level"]] = levels.get(r["level"], 0) + r["n"]
        rule = registry.alert_rules[r["rule_code"]] if r["rule_code"] in registry.alert_rules else None
        entry = rules.setdefault(r["rule_code"], AlertRow(r["rule_code"], rule.label if rule else r["rule_code"],
                                                          r["level"], 0))
        entry.count += r["n"]
    by_level = [Tally(lv, AlertLevel(lv).label, levels.get(lv, 0), LEVEL_BADGE.get(lv, "bg-secondary"))
                for lv in sorted(AlertLevel.values, key=lambda v: LEVEL_ORDER.get(v, 9))]
    return by_level, sorted(rules.values(), key=lambda r: (LEVEL_ORDER.get(r.level, 9), -r.count, r.code))


def _case_statement(org: Org, period: Period) -> tuple[dict[str, Figures], tuple[list[Tally], list[Tally],
                                                                                  list[Tally]], list[MonthPoint]]:
    """Statements 1, 2 and 4 as ONE pass over the subtree's cases (PostgreSQL: GROUPING SETS).

    The same counts as ``_case_figures``, ``_breakdown`` and ``_trend`` (the portable statements, used on
    other databases), but the cases and their state are read and joined once instead of four times: the
    province's 50,000 cases cost one scan. ``GROUPING(...)`` tells the sets apart.
    """
    cases, base = (connection.ops.quote_name(m._meta.db_table) for m in (CorrectionCase, Case))
    child_len = _child_len(org)
    first = _month_start(period.end, TREND_MONTHS - 1)

    def among(states: tuple[str, ...]) -> str:
        return "c.state IN (" + ", ".join(f"'{code}'" for code in states) + ")"  # workflow codes: [a-z_]

    def day(value: datetime.date) -> str:
        return f"DATE '{value.isoformat()}'"

    # Constants are written into the statement (state codes of the workflow, dates as ISO text): the
    # grouped expressions must be the same text in SELECT and GROUP BY, which parameters do not guarantee.
    active, pending, ended = among(ACTIVE_STATES), among(PENDING_STATES), among(ENDED_STATES)
    child = f"substr(cc.org_path, 1, {child_len})"
    # the month columns are NULL outside the 12 months (those groups are skipped)
    inflow = (f"CASE WHEN cc.received_on >= {day(first)} AND cc.received_on <= {day(period.end)} "
              "THEN date_trunc('month', cc.received_on)::date END")
    outflow = (f"CASE WHEN {ended} AND cc.ended_on >= {day(first)} AND cc.ended_on <= {day(period.end)} "
               "THEN date_trunc('month', cc.ended_on)::date END")
    start, end = day(period.start), day(period.end)
    sql = (f"SELECT GROUPING({child}, c.state, cc.sentence_type, cc.level, {inflow}, {outflow}), "  # noqa: S608
           f"{child}, c.state, cc.sentence_type, cc.level, {inflow}, {outflow}, "
           f"COUNT(*), COUNT(*) FILTER (WHERE {active}), COUNT(*) FILTER (WHERE {pending}), "
           f"COUNT(*) FILTER (WHERE cc.received_on >= {start} AND cc.received_on <= {end}), "
           f"COUNT(*) FILTER (WHERE {ended} AND cc.ended_on >= {start} AND cc.ended_on <= {end}), "
           f"COUNT(*) FILTER (WHERE {active} AND (c.state = 'lost_contact' OR cc.lost_contact)), "
           f"COUNT(*) FILTER (WHERE {active} AND cc.em_active) "
           f"FROM {cases} cc JOIN {base} c ON c.id = cc.case_id WHERE cc.org_path LIKE %s "
           f"GROUP BY GROUPING SETS (({child}), (c.state, cc.sentence_type, cc.level), ({inflow}), ({outflow}))")
    params: list[Any] = [org.path + "%"]
    figures: dict[str, Figures] = {}
    breakdown: list[dict[str, Any]] = []
    points = {(m := _month_start(period.end, back)): MonthPoint(m, f"{m:%Y-%m}")
              for back in range(TREND_MONTHS - 1, -1, -1)}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for (grouping, child, state, sentence, level, in_month, out_month, n, n_active, n_pending, intake,
             n_ended, lost, monitored) in cursor.fetchall():
            # GROUPING bits, left to right: child 32, state 16, sentence 8, level 4, inflow 2, outflow 1
            if grouping == 0b011111:
                figures[child] = Figures(active=n_active, pending=n_pending, intake=intake, ended=n_ended,
                                         lost_contact=lost, monitored=monitored)
            elif grouping == 0b100011:
                breakdown.append({"case__state": state, "sentence_type": sentence, "level": level, "n": n})
            elif grouping == 0b111101 and in_month is not None:
                points[_as_date(in_month)].inflow = n
            elif grouping == 0b111110 and out_month is not None:
                points[_as_date(out_month)].outflow = n
    return figures, _tallies(breakdown), list(points.values())


def compute(org: Org, period: Period, today: datetime.date) -> CockpitData:
    """Every figure of ``org``'s subtree for ``period`` (uncached)."""
    children = _children(org, period)
    totals = Figures()
    own = ChildRow(None, "本级", org.type, org.path)
    if connection.vendor == "postgresql":
        case_figures, (by_sentence, by_level, by_state), trend = _case_statement(org, period)
    else:
        case_figures, (by_sentence, by_level, by_state) = _case_figures(org, period), _breakdown(org)
        trend = _trend(org, period.end)
    for child, figures in case_figures.items():
        row = children.get(child, own)
        row.figures.add(figures)
        totals.add(figures)
    for child, (overdue, due, on_time) in _task_figures(org, period, today).items():
        row = children.get(child, own)
        for target in (row.figures, totals):
            target.overdue_tasks += overdue
            target.compliance.due += due
            target.compliance.on_time += on_time
    rows = list(children.values())
    if org.type != OrgType.JUDICIAL_OFFICE and own.figures != Figures():  # cases held by the bureau itself
        rows.append(own)
    alerts_by_level, alerts_by_rule = _alerts(org)
    return CockpitData(
        org_id=org.pk, org_name=org.name, org_type=org.type, period=period, today=today,
        computed_at=timezone.now(), totals=totals, children=rows, by_sentence=by_sentence, by_level=by_level,
        by_state=by_state, trend=trend, alerts_by_level=alerts_by_level,
        alerts_by_rule=alerts_by_rule)


def cockpit_for(actor: Actor, org: Org, period: Period, *, today: datetime.date | None = None,
                fresh: bool = False) -> Cockpit:
    """The cockpit of ``org`` (from ``org_for``/``own_org``): figures at most ``CACHE_SECONDS`` old."""
    actor.require(PERMISSION)
    today = today or timezone.localdate()
    data = cached_figures("correction.cockpit", org, period, today, lambda: compute(org, period, today), fresh=fresh)
    return Cockpit(org=org, breadcrumb=breadcrumb(actor, org), data=data, show_alerts=actor.has_perm("alerts.view"))

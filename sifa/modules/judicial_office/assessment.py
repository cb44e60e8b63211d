"""千分制 assessment of 司法所 on the core scoring engine: fact sources, the default scheme, registration.

The engine (sifa/core/scoring, docs/engines/scoring.md) computes, explains, versions and adjusts;
this file tells it what earns or loses points, from the module's own data:

- ``worklog.<code>``, one per work-catalogue code (data/catalogue.json), and ``worklog.item`` (any code,
  selected with ``unit_filter: {"code": …}``): ``WorkDailyTotal`` rows (submitted manual + auto counts).
  One fact per office × day × item, its quantity the day's total, so indicators count ``per: "quantity"``
  and every fact links to that office's day in the work log;
- ``worklog.days_on_time`` / ``worklog.days_missing`` / ``worklog.days_late``: per working day of the
  core calendar, whether the office submitted a log for it by the end of the next working day, later,
  or not at all (a day counts as missing only once that deadline has passed);
- ``worklog.gaming_alerts``: anti-gaming alerts (``alerts.RULES``) opened about the office's logs;
- ``plans.occurrences_done`` / ``plans.occurrences_overdue``: plan occurrences of the office due in the
  period, done (``on_time`` yes/no) or overdue;
- ``office.alerts_escalated``: escalations (超时升级) of alerts the office had to act on.

**Org subjects above an office.** The default scheme scores 司法所 and 司法局 (county and city) with the
same tree. A 司法局 earns what its *average office* does: for each office under it, one fact per
source (and per distinct ``attrs``) whose quantity is the office's total divided by the number of
offices under it in force during the period, linking to that office's assessment page. So a county's
line "人民调解 每件 1 分，上限 40 分" counts 县均调解件数, and caps mean the same thing at every level
(a sum over 20 offices would reach every cap and rank nothing).
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.db.models import Min, Q
from django.utils import timezone

from sifa.core import registry
from sifa.core.deadlines.calendar import CalendarMissing, WorkingCalendar
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import PATH_SEGMENT_WIDTH, Org
from sifa.core.scoring import periods
from sifa.core.scoring.engine import Fact, FactRef, fmt, parse_scheme
from sifa.core.scoring.sources import ScoreSource

DEFAULT_SCHEME_CODE = "judicial_office.assessment"
SCHEME_FILE = Path(__file__).resolve().parent / "data" / "assessment_scheme.json"
CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "catalogue.json"
SUBJECT_TYPES: tuple[str, ...] = (OrgType.JUDICIAL_OFFICE, OrgType.JUSTICE_BUREAU)

# Where facts link to: an office's day (redirects to its work log that day), its assessment page, a plan.
DAY_URL_NAME = "jo_assessment:day"
ORG_URL_NAME = "jo_assessment:org"
PLAN_URL_NAME = "jo_plans:detail"
FOUR_PLACES = Decimal("0.0001")


# --- the subjects and the offices under them --------------------------------------------------------


@dataclass(frozen=True)
class _Office:
    id: int
    name: str
    path: str


@dataclass
class _Subject:
    id: int
    path: str
    is_office: bool
    offices: list[_Office] = field(default_factory=list)


@dataclass
class _World:
    """The subjects asked for and every 司法所 whose facts they need (in force during the period)."""

    subjects: list[_Subject]
    offices: dict[int, _Office]
    validity: dict[int, tuple[datetime.date, datetime.date | None]] = field(default_factory=dict)
    _by_path: dict[str, _Office] | None = None

    @property
    def paths(self) -> list[str]:
        """The fewest path prefixes covering every office (a subject's path under another one is dropped)."""
        out: list[str] = []
        for path in sorted({s.path for s in self.subjects}):
            if not out or not path.startswith(out[-1]):
                out.append(path)
        return out

    def path_q(self, lookup: str) -> Q:
        q = Q(pk__in=[])
        for path in self.paths:
            q |= Q(**{f"{lookup}__startswith": path})
        return q

    def office_for_path(self, path: str) -> _Office | None:
        """The office whose subtree holds ``path`` (the office itself or an org under it)."""
        if self._by_path is None:
            self._by_path = {o.path: o for o in self.offices.values()}
        step = PATH_SEGMENT_WIDTH + 1
        for end in range(len(path), 0, -step):
            office = self._by_path.get(path[:end])
            if office is not None:
                return office
        return None


def _world(subject_ids: Sequence[int], start: datetime.date, end: datetime.date) -> _World:
    rows = list(Org.objects.filter(pk__in=list(subject_ids)).values_list("pk", "path", "type"))
    subjects = [_Subject(pk, path, type_ == OrgType.JUDICIAL_OFFICE) for pk, path, type_ in rows]
    world = _World(subjects, {})
    if not subjects:
        return world
    in_force = Q(valid_from__lte=end) & (Q(valid_to__isnull=True) | Q(valid_to__gt=start))
    found = Org.objects.filter(world.path_q("path"), in_force, type=OrgType.JUDICIAL_OFFICE)
    for pk, name, path, valid_from, valid_to in found.values_list("pk", "name", "path", "valid_from", "valid_to"):
        world.offices[pk] = _Office(pk, name, path)
        world.validity[pk] = (valid_from, valid_to)
    for subject in subjects:
        if subject.is_office:
            office = world.offices.get(subject.id)
            subject.offices = [office] if office else []
        else:
            subject.offices = sorted((o for o in world.offices.values() if o.path.startswith(subject.path)),
                                     key=lambda o: o.path)
    return world


# --- office facts, then facts per subject -------------------------------------------------------------


@dataclass(frozen=True)
class OfficeFact:
    """One record of one office, before it becomes a Fact of each subject that counts it."""

    office: int
    on: datetime.date
    ref: FactRef
    quantity: Decimal = Decimal(1)
    attrs: tuple[tuple[str, str], ...] = ()
    group: str = ""  # what the attrs mean, for a 司法局's per-office fact ("法治宣传活动", "按期完成")


OfficeFacts = Callable[[_World, datetime.date, datetime.date], Iterable[OfficeFact]]


def period_key(start: datetime.date, end: datetime.date) -> str:
    """The text form of the period [start, end] (a month, quarter or year when it is exactly one)."""
    for kind in (periods.MONTH, periods.QUARTER, periods.YEAR):
        period = periods.containing(kind, start)
        if period.start == start and period.end == end:
            return period.key
    return periods.custom(start, end).key


def _subject_facts(key: str, unit: str, world: _World, office_facts: Iterable[OfficeFact],
                   start: datetime.date, end: datetime.date) -> Iterator[Fact]:
    by_office: dict[int, list[OfficeFact]] = defaultdict(list)
    for fact in office_facts:
        if fact.office in world.offices:
            by_office[fact.office].append(fact)
    pkey = period_key(start, end)
    for subject in world.subjects:
        if subject.is_office:
            for fact in by_office.get(subject.id, []):
                yield Fact(source=key, subject=subject.id, on=fact.on, ref=fact.ref, quantity=fact.quantity,
                           attrs=dict(fact.attrs))
            continue
        count = len(subject.offices)
        for office in subject.offices:
            groups: dict[tuple[tuple[str, str], ...], list[OfficeFact]] = defaultdict(list)
            for fact in by_office.get(office.id, []):
                groups[fact.attrs].append(fact)
            for attrs, facts in sorted(groups.items()):
                total = sum((f.quantity for f in facts), Decimal(0))
                share = (total / count).quantize(FOUR_PLACES, ROUND_HALF_UP)
                if share == 0:
                    continue
                extra = facts[0].group
                label = f"{office.name}{f'（{extra}）' if extra else ''}：{fmt(total)}{unit} ÷ {count} 个司法所"
                yield Fact(source=key, subject=subject.id, on=max(f.on for f in facts),
                           ref=FactRef("org", str(office.id), label, ORG_URL_NAME, (office.id, pkey)),
                           quantity=share, attrs=dict(attrs))


def _collector(key: str, unit: str, office_facts: OfficeFacts) -> Callable[..., Iterator[Fact]]:
    def collect(subjects: Sequence[int], start: datetime.date, end: datetime.date) -> Iterator[Fact]:
        world = _world(subjects, start, end)
        if not world.offices:
            return iter(())
        return _subject_facts(key, unit, world, list(office_facts(world, start, end)), start, end)

    collect.__doc__ = f"Facts of {key} for org subjects (a 司法所 its own, a 司法局 its average office)."
    return collect


# --- work-log quantities (WorkDailyTotal) -------------------------------------------------------------


@cache
def catalogue() -> dict[str, dict[str, Any]]:
    """The default work catalogue (data/catalogue.json): code → item (name, unit, category)."""
    data = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    return {item["code"]: item for item in data["items"]}


def _item_names() -> dict[str, tuple[str, str, str]]:
    """code → (name, unit, category) from the catalogue table (with a county's own items), else the shipped file."""
    from sifa.modules.judicial_office.models import WorkCatalogueItem

    names = {code: (item["name"], item["unit"], str(item.get("category", ""))) for code, item in catalogue().items()}
    for code, name, unit, category in WorkCatalogueItem.objects.values_list("code", "name", "unit", "category"):
        names[code] = (name, unit, category)
    return names


def _day_ref(office: int, day: datetime.date, code: str, label: str) -> FactRef:
    return FactRef("judicial_office.day", f"{office}:{day.isoformat()}:{code}", label, DAY_URL_NAME,
                   (office, day.isoformat()))


def _daily_totals(code: str | None) -> OfficeFacts:
    def office_facts(world: _World, start: datetime.date, end: datetime.date) -> Iterator[OfficeFact]:
        from sifa.modules.judicial_office.models import WorkDailyTotal

        rows = WorkDailyTotal.objects.filter(world.path_q("org_path"), day__gte=start, day__lte=end, total__gt=0)
        if code is not None:
            rows = rows.filter(item_code=code)
        names = _item_names()
        for org_id, day, item_code, total, auto in rows.order_by("day", "org_id", "item_code").values_list(
                "org_id", "day", "item_code", "total", "auto"):
            name, unit, category = names.get(item_code, (item_code, "件", ""))
            label = f"{name} {total}{unit}" + (f"（其中自动汇入 {auto}）" if auto else "")
            attrs: tuple[tuple[str, str], ...] = (("code", item_code),)
            group = ""
            if code is None:
                attrs, group = (("category", category), ("code", item_code)), name
            yield OfficeFact(org_id, day, _day_ref(org_id, day, item_code, label), Decimal(total), attrs, group)

    return office_facts


# --- log days: on time, late, missing (core working-day calendar) -------------------------------------


@dataclass(frozen=True)
class DayStatus:
    office: int
    day: datetime.date
    status: str  # "on_time" | "late" | "missing"
    deadline: datetime.date | None
    submitted: datetime.date | None


def deadline_of(calendar: WorkingCalendar, day: datetime.date, today: datetime.date) -> datetime.date | None:
    """The last day to submit ``day``'s log: the first working day after it. None when that lies in a
    year whose calendar is not loaded yet and after ``today`` (so it has not passed)."""
    try:
        return calendar.add_working_days(day, 1)
    except CalendarMissing as exc:
        if exc.year > today.year:
            return None
        raise


def log_days(world: _World, start: datetime.date, end: datetime.date) -> Iterator[DayStatus]:
    """Each working day of each office in the period: its log on time, late, or missing (once due)."""
    from sifa.core.deadlines.selectors import working_calendar
    from sifa.modules.judicial_office.choices import WorkLogStatus
    from sifa.modules.judicial_office.models import WorkLog

    calendar = working_calendar()
    today = timezone.localdate()
    first: dict[tuple[int, datetime.date], datetime.datetime] = {}
    logs = (WorkLog.objects.filter(world.path_q("org__path"), day__gte=start, day__lte=end,
                                   status=WorkLogStatus.SUBMITTED, submitted_at__isnull=False)
            .values("org_id", "day").annotate(first=Min("submitted_at")).values_list("org_id", "day", "first"))
    for org_id, day, at in logs:
        first[(org_id, day)] = at
    days = [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]
    working = [d for d in days if d <= today and calendar.is_working_day(d)]
    deadlines = {d: deadline_of(calendar, d, today) for d in working}
    for office in sorted(world.offices.values(), key=lambda o: o.path):
        opened, closed = world.validity[office.id]
        for day in working:
            if day < opened or (closed is not None and day >= closed):
                continue
            deadline = deadlines[day]
            at = first.get((office.id, day))
            if at is None:
                if deadline is not None and deadline < today:
                    yield DayStatus(office.id, day, "missing", deadline, None)
                continue
            submitted = timezone.localdate(at)
            late = deadline is not None and submitted > deadline
            yield DayStatus(office.id, day, "late" if late else "on_time", deadline, submitted)


def _log_days(status: str) -> OfficeFacts:
    def office_facts(world: _World, start: datetime.date, end: datetime.date) -> Iterator[OfficeFact]:
        for d in log_days(world, start, end):
            if d.status != status:
                continue
            if status == "missing":
                label = f"{d.day:%Y-%m-%d} 未提交工作日志（应于 {d.deadline:%Y-%m-%d} 前提交）"
            elif status == "late":
                label = f"{d.day:%Y-%m-%d} 的日志于 {d.submitted:%Y-%m-%d} 提交，晚于 {d.deadline:%Y-%m-%d}"
            else:
                label = f"{d.day:%Y-%m-%d} 工作日志按时提交"
            yield OfficeFact(d.office, d.day, _day_ref(d.office, d.day, status, label))

    return office_facts


# --- alerts: anti-gaming findings and escalations ----------------------------------------------------


def _gaming_rule_codes() -> dict[str, str]:
    from sifa.modules.judicial_office import alerts

    return {rule.code: rule.label for rule in alerts.RULES}


def _alert_offices(alerts: list[Any]) -> dict[int, int]:
    """alert id → the office it is about: the work log's office, the back-filling author's office that
    day, else the org the alert targets when that is an office."""
    from sifa.modules.judicial_office.models import WorkLog

    out: dict[int, int] = {}
    log_ids: dict[int, int] = {}
    authors: dict[int, tuple[int, datetime.date | None]] = {}
    for alert in alerts:
        head, _, tail = alert.object_id.partition(":")
        if alert.object_type == "judicial_office.worklog" and head.isdigit():
            log_ids[alert.pk] = int(head)
        elif alert.object_type == "accounts.user" and head.isdigit():
            try:
                day = datetime.datetime.strptime(tail, "%Y%m%d").date() if tail else None
            except ValueError:
                day = None
            authors[alert.pk] = (int(head), day)
        elif alert.org.type == OrgType.JUDICIAL_OFFICE:
            out[alert.pk] = alert.org_id
    log_orgs = dict(WorkLog.objects.filter(pk__in=set(log_ids.values())).values_list("pk", "org_id"))
    for alert_id, log_id in log_ids.items():
        if log_id in log_orgs:
            out[alert_id] = log_orgs[log_id]
    for alert_id, (author, day) in authors.items():
        logs = WorkLog.objects.filter(author_id=author)
        if day is not None and logs.filter(submitted_at__date=day).exists():
            logs = logs.filter(submitted_at__date=day)
        org_id = logs.order_by("-day").values_list("org_id", flat=True).first()
        if org_id is not None:
            out[alert_id] = org_id
    return out


def _gaming_alerts(world: _World, start: datetime.date, end: datetime.date) -> Iterator[OfficeFact]:
    from sifa.core.alerts.models import Alert

    rules = _gaming_rule_codes()
    alerts = list(Alert.objects.filter(rule_code__in=list(rules), opened_at__date__gte=start,
                                       opened_at__date__lte=end).select_related("org").order_by("opened_at", "pk"))
    offices = _alert_offices(alerts)
    for alert in alerts:
        office = offices.get(alert.pk)
        if office is None or office not in world.offices:
            continue
        yield OfficeFact(office, timezone.localdate(alert.opened_at),
                         FactRef("alert", str(alert.pk), f"核查预警：{rules[alert.rule_code]}", "alerts:detail",
                                 (alert.pk,)),
                         attrs=(("level", alert.level), ("rule", alert.rule_code)), group=rules[alert.rule_code])


def _escalations(world: _World, start: datetime.date, end: datetime.date) -> Iterator[OfficeFact]:
    from sifa.core.alerts.models import AlertStep

    steps = (AlertStep.objects.filter(world.path_q("alert__org__path"), action="escalate",
                                      created_at__date__gte=start, created_at__date__lte=end)
             .select_related("alert__org").order_by("created_at", "pk"))
    for step in steps:
        office = world.office_for_path(step.alert.org.path)
        if office is None:
            continue
        rule = registry.alert_rules[step.alert.rule_code] if step.alert.rule_code in registry.alert_rules else None
        label = f"预警超时升级：{rule.label if rule else step.alert.rule_code}（{step.label}）"
        yield OfficeFact(office.id, timezone.localdate(step.created_at),
                         FactRef("alert", f"{step.alert_id}:{step.pk}", label, "alerts:detail", (step.alert_id,)),
                         attrs=(("rule", step.alert.rule_code),), group=rule.label if rule else step.alert.rule_code)


# --- plans -----------------------------------------------------------------------------------------


def _occurrences(status: str) -> OfficeFacts:
    def office_facts(world: _World, start: datetime.date, end: datetime.date) -> Iterator[OfficeFact]:
        from sifa.modules.judicial_office.models import PlanOccurrence

        rows = (PlanOccurrence.objects.filter(world.path_q("org__path"), status=status, due_date__gte=start,
                                              due_date__lte=end)
                .select_related("item").order_by("due_date", "pk"))
        for occ in rows:
            attrs: tuple[tuple[str, str], ...] = ()
            group = ""
            if status == "done":
                on_time = occ.completed_at is not None and timezone.localdate(occ.completed_at) <= occ.due_date
                attrs = (("on_time", "yes" if on_time else "no"),)
                what = group = "按期完成" if on_time else "逾期后完成"
            else:
                what = "逾期未完成"
            label = f"规划事项「{occ.item.title}」{occ.due_date:%Y-%m-%d} 到期，{what}"
            yield OfficeFact(occ.org_id, occ.due_date,
                             FactRef("plan_occurrence", str(occ.pk), label, PLAN_URL_NAME, (occ.item.plan_id,)),
                             attrs=attrs, group=group)

    return office_facts


# --- registration ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceSpec:
    key: str
    label: str
    unit: str  # one fact of an office
    quantity_unit: str
    office_facts: OfficeFacts


def source_specs() -> list[SourceSpec]:
    specs = [SourceSpec(f"worklog.{code}", f"工作日志：{item['name']}", "日", item["unit"], _daily_totals(code))
             for code, item in catalogue().items()]
    specs += [
        SourceSpec("worklog.item", "工作日志：任一事项（按 unit_filter 的 code 或 category 选择）", "日", "件",
                   _daily_totals(None)),
        SourceSpec("worklog.days_on_time", "工作日志按时提交的工作日", "天", "天", _log_days("on_time")),
        SourceSpec("worklog.days_missing", "未提交工作日志的工作日", "天", "天", _log_days("missing")),
        SourceSpec("worklog.days_late", "工作日志迟报的工作日", "天", "天", _log_days("late")),
        SourceSpec("worklog.gaming_alerts", "工作日志防虚报核查预警", "件", "件", _gaming_alerts),
        SourceSpec("plans.occurrences_done", "完成的工作规划事项", "项", "项", _occurrences("done")),
        SourceSpec("plans.occurrences_overdue", "逾期未完成的工作规划事项", "项", "项", _occurrences("overdue")),
        SourceSpec("office.alerts_escalated", "预警闭环超时升级", "次", "次", _escalations),
    ]
    return specs


def register() -> None:
    """Score sources, menu, API router and the demo's scheme (called once from ``apps.ready``)."""
    from sifa.core.registry import MenuEntry

    for spec in source_specs():
        registry.score_sources.register(spec.key, ScoreSource(
            key=spec.key, label=spec.label, subject_kind="org", unit=spec.unit, quantity_unit=spec.quantity_unit,
            collect=_collector(spec.key, spec.quantity_unit, spec.office_facts)))
    registry.menu.register("jo_assessment", MenuEntry("jo_assessment", "千分制考核", "jo_assessment:home",
                                                      icon="trophy", permission="scoring.view", order=42, group="数字司法所"))
    from sifa.modules.judicial_office.assessment_api import router

    registry.api_routers.register("/office/assessment", router)
    registry.demo_generators.register("judicial_office.assessment", demo_scheme)


# --- the default scheme --------------------------------------------------------------------------


def default_scheme_data() -> dict[str, Any]:
    """The shipped default scheme file (numbers as Decimal), in the engine's import format."""
    return json.loads(SCHEME_FILE.read_text(encoding="utf-8"), parse_float=Decimal)


def demo_scheme(*, actor: Any, structure: dict[str, Any], scale: Any, seed: int) -> dict[str, int]:
    """Demo data: the default scheme, owned by the demo province's department (inside the demo load's
    transaction and audit event, so written directly, validated exactly as ``import_scheme`` does)."""
    from sifa.core.scoring.models import Scheme, SchemeVersion
    from sifa.core.scoring.services import known_sources

    spec = parse_scheme(default_scheme_data(), sources=known_sources())
    owner = structure["department"]
    scheme = Scheme.objects.create(code=spec.code, name=spec.name, subject_kind=spec.subject_kind,
                                   subject_type=spec.subject_type, owner=owner, note=spec.note)
    SchemeVersion.objects.create(scheme=scheme, number=1, valid_from=spec.valid_from, valid_to=spec.valid_to,
                                 total=spec.tree.total, indicators=spec.tree.to_data(), note=spec.note,
                                 source_name=SCHEME_FILE.name, imported_by=actor.name[:150])
    return {"scoring_schemes": 1}


# --- computing (through the engine's audited service) ----------------------------------------------


def compute_org_scores(*, actor: Any, org: Org, period: periods.Period, only_org: bool = False) -> list[Any]:
    """Compute the 千分制 scores of ``org`` and every assessed org under it for ``period`` (or of ``org``
    alone), each scheme in one engine computation (``compute_scores``: its own transaction and audit
    event). A county's adaptation computes its own area; the provincial scheme the rest."""
    from sifa.core.errors import ValidationFailed
    from sifa.core.scoring.selectors import version_in_force
    from sifa.core.scoring.services import compute_scores
    from sifa.core.scoring.subjects import subjects_for
    from sifa.modules.judicial_office.assessment_selectors import applicable_scheme, family

    actor.require("scoring.compute")
    schemes = family(actor)
    if only_org:
        found = applicable_scheme(org, period.start, schemes)
        if found is None:
            raise ValidationFailed(f"{period.label}开始时没有适用于{org.name}的千分制考核方案", field="period")
        return compute_scores(actor=actor, scheme=found[0], period=period, subjects=[org.pk])
    scores: list[Any] = []
    for scheme in schemes:
        if not (org.path.startswith(scheme.owner.path) or scheme.owner.path.startswith(org.path)):
            continue
        if version_in_force(scheme, period.start) is None:
            continue
        ids = [s.id for s in subjects_for(actor, scheme, period) if s.org.path.startswith(org.path)]
        if ids:
            scores += compute_scores(actor=actor, scheme=scheme, period=period, subjects=ids)
    if not scores:
        raise ValidationFailed(f"{org.name}及其下级在{period.label}没有适用千分制考核方案的考核对象", field="period")
    return scores

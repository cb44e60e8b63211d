"""Work plans (工作规划) of 数字司法所: services and selectors.

A plan belongs to one org and one year. An office's plan is its own; a plan of a county, city or
province bureau is assigned (下达) to every active 司法所 in its subtree. Each plan item is spread
into occurrences (``PlanOccurrence``), one per period and per target office:

- once (一次性): one period, from 1 January of the plan year to the item's due date;
- monthly (每月): one per month from the due date's month to December, due on the due date's day
  of month, clamped to the month end (31 January → 28/29 February, 31 March, 30 April …);
- quarterly (每季度): one per quarter from the due date's quarter to Q4, due in the quarter's last
  month on the same day of month (clamped).

An item linked to a work-catalogue item is tracked from the work log: ``done`` is the sum of
``WorkDailyTotal.total`` of that item at the office within [period start, due date], and the
occurrence is done when ``done ≥ target``. An item without one is confirmed done by the office
(``mark_occurrence_done``). ``refresh_plan_progress`` (a periodic job) keeps ``done`` and the
status current; the alert rules in ``plan_alerts`` raise the reminder (提醒) and the 督办.

Scope: a plan is visible to its own org and every org above it (plans made in the actor's subtree),
and to every actor who sees one of its occurrences (an office sees the plans assigned to it, but
only its own occurrences). Changing a plan needs the plan's own org.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from sifa.core import registry
from sifa.core.accounts.actor import Actor
from sifa.core.audit.recorder import diff, record
from sifa.core.errors import Conflict, NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.services import service
from sifa.modules.judicial_office.choices import OccurrenceStatus, Recurrence
from sifa.modules.judicial_office.models import (
    PlanItem,
    PlanOccurrence,
    WorkCatalogueItem,
    WorkDailyTotal,
    WorkPlan,
)

VIEW = "judicial_office.plans.view"
MANAGE = "judicial_office.plans.manage"
COMPLETE = "judicial_office.plans.complete"

# How far back the periodic refresh re-counts occurrences whose due date has passed (a log
# corrected later than this no longer changes a closed period; refresh_plan_progress(plan=…)
# recounts a whole plan).
REFRESH_LOOKBACK_DAYS = 45
MAX_REMIND_DAYS = 60
MAX_TARGET = 100_000
QUARTER_NAMES = ("第一季度", "第二季度", "第三季度", "第四季度")


def register() -> None:
    """Permissions, audit actions, menu, API router, periodic job and alert rules of the plans part."""
    from sifa.core.registry import MenuEntry
    from sifa.modules.judicial_office import plan_alerts
    from sifa.modules.judicial_office.plan_api import router
    from sifa.modules.judicial_office.plan_jobs import REFRESH

    registry.register_permission(VIEW, "查看工作规划与任务进度")
    registry.register_permission(COMPLETE, "确认本所规划事项完成")
    registry.register_audit_action("judicial_office.plan.created", "制定工作规划")
    registry.register_audit_action("judicial_office.plan_item.added", "添加规划事项")
    registry.register_audit_action("judicial_office.plan_item.updated", "修改规划事项")
    registry.register_audit_action("judicial_office.plan_item.removed", "删除规划事项")
    registry.register_audit_action("judicial_office.plan_occurrence.completed", "确认规划事项完成")
    registry.register_audit_action("judicial_office.plan_progress.refreshed", "统计规划完成进度")
    registry.register_audit_action("judicial_office.plan_progress.exported", "导出规划完成进度")
    registry.menu.register("jo_plans", MenuEntry("jo_plans", "工作规划", "jo_plans:list", icon="calendar-check",
                                                 permission=VIEW, order=52, group="数字司法所"))
    registry.api_routers.register("/office/plans", router)
    registry.periodic_jobs.register(REFRESH.name, REFRESH)
    for rule in plan_alerts.RULES:
        registry.alert_rules.register(rule.code, rule)


# --- spreading an item over periods ------------------------------------------------------------


def _clamped(year: int, month: int, day: int) -> datetime.date:
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def spread(recurrence: str, due_date: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The (period start, due date) of each period of an item due ``due_date`` (first period), to year end."""
    year = due_date.year
    if recurrence == Recurrence.ONCE:
        return [(datetime.date(year, 1, 1), due_date)]
    if recurrence == Recurrence.MONTHLY:
        return [(datetime.date(year, m, 1), _clamped(year, m, due_date.day)) for m in range(due_date.month, 13)]
    if recurrence == Recurrence.QUARTERLY:
        first = (due_date.month - 1) // 3
        return [(datetime.date(year, 3 * q + 1, 1), _clamped(year, 3 * q + 3, due_date.day)) for q in range(first, 4)]
    raise ValidationFailed(f"未知的周期：{recurrence}", field="recurrence")


def period_label(recurrence: str, period_start: datetime.date, due_date: datetime.date) -> str:
    """「2026年3月」, 「2026年第二季度」 or, for a one-off item, 「2026-09-30 前」."""
    if recurrence == Recurrence.MONTHLY:
        return f"{period_start.year}年{period_start.month}月"
    if recurrence == Recurrence.QUARTERLY:
        return f"{period_start.year}年{QUARTER_NAMES[(period_start.month - 1) // 3]}"
    return f"{due_date:%Y-%m-%d} 前"


def occurrence_label(occurrence: PlanOccurrence) -> str:
    return period_label(occurrence.item.recurrence, occurrence.period_start, occurrence.due_date)


def target_offices(org: Org) -> list[Org]:
    """Who carries out a plan of ``org``: the org itself if it is a 司法所, else every current 司法所 below it."""
    if org.type == OrgType.JUDICIAL_OFFICE:
        return [org] if org.is_current else []
    return list(Org.objects.current().filter(type=OrgType.JUDICIAL_OFFICE, path__startswith=org.path)
                .exclude(pk=org.pk).order_by("path"))


def applicable_catalogue(org: Org) -> QuerySet[WorkCatalogueItem]:
    """The active catalogue items a plan of ``org`` may track (defaults and items of ``org`` and above)."""
    from sifa.modules.judicial_office.catalogue import catalogue_for

    return catalogue_for(org)


# --- selectors ---------------------------------------------------------------------------------


def _own_plans(actor: Actor) -> QuerySet[WorkPlan]:
    """Plans made in the actor's subtree (what the actor may change when the plan is its org's)."""
    return WorkPlan.objects.visible_to(actor)


def plans_visible_to(actor: Actor, *, year: int | None = None) -> QuerySet[WorkPlan]:
    """Plans made in the actor's subtree, and plans with an occurrence in it (assigned from above)."""
    actor.require(VIEW)
    if actor.is_system:
        qs = WorkPlan.objects.all()
    else:
        assigned = PlanOccurrence.objects.visible_to(actor).values("item__plan_id")
        qs = WorkPlan.objects.filter(Q(pk__in=_own_plans(actor).values("pk")) | Q(pk__in=assigned))
    if year is not None:
        qs = qs.filter(year=year)
    return qs.select_related("org").annotate(item_count=Count("items", distinct=True)).order_by("-year", "-created_at",
                                                                                                 "-id")


def plan_for(actor: Actor, pk: int) -> WorkPlan:
    plan = plans_visible_to(actor).filter(pk=pk).first()
    if plan is None:
        raise NotFound("工作规划不存在或无权访问")
    return plan


def managed_plan_for(actor: Actor, pk: int) -> WorkPlan:
    """A plan the actor may change: made by the actor's own org (404 outside the subtree, 403 below it)."""
    actor.require(MANAGE)
    plan = _own_plans(actor).select_related("org").filter(pk=pk).first()
    if plan is None:
        raise NotFound("工作规划不存在或无权访问")
    _require_owner(actor, plan)
    return plan


def managed_item_for(actor: Actor, pk: int) -> PlanItem:
    actor.require(MANAGE)
    item = PlanItem.objects.filter(pk=pk, plan__in=_own_plans(actor)).select_related(
        "plan", "plan__org", "catalogue_item").first()
    if item is None:
        raise NotFound("规划事项不存在或无权访问")
    _require_owner(actor, item.plan)
    return item


def can_manage(actor: Actor, plan: WorkPlan) -> bool:
    return actor.has_perm(MANAGE) and actor.org is not None and actor.org.pk == plan.org_id


def _require_owner(actor: Actor, plan: WorkPlan) -> None:
    if actor.org is None or actor.org.pk != plan.org_id:
        raise PermissionDeniedError(f"只有制定机构（{plan.org.name}）可以修改该工作规划")


def occurrences_visible_to(actor: Actor, *, plan: WorkPlan | None = None, item: PlanItem | None = None,
                           status: str = "", org: Org | None = None,
                           due_before: datetime.date | None = None) -> QuerySet[PlanOccurrence]:
    """Occurrences at offices in the actor's subtree, soonest due first (``status`` "pending" = not done)."""
    actor.require(VIEW)
    qs = PlanOccurrence.objects.visible_to(actor).select_related("item", "item__plan", "item__plan__org",
                                                                   "item__catalogue_item", "org")
    if plan is not None:
        qs = qs.filter(item__plan=plan)
    if item is not None:
        qs = qs.filter(item=item)
    if status == "pending":
        qs = qs.exclude(status=OccurrenceStatus.DONE)
    elif status:
        if status not in OccurrenceStatus.values:
            raise ValidationFailed(f"未知的状态：{status}", field="status")
        qs = qs.filter(status=status)
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path)
    if due_before is not None:
        qs = qs.filter(due_date__lte=due_before)
    return qs.order_by("due_date", "org__path", "item_id", "id")


def occurrence_for(actor: Actor, pk: int) -> PlanOccurrence:
    occurrence = occurrences_visible_to(actor).filter(pk=pk).first()
    if occurrence is None:
        raise NotFound("规划事项不存在或无权访问")
    return occurrence


@dataclass
class ItemSummary:
    """One item of a plan with its occurrences in the viewer's scope counted by status."""

    item: PlanItem
    total: int = 0
    done: int = 0
    overdue: int = 0

    @property
    def open(self) -> int:
        return self.total - self.done - self.overdue

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def item_summaries(actor: Actor, plan: WorkPlan) -> list[ItemSummary]:
    items = list(plan.items.select_related("catalogue_item").order_by("due_date", "id"))
    summaries = {i.pk: ItemSummary(i) for i in items}
    counts = (occurrences_visible_to(actor, plan=plan).order_by().values("item_id", "status")
              .annotate(n=Count("id")))
    for row in counts:
        s = summaries[row["item_id"]]
        s.total += row["n"]
        if row["status"] == OccurrenceStatus.DONE:
            s.done += row["n"]
        elif row["status"] == OccurrenceStatus.OVERDUE:
            s.overdue += row["n"]
    return [summaries[i.pk] for i in items]


@dataclass
class ProgressRow:
    office: Org
    cells: list[PlanOccurrence | None]

    @property
    def done(self) -> int:
        return sum(1 for c in self.cells if c is not None and c.status == OccurrenceStatus.DONE)


@dataclass
class ProgressMatrix:
    """Offices × periods of one plan item (occurrences in the viewer's scope), for the progress page."""

    item: PlanItem
    periods: list[tuple[datetime.date, str]] = field(default_factory=list)  # (due date, label)
    rows: list[ProgressRow] = field(default_factory=list)


def progress_matrix(actor: Actor, plan: WorkPlan, item: PlanItem, *, org: Org | None = None) -> ProgressMatrix:
    occurrences = list(occurrences_visible_to(actor, plan=plan, item=item, org=org))
    matrix = ProgressMatrix(item=item)
    dues = sorted({(o.due_date, o.period_start) for o in occurrences})
    matrix.periods = [(due, period_label(item.recurrence, start, due)) for due, start in dues]
    column = {due: i for i, (due, _) in enumerate(matrix.periods)}
    rows: dict[int, ProgressRow] = {}
    for o in occurrences:
        row = rows.get(o.org_id)
        if row is None:
            row = rows[o.org_id] = ProgressRow(o.org, [None] * len(matrix.periods))
        row.cells[column[o.due_date]] = o
    matrix.rows = sorted(rows.values(), key=lambda r: r.office.path)
    return matrix


# --- validation helpers ------------------------------------------------------------------------


def _clean_title(title: str, *, max_length: int, label: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(f"请填写{label}", field="title")
    if len(title) > max_length:
        raise ValidationFailed(f"{label}最多 {max_length} 个字", field="title")
    return title


@dataclass(frozen=True)
class _ItemFields:
    title: str
    due_date: datetime.date
    recurrence: str
    target: int
    catalogue_item: WorkCatalogueItem | None
    remind_days: int


def _clean_item(plan: WorkPlan, *, title: str, due_date: datetime.date, recurrence: str, target: int,
                catalogue_item: WorkCatalogueItem | None, remind_days: int, today: datetime.date,
                new_schedule: bool = True) -> _ItemFields:
    """Check an item's fields; a new schedule (an added item, or a changed 周期/期限) may not start in the past."""
    title = _clean_title(title, max_length=128, label="事项名称")
    if recurrence not in Recurrence.values:
        raise ValidationFailed(f"周期须为{'、'.join(str(label) for label in Recurrence.labels)}之一", field="recurrence")
    if not isinstance(due_date, datetime.date):
        raise ValidationFailed("请填写完成期限", field="due_date")
    if due_date.year != plan.year:
        raise ValidationFailed(f"完成期限须在规划年度 {plan.year} 年内", field="due_date")
    if new_schedule and due_date < today:
        raise ValidationFailed(f"完成期限不能早于今天（{today:%Y-%m-%d}）", field="due_date")
    if isinstance(target, bool) or not isinstance(target, int) or not 1 <= target <= MAX_TARGET:
        raise ValidationFailed(f"目标数量须为 1 至 {MAX_TARGET} 的整数", field="target")
    if isinstance(remind_days, bool) or not isinstance(remind_days, int) or not 0 <= remind_days <= MAX_REMIND_DAYS:
        raise ValidationFailed(f"提前提醒天数须为 0 至 {MAX_REMIND_DAYS} 的整数", field="remind_days")
    if catalogue_item is not None:
        if not applicable_catalogue(plan.org).filter(pk=catalogue_item.pk).exists():
            raise ValidationFailed(f"工作事项「{catalogue_item.name}」未启用或不适用于{plan.org.name}",
                                   field="catalogue_item")
    return _ItemFields(title, due_date, recurrence, target, catalogue_item, remind_days)


def _locked_plan(actor: Actor, plan: WorkPlan) -> WorkPlan:
    locked = _own_plans(actor).select_for_update(of=("self",)).filter(pk=plan.pk).select_related("org").first()
    if locked is None:
        raise NotFound("工作规划不存在或无权访问")
    _require_owner(actor, locked)
    return locked


def _spread_occurrences(item: PlanItem, offices: Sequence[Org], today: datetime.date) -> int:
    periods = spread(item.recurrence, item.due_date)
    rows = [PlanOccurrence(item=item, org=office, period_start=start, due_date=due, target=item.target,
                           status=OccurrenceStatus.OPEN)
            for office in offices for start, due in periods]
    created = PlanOccurrence.objects.bulk_create(rows, batch_size=1000)
    _recount(PlanOccurrence.objects.filter(item=item, period_start__lte=today), today, timezone.now())
    return len(created)


def _has_done(item: PlanItem) -> bool:
    return item.occurrences.filter(status=OccurrenceStatus.DONE).exists()


# --- services ----------------------------------------------------------------------------------


@service("judicial_office.plan.created")
def create_plan(*, actor: Actor, title: str, year: int, description: str = "",
                assigned: bool | None = None) -> WorkPlan:
    """Make a plan of the actor's org. A 司法所's plan is its own; a bureau's plan is assigned (下达) to
    every current 司法所 below it (``assigned`` defaults to that and may not say otherwise)."""
    actor.require(MANAGE)
    org = actor.org
    if org is None:
        raise ValidationFailed("请以机构身份制定工作规划", field="org")
    title = _clean_title(title, max_length=128, label="规划标题")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationFailed("年度须为 2000 至 2100 之间的年份", field="year")
    description = (description or "").strip()
    if len(description) > 2000:
        raise ValidationFailed("说明最多 2000 个字", field="description")
    is_office = org.type == OrgType.JUDICIAL_OFFICE
    if assigned is None:
        assigned = not is_office
    if is_office and assigned:
        raise PermissionDeniedError("司法所不能向下级下达工作规划")
    if not is_office:
        if not assigned:
            raise ValidationFailed(f"{org.name}的工作规划由下级司法所承办，须下达", field="assigned")
        if not target_offices(org):
            raise ValidationFailed(f"{org.name}下没有在用的司法所，不能下达工作规划", field="assigned")
    plan = WorkPlan.objects.create(org=org, title=title, year=year, description=description, assigned=assigned,
                                   created_by_name=actor.name[:64], created_at=timezone.now())
    record(actor=actor, action="judicial_office.plan.created", obj=plan, org_override=org,
           changes={"title": title, "year": year, "assigned": assigned})
    return plan


@service("judicial_office.plan_item.added")
def add_plan_item(*, actor: Actor, plan: WorkPlan, title: str, due_date: datetime.date,
                  recurrence: str = Recurrence.ONCE, target: int = 1, catalogue_item: WorkCatalogueItem | None = None,
                  remind_days: int = 3) -> PlanItem:
    """Add an item to a plan of the actor's org and spread it: one occurrence per period and target office."""
    actor.require(MANAGE)
    locked = _locked_plan(actor, plan)
    today = timezone.localdate()
    fields = _clean_item(locked, title=title, due_date=due_date, recurrence=recurrence, target=target,
                         catalogue_item=catalogue_item, remind_days=remind_days, today=today)
    offices = target_offices(locked.org)
    if not offices:
        raise ValidationFailed(f"{locked.org.name}没有承办的司法所", field="plan")
    item = PlanItem.objects.create(plan=locked, title=fields.title, catalogue_item=fields.catalogue_item,
                                   target=fields.target, recurrence=fields.recurrence, due_date=fields.due_date,
                                   remind_days=fields.remind_days)
    count = _spread_occurrences(item, offices, today)
    record(actor=actor, action="judicial_office.plan_item.added", obj=item, org_override=locked.org,
           changes={"plan": locked.pk, "title": item.title, "recurrence": item.recurrence,
                    "due_date": str(item.due_date), "target": item.target,
                    "catalogue": fields.catalogue_item.code if fields.catalogue_item else "",
                    "remind_days": item.remind_days, "offices": len(offices), "occurrences": count})
    return item


@service("judicial_office.plan_item.updated")
def update_plan_item(*, actor: Actor, item: PlanItem, title: str, due_date: datetime.date, recurrence: str,
                     target: int, catalogue_item: WorkCatalogueItem | None, remind_days: int) -> PlanItem:
    """Change an item before any office has done it. A new schedule (周期, 期限) spreads the item again;
    a new target or catalogue item is applied to the existing occurrences and recounted."""
    actor.require(MANAGE)
    locked_plan = _locked_plan(actor, item.plan)
    locked = PlanItem.objects.select_for_update(of=("self",)).filter(pk=item.pk, plan=locked_plan).first()
    if locked is None:
        raise NotFound("规划事项不存在或无权访问")
    if _has_done(locked):
        raise Conflict("已有司法所完成该事项，不能再修改；如需调整请新增事项")
    today = timezone.localdate()
    respread = (recurrence, due_date) != (locked.recurrence, locked.due_date)
    fields = _clean_item(locked_plan, title=title, due_date=due_date, recurrence=recurrence, target=target,
                         catalogue_item=catalogue_item, remind_days=remind_days, today=today, new_schedule=respread)
    before = {"title": locked.title, "due_date": locked.due_date, "recurrence": locked.recurrence,
              "target": locked.target, "catalogue": locked.catalogue_item.code if locked.catalogue_item else "",
              "remind_days": locked.remind_days}
    locked.title, locked.due_date, locked.recurrence = fields.title, fields.due_date, fields.recurrence
    locked.target, locked.catalogue_item, locked.remind_days = fields.target, fields.catalogue_item, fields.remind_days
    locked.save(update_fields=["title", "due_date", "recurrence", "target", "catalogue_item", "remind_days"])
    after = {"title": locked.title, "due_date": locked.due_date, "recurrence": locked.recurrence,
             "target": locked.target, "catalogue": fields.catalogue_item.code if fields.catalogue_item else "",
             "remind_days": locked.remind_days}
    if respread:
        locked.occurrences.all().delete()
        offices = target_offices(locked_plan.org)
        count = _spread_occurrences(locked, offices, today)
    else:
        locked.occurrences.update(target=locked.target, done=0, status=OccurrenceStatus.OPEN, completed_at=None)
        _recount(locked.occurrences.filter(period_start__lte=today), today, timezone.now())
        count = locked.occurrences.count()
    record(actor=actor, action="judicial_office.plan_item.updated", obj=locked, org_override=locked_plan.org,
           changes={"plan": locked_plan.pk, **diff(before, after), "respread": respread, "occurrences": count})
    return locked


@service("judicial_office.plan_item.removed")
def remove_plan_item(*, actor: Actor, item: PlanItem) -> None:
    """Remove an item (and its occurrences) before any office has done it."""
    actor.require(MANAGE)
    locked_plan = _locked_plan(actor, item.plan)
    locked = PlanItem.objects.select_for_update(of=("self",)).filter(pk=item.pk, plan=locked_plan).first()
    if locked is None:
        raise NotFound("规划事项不存在或无权访问")
    if _has_done(locked):
        raise Conflict("已有司法所完成该事项，不能删除")
    count = locked.occurrences.count()
    record(actor=actor, action="judicial_office.plan_item.removed", obj=locked, org_override=locked_plan.org,
           changes={"plan": locked_plan.pk, "title": locked.title, "occurrences": count})
    locked.delete()


@service("judicial_office.plan_occurrence.completed")
def mark_occurrence_done(*, actor: Actor, occurrence: PlanOccurrence, note: str = "") -> PlanOccurrence:
    """The office confirms a task without a catalogue item as done (手工确认完成), late or not."""
    actor.require(COMPLETE)
    locked = (PlanOccurrence.objects.visible_to(actor).select_for_update(of=("self",)).filter(pk=occurrence.pk)
              .select_related("item", "item__plan", "org").first())
    if locked is None:
        raise NotFound("规划事项不存在或无权访问")
    if actor.org is None or actor.org.pk != locked.org_id:
        raise PermissionDeniedError(f"只有承办的{locked.org.name}可以确认完成")
    if locked.item.catalogue_item_id is not None:
        raise Conflict("该事项按工作日志自动统计完成量，不能手工确认完成；请在工作日志中填报")
    if locked.status == OccurrenceStatus.DONE:
        raise Conflict("该事项已确认完成")
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationFailed("说明最多 500 个字", field="note")
    previous = locked.status
    locked.done = locked.target
    locked.status = OccurrenceStatus.DONE
    locked.completed_at = timezone.now()
    locked.save(update_fields=["done", "status", "completed_at"])
    record(actor=actor, action="judicial_office.plan_occurrence.completed", obj=locked, org_override=locked.org,
           changes={"plan": locked.item.plan_id, "item": locked.item_id, "due_date": str(locked.due_date),
                    "status": [previous, locked.status], "late": timezone.localdate() > locked.due_date,
                    "note": note})
    return locked


def _recount(occurrences: QuerySet[PlanOccurrence], today: datetime.date, now: datetime.datetime) -> int:
    """Recount ``done`` from the daily totals and set each status; returns how many rows changed."""
    rows = list(occurrences.select_related("item__catalogue_item"))
    groups: dict[tuple[str, datetime.date, datetime.date], list[PlanOccurrence]] = defaultdict(list)
    for o in rows:
        if o.item.catalogue_item is not None:
            groups[(o.item.catalogue_item.code, o.period_start, o.due_date)].append(o)
    counted: dict[int, int] = {}
    for (code, start, end), members in groups.items():
        org_ids = sorted({o.org_id for o in members})
        sums: dict[int, int] = {}
        for i in range(0, len(org_ids), 500):
            chunk = org_ids[i:i + 500]
            for row in (WorkDailyTotal.objects.filter(item_code=code, day__gte=start, day__lte=end, org_id__in=chunk)
                        .order_by().values("org_id").annotate(n=Sum("total"))):
                sums[row["org_id"]] = row["n"] or 0
        for o in members:
            counted[o.pk] = sums.get(o.org_id, 0)
    changed: list[PlanOccurrence] = []
    for o in rows:
        before = (o.done, o.status, o.completed_at)
        if o.pk in counted:
            o.done = counted[o.pk]
            if o.done >= o.target:
                o.status = OccurrenceStatus.DONE
                o.completed_at = o.completed_at or now
            else:
                o.status = OccurrenceStatus.OVERDUE if today > o.due_date else OccurrenceStatus.OPEN
                o.completed_at = None
        elif o.status != OccurrenceStatus.DONE:
            o.status = OccurrenceStatus.OVERDUE if today > o.due_date else OccurrenceStatus.OPEN
        if (o.done, o.status, o.completed_at) != before:
            changed.append(o)
    PlanOccurrence.objects.bulk_update(changed, ["done", "status", "completed_at"], batch_size=1000)
    return len(changed)


def _note_reminders(since: datetime.datetime) -> int:
    """Copy the opening time of each reminder alert onto its occurrence (``reminded_at``, shown on 我的任务)."""
    from sifa.core.alerts.models import Alert
    from sifa.modules.judicial_office.plan_alerts import DUE_SOON, OBJECT_TYPE

    opened: dict[int, datetime.datetime] = {}
    for object_id, at in (Alert.objects.filter(rule_code=DUE_SOON.code, object_type=OBJECT_TYPE, opened_at__gte=since)
                          .order_by("-opened_at").values_list("object_id", "opened_at")):
        if object_id.isdigit():
            opened[int(object_id)] = at
    if not opened:
        return 0
    rows = list(PlanOccurrence.objects.filter(pk__in=list(opened), reminded_at__isnull=True))
    for o in rows:
        o.reminded_at = opened[o.pk]
    PlanOccurrence.objects.bulk_update(rows, ["reminded_at"], batch_size=1000)
    return len(rows)


@service("judicial_office.plan_progress.refreshed")
def refresh_plan_progress(*, actor: Actor, today: datetime.date | None = None,
                          plan: WorkPlan | None = None) -> dict[str, int]:
    """Recount plan progress from the work log (a periodic job; a system actor sees every plan).

    Without ``plan``: every started occurrence due within the last ``REFRESH_LOOKBACK_DAYS`` days or
    later, plus open ones past their due date (they turn overdue). With ``plan``: all of its
    started occurrences in the actor's subtree.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    qs = PlanOccurrence.objects.visible_to(actor).filter(period_start__lte=today)
    if plan is not None:
        qs = qs.filter(item__plan=plan)
    else:
        horizon = today - datetime.timedelta(days=REFRESH_LOOKBACK_DAYS)
        qs = qs.filter(Q(due_date__gte=horizon) | Q(status=OccurrenceStatus.OPEN))
    checked = qs.count()
    changed = _recount(qs, today, now)
    reminded = _note_reminders(now - datetime.timedelta(days=REFRESH_LOOKBACK_DAYS + MAX_REMIND_DAYS))
    result = {"checked": checked, "changed": changed, "reminded": reminded}
    record(actor=actor, action="judicial_office.plan_progress.refreshed", obj=plan,
           object_type="judicial_office.planoccurrence", object_repr=f"规划进度统计 {today:%Y-%m-%d}",
           changes=result)
    return result


@service("judicial_office.plan_progress.exported")
def export_plan_progress(*, actor: Actor, plan: WorkPlan, row_count: int) -> None:
    """Record an Excel export of a plan's progress (the rows are the actor's scope only)."""
    actor.require(VIEW)
    record(actor=actor, action="judicial_office.plan_progress.exported", obj=plan,
           changes={"year": plan.year, "rows": row_count})


def catalogue_by_code(org: Org, code: str | None) -> WorkCatalogueItem | None:
    """The applicable catalogue item with ``code`` (None for an empty code), or a ValidationFailed naming it."""
    code = (code or "").strip()
    if not code:
        return None
    item = applicable_catalogue(org).filter(code=code).first()
    if item is None:
        raise ValidationFailed(f"工作事项 {code} 不存在、未启用或不适用于{org.name}", field="catalogue_code")
    return item


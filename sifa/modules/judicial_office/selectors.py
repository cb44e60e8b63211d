"""Work-log reads: logs, corrections and auto items in the actor's scope, the day page, the month calendar.

Every read starts from ``visible_to(actor)`` (CONVENTIONS §4.2); an object out of scope answers
404 like a missing one. ``WorkLogFilter`` is the one filter of the log list, its API and its export.
"""

from __future__ import annotations

import calendar as month_calendar_module
import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from ninja import FilterSchema
from pydantic import Field

from sifa.core.accounts.actor import Actor
from sifa.core.cases.models import Case
from sifa.core.deadlines.calendar import CalendarMissing
from sifa.core.deadlines.selectors import working_calendar
from sifa.core.errors import NotFound
from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import get_visible_or_404, org_subtree_q
from sifa.modules.judicial_office.catalogue import applicable_q
from sifa.modules.judicial_office.choices import CorrectionStatus, WorkLogStatus
from sifa.modules.judicial_office.models import (
    AutoWorkItem,
    WorkCatalogueItem,
    WorkLog,
    WorkLogCorrection,
    WorkLogItem,
)
from sifa.modules.judicial_office.services import lock_date


class WorkLogFilter(FilterSchema):
    """Filters of the work-log list (page, API and Excel export)."""

    org: int | None = Field(None, description="司法所或上级机构 ID（含下级）")
    since: datetime.date | None = Field(None, description="工作日期起（含）")
    until: datetime.date | None = Field(None, description="工作日期止（含）")
    author: str | None = Field(None, max_length=64, description="填报人用户名或姓名")
    status: str | None = Field(None, pattern="^(draft|submitted)$", description="draft（草稿）| submitted（已提交）")

    def filter_org(self, value: int | None) -> Q:
        return org_subtree_q(value)

    def filter_since(self, value: datetime.date | None) -> Q:
        return Q(day__gte=value) if value else Q()

    def filter_until(self, value: datetime.date | None) -> Q:
        return Q(day__lte=value) if value else Q()

    def filter_author(self, value: str | None) -> Q:
        return Q(author__username__iexact=value) | Q(author_name__icontains=value) if value else Q()


def _items_prefetch() -> Prefetch:
    return Prefetch("items", queryset=WorkLogItem.objects.select_related("catalogue_item")
                    .prefetch_related("photos", "cases").order_by("catalogue_item__order", "id"))


def logs_visible_to(actor: Actor, *, filters: WorkLogFilter | None = None) -> QuerySet[WorkLog]:
    qs = WorkLog.objects.visible_to(actor).select_related("org", "author")
    if filters is not None:
        qs = filters.filter(qs)
    return qs.order_by("-day", "org__path", "author_name", "id")


def log_for(actor: Actor, pk: int) -> WorkLog:
    """One log in scope, with its items (photos, cases) prefetched; 404 otherwise."""
    log = get_visible_or_404(WorkLog, actor, pk=pk)
    return (WorkLog.objects.select_related("org", "author").prefetch_related(_items_prefetch(), "corrections")
            .get(pk=log.pk))


def own_log(actor: Actor, day: datetime.date) -> WorkLog | None:
    """The actor's own log of ``day`` at the acting org, if any."""
    if actor.org is None or actor.user is None:
        return None
    return (WorkLog.objects.filter(org=actor.org, author=actor.user, day=day)
            .prefetch_related(_items_prefetch()).first())


def auto_items_of_day(actor: Actor, org: Org, day: datetime.date) -> list[AutoWorkItem]:
    """The auto items of an office's day, in scope (empty when the office is out of scope)."""
    return list(AutoWorkItem.objects.visible_to(actor).filter(org=org, day=day)
                .select_related("catalogue_item", "user").order_by("catalogue_item__order", "id"))


def linkable_cases(actor: Actor, org: Org, *, limit: int = 100) -> list[Case]:
    """Recent cases of the office (in scope) a log item can link to."""
    return list(Case.objects.visible_to(actor).filter(org__path__startswith=org.path).order_by("-opened_at")[:limit])


def lock_of(day: datetime.date) -> datetime.date | None:
    """The log's last editable day, or None when the holiday calendar it needs is not loaded."""
    try:
        return lock_date(day)
    except CalendarMissing:
        return None


# --- the month calendar --------------------------------------------------------------------------


@dataclass
class DayCell:
    day: datetime.date
    in_month: bool
    working: bool | None  # None: the year's holiday calendar is not loaded
    status: str  # submitted | draft | missing | rest | future
    locked: bool
    log_id: int | None = None

    @property
    def label(self) -> str:
        return {"submitted": "已提交", "draft": "草稿", "missing": "未填报", "rest": "休息日", "future": ""}[self.status]


@dataclass
class MonthView:
    first: datetime.date
    weeks: list[list[DayCell]] = field(default_factory=list)
    submitted: int = 0
    missing: int = 0
    drafts: int = 0

    @property
    def previous(self) -> datetime.date:
        return (self.first - datetime.timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> datetime.date:
        return (self.first + datetime.timedelta(days=32)).replace(day=1)


def parse_month(text: str, today: datetime.date) -> datetime.date:
    try:
        year, month = (int(p) for p in text.split("-", 1))
        return datetime.date(year, month, 1)
    except (ValueError, TypeError):
        return today.replace(day=1)


def month_view(actor: Actor, first: datetime.date) -> MonthView:
    """The actor's own logs over a month, as calendar weeks (Monday first) with each day's state."""
    today = timezone.localdate()
    view = MonthView(first=first)
    days_in_month = month_calendar_module.monthrange(first.year, first.month)[1]
    last = first.replace(day=days_in_month)
    start = first - datetime.timedelta(days=first.weekday())
    end = last + datetime.timedelta(days=6 - last.weekday())
    logs: dict[datetime.date, tuple[int, str]] = {}
    if actor.org is not None and actor.user is not None:
        logs = {d: (pk, s) for pk, d, s in WorkLog.objects.filter(org=actor.org, author=actor.user,
                                                                  day__range=(start, end))
                .values_list("pk", "day", "status")}
    cal = working_calendar()
    day = start
    week: list[DayCell] = []
    while day <= end:
        try:
            working: bool | None = cal.is_working_day(day)
        except CalendarMissing:
            working = None
        pk, state = logs.get(day, (None, ""))
        if day > today:
            status = "future"
        elif state:
            status = state
        else:
            status = "missing" if working or working is None else "rest"
        lock = lock_of(day) if state == WorkLogStatus.SUBMITTED else None
        locked = lock is not None and today > lock
        cell = DayCell(day=day, in_month=day.month == first.month, working=working, status=status, locked=locked,
                       log_id=pk)
        if cell.in_month:
            view.submitted += status == WorkLogStatus.SUBMITTED
            view.drafts += status == WorkLogStatus.DRAFT
            view.missing += status == "missing"
        week.append(cell)
        if len(week) == 7:
            view.weeks.append(week)
            week = []
        day += datetime.timedelta(days=1)
    return view


# --- corrections ---------------------------------------------------------------------------------


def corrections_visible_to(actor: Actor, *, status: str | None = None) -> QuerySet[WorkLogCorrection]:
    qs = WorkLogCorrection.objects.visible_to(actor).select_related("log", "log__org")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-requested_at", "-id")


def correction_for(actor: Actor, pk: int) -> WorkLogCorrection:
    correction = get_visible_or_404(WorkLogCorrection, actor, pk=pk)
    return WorkLogCorrection.objects.select_related("log", "log__org").get(pk=correction.pk)


def pending_corrections_for_approver(actor: Actor) -> QuerySet[WorkLogCorrection]:
    if not actor.has_perm("judicial_office.worklog.approve"):
        return WorkLogCorrection.objects.none()
    return corrections_visible_to(actor, status=CorrectionStatus.PENDING)


def proposed_rows(correction: WorkLogCorrection) -> list[dict[str, object]]:
    """The proposed items with their catalogue names, for display."""
    items = (correction.proposed or {}).get("items", [])
    names = dict(WorkCatalogueItem.objects.filter(code__in=[i.get("code") for i in items])
                 .values_list("code", "name"))
    return [{**i, "name": names.get(i.get("code"), i.get("code"))} for i in items]


# --- the catalogue page --------------------------------------------------------------------------


def catalogue_items_visible_to(actor: Actor) -> QuerySet[WorkCatalogueItem]:
    """Items the actor can see on the catalogue page: defaults, its org's and above (they apply to it),
    and the items of orgs below it."""
    if actor.is_system:
        return WorkCatalogueItem.objects.select_related("org").order_by("order", "code")
    if actor.org is None:
        return WorkCatalogueItem.objects.none()
    q = applicable_q(actor.org)
    for path in actor.scope_paths:
        q |= Q(org__path__startswith=path)
    return WorkCatalogueItem.objects.filter(q).select_related("org").order_by("order", "code")


def catalogue_item_for(actor: Actor, pk: int) -> WorkCatalogueItem:
    item = catalogue_items_visible_to(actor).filter(pk=pk).first()
    if item is None:
        raise NotFound("工作事项不存在或无权访问")
    return item

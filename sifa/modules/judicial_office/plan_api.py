"""Work-plan API (/api/v1/office/plans): plans, items, progress, the office's tasks, marking a task done."""

import datetime
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sifa.core.api import PagePagination, actor_of
from sifa.core.errors import NotFound
from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import get_visible_or_404
from sifa.modules.judicial_office import plans
from sifa.modules.judicial_office.choices import OccurrenceStatus, Recurrence
from sifa.modules.judicial_office.models import PlanItem, PlanOccurrence, WorkPlan

router = Router(tags=["工作规划"])

STATUS_HELP = "open（进行中）| done（已完成）| overdue（已逾期）| pending（未完成：进行中或已逾期）"


class PlanIn(Schema):
    title: str = Field(..., min_length=1, max_length=128, description="规划标题")
    year: int = Field(..., ge=2000, le=2100, description="年度")
    description: str = Field("", max_length=2000)
    assigned: bool | None = Field(None, description="下达给下级司法所；默认：司法局（厅）的规划下达，司法所的规划不下达"
                                                    "（司法所不能下达）")


class PlanOut(Schema):
    id: int
    org_id: int
    org_name: str
    title: str
    year: int
    description: str
    assigned: bool
    created_by_name: str
    created_at: datetime.datetime


class PlanItemIn(Schema):
    title: str = Field(..., min_length=1, max_length=128, description="事项")
    due_date: datetime.date = Field(..., description="完成期限；周期事项为首期期限（同一年度内，不早于今天）")
    recurrence: str = Field(Recurrence.ONCE, pattern="^(once|monthly|quarterly)$",
                            description="once（一次性）| monthly（每月，同日，月末顺延至月底）| quarterly（每季度，季末月同日）")
    target: int = Field(1, ge=1, le=plans.MAX_TARGET, description="目标数量")
    catalogue_code: str | None = Field(None, max_length=64,
                                       description="对应工作事项编码：按工作日志自动统计完成量；留空则由司法所手工确认完成")
    remind_days: int = Field(3, ge=0, le=plans.MAX_REMIND_DAYS, description="提前提醒天数")


class PlanItemOut(Schema):
    id: int
    plan_id: int
    title: str
    recurrence: str
    recurrence_label: str
    due_date: datetime.date
    target: int
    catalogue_code: str | None
    catalogue_name: str | None
    remind_days: int
    occurrences: int = Field(..., description="本机构范围内的周期任务数")
    done: int
    overdue: int


class PlanDetailOut(PlanOut):
    can_manage: bool = Field(..., description="当前身份可否修改本规划（制定机构）")
    items: list[PlanItemOut]


class PlanOccurrenceOut(Schema):
    id: int
    plan_id: int
    plan_title: str
    item_id: int
    item_title: str
    org_id: int
    org_name: str
    period: str = Field(..., description="周期，如「2026年3月」「2026年第二季度」")
    period_start: datetime.date
    due_date: datetime.date
    target: int
    done: int
    status: str = Field(..., description="open | done | overdue")
    status_label: str
    manual: bool = Field(..., description="手工确认完成的任务（未对应工作事项）")
    completed_at: datetime.datetime | None
    reminded_at: datetime.datetime | None


class PlanDoneIn(Schema):
    note: str = Field("", max_length=500, description="说明（记入审计日志）")


def _plan(plan: WorkPlan) -> dict[str, Any]:
    return {"id": plan.pk, "org_id": plan.org_id, "org_name": plan.org.name, "title": plan.title, "year": plan.year,
            "description": plan.description, "assigned": plan.assigned, "created_by_name": plan.created_by_name,
            "created_at": plan.created_at}


def _item(summary: plans.ItemSummary) -> dict[str, Any]:
    item = summary.item
    cat = item.catalogue_item
    return {"id": item.pk, "plan_id": item.plan_id, "title": item.title, "recurrence": item.recurrence,
            "recurrence_label": Recurrence(item.recurrence).label, "due_date": item.due_date, "target": item.target,
            "catalogue_code": cat.code if cat else None, "catalogue_name": cat.name if cat else None,
            "remind_days": item.remind_days, "occurrences": summary.total, "done": summary.done,
            "overdue": summary.overdue}


def _detail(request: HttpRequest, plan: WorkPlan) -> dict[str, Any]:
    actor = actor_of(request)
    return {**_plan(plan), "can_manage": plans.can_manage(actor, plan),
            "items": [_item(s) for s in plans.item_summaries(actor, plan)]}


def _occurrence(o: PlanOccurrence) -> dict[str, Any]:
    return {"id": o.pk, "plan_id": o.item.plan_id, "plan_title": o.item.plan.title, "item_id": o.item_id,
            "item_title": o.item.title, "org_id": o.org_id, "org_name": o.org.name,
            "period": plans.occurrence_label(o), "period_start": o.period_start, "due_date": o.due_date,
            "target": o.target, "done": o.done, "status": o.status,
            "status_label": OccurrenceStatus(o.status).label, "manual": o.item.catalogue_item_id is None,
            "completed_at": o.completed_at, "reminded_at": o.reminded_at}


class _Rendered:
    """A queryset whose page is rendered as dicts (PagePagination slices it, then counts it)."""

    def __init__(self, qs: Any, render: Callable[[Any], dict[str, Any]]) -> None:
        self.qs = qs
        self.render = render

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return [self.render(o) for o in self.qs[index]]

    def count(self) -> int:
        count: int = self.qs.count()
        return count


def _org_filter(request: HttpRequest, org: int | None) -> Org | None:
    return get_visible_or_404(Org, actor_of(request), pk=org) if org is not None else None


@router.get("", response=list[PlanOut], summary="工作规划列表（本机构及下级制定的、上级下达给本机构范围的）")
@paginate(PagePagination)
def list_plans(request: HttpRequest, year: int | None = Query(None, description="年度")):  # type: ignore[no-untyped-def]
    return _Rendered(plans.plans_visible_to(actor_of(request), year=year), _plan)


@router.post("", response={201: PlanDetailOut}, summary="制定工作规划（司法局的规划下达给下级全部司法所）")
def create_plan(request: HttpRequest, payload: PlanIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    actor.require(plans.MANAGE)
    plan = plans.create_plan(actor=actor, title=payload.title, year=payload.year, description=payload.description,
                             assigned=payload.assigned)
    return Status(201, _detail(request, plans.plan_for(actor, plan.pk)))


class PlanTaskQuery(Schema):
    status: str = Field("", pattern="^(|open|done|overdue|pending)$", description=STATUS_HELP)
    org: int | None = Field(None, description="只看该机构及下级")
    plan: int | None = Field(None, description="工作规划 ID")
    due_before: datetime.date | None = Field(None, description="期限不晚于该日")


@router.get("/occurrences", response=list[PlanOccurrenceOut],
            summary="规划任务（各司法所各周期），期限近的在前；司法所的「我的任务」")
@paginate(PagePagination)
def list_occurrences(request: HttpRequest, query: Query[PlanTaskQuery]):  # type: ignore[no-untyped-def]
    actor = actor_of(request)
    obj = plans.plan_for(actor, query.plan) if query.plan is not None else None
    qs = plans.occurrences_visible_to(actor, plan=obj, status=query.status, org=_org_filter(request, query.org),
                                      due_before=query.due_before)
    return _Rendered(qs, _occurrence)


@router.post("/occurrences/{int:occurrence_id}/done", response=PlanOccurrenceOut,
             summary="确认规划任务完成（承办司法所；仅限未对应工作事项的任务）")
def mark_done(request: HttpRequest, occurrence_id: int, payload: PlanDoneIn) -> dict[str, Any]:
    actor = actor_of(request)
    actor.require(plans.COMPLETE)
    occurrence = plans.occurrence_for(actor, occurrence_id)
    done = plans.mark_occurrence_done(actor=actor, occurrence=occurrence, note=payload.note)
    return _occurrence(plans.occurrence_for(actor, done.pk))


def _item_fields(request: HttpRequest, plan: WorkPlan, payload: PlanItemIn) -> dict[str, Any]:
    return {"title": payload.title, "due_date": payload.due_date, "recurrence": payload.recurrence,
            "target": payload.target, "remind_days": payload.remind_days,
            "catalogue_item": plans.catalogue_by_code(plan.org, payload.catalogue_code)}


@router.put("/items/{int:item_id}", response=PlanDetailOut,
            summary="修改规划事项（尚无司法所完成时；改周期或期限将重新分解）")
def update_item(request: HttpRequest, item_id: int, payload: PlanItemIn) -> dict[str, Any]:
    actor = actor_of(request)
    item: PlanItem = plans.managed_item_for(actor, item_id)
    plans.update_plan_item(actor=actor, item=item, **_item_fields(request, item.plan, payload))
    return _detail(request, plans.plan_for(actor, item.plan_id))


@router.delete("/items/{int:item_id}", response=PlanDetailOut, summary="删除规划事项（尚无司法所完成时）")
def remove_item(request: HttpRequest, item_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    item = plans.managed_item_for(actor, item_id)
    plans.remove_plan_item(actor=actor, item=item)
    return _detail(request, plans.plan_for(actor, item.plan_id))


@router.get("/{int:plan_id}", response=PlanDetailOut, summary="工作规划详情：事项及本机构范围内的完成情况")
def get_plan(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    return _detail(request, plans.plan_for(actor_of(request), plan_id))


@router.post("/{int:plan_id}/items", response={201: PlanDetailOut},
             summary="添加规划事项并分解到各司法所、各周期")
def add_item(request: HttpRequest, plan_id: int, payload: PlanItemIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    plan = plans.managed_plan_for(actor, plan_id)
    plans.add_plan_item(actor=actor, plan=plan, **_item_fields(request, plan, payload))
    return Status(201, _detail(request, plans.plan_for(actor, plan.pk)))


@router.get("/{int:plan_id}/progress", response=list[PlanOccurrenceOut],
            summary="工作规划完成进度：各司法所各周期的任务（本机构范围内）")
@paginate(PagePagination)
def progress(request: HttpRequest, plan_id: int,  # type: ignore[no-untyped-def]
             item: int | None = Query(None, description="规划事项 ID"),
             status: str = Query("", pattern="^(|open|done|overdue|pending)$", description=STATUS_HELP),
             org: int | None = Query(None, description="只看该机构及下级")):
    actor = actor_of(request)
    plan = plans.plan_for(actor, plan_id)
    obj = plan.items.filter(pk=item).first() if item is not None else None
    if item is not None and obj is None:
        raise NotFound("规划事项不存在或无权访问")
    return _Rendered(plans.occurrences_visible_to(actor, plan=plan, item=obj, status=status,
                                                  org=_org_filter(request, org)), _occurrence)

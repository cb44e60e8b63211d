"""Reads of the supervision part (矫正小组, 管理等级, 矫正方案, 监管任务). Every row query starts from
``visible_to(actor)``; out-of-scope objects answer like missing ones (CONVENTIONS §4.7).

``team_problems`` (CC-10) and ``generate_tasks`` (CC-09, CC-39) are pure reads used by the pages,
the API and the services.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from sifa.core.orgs.scope import get_visible_or_404
from sifa.modules.correction import config
from sifa.modules.correction.choices import MeasureCategory, PlanStatus, TaskKind, TaskStatus, TeamRole
from sifa.modules.correction.models import (
    CorrectionCase,
    CorrectionPlan,
    LevelAssessment,
    SupervisionTask,
    TeamMember,
)

if TYPE_CHECKING:
    from sifa.core.accounts.actor import Actor

TERMINAL_STATES = ("revoked", "recommitted", "deceased", "discharged")

M = TypeVar("M", bound=models.Model)


def rows(model: type[M]) -> QuerySet[M]:
    """Typed rows of a case-child model (its ``CaseChildQuerySet`` manager is typed over ``Model``)."""
    return model._default_manager.all()


def visible(model: type[M], actor: Actor) -> QuerySet[M]:
    """``model.objects.visible_to(actor)``, typed."""
    qs: Any = model._default_manager.all()
    return cast("QuerySet[M]", qs.visible_to(actor))


def case_for(actor: Actor, pk: int) -> CorrectionCase:
    """The correction case ``pk`` in the actor's scope (404 otherwise)."""
    return get_visible_or_404(CorrectionCase, actor, pk=pk)


def plan_for(actor: Actor, pk: int) -> CorrectionPlan:
    return get_visible_or_404(CorrectionPlan, actor, pk=pk)


def task_for(actor: Actor, pk: int) -> SupervisionTask:
    return get_visible_or_404(SupervisionTask, actor, pk=pk)


def member_for(actor: Actor, pk: int) -> TeamMember:
    return get_visible_or_404(TeamMember, actor, pk=pk)


def case_queryset(actor: Actor) -> QuerySet[CorrectionCase]:
    return CorrectionCase.objects.visible_to(actor).select_related("case", "case__org", "subject", "subject__person")


# --- 矫正小组 (CC-10) -------------------------------------------------------------------------------


def active_team(detail: CorrectionCase) -> list[TeamMember]:
    return list(rows(TeamMember).filter(correction_case=detail, active=True).order_by("id"))


def team_problems(detail: CorrectionCase, members: Iterable[TeamMember] | None = None) -> list[str]:
    """What the 矫正小组 lacks under CC-10 (《社区矫正法》第二十五条第二款、第五十二条第三款); empty = complete.

    A female subject's team includes a woman; a minor's team (the minor rules continue after the 18th
    birthday, CC-35) includes people familiar with minors (role ``minor_expert``). ``members`` lets a
    caller check a team it is about to write.
    """
    team = list(members) if members is not None else active_team(detail)
    problems = []
    if not team:
        problems.append("尚未组建矫正小组（CC-10，《社区矫正法》第二十五条）")
    if detail.subject.person.gender == "F" and not any(m.gender == "F" for m in team):
        problems.append("女性社区矫正对象的矫正小组应当有女性成员（CC-10，《社区矫正法》第二十五条第二款）")
    if detail.subject.is_minor and not any(m.role == TeamRole.MINOR_EXPERT for m in team):
        problems.append("未成年社区矫正对象的矫正小组应当有熟悉未成年人身心特点的人员（CC-10，《社区矫正法》第五十二条第三款）")
    return problems


# --- 管理等级 (CC-09) -------------------------------------------------------------------------------


def assessments(detail: CorrectionCase) -> list[LevelAssessment]:
    return list(rows(LevelAssessment).filter(correction_case=detail).order_by("-assessed_on", "-id"))


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reassessment_due(detail: CorrectionCase, last: LevelAssessment | None = None) -> datetime.date | None:
    """The day the next periodic reassessment is due (config levels.reassess_months after the last one)."""
    if last is None:
        last = rows(LevelAssessment).filter(correction_case=detail).order_by("-assessed_on", "-id").first()
    if last is None:
        return None
    return add_months(last.assessed_on, int(config.section("levels").get("reassess_months", 3)))


# --- 矫正方案 (CC-09) -------------------------------------------------------------------------------


def plans(detail: CorrectionCase) -> list[CorrectionPlan]:
    return list(rows(CorrectionPlan).filter(correction_case=detail).prefetch_related("measures").order_by("-version"))


def approved_plan(detail: CorrectionCase) -> CorrectionPlan | None:
    return (rows(CorrectionPlan).filter(correction_case=detail, status=PlanStatus.APPROVED)
            .prefetch_related("measures").order_by("-version").first())


def plan_hours(plan: CorrectionPlan | None) -> dict[str, int]:
    """Monthly hours the approved plan adds per category (education, public_service)."""
    out = {MeasureCategory.EDUCATION.value: 0, MeasureCategory.PUBLIC_SERVICE.value: 0}
    if plan is None:
        return out
    for m in plan.measures.all():
        if m.category in out and m.hours_per_month:
            out[m.category] += m.hours_per_month
    return out


# --- 监管任务 (CC-09, CC-39) ------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskSpec:
    kind: str
    due_date: datetime.date
    basis: str


def _every(anchor: datetime.date, days: int, start: datetime.date, end: datetime.date) -> Iterable[datetime.date]:
    if days <= 0:
        return
    k = max(1, (start - anchor).days // days)
    while True:
        day = anchor + datetime.timedelta(days=k * days)
        if day > end:
            return
        if day >= start:
            yield day
        k += 1


def _month_ends(anchor: datetime.date, start: datetime.date, end: datetime.date) -> Iterable[datetime.date]:
    year, month = start.year, start.month
    while True:
        last = datetime.date(year, month, calendar.monthrange(year, month)[1])
        if last > end:
            return
        if last >= start and last > anchor:
            yield last
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def anchor_of(detail: CorrectionCase) -> datetime.date:
    """Schedules run from reception (报到接收), else the term's start, else the judgment's effect."""
    return detail.received_on or detail.term_start or detail.effective_date


def monthly_hours(detail: CorrectionCase, plan: CorrectionPlan | None) -> dict[str, int]:
    """Hours per month of 教育学习 and 公益活动: the level's (config) plus the approved plan's measures."""
    extra = plan_hours(plan)
    try:
        level = config.level(detail.level)
    except KeyError:
        return {k: v for k, v in extra.items()}
    return {MeasureCategory.EDUCATION.value: level.education_hours + extra[MeasureCategory.EDUCATION.value],
            MeasureCategory.PUBLIC_SERVICE.value: level.public_service_hours + extra[MeasureCategory.PUBLIC_SERVICE.value]}


def generate_tasks(detail: CorrectionCase, start: datetime.date, end: datetime.date,
                   plan: CorrectionPlan | None = None) -> list[TaskSpec]:
    """The supervision tasks due in [start, end] for this case (CC-09 level, CC-39 reporting), nothing written.

    From the level (config ``levels``, [NV]): a 报告 every ``report_days`` and a 走访 every ``visit_days``
    from reception; 教育学习 and 公益活动 due at each month's end when the level's hours plus the approved
    plan's hours are above zero. 暂予监外执行 (CC-39, config ``health`` [NV]): a 病情报告 every
    ``health.report_days``; 保外就医 also a 病情复查 every ``medical_parole_review_months``. Nothing after
    the term's end, nor on a day the subject is held in custody (an active custodial restriction, CC-22).
    """
    anchor = anchor_of(detail)
    first = max(start, anchor + datetime.timedelta(days=1))
    last = min(end, detail.term_end) if detail.term_end else end
    if first > last:
        return []
    out: list[TaskSpec] = []
    try:
        level = config.level(detail.level)
    except KeyError:
        level = None
    if level is not None:
        out += [TaskSpec(TaskKind.REPORT_IN, d, f"{level.label}：每{level.report_days}日报告一次")
                for d in _every(anchor, level.report_days, first, last)]
        out += [TaskSpec(TaskKind.VISIT, d, f"{level.label}：每{level.visit_days}日走访一次")
                for d in _every(anchor, level.visit_days, first, last)]
        hours = monthly_hours(detail, plan if plan is not None else approved_plan(detail))
        for kind, category in ((TaskKind.EDUCATION, MeasureCategory.EDUCATION),
                               (TaskKind.PUBLIC_SERVICE, MeasureCategory.PUBLIC_SERVICE)):
            if hours[category.value] > 0:
                out += [TaskSpec(kind, d, f"每月{category.label}{hours[category.value]}小时")
                        for d in _month_ends(anchor, first, last)]
    if detail.sentence_type == "temporary_execution":
        health = config.section("health")
        out += [TaskSpec(TaskKind.HEALTH_REPORT, d, f"暂予监外执行：每{health['report_days']}日报告病情（CC-39）")
                for d in _every(anchor, int(health["report_days"]), first, last)]
        if detail.medical_parole:
            months = int(health["medical_parole_review_months"])
            k = 1
            while True:
                d = add_months(anchor, k * months)
                if d > last:
                    break
                if d >= first:
                    out.append(TaskSpec(TaskKind.HEALTH_REPORT, d, f"保外就医：每{months}个月提交病情复查情况（CC-39）"))
                k += 1
    from sifa.modules.correction.liberty_selectors import in_windows, paused_windows

    windows = paused_windows(detail)  # CC-22: nothing is due while the subject is held in custody
    seen: set[tuple[str, datetime.date]] = set()
    unique = []
    for spec in sorted(out, key=lambda s: (s.due_date, s.kind)):
        if windows and in_windows(spec.due_date, windows):
            continue
        if (spec.kind, spec.due_date) not in seen:
            seen.add((spec.kind, spec.due_date))
            unique.append(spec)
    return unique


def required_hours(task: SupervisionTask, hours: dict[str, int] | None = None) -> int | None:
    """Hours a 教育学习 / 公益活动 task asks for (current level + approved plan); None for other kinds."""
    if task.kind not in (TaskKind.EDUCATION, TaskKind.PUBLIC_SERVICE):
        return None
    hours = hours if hours is not None else monthly_hours(task.correction_case, approved_plan(task.correction_case))
    return hours[MeasureCategory.EDUCATION.value if task.kind == TaskKind.EDUCATION else MeasureCategory.PUBLIC_SERVICE.value]


def tasks_visible_to(actor: Actor) -> QuerySet[SupervisionTask]:
    return (visible(SupervisionTask, actor)
            .select_related("correction_case", "correction_case__case", "correction_case__case__org",
                            "correction_case__subject", "correction_case__subject__person"))


@dataclass
class TaskBoard:
    overdue: list[SupervisionTask]
    today: list[SupervisionTask]
    upcoming: list[SupervisionTask]
    done: list[SupervisionTask]


def task_board(actor: Actor, *, detail: CorrectionCase | None = None, days: int = 14,
               today: datetime.date | None = None, limit: int = 200) -> TaskBoard:
    """我的监管任务: missed or late (overdue), due today, due within ``days``, and recently done."""
    today = today or timezone.localdate()
    qs = tasks_visible_to(actor)
    if detail is not None:
        qs = qs.filter(correction_case=detail)
    else:
        qs = qs.filter(correction_case__case__state="under_correction")
    overdue = list(qs.filter(status__in=[TaskStatus.OPEN, TaskStatus.MISSED], due_date__lt=today)
                   .order_by("due_date", "id")[:limit])
    due_today = list(qs.filter(status=TaskStatus.OPEN, due_date=today).order_by("kind", "id")[:limit])
    upcoming = list(qs.filter(status=TaskStatus.OPEN, due_date__gt=today,
                              due_date__lte=today + datetime.timedelta(days=days)).order_by("due_date", "id")[:limit])
    done = list(qs.filter(status=TaskStatus.DONE).order_by("-done_on", "-id")[:20 if detail is not None else 50])
    return TaskBoard(overdue, due_today, upcoming, done)


def case_task_board(actor: Actor, detail: CorrectionCase, *, days: int = 14, today: datetime.date | None = None,
                    limit: int = 200) -> TaskBoard:
    """``task_board`` of one case without the done list (the subject-page card), in one query: the case's
    open and missed tasks due up to ``days`` ahead, split as ``task_board`` splits them."""
    today = today or timezone.localdate()
    rows = list(tasks_visible_to(actor).filter(correction_case=detail, status__in=[TaskStatus.OPEN, TaskStatus.MISSED],
                                               due_date__lte=today + datetime.timedelta(days=days))
                .order_by("due_date", "id"))
    # every missed task is past its day, so ``rows`` holds all of them: kept for the sanctions card's ground check
    detail.__dict__["_missed_tasks"] = [t for t in rows if t.status == TaskStatus.MISSED]
    overdue = [t for t in rows if t.due_date < today][:limit]
    due_today = sorted((t for t in rows if t.status == TaskStatus.OPEN and t.due_date == today),
                       key=lambda t: (t.kind, t.id))[:limit]
    upcoming = [t for t in rows if t.status == TaskStatus.OPEN and t.due_date > today][:limit]
    return TaskBoard(overdue, due_today, upcoming, [])


def done_hours(task: SupervisionTask) -> Decimal | None:
    return task.hours

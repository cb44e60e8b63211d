"""Supervision part of 社区矫正: 矫正小组 (CC-10), 管理等级 (CC-09, CC-39), 个别化矫正方案 (CC-09) and
supervision tasks. Registers audit actions, menu entries, the API router, periodic jobs, alert rules,
work-log sources, the subject-page cards and the default plan rule table.

- Jobs: ``correction.tasks.generate`` keeps the next weeks of tasks generated for every case under
  correction; ``correction.tasks.missed`` marks overdue tasks missed and opens alerts.
- Alert rules: ``correction.task_missed`` (黄; 红 for a missed 报告), ``correction.level_override``
  (蓝, to the county agency, raised by ``assess_level``), ``correction.level_reassess_due`` (黄,
  scheduled: a case under correction not assessed, or past ``levels.reassess_months`` since the last).
- Work sources (自动汇入 in the 司法所 work log, per office and day): done 走访 → 「社区矫正走访」
  (``correction_visit``); done 报告 and 教育学习 → 「社区矫正谈话教育」 (``correction_talk``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import Count
from django.urls import reverse

from sifa.core import registry
from sifa.core.accounts.actor import Actor
from sifa.core.alerts.choices import AlertLevel
from sifa.core.alerts.rules import AlertCondition, AlertRule
from sifa.core.registry import MenuEntry, PeriodicJob, WorkFact, WorkSource
from sifa.core.tasks.compat import task

AUDIT_ACTIONS = (
    ("correction.team.changed", "调整矫正小组", False),
    ("correction.attributes.updated", "填写社区矫正对象个人情况", False),
    ("correction.level.assessed", "评定管理等级", False),
    ("correction.plan.drafted", "生成矫正方案", False),
    ("correction.plan.edited", "修改矫正方案", False),
    ("correction.plan.approved", "审批矫正方案", False),
    ("correction.plan.adjusted", "调整矫正方案", False),
    ("correction.plan_rule.saved", "维护矫正方案规则", False),
    ("correction.plan_rule.deactivated", "停用矫正方案规则", False),
    ("correction.task.completed", "登记监管任务完成", False),
    ("correction.tasks.generated", "生成监管任务", False),
    ("correction.tasks.missed", "监管任务逾期检查", False),
    ("correction.tasks.exported", "导出监管任务", True),
)


# --- periodic jobs -----------------------------------------------------------------------------------


@task()
def generate_tasks_job() -> dict[str, int]:
    """生成监管任务 (audited as correction.tasks.generated)."""
    from sifa.modules.correction.supervision_services import generate_supervision_tasks

    return generate_supervision_tasks(actor=Actor.system("correction-tasks"))


@task()
def missed_tasks_job() -> dict[str, int]:
    """监管任务逾期检查 (audited as correction.tasks.missed)."""
    from sifa.modules.correction.supervision_services import mark_missed_tasks

    return mark_missed_tasks(actor=Actor.system("correction-tasks"))


GENERATE_JOB = PeriodicJob(name="correction.tasks.generate", label="生成社区矫正监管任务", interval_seconds=6 * 3600,
                           task=generate_tasks_job)
MISSED_JOB = PeriodicJob(name="correction.tasks.missed", label="社区矫正监管任务逾期检查", interval_seconds=3600,
                         task=missed_tasks_job)


# --- the scheduled reassessment reminder (CC-09) -----------------------------------------------------


def reassessment_conditions(today: datetime.date) -> Iterator[AlertCondition]:
    """Cases under correction never assessed, or whose last assessment is ``levels.reassess_months`` old."""
    from sifa.modules.correction import config
    from sifa.modules.correction.models import CorrectionCase, LevelAssessment
    from sifa.modules.correction.supervision_selectors import add_months

    months = int(config.section("levels").get("reassess_months", 3))
    last: dict[int, datetime.date] = {}
    for case_id, day in (LevelAssessment.objects.filter(correction_case__case__state="under_correction")
                         .order_by("correction_case_id", "assessed_on").values_list("correction_case_id", "assessed_on")):
        last[case_id] = day
    cases = (CorrectionCase.objects.filter(case__state="under_correction")
             .select_related("case").order_by("pk").only("pk", "case__number", "case__org_id", "case_id", "received_on"))
    for detail in cases.iterator(chunk_size=2000):
        previous = last.get(detail.pk)
        if previous is None:
            yield AlertCondition(object_type="correction.levelassessment", object_id=f"{detail.pk}:initial",
                                 org_id=detail.case.org_id, case_id=detail.case_id,
                                 title=f"{detail.case.number} 尚未评定管理等级",
                                 detail="矫正期间应当分类管理（CC-09），请进行初次评定")
            continue
        due = add_months(previous, months)
        if due <= today:
            yield AlertCondition(object_type="correction.levelassessment", object_id=f"{detail.pk}:{due:%Y%m%d}",
                                 org_id=detail.case.org_id, case_id=detail.case_id,
                                 title=f"{detail.case.number} 管理等级应于 {due:%Y-%m-%d} 定期复评",
                                 detail=f"上次评定 {previous:%Y-%m-%d}，每 {months} 个月复评一次（配置值 [NV]）")


REASSESS_DUE = AlertRule(
    code="correction.level_reassess_due", label="管理等级定期复评到期", level=AlertLevel.YELLOW,
    description="矫正中的对象尚未评定管理等级，或距上次评定已满配置的复评周期",
    legal_basis="《社区矫正法》第二十四条（CC-09）；复评周期为配置值 [NV]", evaluate=reassessment_conditions, permission="correction.view")


# --- work-log sources (自动汇入) ----------------------------------------------------------------------


def _done_per_office_day(kinds: Sequence[str], label: str, org_ids: Sequence[int], start: datetime.date,
                         end: datetime.date) -> Iterator[WorkFact]:
    from sifa.modules.correction.choices import TaskStatus
    from sifa.modules.correction.models import SupervisionTask

    rows = (SupervisionTask.objects.filter(status=TaskStatus.DONE, kind__in=list(kinds), done_on__range=(start, end),
                                           correction_case__case__org_id__in=list(org_ids))
            .values("correction_case__case__org_id", "done_on").annotate(n=Count("pk"))
            .order_by("correction_case__case__org_id", "done_on"))
    url = reverse("correction:supervision_tasks")
    for row in rows:
        org_id, day = row["correction_case__case__org_id"], row["done_on"]
        yield WorkFact(org_id=org_id, day=day, ref=f"{org_id}:{day:%Y%m%d}", count=row["n"],
                       label=f"{label}{row['n']}人次（社区矫正监管任务）", url=f"{url}?day={day:%Y-%m-%d}")


def done_visits(org_ids: Sequence[int], start: datetime.date, end: datetime.date) -> Iterator[WorkFact]:
    """Done 走访 tasks, one fact per office and day (count = visits)."""
    return _done_per_office_day(["visit"], "社区矫正走访", org_ids, start, end)


def done_talks(org_ids: Sequence[int], start: datetime.date, end: datetime.date) -> Iterator[WorkFact]:
    """Done 报告 and 教育学习 tasks (talks with the subject), one fact per office and day."""
    return _done_per_office_day(["report_in", "education"], "社区矫正谈话教育", org_ids, start, end)


VISIT_SOURCE = WorkSource(key="correction.supervision.visit", label="社区矫正走访（监管任务）",
                          catalogue_code="correction_visit", collect=done_visits)
TALK_SOURCE = WorkSource(key="correction.supervision.talk", label="社区矫正报告、教育谈话（监管任务）",
                         catalogue_code="correction_talk", collect=done_talks)


# --- registration ------------------------------------------------------------------------------------


def _load_rules(sender: Any, **kwargs: Any) -> None:
    from sifa.modules.correction.plan_rules import load_default_rules

    load_default_rules()


def register() -> None:
    """Registers this part: audit actions, menu, API, jobs, alert rules, work sources, panels, rule table."""
    from django.apps import apps
    from django.db.models.signals import post_migrate

    from sifa.modules.correction import panels
    from sifa.modules.correction.supervision_api import router
    from sifa.modules.correction.supervision_services import LEVEL_OVERRIDE, TASK_MISSED

    for name, label, personal in AUDIT_ACTIONS:
        registry.register_audit_action(name, label, personal_data=personal)
    registry.menu.register("correction_tasks", MenuEntry("correction_tasks", "监管任务", "correction:supervision_tasks",
                                                         icon="checklist", permission="correction.view", order=31, group="社区矫正"))
    registry.menu.register("correction_plan_rules", MenuEntry(
        "correction_plan_rules", "矫正方案规则表", "correction:plan_rule_list", icon="adjustments",
        permission="correction.rules.manage", order=38, group="社区矫正"))
    registry.api_routers.register("/correction/supervision", router)
    registry.periodic_jobs.register(GENERATE_JOB.name, GENERATE_JOB)
    registry.periodic_jobs.register(MISSED_JOB.name, MISSED_JOB)
    for rule in (TASK_MISSED, LEVEL_OVERRIDE, REASSESS_DUE):
        registry.alert_rules.register(rule.code, rule)
    registry.work_sources.register(VISIT_SOURCE.key, VISIT_SOURCE)
    registry.work_sources.register(TALK_SOURCE.key, TALK_SOURCE)
    from sifa.modules.correction import supervision_views as views

    for panel in (
        panels.SubjectPanel("supervision_team", "矫正小组", "correction/supervision/panel_team.html",
                            context=views.team_panel, column="side", order=30, permission="correction.view"),
        panels.SubjectPanel("supervision_level", "管理等级", "correction/supervision/panel_level.html",
                            context=views.level_panel, column="side", order=31, permission="correction.view"),
        panels.SubjectPanel("supervision_plan", "矫正方案", "correction/supervision/panel_plan.html",
                            context=views.plan_panel, column="main", order=30, permission="correction.view"),
        panels.SubjectPanel("supervision_tasks", "监管任务", "correction/supervision/panel_tasks.html",
                            context=views.tasks_panel, column="main", order=31, permission="correction.view"),
    ):
        panels.register(panel)
    post_migrate.connect(_load_rules, sender=apps.get_app_config("correction"),
                         dispatch_uid="correction.supervision.load_plan_rules")

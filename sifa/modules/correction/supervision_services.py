"""Writes of the supervision part: 矫正小组 (CC-10), 个人情况, 管理等级 (CC-09, CC-39), 个别化矫正方案
(CC-09), the plan rule table, and supervision tasks. One public service = one durable transaction =
one audit event (CONVENTIONS §4.3); every service re-reads its case in the actor's scope under a lock.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.alerts.choices import AlertLevel
from sifa.core.alerts.rules import AlertCondition, AlertRule
from sifa.core.alerts.services import open_alert_in_transaction
from sifa.core.audit.recorder import record
from sifa.core.errors import Conflict, NotFound, ValidationFailed
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.services import service
from sifa.modules.correction import config, levels, plan_rules
from sifa.modules.correction.choices import MeasureCategory, PlanStatus, TaskKind, TaskStatus, TeamRole
from sifa.modules.correction.models import (
    CorrectionCase,
    CorrectionPlan,
    CorrectionSubject,
    LevelAssessment,
    PlanMeasure,
    PlanRule,
    SupervisionTask,
    TeamMember,
)
from sifa.modules.correction.supervision_selectors import (
    TERMINAL_STATES,
    approved_plan,
    generate_tasks,
    rows,
    team_problems,
    visible,
)
from sifa.modules.correction.workflow import CORRECTION_WORKFLOW

MANAGE = "correction.manage"
RULES_MANAGE = "correction.rules.manage"
LEVEL_KINDS = {"initial": "初次评定", "periodic": "定期复评", "adjustment": "变更调整"}

# --- alert rules of this part ---------------------------------------------------------------------

TASK_MISSED = AlertRule(
    code="correction.task_missed", label="社区矫正监管任务逾期未完成", level=AlertLevel.YELLOW,
    description="走访、教育学习、公益活动、病情报告等监管任务过期未完成（逾期未报告为红色）",
    legal_basis="《社区矫正法》第二十三条、第二十四条（CC-09、CC-39）；频次为配置值 [NV]", permission="correction.view")
REPORT_MISSED = dataclasses.replace(TASK_MISSED, level=AlertLevel.RED, sign_hours=8, handle_hours=24)
LEVEL_OVERRIDE = AlertRule(
    code="correction.level_override", label="管理等级人工调整（报县级社区矫正机构）", level=AlertLevel.BLUE,
    description="工作人员确定的管理等级与评分建议不一致，理由报县级社区矫正机构知悉、核查",
    legal_basis="《社区矫正法》第二十四条（CC-09）；等级设置为配置值 [NV]", permission="correction.view")


def county_agency_of(org: Org) -> Org:
    """The county correction agency above an office: the nearest 社区矫正机构 or 司法局 up the tree."""
    for up in reversed(list(org.ancestors())):
        if up.pk != org.pk and up.type in (OrgType.CORRECTION_AGENCY, OrgType.JUSTICE_BUREAU):
            return up
    return org


# --- helpers ----------------------------------------------------------------------------------------


def _locked_case(actor: Actor, detail: CorrectionCase, *, permission: str = MANAGE,
                 allow_terminal: bool = False) -> CorrectionCase:
    actor.require(permission)
    locked = (CorrectionCase.objects.visible_to(actor).select_for_update(no_key=True)
              .select_related("case", "case__org", "subject", "subject__person").filter(pk=detail.pk).first())
    if locked is None:
        raise NotFound()
    if not allow_terminal and locked.case.state in TERMINAL_STATES:
        label = CORRECTION_WORKFLOW.state(locked.case.state).label
        raise Conflict(f"案件已终结（{label}），不能再办理监管事项")
    return locked


def _clean_text(value: str, *, field: str, label: str, required: bool = True, max_length: int = 255) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed(f"请填写{label}", field=field)
    if len(text) > max_length:
        raise ValidationFailed(f"{label}不能超过 {max_length} 字", field=field)
    return text


# --- 矫正小组 (CC-10) -------------------------------------------------------------------------------


@service("correction.team.changed")
def add_team_member(*, actor: Actor, detail: CorrectionCase, name: str, role: str, gender: str,
                    phone: str = "") -> TeamMember:
    """Add a member to the 矫正小组 (CC-10, 《社区矫正法》第二十五条).

    Adding never breaks CC-10; a team still lacking a woman (female subject) or a person familiar with
    minors (minor subject) is shown by ``team_problems`` on the subject's page until it is complete.
    """
    locked = _locked_case(actor, detail)
    name = _clean_text(name, field="name", label="姓名", max_length=64)
    if role not in TeamRole.values:
        raise ValidationFailed(f"未知的成员身份：{role}", field="role")
    if gender not in ("M", "F"):
        raise ValidationFailed("请选择性别", field="gender")
    phone = _clean_text(phone, field="phone", label="联系电话", required=False, max_length=32)
    if rows(TeamMember).filter(correction_case=locked, active=True, name=name, role=role).exists():
        raise ValidationFailed(f"{name}已是矫正小组成员", field="name")
    member = rows(TeamMember).create(correction_case=locked, name=name, role=role, gender=gender, phone=phone)
    record(actor=actor, action="correction.team.changed", obj=locked.case, object_repr=f"{locked.case.number} 矫正小组",
           changes={"added": {"id": member.pk, "role": role, "gender": gender}})
    return member


@service("correction.team.changed")
def remove_team_member(*, actor: Actor, member: TeamMember, reason: str = "") -> TeamMember:
    """Remove a member (kept in history as 不在组). Refused when it would break CC-10: the last woman of a
    female subject's team, or the last person familiar with minors of a minor's team (C-46a/b)."""
    locked = _locked_case(actor, member.correction_case)
    row = rows(TeamMember).filter(pk=member.pk, correction_case=locked).first()
    if row is None:
        raise NotFound()
    if not row.active:
        raise Conflict(f"{row.name}已不在矫正小组")
    before = team_problems(locked)
    rest = [m for m in rows(TeamMember).filter(correction_case=locked, active=True) if m.pk != row.pk]
    broken = [p for p in team_problems(locked, rest) if p not in before and "尚未组建" not in p]
    if broken:
        raise ValidationFailed(f"不能移除{row.name}：{broken[0]}，请先添加符合条件的成员", field="member")
    row.active = False
    row.save(update_fields=["active"])
    record(actor=actor, action="correction.team.changed", obj=locked.case, object_repr=f"{locked.case.number} 矫正小组",
           changes={"removed": {"id": row.pk, "role": row.role}, "reason": reason.strip()[:200]})
    return row


# --- 个人情况 (the attributes the rules read) -------------------------------------------------------


@service("correction.attributes.updated")
def update_subject_attributes(*, actor: Actor, detail: CorrectionCase, values: Mapping[str, Any]) -> CorrectionSubject:
    """Record the officer's findings about the subject (CC-09: the basis of the level and the plan).
    Only the editable attributes of ``plan_rules.ATTRIBUTES``; an empty value removes a finding."""
    locked = _locked_case(actor, detail)
    cleaned = plan_rules.clean_findings(values)
    subject = CorrectionSubject.objects.select_for_update().get(pk=locked.subject_id)
    before = dict(subject.attributes or {})
    after = {k: v for k, v in before.items() if k not in plan_rules.BY_CODE or not plan_rules.BY_CODE[k].editable}
    after.update(cleaned)
    subject.attributes = after
    subject.save(update_fields=["attributes", "updated_at"])
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    record(actor=actor, action="correction.attributes.updated", obj=subject, object_repr=f"{locked.case.number} 个人情况",
           changes={"changed": changed})
    return subject


# --- 管理等级 (CC-09, CC-39) ------------------------------------------------------------------------


def _sync_tasks(detail: CorrectionCase, today: datetime.date) -> tuple[int, int]:
    """Keep the case's open tasks in the generation window equal to the schedule (after a level change
    or by the job): future open tasks no longer scheduled are removed, missing ones created."""
    if detail.case.state != "under_correction":
        return 0, 0
    end = today + datetime.timedelta(weeks=task_weeks())
    wanted = {(s.kind, s.due_date) for s in generate_tasks(detail, today, end)}
    stale = [t.pk for t in rows(SupervisionTask).filter(correction_case=detail, status=TaskStatus.OPEN,
                                                          due_date__gt=today, due_date__lte=end)
             if (t.kind, t.due_date) not in wanted]
    if stale:
        rows(SupervisionTask).filter(pk__in=stale).delete()
    have = set(rows(SupervisionTask).filter(correction_case=detail, due_date__gte=today, due_date__lte=end)
               .values_list("kind", "due_date"))
    new = [SupervisionTask(correction_case=detail, org_path=detail.org_path, kind=kind, due_date=day)
           for kind, day in sorted(wanted - have, key=lambda p: (p[1], p[0]))]
    rows(SupervisionTask).bulk_create(new, ignore_conflicts=True)
    return len(new), len(stale)


def task_weeks() -> int:
    """``SIFA_CORRECTION_TASK_WEEKS`` (default 4): how many weeks ahead tasks are kept generated."""
    return max(1, int(getattr(settings, "SIFA_CORRECTION_TASK_WEEKS", 4)))


@service("correction.level.assessed")
def assess_level(*, actor: Actor, detail: CorrectionCase, kind: str, level: str = "", override_reason: str = "",
                 assessed_on: datetime.date | None = None) -> LevelAssessment:
    """Decide the 管理等级 (CC-09, 《社区矫正法》第二十四条; levels are configuration [NV]).

    The point table (``levels.initial_level``) suggests a level with its reasons; the officer keeps it
    or chooses another configured level, which needs a reason and is reported to the county
    correction agency as an alert 「管理等级人工调整」. ``kind``: initial (only the first), periodic
    (every ``levels.reassess_months``) or adjustment (behaviour changed). The case's tasks follow the
    new level at once.
    """
    locked = _locked_case(actor, detail)
    if kind not in LEVEL_KINDS:
        raise ValidationFailed(f"未知的评定类型：{kind}", field="kind")
    has_any = rows(LevelAssessment).filter(correction_case=locked).exists()
    if kind == "initial" and has_any:
        raise Conflict("已进行过初次评定，请选择定期复评或变更调整")
    if kind != "initial" and not has_any:
        raise ValidationFailed("尚未进行初次评定，请先进行初次评定", field="kind")
    computed, reasons = levels.initial_level(locked)
    chosen = (level or "").strip() or computed
    if chosen not in dict(config.level_choices()):
        raise ValidationFailed(f"未配置的管理等级：{chosen}", field="level")
    reason = (override_reason or "").strip()
    if chosen != computed and not reason:
        raise ValidationFailed(f"确定等级（{config.level_label(chosen)}）与评分建议（{config.level_label(computed)}）不一致，"
                               "须填写调整理由", field="override_reason")
    if len(reason) > 1000:
        raise ValidationFailed("调整理由不能超过 1000 字", field="override_reason")
    today = timezone.localdate()
    day = assessed_on or today
    if day > today:
        raise ValidationFailed("评定日期不能晚于今天", field="assessed_on")
    row = rows(LevelAssessment).create(correction_case=locked, kind=kind, computed_level=computed, level=chosen,
                                         reasons=reasons, override_reason=reason if chosen != computed else "",
                                         assessed_on=day, assessed_by=actor.name[:150])
    old = locked.level
    locked.level = chosen
    locked.save(update_fields=["level"])
    reported = None
    if chosen != computed:
        agency = county_agency_of(locked.case.org)
        reported = open_alert_in_transaction(rule=LEVEL_OVERRIDE, actor_name=actor.name, condition=AlertCondition(
            object_type="correction.levelassessment", object_id=str(row.pk), org_id=agency.pk, case_id=locked.case_id,
            title=f"{locked.case.number} 管理等级人工调整：建议{config.level_label(computed)}，确定{config.level_label(chosen)}",
            detail=f"{locked.case.org.name} {actor.name} {day:%Y-%m-%d} {LEVEL_KINDS[kind]}；理由：{reason}"))
    created, removed = _sync_tasks(locked, today)
    record(actor=actor, action="correction.level.assessed", obj=locked.case, object_repr=f"{locked.case.number} 管理等级",
           changes={"kind": kind, "computed": computed, "level": chosen, "previous": old, "override": chosen != computed,
                    "reported_alert": reported.pk if reported else None, "tasks_created": created,
                    "tasks_removed": removed})
    return row


# --- 个别化矫正方案 (CC-09) -------------------------------------------------------------------------


def _new_draft(actor: Actor, locked: CorrectionCase, reason: str) -> CorrectionPlan:
    pending = rows(CorrectionPlan).filter(correction_case=locked, status=PlanStatus.DRAFT).first()
    if pending is not None:
        raise Conflict(f"第{pending.version}版方案尚待审批，请先修改并审批该版本")
    version = (rows(CorrectionPlan).filter(correction_case=locked).aggregate(n=Max("version"))["n"] or 0) + 1
    values = plan_rules.subject_values(locked)
    plan = rows(CorrectionPlan).create(correction_case=locked, version=version, status=PlanStatus.DRAFT,
                                         reason=reason, attributes_snapshot=values, created_by=actor.name[:150])
    PlanMeasure.objects.bulk_create([
        PlanMeasure(plan=plan, category=r.category, text=r.text[:255], rule_code=r.rule_code, triggered_by=r.triggered_by,
                    hours_per_month=r.hours_per_month, order=r.order)
        for r in plan_rules.generate_plan(locked)])
    return plan


@service("correction.plan.drafted")
def draft_plan(*, actor: Actor, detail: CorrectionCase, reason: str = "") -> CorrectionPlan:
    """Generate the first 个别化矫正方案 (CC-09, 《社区矫正法》第二十四条) from the rule table as a draft
    (version n+1), each measure citing the attributes that triggered it. Once a version is in force a
    change is an adjustment (``adjust_plan``)."""
    locked = _locked_case(actor, detail)
    if approved_plan(locked) is not None:
        raise Conflict("已有生效的矫正方案；情况变化时请“调整方案”并写明理由")
    plan = _new_draft(actor, locked, _clean_text(reason, field="reason", label="制定理由", required=False,
                                                 max_length=1000) or "初次制定")
    record(actor=actor, action="correction.plan.drafted", obj=plan, object_repr=f"{locked.case.number} {plan}",
           changes={"version": plan.version, "measures": plan.measures.count()})
    return plan


@service("correction.plan.adjusted")
def adjust_plan(*, actor: Actor, detail: CorrectionCase, reason: str) -> CorrectionPlan:
    """CC-09: the plan is adjusted as the offender's behaviour changes — a new draft generated from the
    current attributes, with the reason; approving it supersedes the version in force."""
    locked = _locked_case(actor, detail)
    reason = _clean_text(reason, field="reason", label="调整理由（表现或情况的变化）", max_length=1000)
    if approved_plan(locked) is None:
        raise Conflict("尚无生效的矫正方案，请先制定方案")
    plan = _new_draft(actor, locked, reason)
    record(actor=actor, action="correction.plan.adjusted", obj=plan, object_repr=f"{locked.case.number} {plan}",
           changes={"version": plan.version, "reason": reason[:200]})
    return plan


def _locked_plan(actor: Actor, plan: CorrectionPlan) -> tuple[CorrectionCase, CorrectionPlan]:
    locked_case = _locked_case(actor, plan.correction_case)
    locked = rows(CorrectionPlan).select_for_update().filter(pk=plan.pk, correction_case=locked_case).first()
    if locked is None:
        raise NotFound()
    return locked_case, locked


def _clean_measure(n: int, raw: Mapping[str, Any]) -> dict[str, Any]:
    where = f"第{n}项措施"
    category = str(raw.get("category", "")).strip()
    if category not in MeasureCategory.values:
        raise ValidationFailed(f"{where}：未知的类别 {category!r}", field="measures")
    text = str(raw.get("text", "")).strip()
    if not text:
        raise ValidationFailed(f"{where}：请填写措施内容", field="measures")
    if len(text) > 255:
        raise ValidationFailed(f"{where}：措施内容不能超过 255 字", field="measures")
    hours_raw = raw.get("hours_per_month")
    hours = None
    if hours_raw not in (None, ""):
        try:
            hours = int(str(hours_raw).strip())
        except ValueError:
            raise ValidationFailed(f"{where}：每月小时数应为整数", field="measures") from None
        if not 0 <= hours <= 200:
            raise ValidationFailed(f"{where}：每月小时数应在 0 至 200 之间", field="measures")
    pk = raw.get("id")
    return {"id": int(str(pk)) if pk not in (None, "") else None, "category": category, "text": text, "hours_per_month": hours}


@service("correction.plan.edited")
def edit_plan(*, actor: Actor, plan: CorrectionPlan, measures: Sequence[Mapping[str, Any]]) -> CorrectionPlan:
    """The officer edits a draft's measures (CC-09): keep, change, add or remove. A changed or added
    measure is marked 经人工修改; a kept rule measure keeps its triggers. Only a draft can be edited."""
    locked_case, locked = _locked_plan(actor, plan)
    if locked.status != PlanStatus.DRAFT:
        raise Conflict(f"{locked}{locked.get_status_display()}，不能修改；请调整方案生成新版本")
    cleaned = [_clean_measure(n, m) for n, m in enumerate(measures, start=1)]
    if not cleaned:
        raise ValidationFailed("矫正方案至少应有一项措施", field="measures")
    existing = {m.pk: m for m in locked.measures.all()}
    unknown = [c["id"] for c in cleaned if c["id"] is not None and c["id"] not in existing]
    if unknown:
        raise ValidationFailed(f"措施 {unknown[0]} 不属于本方案", field="measures")
    kept: set[int] = set()
    changed = added = 0
    for order, c in enumerate(cleaned, start=1):
        if c["id"] is None:
            PlanMeasure.objects.create(plan=locked, category=c["category"], text=c["text"],
                                       hours_per_month=c["hours_per_month"], edited=True, order=order * 10)
            added += 1
            continue
        m = existing[c["id"]]
        kept.add(m.pk)
        fields = ["order"]
        m.order = order * 10
        if (m.category, m.text, m.hours_per_month) != (c["category"], c["text"], c["hours_per_month"]):
            m.category, m.text, m.hours_per_month, m.edited = c["category"], c["text"], c["hours_per_month"], True
            fields += ["category", "text", "hours_per_month", "edited"]
            changed += 1
        m.save(update_fields=fields)
    removed = [pk for pk in existing if pk not in kept]
    PlanMeasure.objects.filter(pk__in=removed).delete()
    record(actor=actor, action="correction.plan.edited", obj=locked, object_repr=f"{locked_case.case.number} {locked}",
           changes={"added": added, "changed": changed, "removed": len(removed)})
    return locked


@service("correction.plan.approved")
def approve_plan(*, actor: Actor, plan: CorrectionPlan) -> CorrectionPlan:
    """Approve a draft (CC-09): it comes into force and supersedes the version in force before it.
    The monthly 教育学习 / 公益活动 hours of the tasks follow the approved plan."""
    locked_case, locked = _locked_plan(actor, plan)
    if locked.status != PlanStatus.DRAFT:
        raise Conflict(f"{locked}{locked.get_status_display()}，无需再审批")
    if not locked.measures.exists():
        raise ValidationFailed("矫正方案至少应有一项措施", field="measures")
    previous = list(rows(CorrectionPlan).select_for_update().filter(correction_case=locked_case,
                                                                      status=PlanStatus.APPROVED))
    for p in previous:
        p.status = PlanStatus.SUPERSEDED
        p.save(update_fields=["status"])
    locked.status = PlanStatus.APPROVED
    locked.approved_at = timezone.now()
    locked.approved_by = actor.name[:150]
    locked.save(update_fields=["status", "approved_at", "approved_by"])
    record(actor=actor, action="correction.plan.approved", obj=locked, object_repr=f"{locked_case.case.number} {locked}",
           changes={"version": locked.version, "superseded": [p.version for p in previous]})
    return locked


# --- the rule table (administrators edit it as data) -----------------------------------------------


@service("correction.plan_rule.saved")
def save_plan_rule(*, actor: Actor, rule: PlanRule | None = None, code: str, category: str, recommendation: str,
                   conditions: Any, hours_per_month: int | None = None, order: int = 100,
                   active: bool = True) -> PlanRule:
    """Create or change a row of the 矫正方案规则表. Conditions are validated: an unknown attribute, an
    operation the attribute does not take or a bad value is refused naming the condition's row."""
    actor.require(RULES_MANAGE)
    code = _clean_text(code, field="code", label="编码", max_length=48)
    if not re.fullmatch(r"[-a-zA-Z0-9_]+", code):
        raise ValidationFailed("编码只能使用字母、数字、连字符和下划线", field="code")
    if category not in MeasureCategory.values:
        raise ValidationFailed(f"未知的类别：{category}", field="category")
    recommendation = _clean_text(recommendation, field="recommendation", label="建议措施")
    cleaned = plan_rules.clean_conditions(conditions, rule=code)
    if hours_per_month is not None and not 0 <= int(hours_per_month) <= 200:
        raise ValidationFailed("每月小时数应在 0 至 200 之间", field="hours_per_month")
    if not 0 <= int(order) <= 32767:
        raise ValidationFailed("排序应在 0 至 32767 之间", field="order")
    clash = PlanRule.objects.filter(code=code)
    if rule is not None:
        clash = clash.exclude(pk=rule.pk)
    if clash.exists():
        raise ValidationFailed(f"编码 {code} 已被其他规则使用", field="code")
    if rule is None:
        row = PlanRule.objects.create(code=code, category=category, recommendation=recommendation, conditions=cleaned,
                                      hours_per_month=hours_per_month, order=order, active=active)
        before: dict[str, Any] = {}
    else:
        row = PlanRule.objects.select_for_update().get(pk=rule.pk)
        before = {"code": row.code, "category": row.category, "recommendation": row.recommendation,
                  "conditions": row.conditions, "hours_per_month": row.hours_per_month, "order": row.order,
                  "active": row.active}
        row.code, row.category, row.recommendation, row.conditions = code, category, recommendation, cleaned
        row.hours_per_month, row.order, row.active = hours_per_month, order, active
        row.save(update_fields=["code", "category", "recommendation", "conditions", "hours_per_month", "order", "active"])
    after = {"code": code, "category": category, "recommendation": recommendation, "conditions": cleaned,
             "hours_per_month": hours_per_month, "order": order, "active": active}
    record(actor=actor, action="correction.plan_rule.saved", obj=row,
           changes={"created": rule is None, "fields": sorted(k for k in after if before.get(k) != after[k])})
    return row


@service("correction.plan_rule.deactivated")
def deactivate_plan_rule(*, actor: Actor, rule: PlanRule) -> PlanRule:
    """Stop a rule from recommending (kept for the plans that cite it)."""
    actor.require(RULES_MANAGE)
    row = PlanRule.objects.select_for_update().filter(pk=rule.pk).first()
    if row is None:
        raise NotFound()
    if not row.active:
        raise Conflict(f"规则 {row.code} 已停用")
    row.active = False
    row.save(update_fields=["active"])
    record(actor=actor, action="correction.plan_rule.deactivated", obj=row, changes={"code": row.code})
    return row


# --- 监管任务 --------------------------------------------------------------------------------------


@service("correction.task.completed")
def complete_task(*, actor: Actor, task: SupervisionTask, done_on: datetime.date | None = None, note: str = "",
                  hours: Any = None) -> SupervisionTask:
    """Record a supervision task as done (报告、走访、教育学习、公益活动、病情报告) with the date, a note
    and, for 教育学习/公益活动, the hours. Done 走访 and 报告/教育 talks reach the office's work log as
    自动汇入 (work sources ``correction.supervision.visit`` / ``.talk``)."""
    locked_case = _locked_case(actor, task.correction_case)
    row = rows(SupervisionTask).select_for_update().filter(pk=task.pk, correction_case=locked_case).first()
    if row is None:
        raise NotFound()
    if row.status == TaskStatus.DONE:
        raise Conflict(f"{row}已于 {row.done_on:%Y-%m-%d} 登记完成")
    today = timezone.localdate()
    day = done_on or today
    if day > today:
        raise ValidationFailed("完成日期不能晚于今天", field="done_on")
    if locked_case.received_on and day < locked_case.received_on:
        raise ValidationFailed("完成日期不能早于报到接收日期", field="done_on")
    amount: Decimal | None = None
    if hours not in (None, ""):
        try:
            amount = Decimal(str(hours)).quantize(Decimal("0.1"))
        except InvalidOperation:
            raise ValidationFailed("时长应为数字（小时）", field="hours") from None
        if not Decimal("0") < amount <= Decimal("999"):
            raise ValidationFailed("时长应大于 0 小时且不超过 999 小时", field="hours")
    if row.kind in (TaskKind.EDUCATION, TaskKind.PUBLIC_SERVICE) and amount is None:
        raise ValidationFailed(f"{row.get_kind_display()}须填写时长（小时）", field="hours")
    note = _clean_text(note, field="note", label="情况记录", required=row.kind == TaskKind.VISIT, max_length=2000)
    was = row.status
    row.status = TaskStatus.DONE
    row.done_on = day
    row.hours = amount
    row.note = note
    row.done_by = actor.name[:150]
    row.done_by_user = actor.user
    row.save(update_fields=["status", "done_on", "hours", "note", "done_by", "done_by_user"])
    record(actor=actor, action="correction.task.completed", obj=row, object_repr=f"{locked_case.case.number} {row}",
           changes={"kind": row.kind, "due_date": row.due_date.isoformat(), "done_on": day.isoformat(),
                    "late": was == TaskStatus.MISSED, "hours": str(amount) if amount is not None else None})
    return row


@service("correction.tasks.generated")
def generate_supervision_tasks(*, actor: Actor, today: datetime.date | None = None) -> dict[str, int]:
    """The periodic job: keep the next ``SIFA_CORRECTION_TASK_WEEKS`` weeks of tasks generated for every
    case under correction (idempotent: one task per case, kind and due date)."""
    today = today or timezone.localdate()
    created = removed = cases = 0
    qs = (CorrectionCase.objects.visible_to(actor).filter(case__state="under_correction")
          .select_related("case", "subject", "subject__person").order_by("pk"))
    for detail in qs.iterator(chunk_size=500):
        c, r = _sync_tasks(detail, today)
        created += c
        removed += r
        cases += 1
    result = {"cases": cases, "created": created, "removed": removed}
    record(actor=actor, action="correction.tasks.generated", object_type="correction.supervisiontask",
           object_repr=f"生成监管任务 {today:%Y-%m-%d}", changes=result)
    return result


@service("correction.tasks.missed")
def mark_missed_tasks(*, actor: Actor, today: datetime.date | None = None) -> dict[str, int]:
    """The periodic job: open tasks past their due date (plus config ``reminders.task_grace_days``)
    become 逾期未完成 and open an alert for the office — 红 for a missed 报告 (CC-39), 黄 otherwise."""
    today = today or timezone.localdate()
    grace = int(config.section("reminders").get("task_grace_days", 0))
    limit = today - datetime.timedelta(days=grace)
    late = list(visible(SupervisionTask, actor).select_for_update(of=("self",))
                .filter(status=TaskStatus.OPEN, due_date__lt=limit)
                .select_related("correction_case", "correction_case__case", "correction_case__case__org"))
    alerts = 0
    for task in late:
        task.status = TaskStatus.MISSED
        task.save(update_fields=["status"])
        detail = task.correction_case
        if detail.case.state in TERMINAL_STATES:
            continue
        rule = REPORT_MISSED if task.kind == TaskKind.REPORT_IN else TASK_MISSED
        opened = open_alert_in_transaction(rule=rule, actor_name=actor.name, condition=AlertCondition(
            object_type="correction.supervisiontask", object_id=str(task.pk), org_id=detail.case.org_id,
            case_id=detail.case_id,
            title=f"{detail.case.number}「{task.get_kind_display()}」应于 {task.due_date:%Y-%m-%d} 完成，逾期未完成",
            detail=f"{detail.case.org.name}；请核实原因，依法处理（未按规定报告的，CC-16、CC-17）"))
        alerts += 1 if opened else 0
    result = {"missed": len(late), "alerts": alerts}
    record(actor=actor, action="correction.tasks.missed", object_type="correction.supervisiontask",
           object_repr=f"监管任务逾期检查 {today:%Y-%m-%d}", changes=result)
    return result


@service("correction.tasks.exported")
def export_tasks(*, actor: Actor, description: str, row_count: int) -> None:
    """Audit an Excel export of supervision tasks (names of subjects: personal data)."""
    actor.require("correction.view")
    record(actor=actor, action="correction.tasks.exported", object_type="correction.supervisiontask",
           object_repr="监管任务导出", changes={"filter": description[:500], "rows": row_count})

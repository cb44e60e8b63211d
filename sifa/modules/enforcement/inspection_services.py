"""Writes of 双随机一公开 (AP-42, 《浙江省综合行政执法条例》第十三条、第二十一条): plans, their draw on the core
draw engine, results, 综合查一次 visits, 监管对象 import/export and 回避关系.

One public service = one durable transaction = one audit event (ours: the draw helpers record none).
Permission ``enforcement.inspections.manage``; every object is re-read through ``visible_to(actor)``
(out of scope answers like missing). The draw is committed in ``publish_plan`` and performed in
``draw_plan``, a later transaction (docs/engines/draws.md: a ledger entry must come in between).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Q
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from sifa.core.accounts.actor import Actor
from sifa.core.audit.recorder import record
from sifa.core.draws.models import DrawState, RandomDraw
from sifa.core.draws.selectors import draw_assignments, draw_ids
from sifa.core.draws.services import cancel_draw_in, commit_draw_in, perform_draw_in
from sifa.core.errors import Conflict, DuplicateError, NotFound, ValidationFailed
from sifa.core.persons.idnumbers import IdNumberError, parse_credit_code
from sifa.core.persons.models import Entity
from sifa.core.services import service
from sifa.modules.enforcement.choices import EnforcementField
from sifa.modules.enforcement.errors import ImportRejected
from sifa.modules.enforcement.inspection_models import (
    CreditGrade,
    Inspection,
    InspectionOutcome,
    InspectionPlan,
    InspectionTarget,
    InspectionVisit,
    OfficerConflict,
    PlanState,
    RiskLevel,
    SamplingMode,
)
from sifa.modules.enforcement.inspection_selectors import DEFAULT_SAMPLING, PLAN_PURPOSE, plan_pools
from sifa.modules.enforcement.models import EnforcementBody, EnforcementOfficer, PowerItem

MANAGE = "enforcement.inspections.manage"
MIN_INSPECTORS = 2  # AP-12: 《行政处罚法》第四十二条「不得少于两人」
MAX_INSPECTORS = 10
NUMBER_PREFIX = "SJ"
MAX_IMPORT_ROWS = 5000

AUDIT_ACTIONS: list[tuple[str, str, bool]] = [
    ("enforcement.inspection_plan.created", "新建双随机抽查计划", False),
    ("enforcement.inspection_plan.published", "公布抽查计划（名单与种子承诺）", False),
    ("enforcement.inspection_plan.drawn", "执行双随机抽取", False),
    ("enforcement.inspection_plan.cancelled", "取消抽查计划", False),
    ("enforcement.inspection_plan.results_published", "公开抽查结果", False),
    ("enforcement.inspection.result_recorded", "登记检查结果", False),
    ("enforcement.inspection_visits.merged", "综合查一次合并检查", False),
    ("enforcement.inspection_targets.imported", "导入监管对象", False),
    ("enforcement.inspection_targets.exported", "导出监管对象", False),
    ("enforcement.officer_conflict.added", "登记回避关系", False),
    ("enforcement.officer_conflict.removed", "解除回避关系", False),
]


# --- private helpers -------------------------------------------------------------------------------


def _today() -> datetime.date:
    return timezone.localdate()


def _body_in_scope(actor: Actor, body: EnforcementBody) -> EnforcementBody:
    found = EnforcementBody.objects.visible_to(actor).select_related("org").filter(pk=body.pk).first()
    if found is None:
        raise NotFound("执法主体不存在或无权访问")
    return found


def _locked_plan(actor: Actor, plan: InspectionPlan) -> InspectionPlan:
    found = (InspectionPlan.objects.visible_to(actor).select_for_update(of=("self",)).filter(pk=plan.pk).first())
    if found is None:
        raise NotFound("抽查计划不存在或无权访问")
    return InspectionPlan.objects.select_related("body", "body__org", "draw").get(pk=found.pk)


def _codes(values: Sequence[str], choices: Any, *, field: str, label: str) -> list[str]:
    chosen = set()
    by_label = {lab: code for code, lab in choices.choices}
    for raw in values:
        value = (raw or "").strip()
        if not value:
            continue
        code = value if value in choices.values else by_label.get(value)
        if code is None:
            raise ValidationFailed(f"{label}「{value}」无效，可选：{'、'.join(choices.labels)}", field=field)
        chosen.add(code)
    return [c for c in choices.values if c in chosen]


def _next_number(year: int) -> str:
    prefix = f"{NUMBER_PREFIX}-{year}-"
    taken = set(InspectionPlan.objects.filter(number__startswith=prefix).values_list("number", flat=True))
    taken |= set(RandomDraw.objects.filter(number__startswith=prefix).values_list("number", flat=True))
    n = len(taken) + 1
    while f"{prefix}{n:04d}" in taken:
        n += 1
    return f"{prefix}{n:04d}"


def _sampling(percents: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The configured example classes with the plan's own percentages (0–100) where given."""
    classes = [dict(c) for c in DEFAULT_SAMPLING]
    keys = {c["key"] for c in classes}
    for key, value in (percents or {}).items():
        if key not in keys:
            raise ValidationFailed(f"抽取分类「{key}」不存在，可选：{'、'.join(sorted(keys))}", field="percents")
        try:
            number = float(value)
        except (TypeError, ValueError) as exc:
            raise ValidationFailed(f"分类「{key}」的抽取比例须为 0 至 100 的数", field="percents") from exc
        if not 0 <= number <= 100:
            raise ValidationFailed(f"分类「{key}」的抽取比例须为 0 至 100 的数", field="percents")
        for c in classes:
            if c["key"] == key:
                c["percent"] = int(number) if number == int(number) else number
    return classes


def _group_by_window(inspections: list[Inspection]) -> list[list[Inspection]]:
    """Greedy grouping by window: sorted by start, a group keeps growing while the intersection of its
    plans' windows stays non-empty (they can be done on one day)."""
    groups: list[list[Inspection]] = []
    end: datetime.date | None = None
    for i in sorted(inspections, key=lambda x: (x.plan.window_start, x.plan.window_end, x.pk)):
        if groups and end is not None and i.plan.window_start <= end:
            groups[-1].append(i)
            end = min(end, i.plan.window_end)
        else:
            groups.append([i])
            end = i.plan.window_end
    return groups


def _merge_entity(entity_id: int) -> int:
    """综合查一次 (AP-42, 《浙江省综合行政执法条例》第十三条第二款第三项、第三款): regroup the entity's open
    inspections of drawn plans (any department) with overlapping windows into visits; visits that already
    have a recorded result stay as they are. Returns the number of visits made."""
    open_rows = list(Inspection.objects.filter(entity_id=entity_id, outcome="", plan__state=PlanState.DRAWN)
                     .select_related("plan").order_by("pk"))
    settled = set(Inspection.objects.filter(entity_id=entity_id).exclude(outcome="")
                  .exclude(visit=None).values_list("visit_id", flat=True))
    movable = [i for i in open_rows if i.visit_id is None or i.visit_id not in settled]
    stale = {i.visit_id for i in movable if i.visit_id is not None}
    Inspection.objects.filter(pk__in=[i.pk for i in movable]).update(visit=None)
    InspectionVisit.objects.filter(pk__in=stale, inspections__isnull=True).delete()
    made = 0
    for group in _group_by_window(movable):
        if len(group) < 2:
            continue
        start = max(i.plan.window_start for i in group)
        visit = InspectionVisit.objects.create(entity_id=entity_id, planned_on=max(start, _today()),
                                               window_end=min(i.plan.window_end for i in group))
        Inspection.objects.filter(pk__in=[i.pk for i in group]).update(visit=visit)
        made += 1
    return made


# --- plans ---------------------------------------------------------------------------------------------


@service("enforcement.inspection_plan.created")
def create_plan(*, actor: Actor, body: EnforcementBody, title: str, field: str, window_start: datetime.date,
                window_end: datetime.date, power_items: Sequence[PowerItem] = (), risk_levels: Sequence[str] = (),
                credit_grades: Sequence[str] = (), sampling_mode: str = SamplingMode.RATIO,
                sample_count: int | None = None, percents: Mapping[str, Any] | None = None,
                inspectors_per_target: int = MIN_INSPECTORS, notes: str = "") -> InspectionPlan:
    """A draft 抽查计划 (AP-42, 第二十一条). Ratio sampling copies the configured classes (示例比例) with the
    plan's own percentages; ``inspectors_per_target`` ≥ 2 (AP-12, 《行政处罚法》第四十二条)."""
    actor.require(MANAGE)
    body = _body_in_scope(actor, body)
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("计划名称不能为空", field="title")
    if len(title) > 200:
        raise ValidationFailed("计划名称不能超过 200 个字符", field="title")
    if field not in EnforcementField.values:
        raise ValidationFailed(f"执法领域无效，可选：{'、'.join(EnforcementField.labels)}", field="field")
    if window_start is None:
        raise ValidationFailed("请填写检查开始日期", field="window_start")
    if window_end is None or window_end < window_start:
        raise ValidationFailed("检查截止日期不能早于开始日期", field="window_end")
    if window_end < _today():
        raise ValidationFailed("检查截止日期已过", field="window_end")
    if sampling_mode not in SamplingMode.values:
        raise ValidationFailed("抽取方式无效：固定数量或按分类比例", field="sampling_mode")
    if sampling_mode == SamplingMode.COUNT:
        if not isinstance(sample_count, int) or not 1 <= sample_count <= 10000:
            raise ValidationFailed("固定数量抽取须填写 1 至 10000 的抽取数量", field="sample_count")
        sampling: list[dict[str, Any]] = []
    else:
        sample_count = None
        sampling = _sampling(percents)
    if not isinstance(inspectors_per_target, int) or not MIN_INSPECTORS <= inspectors_per_target <= MAX_INSPECTORS:
        raise ValidationFailed(f"每个对象的检查人员须为 {MIN_INSPECTORS} 至 {MAX_INSPECTORS} 人（AP-12，《行政处罚法》第四十二条）",
                               field="inspectors_per_target")
    items = list(power_items)
    for item in items:
        if item.body_id != body.pk or not item.active:
            raise ValidationFailed(f"检查事项「{item.name}」不是本执法主体在用的事项", field="power_items")
    plan = InspectionPlan.objects.create(
        number=_next_number(window_start.year), body=body, title=title, field=field,
        risk_levels=_codes(risk_levels, RiskLevel, field="risk_levels", label="风险等级"),
        credit_grades=_codes(credit_grades, CreditGrade, field="credit_grades", label="信用等级"),
        sampling_mode=sampling_mode, sample_count=sample_count, sampling=sampling,
        inspectors_per_target=inspectors_per_target, window_start=window_start, window_end=window_end,
        notes=(notes or "").strip(), created_by_name=actor.name[:150])
    plan.power_items.set(items)
    record(actor=actor, action="enforcement.inspection_plan.created", obj=plan, org_override=body.org,
           changes={"number": plan.number, "field": field, "sampling_mode": sampling_mode})
    return plan


def publish_plan_in(actor: Actor, plan: InspectionPlan) -> tuple[InspectionPlan, dict[str, Any]]:
    """Publish without an audit event of its own (for ``publish_plan`` and the demo): build the pools,
    refuse a plan that cannot be drawn, commit the draw numbered like the plan. Returns the plan (with its
    draw) and the audit facts."""
    if plan.state != PlanState.DRAFT:
        raise Conflict(f"抽查计划「{plan.number}」{plan.get_state_display()}，只有草稿可以公布")
    pools = plan_pools(plan)
    if pools.problems:
        raise ValidationFailed("；".join(pools.problems), field="pools")
    published, steps, exclusions = pools.published(plan.inspectors_per_target)
    draw = commit_draw_in(actor, purpose=PLAN_PURPOSE, title=plan.title, org=plan.body.org, pools=published,
                          steps=steps, exclusions=exclusions, number=plan.number)
    plan.draw = draw
    plan.state = PlanState.PUBLISHED
    plan.published_at = timezone.now()
    plan.save(update_fields=["draw", "state", "published_at"])
    return plan, {"targets": pools.target_total, "to_draw": pools.pick_total, "inspectors": len(pools.inspectors),
                  "pools_hash": draw.pools_hash, "commitment": draw.commitment}


@service("enforcement.inspection_plan.published")
def publish_plan(*, actor: Actor, plan: InspectionPlan) -> InspectionPlan:
    """Publish the plan: freeze the pools and commit the draw (seed committed, its hash published and
    ledgered; AP-42, 《浙江省综合行政执法条例》第二十一条). The draw number is the plan number, so
    ``sifa verify-draw <number>`` verifies it."""
    actor.require(MANAGE)
    plan, facts = publish_plan_in(actor, _locked_plan(actor, plan))
    record(actor=actor, action="enforcement.inspection_plan.published", obj=plan, org_override=plan.body.org,
           changes=facts)
    return plan


def draw_plan_in(actor: Actor, plan: InspectionPlan) -> tuple[InspectionPlan, dict[str, Any]]:
    """Draw without an audit event of its own (for ``draw_plan`` and the demo)."""
    if plan.state != PlanState.PUBLISHED or plan.draw is None:
        raise Conflict(f"抽查计划「{plan.number}」{plan.get_state_display()}，只有已公布的计划可以抽取")
    # drawn already through the core draws page (draws.manage): take its result as it stands
    draw = plan.draw if plan.draw.state == DrawState.DRAWN else perform_draw_in(actor, plan.draw)
    order = 0
    targets = {t.pk: t for t in InspectionTarget.objects.filter(body_id=plan.body_id)}
    for step in draw.published["steps"]:
        if "per" in step:
            continue
        key = step["as"][len("targets_"):]
        assigned = draw_assignments(draw, f"inspectors_{key}")
        for target_id in draw_ids(draw, step["as"]):
            target = targets[int(target_id)]
            order += 1
            inspection = Inspection.objects.create(plan=plan, target=target, entity_id=target.entity_id,
                                                   class_key=key, order=order)
            inspection.inspectors.set([int(o) for o in assigned[target_id]])
    plan.draw = draw
    plan.state = PlanState.DRAWN
    plan.drawn_at = timezone.now()
    plan.save(update_fields=["state", "drawn_at"])
    visits = sum(_merge_entity(e) for e in sorted({t.entity_id for t in plan.inspections.all()}))
    return plan, {"inspections": order, "visits": visits, "tree_size": draw.tree_size, "root_hash": draw.root_hash}


@service("enforcement.inspection_plan.drawn")
def draw_plan(*, actor: Actor, plan: InspectionPlan) -> InspectionPlan:
    """Perform the committed draw and create one ``Inspection`` per drawn target with its drawn
    inspectors (AP-42, 第二十一条; AP-12 two or more; AP-13 conflicts excluded by the draw), then merge
    inspections of the same entity into 综合查一次 visits (第十三条)."""
    actor.require(MANAGE)
    plan, facts = draw_plan_in(actor, _locked_plan(actor, plan))
    record(actor=actor, action="enforcement.inspection_plan.drawn", obj=plan, org_override=plan.body.org,
           changes=facts)
    return plan


@service("enforcement.inspection_plan.cancelled")
def cancel_plan(*, actor: Actor, plan: InspectionPlan, reason: str) -> InspectionPlan:
    """Cancel a plan before its draw; a published plan's draw is cancelled too (its seed becomes public,
    so anyone sees what the draw would have given: docs/engines/draws.md)."""
    actor.require(MANAGE)
    plan = _locked_plan(actor, plan)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写取消原因", field="reason")
    if len(reason) > 500:
        raise ValidationFailed("取消原因不能超过 500 个字符", field="reason")
    if plan.state not in (PlanState.DRAFT, PlanState.PUBLISHED):
        raise Conflict(f"抽查计划「{plan.number}」{plan.get_state_display()}，抽取后不能取消")
    if plan.draw is not None:
        cancel_draw_in(actor, plan.draw, reason)
    plan.state = PlanState.CANCELLED
    plan.cancel_reason = reason
    plan.save(update_fields=["state", "cancel_reason"])
    record(actor=actor, action="enforcement.inspection_plan.cancelled", obj=plan, org_override=plan.body.org,
           changes={"reason": reason})
    return plan


@service("enforcement.inspection.result_recorded")
def record_result(*, actor: Actor, inspection: Inspection, outcome: str, inspected_on: datetime.date,
                  note: str = "", case_reference: str = "") -> Inspection:
    """Record (or correct, until the results are published) an inspection's result. A 责令整改, 移交立案 or
    无法检查 needs a note; a 移交立案 may name the penalty case (AP-42, 第十八条: clues are handed over)."""
    actor.require(MANAGE)
    found = Inspection.objects.visible_to(actor).filter(pk=inspection.pk).first()
    if found is None:
        raise NotFound("检查不存在或无权访问")
    plan = _locked_plan(actor, found.plan)
    if plan.state != PlanState.DRAWN:
        raise Conflict(f"抽查计划「{plan.number}」{plan.get_state_display()}，不能登记结果")
    if outcome not in InspectionOutcome.values:
        raise ValidationFailed(f"检查结果无效，可选：{'、'.join(InspectionOutcome.labels)}", field="outcome")
    if inspected_on is None:
        raise ValidationFailed("请填写检查日期", field="inspected_on")
    if inspected_on > _today():
        raise ValidationFailed("检查日期不能晚于今天", field="inspected_on")
    if inspected_on < plan.window_start:
        raise ValidationFailed(f"检查日期不能早于计划的检查开始日期 {plan.window_start:%Y-%m-%d}", field="inspected_on")
    note = (note or "").strip()
    if outcome != InspectionOutcome.NO_PROBLEM and not note:
        raise ValidationFailed("责令整改、移交立案或无法检查时须填写结果说明", field="note")
    case_reference = (case_reference or "").strip()[:64] if outcome == InspectionOutcome.REFERRED else ""
    found.outcome, found.inspected_on, found.result_note = outcome, inspected_on, note
    found.case_reference = case_reference
    found.recorded_at, found.recorded_by_name = timezone.now(), actor.name[:150]
    found.save(update_fields=["outcome", "inspected_on", "result_note", "case_reference", "recorded_at",
                              "recorded_by_name"])
    if outcome != InspectionOutcome.UNABLE:
        InspectionTarget.objects.filter(pk=found.target_id).filter(
            Q(last_inspected_on__isnull=True) | Q(last_inspected_on__lt=inspected_on)).update(
            last_inspected_on=inspected_on)
    record(actor=actor, action="enforcement.inspection.result_recorded", obj=found, org_override=plan.body.org,
           changes={"outcome": outcome, "inspected_on": inspected_on.isoformat()})
    return found


@service("enforcement.inspection_plan.results_published")
def publish_results(*, actor: Actor, plan: InspectionPlan) -> InspectionPlan:
    """公开 the results (AP-42, 第二十一条第一款: 抽查情况及查处结果及时向社会公开): every drawn target must
    have a result; the plan is then closed and its results appear on the public page."""
    actor.require(MANAGE)
    plan = _locked_plan(actor, plan)
    if plan.state != PlanState.DRAWN:
        raise Conflict(f"抽查计划「{plan.number}」{plan.get_state_display()}，只有已抽取的计划可以公开结果")
    missing = plan.inspections.filter(outcome="").count()
    if missing:
        raise ValidationFailed(f"还有 {missing} 个检查对象未登记结果，不能公开", field="results")
    plan.state = PlanState.CLOSED
    plan.results_published_at = timezone.now()
    plan.save(update_fields=["state", "results_published_at"])
    record(actor=actor, action="enforcement.inspection_plan.results_published", obj=plan, org_override=plan.body.org,
           changes={"inspections": plan.inspections.count()})
    return plan


@service("enforcement.inspection_visits.merged")
def merge_visits(*, actor: Actor, entity: Entity | None = None) -> int:
    """综合查一次 (AP-42, 《浙江省综合行政执法条例》第十三条): regroup the open inspections of ``entity`` (or of
    every entity with open inspections in the actor's scope) into visits; returns the visits made."""
    actor.require(MANAGE)
    scoped = Inspection.objects.visible_to(actor).filter(outcome="", plan__state=PlanState.DRAWN)
    if entity is not None:
        scoped = scoped.filter(entity_id=entity.pk)
        if not scoped.exists():
            raise NotFound("该对象没有待检查的抽查")
    entity_ids = sorted(set(scoped.values_list("entity_id", flat=True)))
    made = sum(_merge_entity(e) for e in entity_ids)
    record(actor=actor, action="enforcement.inspection_visits.merged", object_type="enforcement.inspectionvisit",
           object_repr=f"综合查一次：{len(entity_ids)} 个对象", changes={"entities": len(entity_ids), "visits": made})
    return made


# --- 监管对象 import / export, 回避关系 --------------------------------------------------------------------

TARGET_COLUMNS = ["统一社会信用代码", "名称", "执法领域", "风险等级", "信用等级", "住所"]
_RISK_BY_LABEL = {**{label: code for code, label in RiskLevel.choices}, "高": "high", "中": "medium", "低": "low"}


def _cell(value: Any) -> str:
    return "" if value is None else str(value).strip()


@service("enforcement.inspection_targets.imported")
def import_targets(*, actor: Actor, body: EnforcementBody, content: bytes, filename: str = "") -> int:
    """Import 监管对象 of ``body`` from Excel (columns ``TARGET_COLUMNS``), all or nothing: every bad row and
    column is named. The entity is found by its 统一社会信用代码 (GB 32100, checked) or created; an existing
    target of the body is updated (fields, risk, credit, active again). Returns the rows imported."""
    actor.require(MANAGE)
    body = _body_in_scope(actor, body)
    try:
        ws = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
    except Exception as exc:  # noqa: BLE001 (any unreadable upload is the same user error)
        raise ValidationFailed("无法读取 Excel 文件（须为 .xlsx）", field="file") from exc
    header = [_cell(c) for c in (rows[0] if rows else [])]
    if header[:5] != TARGET_COLUMNS[:5]:
        raise ValidationFailed(f"表头须为：{'、'.join(TARGET_COLUMNS)}（住所可省略）", field="file")
    data = [r for r in rows[1:] if any(_cell(c) for c in r)]
    if not data:
        raise ValidationFailed("表格中没有数据行", field="file")
    if len(data) > MAX_IMPORT_ROWS:
        raise ValidationFailed(f"一次最多导入 {MAX_IMPORT_ROWS} 行", field="file")
    errors: list[dict[str, str]] = []
    parsed: list[tuple[str, str, list[str], str, str, str]] = []
    seen: dict[str, int] = {}
    field_by_label = {label: code for code, label in EnforcementField.choices}
    for line, row in enumerate(rows[1:], start=2):
        cells = [_cell(c) for c in row] + [""] * 6
        if not any(cells):
            continue
        bad = len(errors)

        def add(col: int, message: str, *, line: int = line) -> None:
            errors.append({"field": f"rows[{line}].{col}", "message": f"第 {line} 行「{TARGET_COLUMNS[col]}」：{message}"})

        code = ""
        try:
            code = parse_credit_code(cells[0])
        except IdNumberError as exc:
            add(0, str(exc))
        if code and code in seen:
            add(0, f"与第 {seen[code]} 行重复")
        elif code:
            seen[code] = line
        name = cells[1]
        if not name or len(name) > 128:
            add(1, "不能为空，且不超过 128 个字符")
        fields: list[str] = []
        for part in [p for p in cells[2].replace("，", "、").replace(",", "、").split("、") if p.strip()]:
            value = field_by_label.get(part.strip(), part.strip() if part.strip() in EnforcementField.values else "")
            if not value:
                add(2, f"「{part.strip()}」无效，可选：{'、'.join(EnforcementField.labels)}")
            elif value not in fields:
                fields.append(value)
        if not fields and not cells[2]:
            add(2, "至少填写一个执法领域")
        risk = _RISK_BY_LABEL.get(cells[3], cells[3] if cells[3] in RiskLevel.values else "")
        if not risk:
            add(3, "须为 高风险、中风险 或 低风险")
        credit = cells[4].upper().replace("级", "").strip()
        if credit not in CreditGrade.values:
            add(4, "须为 A、B、C 或 D")
        if len(cells[5]) > 255:
            add(5, "不能超过 255 个字符")
        if len(errors) == bad:
            parsed.append((code, name, fields, risk, credit, cells[5]))
    if errors:
        lines = len({e["field"].split("]")[0] for e in errors})
        raise ImportRejected(f"监管对象表有 {lines} 行错误，未导入任何记录；请改正后重新导入", errors=errors)
    existing = {e.credit_code: e for e in Entity.objects.filter(credit_code__in=[p[0] for p in parsed])}
    created = updated = 0
    for code, name, fields, risk, credit, address in parsed:
        entity = existing.get(code)
        if entity is None:
            entity = Entity.objects.create(name=name, credit_code=code, address=address[:255], org=body.org)
        target, made = InspectionTarget.objects.get_or_create(
            entity=entity, body=body, defaults={"fields": fields, "risk_level": risk, "credit_grade": credit})
        if made:
            created += 1
        else:
            target.fields, target.risk_level, target.credit_grade, target.active = fields, risk, credit, True
            target.save(update_fields=["fields", "risk_level", "credit_grade", "active", "updated_at"])
            updated += 1
    record(actor=actor, action="enforcement.inspection_targets.imported", object_type="enforcement.inspectiontarget",
           object_repr=f"{body.name} 监管对象导入 {filename}"[:255], org_override=body.org,
           changes={"rows": len(parsed), "created": created, "updated": updated})
    return len(parsed)


def targets_workbook(targets: Sequence[InspectionTarget]) -> bytes:
    """The export (same columns as the import, plus body, state and last inspection)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("监管对象")
    ws.append([*TARGET_COLUMNS, "执法主体", "在册", "最近检查日期"])
    for t in targets:
        ws.append([t.entity.credit_code, t.entity.name, "、".join(t.field_labels), t.get_risk_level_display(),
                   t.credit_grade, t.entity.address, t.body.name, "是" if t.active else "否",
                   t.last_inspected_on.isoformat() if t.last_inspected_on else ""])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@service("enforcement.inspection_targets.exported")
def export_targets(*, actor: Actor, description: str, row_count: int) -> None:
    """Record an export of the 监管对象 list (legal persons' public registry facts, no personal data)."""
    actor.require("enforcement.view")
    record(actor=actor, action="enforcement.inspection_targets.exported", object_type="enforcement.inspectiontarget",
           object_repr=description[:255], changes={"rows": row_count})


@service("enforcement.officer_conflict.added")
def add_conflict(*, actor: Actor, officer: EnforcementOfficer, entity: Entity, reason: str) -> OfficerConflict:
    """Register a 回避关系 (AP-13, 《行政处罚法》第四十三条): the officer is left out of every later draw for
    this entity (plans already published keep their frozen pools)."""
    actor.require(MANAGE)
    found = EnforcementOfficer.objects.visible_to(actor).select_related("body__org").filter(pk=officer.pk).first()
    if found is None:
        raise NotFound("执法人员不存在或无权访问")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写回避原因", field="reason")
    if len(reason) > 255:
        raise ValidationFailed("回避原因不能超过 255 个字符", field="reason")
    if OfficerConflict.objects.filter(officer=found, entity=entity).exists():
        raise DuplicateError("该回避关系已登记", field="entity")
    conflict = OfficerConflict.objects.create(officer=found, entity=entity, reason=reason,
                                              created_by_name=actor.name[:150])
    record(actor=actor, action="enforcement.officer_conflict.added", obj=conflict, org_override=found.body.org,
           changes={"officer": found.pk, "entity": entity.pk, "reason": reason})
    return conflict


@service("enforcement.officer_conflict.removed")
def remove_conflict(*, actor: Actor, conflict: OfficerConflict) -> None:
    """Remove a 回避关系 registered in error (AP-13)."""
    actor.require(MANAGE)
    found = OfficerConflict.objects.visible_to(actor).select_related("officer__body__org").filter(pk=conflict.pk).first()
    if found is None:
        raise NotFound("回避关系不存在或无权访问")
    org = found.officer.body.org
    record(actor=actor, action="enforcement.officer_conflict.removed", obj=found, org_override=org,
           changes={"officer": found.officer_id, "entity": found.entity_id})
    found.delete()

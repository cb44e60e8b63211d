"""双随机一公开: 监管对象 (inspection targets), 回避关系, 抽查计划, 检查 and 综合查一次 visits.

AP-42 (《浙江省综合行政执法条例》第二十一条): routine inspections draw the targets and the inspectors at
random, and publish the draw and the results; the sampling ratio rises with bad credit and high risk
and falls with good credit and low risk. 第十三条: different inspections of the same target that can be
done at once are combined (综合查一次). AP-12 (《行政处罚法》第四十二条): at least two officers holding a
执法证; AP-13 (第四十三条): an officer with a conflict (回避关系) is never drawn for that target.

The draw itself is a core ``RandomDraw`` (docs/engines/draws.md) whose number is the plan's number, so
``sifa verify-draw <plan number>`` and the public page /draws/<number>/ verify the plan's draw.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from sifa.core.draws.models import RandomDraw
from sifa.core.orgs.scope import ScopedQuerySet
from sifa.core.persons.models import Entity
from sifa.modules.enforcement.choices import EnforcementField
from sifa.modules.enforcement.models import EnforcementBody, EnforcementOfficer, PowerItem

__all__ = ["CreditGrade", "Inspection", "InspectionOutcome", "InspectionPlan", "InspectionTarget", "InspectionVisit",
           "OfficerConflict", "PlanState", "RiskLevel", "SamplingMode"]


class RiskLevel(models.TextChoices):
    """风险等级 of a 监管对象 (AP-42, 第二十一条第二款)."""

    HIGH = "high", "高风险"
    MEDIUM = "medium", "中风险"
    LOW = "low", "低风险"


class CreditGrade(models.TextChoices):
    """公共信用评价等级 of a 监管对象 (A 最好, D 最差; AP-42, 第二十一条第二款)."""

    A = "A", "A 级（优秀）"
    B = "B", "B 级（良好）"
    C = "C", "C 级（中）"
    D = "D", "D 级（差）"


class SamplingMode(models.TextChoices):
    COUNT = "count", "固定数量"
    RATIO = "ratio", "按风险与信用分类比例"


class PlanState(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已公布（待抽取）"
    DRAWN = "drawn", "已抽取"
    CLOSED = "closed", "已公开结果"
    CANCELLED = "cancelled", "已取消"


PLAN_STATE_BADGES: dict[str, str] = {
    PlanState.DRAFT: "bg-secondary-lt", PlanState.PUBLISHED: "bg-yellow-lt", PlanState.DRAWN: "bg-blue-lt",
    PlanState.CLOSED: "bg-green-lt", PlanState.CANCELLED: "bg-secondary-lt",
}


class InspectionOutcome(models.TextChoices):
    """检查结果."""

    NO_PROBLEM = "no_problem", "未发现问题"
    RECTIFICATION = "rectification", "责令整改"
    REFERRED = "referred", "移交立案"
    UNABLE = "unable", "无法检查（对象不存在等）"


OUTCOME_BADGES: dict[str, str] = {
    InspectionOutcome.NO_PROBLEM: "bg-green-lt", InspectionOutcome.RECTIFICATION: "bg-orange-lt",
    InspectionOutcome.REFERRED: "bg-red-lt", InspectionOutcome.UNABLE: "bg-secondary-lt",
}


class InspectionTargetQuerySet(ScopedQuerySet["InspectionTarget"]):
    scope_path_field = "body__org__path"


class InspectionTarget(models.Model):
    """监管对象: an ``Entity`` of the registry as a body supervises it — the 执法领域 it falls under, its
    风险等级 and 信用等级 (which set its sampling ratio, AP-42, 第二十一条第二款) and when it was last inspected."""

    entity = models.ForeignKey(Entity, models.PROTECT, related_name="inspection_targets", verbose_name="监管对象")
    body = models.ForeignKey(EnforcementBody, models.PROTECT, related_name="inspection_targets",
                             verbose_name="执法主体")
    fields = models.JSONField("执法领域", default=list, blank=True)
    risk_level = models.CharField("风险等级", max_length=8, choices=RiskLevel.choices, default=RiskLevel.MEDIUM)
    credit_grade = models.CharField("信用等级", max_length=1, choices=CreditGrade.choices, default=CreditGrade.B)
    active = models.BooleanField("在册", default=True)
    last_inspected_on = models.DateField("最近检查日期", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = InspectionTargetQuerySet.as_manager()

    class Meta:
        verbose_name = "监管对象"
        verbose_name_plural = "监管对象"
        ordering = ["body__org__path", "entity__name", "id"]
        constraints = [models.UniqueConstraint(fields=["entity", "body"], name="enforcement_target_once_per_body")]

    def __str__(self) -> str:
        return self.entity.name

    @property
    def field_labels(self) -> list[str]:
        labels = dict(EnforcementField.choices)
        return [labels.get(code, code) for code in self.fields]


class OfficerConflictQuerySet(ScopedQuerySet["OfficerConflict"]):
    scope_path_field = "officer__body__org__path"


class OfficerConflict(models.Model):
    """回避关系 (AP-13, 《行政处罚法》第四十三条): the officer is never drawn to inspect this entity."""

    officer = models.ForeignKey(EnforcementOfficer, models.CASCADE, related_name="conflicts", verbose_name="执法人员")
    entity = models.ForeignKey(Entity, models.CASCADE, related_name="officer_conflicts", verbose_name="监管对象")
    reason = models.CharField("回避原因", max_length=255)
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    created_by_name = models.CharField("登记人", max_length=150, blank=True)

    objects = OfficerConflictQuerySet.as_manager()

    class Meta:
        verbose_name = "回避关系"
        verbose_name_plural = "回避关系"
        ordering = ["officer", "entity", "id"]
        constraints = [models.UniqueConstraint(fields=["officer", "entity"], name="enforcement_conflict_once")]

    def __str__(self) -> str:
        return f"{self.officer} 回避 {self.entity}"


class InspectionPlanQuerySet(ScopedQuerySet["InspectionPlan"]):
    scope_path_field = "body__org__path"


class InspectionPlan(models.Model):
    """抽查计划 (双随机一公开, AP-42, 《浙江省综合行政执法条例》第二十一条).

    The target pool is the body's active 监管对象 in ``field`` matching ``risk_levels`` / ``credit_grades``
    (empty: all); the inspector pool is the body's officers who may enforce throughout the window
    (AP-12, AP-42); conflicts are excluded per target (AP-13). ``sampling`` holds, in ``ratio`` mode, the
    classes and their percentages copied from the configuration at creation (the plan keeps what it
    published). Publishing commits the ``draw`` (pools frozen, seed committed); drawing performs it.
    """

    number = models.CharField("计划编号", max_length=32, unique=True)
    body = models.ForeignKey(EnforcementBody, models.PROTECT, related_name="inspection_plans", verbose_name="执法主体")
    title = models.CharField("计划名称", max_length=200)
    field = models.CharField("执法领域", max_length=32, choices=EnforcementField.choices)
    power_items = models.ManyToManyField(PowerItem, blank=True, related_name="inspection_plans",
                                         verbose_name="检查事项")
    risk_levels = models.JSONField("风险等级范围", default=list, blank=True)
    credit_grades = models.JSONField("信用等级范围", default=list, blank=True)
    sampling_mode = models.CharField("抽取方式", max_length=8, choices=SamplingMode.choices,
                                     default=SamplingMode.RATIO)
    sample_count = models.PositiveIntegerField("抽取数量", null=True, blank=True)
    sampling = models.JSONField("分类抽取比例", default=list, blank=True)
    inspectors_per_target = models.PositiveSmallIntegerField("每个对象的检查人员数", default=2)
    window_start = models.DateField("检查开始日期")
    window_end = models.DateField("检查截止日期")
    state = models.CharField("状态", max_length=16, choices=PlanState.choices, default=PlanState.DRAFT)
    draw = models.OneToOneField(RandomDraw, models.PROTECT, null=True, blank=True, related_name="inspection_plan",
                                verbose_name="随机抽取")
    notes = models.TextField("说明", blank=True)
    cancel_reason = models.TextField("取消原因", blank=True)
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    drawn_at = models.DateTimeField("抽取时间", null=True, blank=True)
    results_published_at = models.DateTimeField("结果公开时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    created_by_name = models.CharField("创建人", max_length=150, blank=True)

    objects = InspectionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = "抽查计划"
        verbose_name_plural = "抽查计划"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(window_end__gte=models.F("window_start")),
                                   name="enforcement_plan_window_ordered"),
            models.CheckConstraint(condition=Q(inspectors_per_target__gte=2),
                                   name="enforcement_plan_two_inspectors"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def badge(self) -> str:
        return PLAN_STATE_BADGES.get(self.state, "")

    @property
    def is_public(self) -> bool:
        return self.state in (PlanState.PUBLISHED, PlanState.DRAWN, PlanState.CLOSED, PlanState.CANCELLED) \
            and self.draw_id is not None


class InspectionVisit(models.Model):
    """综合查一次 (AP-42, 《浙江省综合行政执法条例》第十三条): inspections of one entity by several plans
    (several departments, or one department's several items) with overlapping windows, done in one visit
    on ``planned_on`` by the union of their inspectors (each department keeps its own ≥2, AP-12)."""

    entity = models.ForeignKey(Entity, models.PROTECT, related_name="inspection_visits", verbose_name="监管对象")
    planned_on = models.DateField("计划检查日期")
    window_end = models.DateField("最迟检查日期")
    created_at = models.DateTimeField("合并时间", default=timezone.now)

    class Meta:
        verbose_name = "综合查一次"
        verbose_name_plural = "综合查一次"
        ordering = ["planned_on", "id"]

    def __str__(self) -> str:
        return f"{self.entity} 综合查一次 {self.planned_on:%Y-%m-%d}"


class InspectionQuerySet(ScopedQuerySet["Inspection"]):
    scope_path_field = "plan__body__org__path"


class Inspection(models.Model):
    """One drawn target of a plan with the inspectors drawn for it (``order``: the drawn order), and its
    result once recorded. ``case_reference`` names the penalty case a 移交立案 leads to (text for now)."""

    plan = models.ForeignKey(InspectionPlan, models.CASCADE, related_name="inspections", verbose_name="抽查计划")
    target = models.ForeignKey(InspectionTarget, models.PROTECT, related_name="inspections", verbose_name="监管对象")
    entity = models.ForeignKey(Entity, models.PROTECT, related_name="inspections", verbose_name="法人和其他组织")
    inspectors = models.ManyToManyField(EnforcementOfficer, related_name="inspections", verbose_name="检查人员")
    class_key = models.CharField("抽取分类", max_length=32, blank=True)
    order = models.PositiveIntegerField("抽中顺序", default=0)
    visit = models.ForeignKey(InspectionVisit, models.SET_NULL, null=True, blank=True, related_name="inspections",
                              verbose_name="综合查一次")
    outcome = models.CharField("检查结果", max_length=16, choices=InspectionOutcome.choices, blank=True)
    inspected_on = models.DateField("检查日期", null=True, blank=True)
    result_note = models.TextField("结果说明", blank=True)
    case_reference = models.CharField("移交立案编号", max_length=64, blank=True)
    recorded_at = models.DateTimeField("登记时间", null=True, blank=True)
    recorded_by_name = models.CharField("登记人", max_length=150, blank=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = "检查"
        verbose_name_plural = "检查"
        ordering = ["plan", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "target"], name="enforcement_inspection_once")]

    def __str__(self) -> str:
        return f"{self.plan.number} {self.entity.name}"

    @property
    def badge(self) -> str:
        return OUTCOME_BADGES.get(self.outcome, "")

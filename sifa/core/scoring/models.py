"""Scoring (考核/评分): schemes and their versions, scores with their lines, and manual adjustments.

- A ``Scheme`` is owned by an org; it applies to that org's subtree. A county or city adapts a
  scheme for its area with its own scheme whose ``base`` is the original (the adaptation then
  applies there instead of the original, for the periods it has a version in force).
- A ``SchemeVersion`` holds one validated indicator tree and the dates it is in force
  (``valid_to`` exclusive). Versions are never edited: importing the scheme again adds a version
  and closes the previous one on the new version's ``valid_from``.
- A ``Score`` is one computation for one subject and period. A recomputation adds a new row and
  marks it current; the earlier rows stay as history. ``ScoreLine`` rows explain each indicator
  with the facts that counted.
- An ``Adjustment`` (人工调整) belongs to a subject, period, scheme version and indicator; it is
  append-only (reverse one with an opposite adjustment) and counted in every later computation.
"""

from __future__ import annotations

import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import Q
from django.utils import timezone

from sifa.core.orgs.models import PATH_SEGMENT_WIDTH, Org
from sifa.core.orgs.scope import ScopedQuerySet
from sifa.core.scoring.choices import PeriodKind, SubjectKind
from sifa.core.scoring.engine import SchemeTree, parse_indicators
from sifa.core.scoring.periods import Period

if TYPE_CHECKING:
    from sifa.core.accounts.actor import Actor


def ancestor_paths(path: str) -> list[str]:
    """The paths of the orgs above ``path`` (materialized paths are fixed-width segments)."""
    step = PATH_SEGMENT_WIDTH + 1
    return [path[:i] for i in range(step, len(path), step)]


class SchemeQuerySet(ScopedQuerySet["Scheme"]):
    scope_path_field = "owner__path"

    def visible_to(self, actor: Actor) -> Self:
        """Schemes owned in the actor's subtree, and those of the orgs above it.

        A scheme applies downward: the province's assessment scheme is the one every county and
        office under it is scored by, so they must see it (its scores stay scoped by subject).
        """
        if actor.is_system:
            return self.all()
        paths = actor.scope_paths
        if not paths:
            return self.none()
        condition = Q()
        for path in paths:
            condition |= Q(owner__path__startswith=path) | Q(owner__path__in=ancestor_paths(path))
        return self.filter(condition)


class Scheme(models.Model):
    """An assessment scheme (考核方案): what is scored, for whom, owned by an org for its subtree."""

    code = models.CharField("方案编码", max_length=64, unique=True)
    name = models.CharField("方案名称", max_length=128)
    subject_kind = models.CharField("考核对象类型", max_length=8, choices=SubjectKind.choices)
    subject_type = models.CharField("考核对象范围", max_length=48, blank=True,
                                    help_text="机构类型（如 judicial_office）或案件类型；留空为全部")
    owner = models.ForeignKey(Org, models.PROTECT, related_name="scoring_schemes", verbose_name="所属机构")
    base = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="adaptations",
                             verbose_name="所依据方案")
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = SchemeQuerySet.as_manager()

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ["owner__path", "code"]

    def __str__(self) -> str:
        return self.name


class SchemeVersion(models.Model):
    """One version of a scheme's indicator tree, in force from ``valid_from`` until ``valid_to`` (exclusive)."""

    scheme = models.ForeignKey(Scheme, models.PROTECT, related_name="versions", verbose_name="考核方案")
    number = models.PositiveIntegerField("版本号")
    valid_from = models.DateField("生效日期")
    valid_to = models.DateField("失效日期", null=True, blank=True)
    total = models.DecimalField("总分", max_digits=10, decimal_places=2)
    indicators = models.JSONField("指标体系", default=list)
    note = models.TextField("说明", blank=True)
    source_name = models.CharField("来源文件", max_length=255, blank=True)
    imported_by = models.CharField("导入人", max_length=150)
    imported_at = models.DateTimeField("导入时间", default=timezone.now)

    class Meta:
        verbose_name = "考核方案版本"
        verbose_name_plural = "考核方案版本"
        ordering = ["scheme", "-number"]
        constraints = [models.UniqueConstraint(fields=["scheme", "number"], name="scoring_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.scheme.name} 第{self.number}版"

    @cached_property
    def tree(self) -> SchemeTree:
        return parse_indicators(self.indicators, self.total)

    def in_force_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


class ScoreQuerySet(ScopedQuerySet["Score"]):
    scope_path_field = "org__path"

    def current(self) -> ScoreQuerySet:
        return self.filter(is_current=True)


class Score(models.Model):
    """One computation of one subject's score for one period (得分). ``org`` is the subject's org (scope)."""

    scheme = models.ForeignKey(Scheme, models.PROTECT, related_name="scores", verbose_name="考核方案")
    version = models.ForeignKey(SchemeVersion, models.PROTECT, related_name="scores", verbose_name="方案版本")
    subject_kind = models.CharField("考核对象类型", max_length=8, choices=SubjectKind.choices)
    subject_id = models.PositiveBigIntegerField("考核对象ID")
    subject_label = models.CharField("考核对象", max_length=255)
    org = models.ForeignKey(Org, models.PROTECT, related_name="scores", verbose_name="所属机构")
    period_kind = models.CharField("期间类型", max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField("期间起")
    period_end = models.DateField("期间止")
    period_label = models.CharField("考核期间", max_length=64)
    total = models.DecimalField("总分", max_digits=12, decimal_places=2)
    computed_at = models.DateTimeField("计算时间", default=timezone.now)
    computed_by = models.CharField("计算人", max_length=150)
    is_current = models.BooleanField("当前结果", default=True)

    objects = ScoreQuerySet.as_manager()

    class Meta:
        verbose_name = "考核得分"
        verbose_name_plural = "考核得分"
        ordering = ["-computed_at", "-id"]
        indexes = [models.Index(fields=["scheme", "period_start", "period_end", "is_current"])]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "subject_kind", "subject_id", "period_start", "period_end"],
                                    condition=Q(is_current=True), name="scoring_score_current_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_label} {self.period_label} {self.total}"

    @property
    def period(self) -> Period:
        return Period(self.period_kind, self.period_start, self.period_end)


class ScoreLine(models.Model):
    """One indicator of a score: units, points before and after bounds, adjustments, and the facts that counted."""

    score = models.ForeignKey(Score, models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField("顺序")
    code = models.CharField("指标编码", max_length=32)
    label = models.CharField("指标", max_length=255)
    kind = models.CharField("层级", max_length=8)
    parent_code = models.CharField("上级指标", max_length=32, blank=True)
    depth = models.PositiveSmallIntegerField("层级深度")
    units = models.DecimalField("计数", max_digits=14, decimal_places=4, default=0)
    raw = models.DecimalField("计算分", max_digits=12, decimal_places=2, default=0)
    adjustment = models.DecimalField("调整分", max_digits=12, decimal_places=2, default=0)
    points = models.DecimalField("得分", max_digits=12, decimal_places=2, default=0)
    notes = models.JSONField("说明", default=list, blank=True)
    facts = models.JSONField("计分依据", default=list, blank=True)

    class Meta:
        verbose_name = "得分明细"
        verbose_name_plural = "得分明细"
        ordering = ["score", "position"]

    def __str__(self) -> str:
        return f"{self.code} {self.points}"

    @property
    def limited(self) -> bool:
        return bool(self.notes)


class AdjustmentQuerySet(ScopedQuerySet["Adjustment"]):
    scope_path_field = "org__path"


class Adjustment(models.Model):
    """A manual adjustment (人工调整) of one indicator for one subject and period, with its reason. Append-only."""

    scheme = models.ForeignKey(Scheme, models.PROTECT, related_name="adjustments", verbose_name="考核方案")
    version = models.ForeignKey(SchemeVersion, models.PROTECT, related_name="adjustments", verbose_name="方案版本")
    subject_kind = models.CharField("考核对象类型", max_length=8, choices=SubjectKind.choices)
    subject_id = models.PositiveBigIntegerField("考核对象ID")
    org = models.ForeignKey(Org, models.PROTECT, related_name="score_adjustments", verbose_name="所属机构")
    period_start = models.DateField("期间起")
    period_end = models.DateField("期间止")
    code = models.CharField("指标编码", max_length=32)
    points = models.DecimalField("调整分值", max_digits=12, decimal_places=2)
    reason = models.TextField("调整理由")
    made_by = models.CharField("调整人", max_length=150)
    made_at = models.DateTimeField("调整时间", default=timezone.now)
    score = models.ForeignKey(Score, models.PROTECT, related_name="adjustments_made", verbose_name="调整时的得分")

    objects = AdjustmentQuerySet.as_manager()

    class Meta:
        verbose_name = "得分调整"
        verbose_name_plural = "得分调整"
        ordering = ["made_at", "id"]
        indexes = [models.Index(fields=["version", "subject_kind", "subject_id", "period_start", "period_end"])]

    def __str__(self) -> str:
        return f"{self.code} {self.points:+}"

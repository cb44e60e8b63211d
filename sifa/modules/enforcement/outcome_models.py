"""复议/诉讼 outcomes of penalty decisions (``RemedyOutcome``), feeding loss rates, risk hints and 复盘.

A loss (撤销 / 变更 / 确认违法 / 确认无效) opens the 复盘 alert ENF-REVIEW-LOSS for the body's org and, when
the decision was published, starts the AP-29 三日 (工作日) withdrawal deadline (《行政处罚法》第四十八条
第二款、第八十五条). Written only by ``outcome_services``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from sifa.core.orgs.scope import ScopedQuerySet


class RemedyKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", "行政复议"
    LITIGATION_FIRST = "litigation_first", "行政诉讼（一审）"
    LITIGATION_SECOND = "litigation_second", "行政诉讼（二审）"


class RemedyResult(models.TextChoices):
    UPHELD = "upheld", "维持"
    DISMISSED = "dismissed", "驳回"
    REVOKED = "revoked", "撤销"
    VARIED = "varied", "变更"
    CONFIRMED_UNLAWFUL = "confirmed_unlawful", "确认违法"
    CONFIRMED_VOID = "confirmed_void", "确认无效"
    WITHDRAWN = "withdrawn", "撤回"


# The results in which the authority loses (AP-29 names 变更、撤销、确认违法、确认无效).
LOSSES = frozenset({RemedyResult.REVOKED, RemedyResult.VARIED, RemedyResult.CONFIRMED_UNLAWFUL,
                    RemedyResult.CONFIRMED_VOID})
RESULT_BADGES = {"upheld": "bg-green-lt", "dismissed": "bg-green-lt", "withdrawn": "bg-secondary-lt",
                 "revoked": "bg-red text-white", "varied": "bg-orange text-white",
                 "confirmed_unlawful": "bg-red text-white", "confirmed_void": "bg-red text-white"}


class RemedyOutcomeQuerySet(ScopedQuerySet["RemedyOutcome"]):
    scope_path_field = "org__path"


class RemedyOutcome(models.Model):
    """The result of a 行政复议 or 行政诉讼 against a penalty decision (a case, or an imported decision)."""

    case = models.ForeignKey("enforcement.PenaltyCase", models.CASCADE, null=True, blank=True,
                             related_name="remedy_outcomes", verbose_name="行政处罚案件")
    imported = models.ForeignKey("enforcement.ImportedDecision", models.CASCADE, null=True, blank=True,
                                 related_name="remedy_outcomes", verbose_name="导入的处罚决定")
    org = models.ForeignKey("orgs.Org", models.PROTECT, related_name="+", verbose_name="所属机构")
    kind = models.CharField("类型", max_length=24, choices=RemedyKind.choices)
    authority = models.CharField("复议机关或人民法院", max_length=128)
    filed_on = models.DateField("申请（起诉）日期", null=True, blank=True)
    decided_on = models.DateField("决定（裁判）日期")
    result = models.CharField("结果", max_length=24, choices=RemedyResult.choices)
    note = models.TextField("说明", blank=True)
    recorded_by = models.CharField("登记人", max_length=64, blank=True)
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)
    review_alert_id = models.BigIntegerField("复盘预警", null=True, blank=True)

    objects = RemedyOutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = "复议诉讼结果"
        verbose_name_plural = "复议诉讼结果"
        ordering = ["-decided_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(case__isnull=False, imported__isnull=True)
                                              | Q(case__isnull=True, imported__isnull=False),
                                              name="enf_remedy_outcome_one_target")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.get_result_display()}"

    @property
    def lost(self) -> bool:
        return self.result in LOSSES

    @property
    def badge(self) -> str:
        return RESULT_BADGES.get(self.result, "bg-secondary-lt")

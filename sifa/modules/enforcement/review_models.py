"""案卷评查 (case-file review) of 行政处罚 cases: ``ReviewCampaign`` (评查活动) and ``CaseFileReview`` (one drawn case).

AP-39 (《行政处罚法》第七十五条第一款): 县级以上人民政府 organise regular 评议、考核 of enforcement; the 司法局
(or a body itself) runs a campaign over the CLOSED cases of the bodies in scope within a period. The sample is a
core ``RandomDraw`` numbered like the campaign (``PC-2026-0001``), so ``sifa verify-draw <number>`` re-derives it;
the pool labels are case numbers only (no party names). Each drawn case is scored on the scoring engine's tree
(the rubric copied into the campaign at creation, so a later rubric does not change a campaign's scores):
automatic checks from the case (AP-12, AP-22 … AP-28, AP-14) and items the reviewer scores with a note.
A 不合格 review suggests a rectification notice (整改通知, or the [V-local] 山东 监督意见书 of AP-41), opened as an
alert on the core alert loop for the body's org (AP-40: the superior orders correction).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone

from sifa.core.draws.models import RandomDraw
from sifa.core.orgs.scope import ScopedQuerySet

__all__ = ["CampaignState", "CaseFileReview", "ReviewCampaign", "ReviewGrade", "ReviewNoticeType", "ReviewState"]


class CampaignState(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已公布（待抽取）"
    SAMPLED = "sampled", "已抽取"
    REVIEWING = "reviewing", "评查中"
    FINISHED = "finished", "已完成"


CAMPAIGN_BADGES: dict[str, str] = {
    CampaignState.DRAFT: "bg-secondary-lt", CampaignState.PUBLISHED: "bg-yellow-lt",
    CampaignState.SAMPLED: "bg-blue-lt", CampaignState.REVIEWING: "bg-orange-lt",
    CampaignState.FINISHED: "bg-green-lt",
}


class ReviewState(models.TextChoices):
    PENDING = "pending", "待评查"
    SCORED = "scored", "已评分"
    FINISHED = "finished", "已完成"


class ReviewGrade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


GRADE_BADGES: dict[str, str] = {ReviewGrade.EXCELLENT: "bg-green-lt", ReviewGrade.PASS: "bg-blue-lt",
                                ReviewGrade.FAIL: "bg-red-lt"}


class ReviewNoticeType(models.TextChoices):
    RECTIFICATION = "rectification", "整改通知书"
    SUPERVISION_OPINION = "supervision_opinion", "行政执法监督意见书（山东示例，[V-local]）"


class ReviewCampaignQuerySet(ScopedQuerySet["ReviewCampaign"]):
    scope_path_field = "org__path"

    def visible_to(self, actor):  # type: ignore[no-untyped-def]
        """The organising org's subtree, and campaigns covering a body in the actor's subtree (an 执法部门 sees
        the campaigns of the 司法局 above it that review its cases)."""
        if actor.is_system:
            return self.all()
        paths = actor.scope_paths
        if not paths:
            return self.none()
        condition = Q()
        for path in paths:
            condition |= Q(org__path__startswith=path) | Q(bodies__org__path__startswith=path)
        return self.filter(pk__in=self.model.objects.filter(condition).values("pk"))


class ReviewCampaign(models.Model):
    """评查活动 (AP-39): closed penalty cases of ``bodies`` decided or closed within [period_start, period_end],
    sampled at random (``sample_size`` cases, or ``sample_ratio`` percent rounded up), scored on ``rubric``."""

    number = models.CharField("评查编号", max_length=32, unique=True)
    org = models.ForeignKey("orgs.Org", models.PROTECT, related_name="review_campaigns", verbose_name="组织机构")
    title = models.CharField("评查活动名称", max_length=200)
    period_start = models.DateField("办结日期自")
    period_end = models.DateField("办结日期至")
    bodies = models.ManyToManyField("enforcement.EnforcementBody", related_name="review_campaigns",
                                    verbose_name="被评查执法主体")
    sample_size = models.PositiveIntegerField("抽取案卷数", null=True, blank=True)
    sample_ratio = models.DecimalField("抽取比例（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    state = models.CharField("状态", max_length=16, choices=CampaignState.choices, default=CampaignState.DRAFT)
    draw = models.OneToOneField(RandomDraw, models.PROTECT, null=True, blank=True, related_name="review_campaign",
                                verbose_name="随机抽取")
    rubric = models.JSONField("评查标准（创建时的版本）", default=dict)
    rubric_name = models.CharField("评查标准", max_length=200, blank=True)
    notes = models.TextField("说明", blank=True)
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    drawn_at = models.DateTimeField("抽取时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    created_by_name = models.CharField("创建人", max_length=150, blank=True)

    objects = ReviewCampaignQuerySet.as_manager()

    class Meta:
        verbose_name = "评查活动"
        verbose_name_plural = "评查活动"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                   name="enforcement_review_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def badge(self) -> str:
        return CAMPAIGN_BADGES.get(self.state, "")

    @property
    def sampling_label(self) -> str:
        if self.sample_size:
            return f"{self.sample_size} 件"
        return f"{self.sample_ratio:g}%" if self.sample_ratio is not None else ""


class CaseFileReviewQuerySet(ScopedQuerySet["CaseFileReview"]):
    scope_path_field = "case__case__org__path"

    def visible_to(self, actor):  # type: ignore[no-untyped-def]
        """The case's org subtree (the body sees its own reviews) or the campaign's organising org's subtree."""
        if actor.is_system:
            return self.all()
        paths = actor.scope_paths
        if not paths:
            return self.none()
        condition = Q()
        for path in paths:
            condition |= Q(case__case__org__path__startswith=path) | Q(campaign__org__path__startswith=path)
        return self.filter(condition)


class CaseFileReview(models.Model):
    """One sampled case file and its review: the engine's lines (``lines``), the automatic checks (``checks``),
    the reviewer's items (``manual``: code → points and note), total, grade and findings."""

    campaign = models.ForeignKey(ReviewCampaign, models.CASCADE, related_name="reviews", verbose_name="评查活动")
    case = models.ForeignKey("enforcement.PenaltyCase", models.PROTECT, related_name="file_reviews",
                             verbose_name="行政处罚案件")
    body = models.ForeignKey("enforcement.EnforcementBody", models.PROTECT, related_name="file_reviews",
                             verbose_name="执法主体")
    order = models.PositiveIntegerField("抽中顺序", default=0)
    state = models.CharField("状态", max_length=16, choices=ReviewState.choices, default=ReviewState.PENDING)
    total = models.DecimalField("得分", max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.CharField("等次", max_length=16, choices=ReviewGrade.choices, blank=True)
    lines = models.JSONField("逐项得分", default=list, blank=True)
    checks = models.JSONField("自动评查结果", default=list, blank=True)
    manual = models.JSONField("人工评分", default=dict, blank=True)
    findings = models.TextField("评查意见", blank=True)
    reviewer_name = models.CharField("评查人员", max_length=150, blank=True)
    scored_at = models.DateTimeField("评分时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    notice_type = models.CharField("整改文书", max_length=24, choices=ReviewNoticeType.choices, blank=True)
    notice_text = models.TextField("整改要求", blank=True)
    notice_alert_id = models.BigIntegerField("整改预警", null=True, blank=True)
    notice_issued_at = models.DateTimeField("发出整改时间", null=True, blank=True)

    objects = CaseFileReviewQuerySet.as_manager()

    class Meta:
        verbose_name = "案卷评查"
        verbose_name_plural = "案卷评查"
        ordering = ["campaign", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "case"], name="enforcement_review_case_once")]

    def __str__(self) -> str:
        return f"{self.campaign.number} {self.case.case.number}"

    @property
    def grade_badge(self) -> str:
        return GRADE_BADGES.get(self.grade, "")

    @property
    def total_points(self) -> Decimal | None:
        return self.total

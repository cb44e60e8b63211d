"""行政处罚案件 (``PenaltyCase``): the detail of a core ``Case`` of type ``penalty`` (RULES.md §4.5).

One detail row per case, one-to-one with ``cases.Case`` (docs/decisions/0002). The state, the
timeline (``CaseTransition`` with each step's data), the statutory deadlines and the documents live
on the core case; this row keeps what the rules read: the party, the act and its dates (AP-05,
AP-07), the officers (AP-12), the proposal and its hearing right (AP-23, AP-24), the legal-review
triggers (AP-22), the decision (AP-26), service (AP-28), payment and late fees (AP-31 … AP-33),
enforcement (AP-37) and transfer (AP-20). Written only by ``penalty_services``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models
from django.utils import timezone

from sifa.core.orgs.scope import ScopedQuerySet
from sifa.core.persons.models import Entity, Person
from sifa.modules.enforcement.choices import MONETARY_PENALTY_TYPES, Circumstance, PenaltyType


class PenaltyProcedure(models.TextChoices):
    ORDINARY = "ordinary", "普通程序"
    SIMPLIFIED = "simplified", "简易程序（当场处罚）"


class PenaltyPartyType(models.TextChoices):
    CITIZEN = "citizen", "公民"
    ORGANISATION = "organisation", "法人或其他组织"


class ServiceMethod(models.TextChoices):
    """AP-28 / GEN-14 (《行政处罚法》第六十一条): how the decision reached the party."""

    ON_SPOT = "on_spot", "当场交付"
    DIRECT = "direct", "直接送达"
    POST = "post", "邮寄送达"
    ELECTRONIC = "electronic", "电子送达（当事人同意并签订确认书）"


class ReviewTrigger(models.TextChoices):
    """AP-22 (《行政处罚法》第五十八条第一款): the cases that need 法制审核 before a decision."""

    PUBLIC_INTEREST = "public_interest", "涉及重大公共利益"
    MAJOR_RIGHTS = "major_rights", "直接关系当事人或者第三人重大权益，经过听证程序"
    COMPLEX = "complex", "案件情况疑难复杂、涉及多个法律关系"
    OTHER_LAW = "other_law", "法律、法规规定应当进行法制审核的其他情形"


class PenaltyCaseQuerySet(ScopedQuerySet["PenaltyCase"]):
    scope_path_field = "case__org__path"


class PenaltyCase(models.Model):
    """One 行政处罚 case (普通程序 or 简易程序) of an 执法主体 (RULES.md AP-05 … AP-37, §4.5)."""

    case = models.OneToOneField("cases.Case", models.CASCADE, primary_key=True, related_name="penalty")
    procedure = models.CharField("程序", max_length=16, choices=PenaltyProcedure.choices,
                                 default=PenaltyProcedure.ORDINARY)
    body = models.ForeignKey("enforcement.EnforcementBody", models.PROTECT, related_name="penalty_cases",
                             verbose_name="执法主体")
    power_item = models.ForeignKey("enforcement.PowerItem", models.PROTECT, null=True, blank=True,
                                   related_name="penalty_cases", verbose_name="执法事项")
    # party (AP-05 age from the person's birth date)
    party_type = models.CharField("当事人类型", max_length=16, choices=PenaltyPartyType.choices)
    person = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="penalty_cases",
                               verbose_name="当事人（自然人）")
    entity = models.ForeignKey(Entity, models.PROTECT, null=True, blank=True, related_name="penalty_cases",
                               verbose_name="当事人（法人或其他组织）")
    party_name = models.CharField("当事人", max_length=128)
    party_birth_date = models.DateField("出生日期", null=True, blank=True)
    # the act (AP-07 limitation)
    act_date = models.DateField("违法行为发生日")
    act_end_date = models.DateField("连续或继续状态终了日", null=True, blank=True)
    discovered_on = models.DateField("发现日期")
    serious_harm = models.BooleanField("涉及生命健康安全、金融安全且有危害后果", default=False)
    facts = models.TextField("违法事实")
    circumstance = models.CharField("违法情节", max_length=16, choices=Circumstance.choices, blank=True)
    cited_articles = models.TextField("违法依据和处罚依据", blank=True, help_text="如：《浙江省市容和环境卫生管理条例》第二十九条")
    temporal_note = models.TextField("新旧法适用说明（AP-09）", blank=True)
    officers = models.ManyToManyField("enforcement.EnforcementOfficer", related_name="penalty_cases",
                                      verbose_name="执法人员", blank=True)
    filed_on = models.DateField("立案日期", null=True, blank=True)
    # proposal (告知) and hearing
    proposed_types = models.JSONField("拟处罚种类", default=list, blank=True)
    proposed_amount = models.DecimalField("拟罚款（没收）金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    review_triggers = models.JSONField("法制审核情形（AP-22）", default=list, blank=True)
    collective_discussion = models.BooleanField("负责人集体讨论（AP-21）", default=False)
    notice_served_on = models.DateField("告知书送达日期", null=True, blank=True)
    hearing_offered = models.BooleanField("告知听证权利（AP-24）", default=False)
    defence_made = models.BooleanField("当事人陈述、申辩", default=False)
    hearing_requested_on = models.DateField("申请听证日期", null=True, blank=True)
    hearing_notified_on = models.DateField("听证通知送达日期", null=True, blank=True)
    hearing_on = models.DateField("听证日期", null=True, blank=True)
    hearing_held_on = models.DateField("举行听证日期", null=True, blank=True)
    hearing_waived = models.BooleanField("放弃听证", default=False)
    legal_reviewed_on = models.DateField("法制审核日期", null=True, blank=True)
    legal_reviewer = models.CharField("法制审核人员", max_length=64, blank=True)
    legal_review_opinion = models.TextField("法制审核意见", blank=True)
    # decision (AP-26)
    decision_types = models.JSONField("处罚种类", default=list, blank=True)
    decision_amount = models.DecimalField("罚款（没收）金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    decision_number = models.CharField("决定书文号", max_length=64, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    no_penalty_reason = models.CharField("不予处罚理由", max_length=255, blank=True)
    # service (AP-28) and publication (AP-29)
    served_on = models.DateField("送达日期", null=True, blank=True)
    service_method = models.CharField("送达方式", max_length=16, choices=ServiceMethod.choices, blank=True)
    electronic_consent = models.BooleanField("同意电子送达", default=False)
    published_on = models.DateField("公开日期", null=True, blank=True)
    # payment (AP-31 … AP-33)
    payment_due = models.DateField("缴款期限", null=True, blank=True)
    paid_on = models.DateField("缴款日期", null=True, blank=True)
    paid_amount = models.DecimalField("实缴金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    deferral_note = models.CharField("延期或分期缴纳批准", max_length=255, blank=True)
    review_periods = models.JSONField("复议、诉讼期间", default=list, blank=True,
                                      help_text="[[开始, 结束], …]：期间内不加处罚款（AP-33）")
    # enforcement (AP-37)
    demand_served_on = models.DateField("催告书送达日期", null=True, blank=True)
    court_applied_on = models.DateField("申请强制执行日期", null=True, blank=True)
    court_accepted_on = models.DateField("法院受理日期", null=True, blank=True)
    court_ruled_on = models.DateField("法院裁定日期", null=True, blank=True)
    # transfer (AP-20)
    transfer_reported_on = models.DateField("涉嫌犯罪报告日期", null=True, blank=True)
    transfer_approved_at = models.DateTimeField("批准移送时间", null=True, blank=True)
    transferred_at = models.DateTimeField("移送时间", null=True, blank=True)
    police_decision = models.CharField("公安机关处理", max_length=255, blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = PenaltyCaseQuerySet.as_manager()

    class Meta:
        verbose_name = "行政处罚案件"
        verbose_name_plural = "行政处罚案件"
        ordering = ["-case__opened_at", "-case_id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(person__isnull=False) | models.Q(entity__isnull=False),
                                   name="penalty_case_has_party"),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.party_name}"

    @property
    def legal_review_required(self) -> bool:
        """AP-22: any trigger set → 法制审核 before the decision."""
        return bool(self.review_triggers)

    @property
    def monetary(self) -> bool:
        """The decision includes a money penalty (罚款 / 没收), so AP-31 payment follows."""
        return any(t in MONETARY_PENALTY_TYPES for t in self.decision_types)

    @property
    def decision_type_labels(self) -> list[str]:
        labels = dict(PenaltyType.choices)
        return [labels.get(t, t) for t in self.decision_types]

    @property
    def proposed_type_labels(self) -> list[str]:
        labels = dict(PenaltyType.choices)
        return [labels.get(t, t) for t in self.proposed_types]

    def review_period_pairs(self) -> list[tuple[datetime.date, datetime.date]]:
        return [(datetime.date.fromisoformat(a), datetime.date.fromisoformat(b)) for a, b in self.review_periods]

    def late_fee_on(self, on: datetime.date) -> Decimal:
        """加处罚款 on ``on`` (AP-32/AP-33): 3 %/day of the fine after ``payment_due``, capped, paused in review."""
        from sifa.modules.enforcement.penalty import late_fee

        if self.payment_due is None or self.decision_amount is None:
            return Decimal("0")
        end = min(on, self.paid_on) if self.paid_on else on
        return late_fee(self.decision_amount, self.payment_due, end, self.review_period_pairs())

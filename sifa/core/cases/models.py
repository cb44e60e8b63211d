"""Cases (案件): one shared table for every case-like thing, with a module's detail model beside it.

Detail models point at ``Case`` one-to-one (docs/decisions/0002-case-detail-models.md). A case moves
only through ``sifa.core.cases.services.transition_case``; every move leaves a ``CaseTransition``.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone

from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import ScopedQuerySet
from sifa.core.persons.models import Entity, Person


class CaseQuerySet(ScopedQuerySet["Case"]):
    scope_path_field = "org__path"


class Case(models.Model):
    """A case of some registered type, owned by an org (scope) and numbered in the official style."""

    case_type = models.CharField("案件类型", max_length=48, db_index=True)
    number = models.CharField("案号", max_length=64, unique=True)
    year = models.PositiveSmallIntegerField("年度")
    sequence = models.PositiveIntegerField("序号")
    case_code = models.CharField("案件码", max_length=32, unique=True, editable=False)
    org = models.ForeignKey(Org, models.PROTECT, related_name="cases", verbose_name="承办机构")
    state = models.CharField("状态", max_length=48, db_index=True)
    title = models.CharField("案由/标题", max_length=255)
    data = models.JSONField("案件信息", default=dict, blank=True)
    opened_at = models.DateTimeField("立案时间", default=timezone.now)
    opened_by = models.CharField("立案人", max_length=150, blank=True)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "案件"
        verbose_name_plural = "案件"
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["case_type", "state"])]

    def __str__(self) -> str:
        return self.number


class CaseNumberCounter(models.Model):
    """Counter behind case numbers, per case type, number prefix (e.g. 浙0111) and year.

    Incremented with an UPDATE that locks the row until commit, so concurrent openings never get
    the same number and a rolled-back opening gives its number back.
    """

    case_type = models.CharField(max_length=48)
    prefix = models.CharField(max_length=16)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "案号计数器"
        verbose_name_plural = "案号计数器"
        constraints = [models.UniqueConstraint(fields=["case_type", "prefix", "year"], name="case_counter_unique")]

    def __str__(self) -> str:
        return f"{self.case_type}/{self.prefix}/{self.year}: {self.last}"


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", "申请人"
    RESPONDENT = "respondent", "被申请人"
    PARTY = "party", "当事人"
    SUBJECT = "subject", "对象"
    THIRD_PARTY = "third_party", "第三人"
    AGENT = "agent", "代理人"


class CaseParty(models.Model):
    """A party to a case: a registered person or entity, in a role."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="parties")
    role = models.CharField("角色", max_length=24, choices=PartyRole.choices)
    person = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="case_parties")
    entity = models.ForeignKey(Entity, models.PROTECT, null=True, blank=True, related_name="case_parties")
    name = models.CharField("名称", max_length=128)

    class Meta:
        verbose_name = "当事人"
        verbose_name_plural = "当事人"
        constraints = [models.CheckConstraint(condition=models.Q(person__isnull=False) | models.Q(entity__isnull=False),
                                              name="case_party_has_identity")]

    def __str__(self) -> str:
        return f"{self.get_role_display()}：{self.name}"


class CaseHandler(models.Model):
    """A user handling the case (承办人)."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="handlers")
    user = models.ForeignKey("accounts.User", models.PROTECT, related_name="handled_cases")
    is_lead = models.BooleanField("主办", default=False)

    class Meta:
        verbose_name = "承办人"
        verbose_name_plural = "承办人"
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="case_handler_unique")]

    def __str__(self) -> str:
        return str(self.user)


class CaseTransition(models.Model):
    """The log of a case's moves (流转记录); written only by ``transition_case``."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="transitions")
    name = models.CharField("环节", max_length=64)
    label = models.CharField("环节名称", max_length=64)
    from_state = models.CharField("原状态", max_length=48)
    to_state = models.CharField("新状态", max_length=48)
    actor_name = models.CharField("操作人", max_length=150)
    user_id_snapshot = models.BigIntegerField("用户ID", null=True)
    membership_id_snapshot = models.BigIntegerField("任职ID", null=True)
    data = models.JSONField("填写内容", default=dict, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "流转记录"
        verbose_name_plural = "流转记录"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.from_state}→{self.to_state}"


class DeadlineStatus(models.TextChoices):
    RUNNING = "running", "计时中"
    SUSPENDED = "suspended", "中止"
    STOPPED = "stopped", "已完成"


class CaseDeadline(models.Model):
    """A statutory deadline running on a case, tied to its RULES.md rule id and law article."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="deadlines")
    key = models.CharField("期限键", max_length=48)
    rule_id = models.CharField("规则", max_length=16)
    variant = models.CharField("规则选项", max_length=16, blank=True, help_text="如 CC-29「在押」")
    period = models.CharField("期间", max_length=32, blank=True, help_text="由裁判确定期间的规则（CC-34 刑期、考验期）")
    custody_days = models.PositiveIntegerField("折抵羁押天数", default=0)
    label = models.CharField("期限名称", max_length=128)
    article = models.CharField("法律依据", max_length=255)
    flagged = models.CharField("待确认标记", max_length=16, blank=True, help_text="[NV]/[INT] 规则须提示")
    start_date = models.DateField("起算日")
    due_date = models.DateField("届满日")
    provisional_year = models.PositiveSmallIntegerField(
        "暂定（缺少该年节假日安排）", null=True, blank=True,
        help_text="届满日落入尚未载入节假日安排的年份时为暂定的最早日期；载入该年安排后自动重算")
    status = models.CharField("状态", max_length=16, choices=DeadlineStatus.choices, default=DeadlineStatus.RUNNING)
    stopped_at = models.DateTimeField("完成时间", null=True, blank=True)
    explanation = models.JSONField("计算过程", default=list, blank=True)
    adjustments = models.JSONField("中止与延长", default=list, blank=True,
                                   help_text="按顺序记录的中止/延长（含事由、批准人、操作人），届满日据此重算")

    class Meta:
        verbose_name = "案件期限"
        verbose_name_plural = "案件期限"
        ordering = ["due_date", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "key"], name="case_deadline_key_unique")]

    def __str__(self) -> str:
        return f"{self.label} {self.due_date}"

    def days_left(self, today: datetime.date | None = None) -> int:
        return (self.due_date - (today or timezone.localdate())).days

    @property
    def is_overdue(self) -> bool:
        return self.status == DeadlineStatus.RUNNING and self.days_left() < 0

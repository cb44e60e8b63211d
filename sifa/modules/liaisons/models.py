"""法律明白人 registry: community legal liaisons, their trainings, activities and rewards.

A ``LegalLiaison`` is a person of the core persons registry appointed as 法律明白人 for a village or
community and managed by a 司法所 (``org``, which also scopes the record: a liaison is seen by that
office and the bureaus above it). A person holds at most one 在册 record; a removed (已除名) record
stays, with its date and reason, and the person may be appointed again later as a new record.

Trainings, activities and rewards hang off the liaison and share its scope. The yearly points and
grade are not stored: they are computed from activities and trainings by the rule in
``data/assessment.json`` (``sifa/modules/liaisons/rules.py``, docs/modules/liaisons.md).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from sifa.core.attachments.models import Attachment
from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import ScopedQuerySet
from sifa.core.persons.models import Person
from sifa.modules.liaisons.choices import ActivityKind, LiaisonStatus, RewardLevel


class LegalLiaisonQuerySet(ScopedQuerySet["LegalLiaison"]):
    scope_path_field = "org__path"

    def active(self) -> LegalLiaisonQuerySet:
        return self.filter(status=LiaisonStatus.ACTIVE)


class LegalLiaison(models.Model):
    """A 法律明白人: a person appointed for a village/community, managed by a 司法所."""

    person = models.ForeignKey(Person, models.PROTECT, related_name="liaison_records", verbose_name="人员")
    org = models.ForeignKey(Org, models.PROTECT, related_name="legal_liaisons", verbose_name="管理司法所")
    community = models.CharField("所在村（社区）", max_length=64, db_index=True)
    phone = models.CharField("联系电话", max_length=32, blank=True,
                             help_text="人员库中没有电话或另有工作电话时填写")
    appointed_on = models.DateField("聘任日期")
    status = models.CharField("状态", max_length=8, choices=LiaisonStatus.choices, default=LiaisonStatus.ACTIVE)
    removed_on = models.DateField("除名日期", null=True, blank=True)
    removal_reason = models.TextField("除名原因", blank=True)
    notes = models.TextField("备注", blank=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = LegalLiaisonQuerySet.as_manager()

    class Meta:
        verbose_name = "法律明白人"
        verbose_name_plural = "法律明白人"
        ordering = ["org__path", "community", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(status="active"),
                                    name="liaisons_one_active_record_per_person"),
            models.CheckConstraint(condition=Q(status="active") | Q(removed_on__isnull=False),
                                   name="liaisons_removed_has_date"),
        ]
        indexes = [models.Index(fields=["org", "status"])]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.community}）"

    @property
    def contact_phone(self) -> str:
        """The liaison's own phone when recorded, else the person's."""
        return self.phone or self.person.phone

    @property
    def is_active(self) -> bool:
        return self.status == LiaisonStatus.ACTIVE


class LiaisonTrainingQuerySet(ScopedQuerySet["LiaisonTraining"]):
    scope_path_field = "liaison__org__path"


class LiaisonTraining(models.Model):
    """One training a liaison attended (培训记录); ``hours`` count towards the yearly points."""

    liaison = models.ForeignKey(LegalLiaison, models.CASCADE, related_name="trainings", verbose_name="法律明白人")
    trained_on = models.DateField("培训日期")
    title = models.CharField("培训内容", max_length=128)
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)
    organiser = models.CharField("组织单位", max_length=128, blank=True)
    recorded_by = models.CharField("登记人", max_length=150)
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = LiaisonTrainingQuerySet.as_manager()

    class Meta:
        verbose_name = "法律明白人培训"
        verbose_name_plural = "法律明白人培训"
        ordering = ["-trained_on", "-id"]
        indexes = [models.Index(fields=["liaison", "trained_on"])]

    def __str__(self) -> str:
        return f"{self.trained_on} {self.title}"


class LiaisonActivityQuerySet(ScopedQuerySet["LiaisonActivity"]):
    scope_path_field = "liaison__org__path"


class LiaisonActivity(models.Model):
    """Work a liaison did on one day: ``count`` sessions held, disputes helped with or consultations answered."""

    liaison = models.ForeignKey(LegalLiaison, models.CASCADE, related_name="activities", verbose_name="法律明白人")
    kind = models.CharField("活动类型", max_length=16, choices=ActivityKind.choices)
    done_on = models.DateField("日期")
    count = models.PositiveIntegerField("次数（件数）", default=1)
    note = models.CharField("情况说明", max_length=255, blank=True)
    photos = models.ManyToManyField(Attachment, blank=True, related_name="+", verbose_name="现场照片")
    recorded_by = models.CharField("登记人", max_length=150)
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = LiaisonActivityQuerySet.as_manager()

    class Meta:
        verbose_name = "法律明白人活动"
        verbose_name_plural = "法律明白人活动"
        ordering = ["-done_on", "-id"]
        indexes = [models.Index(fields=["liaison", "done_on"]), models.Index(fields=["done_on", "kind"])]

    def __str__(self) -> str:
        return f"{self.done_on} {self.get_kind_display()} {self.count}"


class LiaisonRewardQuerySet(ScopedQuerySet["LiaisonReward"]):
    scope_path_field = "liaison__org__path"


class LiaisonReward(models.Model):
    """A commendation or reward (表彰奖励) a liaison received, with its reason and level."""

    liaison = models.ForeignKey(LegalLiaison, models.CASCADE, related_name="rewards", verbose_name="法律明白人")
    granted_on = models.DateField("奖励日期")
    title = models.CharField("奖励名称", max_length=128)
    reason = models.TextField("奖励事由")
    level = models.CharField("级别", max_length=16, choices=RewardLevel.choices)
    recorded_by = models.CharField("登记人", max_length=150)
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = LiaisonRewardQuerySet.as_manager()

    class Meta:
        verbose_name = "法律明白人奖励"
        verbose_name_plural = "法律明白人奖励"
        ordering = ["-granted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.granted_on} {self.title}"

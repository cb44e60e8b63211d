"""行政执法监督 foundation: 执法主体, 执法人员 (执法证), 权责清单 (执法事项) and 裁量基准.

An ``EnforcementBody`` is the legal identity that enforces (行政机关, 法律法规授权的组织 or 受委托组织,
AP-04) and is tied one-to-one to an Org of the org tree; every record below inherits the scope of that
org, so the county 司法局 (the parent of its 综合行政执法局 in the tree) supervises them.

An ``EnforcementOfficer`` is a person of the core persons registry holding a 执法证 of a body, with the
fields (领域) it covers and its validity: only a valid, in-scope, non-auxiliary holder may be assigned
to a case (AP-12, AP-42; ``sifa.modules.enforcement.rules``).

A ``PowerItem`` is one line of the 权责清单 (执法事项目录, 《浙江省综合行政执法条例》第七条、第八条): the body,
the kind of power, the field and the articles it rests on. ``PowerItemArticle`` rows are parsed from
``basis_text`` on every save (no foreign key into the law library: articles are named by normalised
law title and number, as ``sifa.core.laws.citations`` names them). ``DiscretionRule`` rows are the
裁量基准 of an item: circumstances → a penalty type and range.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from sifa.core.orgs.models import Org, Region
from sifa.core.orgs.scope import ScopedQuerySet
from sifa.core.persons.models import Person
from sifa.modules.enforcement.choices import (
    ArticleRole,
    BodyKind,
    CertificateStatus,
    Circumstance,
    EnforcementField,
    PartyType,
    PenaltyType,
    PowerKind,
)


class EnforcementBodyQuerySet(ScopedQuerySet["EnforcementBody"]):
    scope_path_field = "org__path"

    def active(self) -> EnforcementBodyQuerySet:
        return self.filter(active=True)


class EnforcementBody(models.Model):
    """执法主体: who enforces, on what legal basis, where.

    A 受委托组织 acts in the name of the entrusting body, within the matter, scope and term of a written
    委托书 (AP-04, 《行政处罚法》第二十条、第二十一条): it must name ``entrusted_by``,
    ``entrustment_scope`` and ``entrustment_until``.
    """

    org = models.OneToOneField(Org, models.PROTECT, related_name="enforcement_body", verbose_name="所属机构")
    name = models.CharField("主体名称", max_length=128)
    kind = models.CharField("主体类型", max_length=32, choices=BodyKind.choices,
                            default=BodyKind.ADMINISTRATIVE_ORGAN)
    legal_basis = models.TextField("职权依据", blank=True,
                                   help_text="如：《浙江省综合行政执法条例》第八条")
    entrusted_by = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="entrusted_bodies",
                                     verbose_name="委托机关")
    entrustment_scope = models.TextField("委托事项和权限", blank=True)
    entrustment_until = models.DateField("委托期限至", null=True, blank=True)
    areas = models.ManyToManyField(Region, blank=True, related_name="+", verbose_name="执法区域")
    active = models.BooleanField("在用", default=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = EnforcementBodyQuerySet.as_manager()

    class Meta:
        verbose_name = "执法主体"
        verbose_name_plural = "执法主体"
        ordering = ["org__path", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="entrusted_organisation") | (Q(entrusted_by__isnull=False)
                                                                & Q(entrustment_until__isnull=False)),
                name="enforcement_entrusted_body_names_entrustment"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_entrusted(self) -> bool:
        return self.kind == BodyKind.ENTRUSTED_ORGANISATION


class EnforcementOfficerQuerySet(ScopedQuerySet["EnforcementOfficer"]):
    scope_path_field = "body__org__path"

    def valid_on(self, day: object) -> EnforcementOfficerQuerySet:
        """Certificates 有效 and within their validity on ``day`` (AP-42); auxiliaries included."""
        return self.filter(status=CertificateStatus.VALID, valid_from__lte=day, valid_until__gte=day)


class EnforcementOfficer(models.Model):
    """执法人员: a person holding a 执法证 (``certificate_number``) of a body.

    Only holders of a valid 执法证 enforce; 辅助人员 (``is_auxiliary``) only assist and can never be a
    case officer; a 执法资格 is valid 五年 (AP-42, 《浙江省综合行政执法条例》第二十八条、第三十条).
    ``certificate_scope`` lists the 执法领域 codes (``EnforcementField``) the certificate covers.
    ``has_legal_qualification`` (法律职业资格) qualifies a first-time 法制审核 reviewer (AP-22,
    《行政处罚法》第五十八条第二款).
    """

    person = models.ForeignKey(Person, models.PROTECT, related_name="enforcement_officer_records",
                               verbose_name="人员")
    body = models.ForeignKey(EnforcementBody, models.PROTECT, related_name="officers", verbose_name="执法主体")
    certificate_number = models.CharField("执法证号", max_length=32, unique=True)
    certificate_scope = models.JSONField("执法领域", default=list, blank=True)
    valid_from = models.DateField("发证日期")
    valid_until = models.DateField("有效期至")
    status = models.CharField("证件状态", max_length=16, choices=CertificateStatus.choices,
                              default=CertificateStatus.VALID)
    is_auxiliary = models.BooleanField("辅助人员", default=False)
    has_legal_qualification = models.BooleanField("具有法律职业资格", default=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                             related_name="enforcement_officers", verbose_name="平台账号")
    phone = models.CharField("联系电话", max_length=32, blank=True)
    notes = models.TextField("备注", blank=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = EnforcementOfficerQuerySet.as_manager()

    class Meta:
        verbose_name = "执法人员"
        verbose_name_plural = "执法人员"
        ordering = ["body__org__path", "person__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "body"], name="enforcement_one_officer_per_person_body"),
            models.CheckConstraint(condition=Q(valid_until__gte=F("valid_from")),
                                   name="enforcement_certificate_validity_ordered"),
        ]
        indexes = [models.Index(fields=["body", "status", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.certificate_number}）"

    @property
    def scope_labels(self) -> list[str]:
        labels = dict(EnforcementField.choices)
        return [labels.get(code, code) for code in self.certificate_scope]


class PowerItemQuerySet(ScopedQuerySet["PowerItem"]):
    scope_path_field = "body__org__path"

    def active(self) -> PowerItemQuerySet:
        return self.filter(active=True)


class PowerItem(models.Model):
    """执法事项 (one line of the 权责清单): powers follow the approved 事项目录 (AP-42,
    《浙江省综合行政执法条例》第七条、第八条). ``penalty_types`` is a subset of the AP-01 kinds
    (《行政处罚法》第九条) for 行政处罚 items. ``version`` counts edits."""

    body = models.ForeignKey(EnforcementBody, models.PROTECT, related_name="power_items", verbose_name="执法主体")
    code = models.CharField("事项编码", max_length=64)
    name = models.CharField("事项名称", max_length=255)
    kind = models.CharField("事项类型", max_length=16, choices=PowerKind.choices)
    field = models.CharField("执法领域", max_length=32, choices=EnforcementField.choices)
    penalty_types = models.JSONField("处罚种类", default=list, blank=True)
    basis_text = models.TextField("实施依据", help_text="如：《浙江省综合行政执法条例》第八条；处罚依据：《……》第……条")
    active = models.BooleanField("在用", default=True)
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = PowerItemQuerySet.as_manager()

    class Meta:
        verbose_name = "执法事项"
        verbose_name_plural = "执法事项"
        ordering = ["body__org__path", "code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["body", "code"], name="enforcement_power_item_code_unique_per_body"),
        ]
        indexes = [models.Index(fields=["body", "kind", "active"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def penalty_type_labels(self) -> list[str]:
        labels = dict(PenaltyType.choices)
        return [labels.get(code, code) for code in self.penalty_types]


class PowerItemArticleQuerySet(ScopedQuerySet["PowerItemArticle"]):
    scope_path_field = "item__body__org__path"


class PowerItemArticle(models.Model):
    """An article a 执法事项 rests on, parsed from its ``basis_text`` (named, not linked: the law library
    resolves (``law_title``, ``number``, ``sub``) itself)."""

    item = models.ForeignKey(PowerItem, models.CASCADE, related_name="articles", verbose_name="执法事项")
    law_title = models.CharField("法规名称", max_length=128, db_index=True)
    number = models.PositiveIntegerField("条")
    sub = models.PositiveSmallIntegerField("之", default=0)
    paragraph = models.PositiveSmallIntegerField("款", null=True, blank=True)
    role = models.CharField("依据类型", max_length=16, choices=ArticleRole.choices, default=ArticleRole.SETTING)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    objects = PowerItemArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "执法事项依据条文"
        verbose_name_plural = "执法事项依据条文"
        ordering = ["item", "order", "id"]
        indexes = [models.Index(fields=["law_title", "number", "sub"])]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        text = f"《{self.law_title}》第{self.number}条" + (f"之{self.sub}" if self.sub else "")
        return text + (f"第{self.paragraph}款" if self.paragraph else "")


class DiscretionRuleQuerySet(ScopedQuerySet["DiscretionRule"]):
    scope_path_field = "item__body__org__path"

    def active(self) -> DiscretionRuleQuerySet:
        return self.filter(active=True)


class DiscretionRule(models.Model):
    """裁量基准 of a 执法事项: for a 违法情节 (``circumstance`` + ``conditions``) and party type, the
    penalty type (AP-01) and, for money penalties, the range ``min_amount``–``max_amount`` in 元.
    A benchmark narrows the statutory range; the penalty still rests on the articles of its item
    (AP-02, AP-10: 《行政处罚法》第三十八条)."""

    item = models.ForeignKey(PowerItem, models.CASCADE, related_name="discretion_rules", verbose_name="执法事项")
    circumstance = models.CharField("违法情节", max_length=16, choices=Circumstance.choices)
    conditions = models.TextField("情节描述", blank=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)
    penalty_type = models.CharField("处罚种类", max_length=32, choices=PenaltyType.choices)
    min_amount = models.DecimalField("下限（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    max_amount = models.DecimalField("上限（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    unit_note = models.CharField("计罚说明", max_length=128, blank=True, help_text="如：按违法面积每平方米计")
    party_type = models.CharField("当事人类型", max_length=16, choices=PartyType.choices, default=PartyType.ANY)
    basis_text = models.TextField("裁量依据", blank=True)
    active = models.BooleanField("在用", default=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = DiscretionRuleQuerySet.as_manager()

    class Meta:
        verbose_name = "裁量基准"
        verbose_name_plural = "裁量基准"
        ordering = ["item", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_amount__isnull=True) | Q(max_amount__isnull=True)
                | Q(max_amount__gte=F("min_amount")),
                name="enforcement_discretion_range_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.get_circumstance_display()}：{self.get_penalty_type_display()}"

    @property
    def range_label(self) -> str:
        if self.min_amount is None and self.max_amount is None:
            return ""
        low = f"{self.min_amount:,.2f}" if self.min_amount is not None else "—"
        high = f"{self.max_amount:,.2f}" if self.max_amount is not None else "—"
        return f"{low} 至 {high} 元"


from sifa.modules.enforcement.inspection_models import *  # noqa: E402,F403
from sifa.modules.enforcement.outcome_models import *  # noqa: E402,F403
from sifa.modules.enforcement.penalty_models import *  # noqa: E402,F403
from sifa.modules.enforcement.review_models import *  # noqa: E402,F403
from sifa.modules.enforcement.similar_models import *  # noqa: E402,F403

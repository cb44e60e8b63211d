"""Choices of 行政执法监督, with the badge colours pages show beside them (CONVENTIONS §4.19)."""

from __future__ import annotations

from django.db import models


class BodyKind(models.TextChoices):
    """What makes a 执法主体 competent (《行政处罚法》第十七条至第二十一条; AP-04 for 受委托组织)."""

    ADMINISTRATIVE_ORGAN = "administrative_organ", "行政机关"
    AUTHORISED_ORGANISATION = "authorised_organisation", "法律法规授权的组织"
    ENTRUSTED_ORGANISATION = "entrusted_organisation", "受委托组织"


class EnforcementField(models.TextChoices):
    """执法领域 (类别): what a 执法证 covers and what a 执法事项 belongs to."""

    COMPREHENSIVE = "comprehensive", "综合执法"
    CITY_APPEARANCE = "city_appearance", "市容环卫"
    MARKET_REGULATION = "market_regulation", "市场监管"
    ECOLOGY_ENVIRONMENT = "ecology_environment", "生态环境"
    TRANSPORT = "transport", "交通运输"
    NATURAL_RESOURCES = "natural_resources", "自然资源"
    URBAN_RURAL_CONSTRUCTION = "urban_rural_construction", "城乡建设"
    AGRICULTURE = "agriculture", "农业农村"
    CULTURE_TOURISM = "culture_tourism", "文化旅游"
    EMERGENCY_MANAGEMENT = "emergency_management", "应急管理"
    HEALTH = "health", "卫生健康"
    WATER = "water", "水利"
    JUSTICE = "justice", "司法行政"
    OTHER = "other", "其他"


class CertificateStatus(models.TextChoices):
    """Status of a 执法证: only 有效 lets the holder enforce (AP-42)."""

    VALID = "valid", "有效"
    SUSPENDED = "suspended", "暂扣"
    REVOKED = "revoked", "注销"


CERTIFICATE_STATUS_BADGES: dict[str, str] = {
    CertificateStatus.VALID: "bg-green-lt",
    CertificateStatus.SUSPENDED: "bg-orange-lt",
    CertificateStatus.REVOKED: "bg-secondary-lt",
}


class PowerKind(models.TextChoices):
    """类型 of a 权责清单 item (执法事项)."""

    PENALTY = "penalty", "行政处罚"
    COERCION = "coercion", "行政强制"
    INSPECTION = "inspection", "行政检查"
    LICENSING = "licensing", "行政许可"
    LEVY = "levy", "行政征收"
    PAYMENT = "payment", "行政给付"
    CONFIRMATION = "confirmation", "行政确认"
    REWARD = "reward", "行政奖励"
    ADJUDICATION = "adjudication", "行政裁决"
    OTHER = "other", "其他"


class PenaltyType(models.TextChoices):
    """AP-01: the kinds of 行政处罚, exactly 《行政处罚法》第九条 (第一项至第六项), in its order."""

    WARNING = "warning", "警告"
    CIRCULATED_CRITICISM = "circulated_criticism", "通报批评"
    FINE = "fine", "罚款"
    CONFISCATE_ILLEGAL_GAINS = "confiscate_illegal_gains", "没收违法所得"
    CONFISCATE_ILLEGAL_PROPERTY = "confiscate_illegal_property", "没收非法财物"
    SUSPEND_LICENCE = "suspend_licence", "暂扣许可证件"
    LOWER_QUALIFICATION = "lower_qualification", "降低资质等级"
    REVOKE_LICENCE = "revoke_licence", "吊销许可证件"
    RESTRICT_BUSINESS = "restrict_business", "限制开展生产经营活动"
    ORDER_SUSPENSION = "order_suspension", "责令停产停业"
    ORDER_CLOSURE = "order_closure", "责令关闭"
    RESTRICT_PRACTICE = "restrict_practice", "限制从业"
    ADMINISTRATIVE_DETENTION = "administrative_detention", "行政拘留"
    OTHER_BY_LAW = "other_by_law", "法律、行政法规规定的其他行政处罚"


# Penalty types whose amount is money (元): a discretion rule gives a range for them.
MONETARY_PENALTY_TYPES = frozenset({
    PenaltyType.FINE, PenaltyType.CONFISCATE_ILLEGAL_GAINS, PenaltyType.CONFISCATE_ILLEGAL_PROPERTY,
})


class ArticleRole(models.TextChoices):
    """How an item rests on an article: the article that sets the duty, or the one that sets the penalty."""

    SETTING = "setting", "设定依据"
    PENALTY = "penalty", "处罚依据"


class Circumstance(models.TextChoices):
    """违法情节 of a discretion benchmark (裁量基准), from the lightest."""

    SLIGHT = "slight", "轻微"
    ORDINARY = "ordinary", "一般"
    SERIOUS = "serious", "较重"
    SEVERE = "severe", "严重"


class PartyType(models.TextChoices):
    """当事人类型 a discretion rule or a hearing threshold applies to."""

    CITIZEN = "citizen", "公民"
    ORGANISATION = "organisation", "法人或其他组织"
    ANY = "any", "不限"

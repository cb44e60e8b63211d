"""Choices of the 法律明白人 registry, with the badge colours pages show beside them."""

from django.db import models


class LiaisonStatus(models.TextChoices):
    ACTIVE = "active", "在册"
    REMOVED = "removed", "已除名"


STATUS_BADGES: dict[str, str] = {LiaisonStatus.ACTIVE: "bg-green-lt", LiaisonStatus.REMOVED: "bg-secondary-lt"}


class ActivityKind(models.TextChoices):
    """What a liaison did; the yearly points are counted per kind (data/assessment.json)."""

    PUBLICITY = "publicity", "法治宣传"
    DISPUTE = "dispute", "矛盾纠纷排查调处"
    CONSULTATION = "consultation", "法律咨询"
    OTHER = "other", "其他"


class RewardLevel(models.TextChoices):
    """Who granted a reward (表彰奖励的级别)."""

    TOWNSHIP = "township", "乡镇（街道）级"
    COUNTY = "county", "县（区）级"
    CITY = "city", "市级"
    PROVINCE = "province", "省级"
    NATIONAL = "national", "国家级"

from django.db import models


class SubjectKind(models.TextChoices):
    """What a scheme scores: an org (司法所 1000-point assessment), a person, or a case (案卷评查)."""

    ORG = "org", "机构"
    PERSON = "person", "人员"
    CASE = "case", "案件"


class PeriodKind(models.TextChoices):
    MONTH = "month", "月度"
    QUARTER = "quarter", "季度"
    YEAR = "year", "年度"
    CUSTOM = "custom", "自定义"

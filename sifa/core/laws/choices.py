"""Choices of the law library, with badge colours beside them."""

from django.db import models


class LawKind(models.TextChoices):
    LAW = "law", "法律"
    ADMINISTRATIVE_REGULATION = "administrative_regulation", "行政法规"
    LOCAL_REGULATION = "local_regulation", "地方性法规"
    JUDICIAL_INTERPRETATION = "judicial_interpretation", "司法解释"
    DEPARTMENT_RULE = "department_rule", "部门规章"
    OTHER = "other", "其他"


class LawStatus(models.TextChoices):
    IN_FORCE = "in_force", "现行有效"
    AMENDED = "amended", "已修订"
    REPEALED = "repealed", "已废止"


STATUS_BADGES: dict[str, str] = {LawStatus.IN_FORCE: "bg-green-lt", LawStatus.AMENDED: "bg-yellow-lt",
                                 LawStatus.REPEALED: "bg-secondary-lt"}


class HeadingLevel(models.TextChoices):
    PART = "part", "编"
    CHAPTER = "chapter", "章"
    SECTION = "section", "节"
    OTHER = "other", "其他"


class ArticleChange(models.TextChoices):
    NEW = "new", "新增"
    CHANGED = "changed", "修改"
    UNCHANGED = "unchanged", "未变"


CHANGE_BADGES: dict[str, str] = {ArticleChange.NEW: "bg-blue-lt", ArticleChange.CHANGED: "bg-orange-lt",
                                 ArticleChange.UNCHANGED: "bg-secondary-lt"}

"""The law library (法规库): laws, their versions, headings (编/章/节) and articles (条).

A ``Law`` is identified by ``key`` = ``normalise_title(title)`` (without 中华人民共和国). A file that
holds one 编 of a code split over several files (民法典 总则/附则: a second ``# 总则`` title line)
becomes its own ``Law`` keyed ``民法典·总则`` whose ``cite_key`` is ``民法典``: citations
《民法典》第X条 resolve across all parts, whose article numbers are disjoint.

Every import of a changed text adds a ``LawVersion``; the previous one becomes 已修订 and each article
of the new version records how it differs from the previous (新增/修改/未变). Laws are not org data:
every signed-in user may read the library; only ``laws.manage`` imports and repeals.
"""

from __future__ import annotations

from django.db import models

from sifa.core.laws.choices import ArticleChange, HeadingLevel, LawKind, LawStatus


class Law(models.Model):
    """A law, regulation or judicial interpretation, with its current status and version."""

    title = models.CharField("标题", max_length=200)
    key = models.CharField("标识", max_length=200, unique=True)
    cite_key = models.CharField("引用名", max_length=200, db_index=True,
                                help_text="引用时的法名（不含“中华人民共和国”），分编导入的法典各编相同")
    part = models.CharField("编", max_length=50, blank=True)
    short_title = models.CharField("简称", max_length=100, blank=True, db_index=True)
    kind = models.CharField("类别", max_length=32, choices=LawKind.choices, default=LawKind.OTHER)
    status = models.CharField("效力状态", max_length=16, choices=LawStatus.choices, default=LawStatus.IN_FORCE)
    repealed_on = models.DateField("废止日期", null=True, blank=True)
    repeal_reason = models.CharField("废止说明", max_length=500, blank=True)
    current_version = models.ForeignKey("LawVersion", models.SET_NULL, null=True, blank=True, related_name="+",
                                        verbose_name="现行版本")

    class Meta:
        verbose_name = "法规"
        verbose_name_plural = "法规"
        ordering = ["key"]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return f"{self.title}·{self.part}" if self.part else self.title


class LawVersion(models.Model):
    """One imported text of a law. ``version_date`` is the latest date among the date lines."""

    law = models.ForeignKey(Law, models.CASCADE, related_name="versions", verbose_name="法规")
    version_date = models.DateField("版本日期", null=True, blank=True)
    date_lines = models.TextField("制定修改记录", blank=True)
    preamble = models.TextField("序言", blank=True)
    source_name = models.CharField("来源文件", max_length=255)
    content_hash = models.CharField("内容摘要", max_length=64, db_index=True)
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    imported_by = models.CharField("导入人", max_length=150)
    status = models.CharField("状态", max_length=16, choices=LawStatus.choices, default=LawStatus.IN_FORCE)
    article_count = models.PositiveIntegerField("条数", default=0)

    class Meta:
        verbose_name = "法规版本"
        verbose_name_plural = "法规版本"
        ordering = ["law", "-id"]

    def __str__(self) -> str:
        return f"{self.law}（{self.version_date or '日期不详'}）"


class LawHeading(models.Model):
    """A 编/章/节 heading (or another heading such as 附则) of one version, nested by its Markdown depth."""

    version = models.ForeignKey(LawVersion, models.CASCADE, related_name="headings", verbose_name="版本")
    parent = models.ForeignKey("self", models.CASCADE, null=True, blank=True, related_name="children")
    level = models.CharField("层级", max_length=16, choices=HeadingLevel.choices)
    depth = models.PositiveSmallIntegerField("深度", default=1)
    label = models.CharField("序号", max_length=50, blank=True)
    title = models.CharField("标题", max_length=200, blank=True)
    text = models.TextField("说明文字", blank=True)
    order = models.PositiveIntegerField("顺序")

    class Meta:
        verbose_name = "章节"
        verbose_name_plural = "章节"
        ordering = ["version", "order"]

    def __str__(self) -> str:
        return f"{self.label} {self.title}".strip()


class Article(models.Model):
    """An article (条) of one version: 第一百二十条之一 is number 120, sub 1."""

    version = models.ForeignKey(LawVersion, models.CASCADE, related_name="articles", verbose_name="版本")
    heading = models.ForeignKey(LawHeading, models.SET_NULL, null=True, blank=True, related_name="articles",
                                verbose_name="章节")
    number = models.PositiveIntegerField("条号")
    sub = models.PositiveSmallIntegerField("之几", default=0)
    label = models.CharField("条名", max_length=32)
    text = models.TextField("条文")
    order = models.PositiveIntegerField("顺序")
    tokens = models.TextField("检索词", blank=True)
    change = models.CharField("较上一版本", max_length=16, choices=ArticleChange.choices, default=ArticleChange.NEW)

    class Meta:
        verbose_name = "条文"
        verbose_name_plural = "条文"
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "number", "sub"], name="laws_article_unique")]

    def __str__(self) -> str:
        return f"《{self.version.law.cite_key}》{self.label}"

    @property
    def ref(self) -> str:
        """The article's part of its stable URL: ``60`` or ``120-1``."""
        return f"{self.number}-{self.sub}" if self.sub else str(self.number)

    @property
    def changed_from_previous(self) -> bool:
        return self.change != ArticleChange.UNCHANGED

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split("\n")

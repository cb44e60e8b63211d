"""Documents (文书): generated documents, their number counters and uploaded template versions.

A document type (``registry.document_types``) ships a .docx template, implicitly version 0
("内置"). An administrator may upload later versions (``DocumentTemplate``) and choose which one
is active; every generated document records the version it was filled from.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from sifa.core.orgs.scope import ScopedQuerySet

BUILT_IN_VERSION = 0


class DocumentNumberCounter(models.Model):
    """Counter behind document numbers, per document type, number prefix (e.g. 浙0111) and year.

    Incremented by ``sifa.core.cases.numbering.next_counter_value`` with an UPDATE that locks the
    row until commit: concurrent generations never share a number, a rolled-back one gives it back.
    """

    doc_type = models.CharField("文书类型", max_length=64)
    prefix = models.CharField("字号前缀", max_length=16)
    year = models.PositiveSmallIntegerField("年度")
    last = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = "文书编号计数器"
        verbose_name_plural = "文书编号计数器"
        constraints = [models.UniqueConstraint(fields=["doc_type", "prefix", "year"], name="document_counter_unique")]

    def __str__(self) -> str:
        return f"{self.doc_type}/{self.prefix}/{self.year}: {self.last}"


class DocumentTemplate(models.Model):
    """An uploaded version (1, 2, …) of a document type's .docx template; at most one is active.

    When none is active the shipped template (version 0, 内置) is used. Rows are never deleted so a
    generated document's ``template_version`` always names bytes that can be shown again.
    """

    doc_type = models.CharField("文书类型", max_length=64, db_index=True)
    version = models.PositiveIntegerField("版本")
    content = models.BinaryField("模板文件")
    original_name = models.CharField("原文件名", max_length=255, blank=True)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    note = models.CharField("说明", max_length=255, blank=True)
    active = models.BooleanField("当前使用", default=False)
    uploaded_by = models.CharField("上传人", max_length=150)
    uploaded_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                         related_name="+", verbose_name="上传用户")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "文书模板版本"
        verbose_name_plural = "文书模板版本"
        ordering = ["doc_type", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["doc_type", "version"], name="document_template_version_unique"),
            models.UniqueConstraint(fields=["doc_type"], condition=Q(active=True), name="document_template_one_active"),
            models.CheckConstraint(condition=Q(version__gte=1), name="document_template_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.doc_type} 第{self.version}版"


class PdfStatus(models.TextChoices):
    CONVERTED = "converted", "已转换"
    UNAVAILABLE = "unavailable", "未安装 LibreOffice"
    FAILED = "failed", "转换失败"
    NOT_WANTED = "not_wanted", "该类文书不转换"


class GeneratedDocumentQuerySet(ScopedQuerySet["GeneratedDocument"]):
    scope_path_field = "org__path"


class GeneratedDocument(models.Model):
    """A numbered document generated for a case, or issued by an org (a report, letter or notice: ``case``
    empty); the files are evidence attachments in the ledger. ``org`` is the issuing org (the case's org
    for a case document) and gives the scope. ``period`` names what a periodic report covers ("2026-10"),
    so a scheduled run never issues the same report twice."""

    org = models.ForeignKey("orgs.Org", models.PROTECT, related_name="documents", verbose_name="制发机构")
    case = models.ForeignKey("cases.Case", models.PROTECT, null=True, blank=True, related_name="documents",
                             verbose_name="案件")
    period = models.CharField("所属期间", max_length=32, blank=True)
    doc_type = models.CharField("文书类型", max_length=64, db_index=True)
    label = models.CharField("文书名称", max_length=64)
    number = models.CharField("文书编号", max_length=64, unique=True)
    year = models.PositiveSmallIntegerField("年度")
    sequence = models.PositiveIntegerField("序号")
    template_version = models.PositiveIntegerField("模板版本", help_text="0 为内置模板")
    extra = models.JSONField("补充内容", default=dict, blank=True)
    file = models.ForeignKey("attachments.Attachment", models.PROTECT, related_name="+",
                             verbose_name="文书文件（.docx / .xlsx）")
    pdf = models.ForeignKey("attachments.Attachment", models.PROTECT, null=True, blank=True, related_name="+",
                            verbose_name="文书（PDF）")
    pdf_status = models.CharField("PDF", max_length=16, choices=PdfStatus.choices)
    generated_by = models.CharField("制作人", max_length=150)
    generated_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                          related_name="+", verbose_name="制作用户")
    generated_at = models.DateTimeField("制作时间", default=timezone.now)

    objects = GeneratedDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "文书"
        verbose_name_plural = "文书"
        ordering = ["-generated_at", "-id"]
        indexes = [models.Index(fields=["org", "doc_type", "period"])]

    def __str__(self) -> str:
        return f"{self.label} {self.number}"

    @property
    def file_format(self) -> str:
        """"docx" or "xlsx": the extension of the stored file."""
        return self.file.name.rsplit(".", 1)[-1].lower() if self.file_id else ""

    @property
    def template_version_label(self) -> str:
        return "内置" if self.template_version == BUILT_IN_VERSION else f"第{self.template_version}版"

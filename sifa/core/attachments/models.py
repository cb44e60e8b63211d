"""Attachments (附件/证据材料): uploaded files kept byte-for-byte, hashed and logged to the evidence ledger.

The bytes live in the "evidence" storage (``settings.STORAGES["evidence"]``: a local folder by
default, any S3-compatible store by configuration) under a content-addressed name
``evidence/<sha256[:2]>/<sha256>``, so identical content is stored once and a file left behind by a
rolled-back upload is harmless. The row records what was received (detected type, size, SM3 and
SHA-256) and ``ledger_index``, the ledger entry that makes the upload tamper-evident
(docs/engines/attachments.md).

Read files with :func:`sifa.core.attachments.store.open_content` (or ``open_file``), which go through
``storages["evidence"]`` on every call, rather than ``attachment.file.open()``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils import timezone

from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import ScopedQuerySet


def evidence_storage() -> Storage:
    """The storage evidence files are kept in (``STORAGES["evidence"]``), looked up on each call."""
    return storages["evidence"]


class AttachmentKind(models.TextChoices):
    EVIDENCE = "evidence", "证据材料"
    DOCUMENT = "document", "文书"
    PHOTO = "photo", "现场照片"
    OTHER = "other", "其他"


class AttachmentQuerySet(ScopedQuerySet["Attachment"]):
    scope_path_field = "org__path"


class Attachment(models.Model):
    """One received file: owned (for scope) by an org, usually the org of the case it belongs to."""

    org = models.ForeignKey(Org, models.PROTECT, related_name="attachments", verbose_name="所属机构")
    case = models.ForeignKey("cases.Case", models.PROTECT, null=True, blank=True, related_name="attachments",
                             verbose_name="案件")
    kind = models.CharField("类别", max_length=16, choices=AttachmentKind.choices, default=AttachmentKind.EVIDENCE)
    name = models.CharField("文件名", max_length=255, help_text="上传时的原始文件名")
    content_type = models.CharField("文件类型", max_length=127, help_text="按文件内容检测的 MIME 类型")
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    sm3 = models.CharField("SM3", max_length=64)
    file = models.FileField("文件", storage=evidence_storage, max_length=255)
    thumbnail = models.FileField("缩略图", storage=evidence_storage, max_length=255, blank=True)
    metadata = models.JSONField("附加信息", default=dict, blank=True)
    ledger_index = models.BigIntegerField("存证序号", null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="上传人")
    uploaded_by_name = models.CharField("上传人姓名", max_length=150)
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name

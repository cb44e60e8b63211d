"""Choices of the 数字司法所 module (CONVENTIONS §4.19: TextChoices with badge colours beside them)."""

from __future__ import annotations

from django.db import models


class WorkLogStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"


class ItemOrigin(models.TextChoices):
    MANUAL = "manual", "手工填报"
    AUTO = "auto", "自动汇入"


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "已驳回"


class Recurrence(models.TextChoices):
    ONCE = "once", "一次性"
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"


class OccurrenceStatus(models.TextChoices):
    OPEN = "open", "进行中"
    DONE = "done", "已完成"
    OVERDUE = "overdue", "已逾期"


BADGE_COLOURS = {
    WorkLogStatus.DRAFT: "secondary",
    WorkLogStatus.SUBMITTED: "success",
    ItemOrigin.MANUAL: "blue",
    ItemOrigin.AUTO: "purple",
    CorrectionStatus.PENDING: "warning",
    CorrectionStatus.APPROVED: "success",
    CorrectionStatus.REJECTED: "danger",
    OccurrenceStatus.OPEN: "blue",
    OccurrenceStatus.DONE: "success",
    OccurrenceStatus.OVERDUE: "danger",
}

"""Alerts (预警) and their closed-loop history.

An alert targets one object (usually a case deadline) and one org (scope). It moves
待签收 → 处置中 → 待核查 → 已办结; a step not taken within its time limit escalates the alert to
the parent org. The same rule on the same object never has two open alerts (``dedup_key`` is
unique among open alerts).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from sifa.core.alerts.choices import OPEN_STATES, AlertLevel, AlertState
from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import ScopedQuerySet


class AlertQuerySet(ScopedQuerySet["Alert"]):
    scope_path_field = "org__path"

    def open(self) -> AlertQuerySet:
        return self.filter(state__in=OPEN_STATES)


class Alert(models.Model):
    """One warning on one object, worked through the closed loop by the org it targets."""

    rule_code = models.CharField("预警规则", max_length=64, db_index=True)
    level = models.CharField("等级", max_length=8, choices=AlertLevel.choices)
    org = models.ForeignKey(Org, models.PROTECT, related_name="alerts", verbose_name="责任机构")
    escalated_to = models.ForeignKey(Org, models.PROTECT, null=True, blank=True, related_name="escalated_alerts",
                                     verbose_name="升级至")
    escalations = models.PositiveSmallIntegerField("升级次数", default=0)
    object_type = models.CharField("对象类型", max_length=64)
    object_id = models.CharField("对象ID", max_length=64)
    case = models.ForeignKey("cases.Case", models.CASCADE, null=True, blank=True, related_name="alerts")
    title = models.CharField("标题", max_length=255)
    detail = models.TextField("说明", blank=True)
    legal_basis = models.CharField("依据", max_length=255, blank=True)
    dedup_key = models.CharField(max_length=160)
    state = models.CharField("状态", max_length=16, choices=AlertState.choices, default=AlertState.PENDING_SIGN)
    step_due_at = models.DateTimeField("本环节时限")
    condition_cleared_at = models.DateTimeField("条件已消除", null=True, blank=True)
    opened_at = models.DateTimeField("发出时间", default=timezone.now)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = "预警"
        verbose_name_plural = "预警"
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["dedup_key"], condition=Q(state__in=OPEN_STATES), name="alert_open_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_step_overdue(self) -> bool:
        return self.is_open and self.step_due_at < timezone.now()


class AlertStep(models.Model):
    """One entry of an alert's loop history: opened, signed, handled, verified, closed, escalated, cleared."""

    alert = models.ForeignKey(Alert, models.CASCADE, related_name="steps")
    action = models.CharField("动作", max_length=16)
    label = models.CharField("动作名称", max_length=32)
    from_state = models.CharField("原状态", max_length=16, blank=True)
    to_state = models.CharField("新状态", max_length=16, blank=True)
    actor_name = models.CharField("办理人", max_length=150)
    org_name = models.CharField("机构", max_length=128, blank=True)
    note = models.TextField("意见", blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "预警处置记录"
        verbose_name_plural = "预警处置记录"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.label}"

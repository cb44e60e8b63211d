"""Append-only audit log (审计日志, 等保2.0 三级 安全审计).

Rows store the actor's name, org and the object's repr as static strings so history reads the
same after renames and deletions. Nothing in the application can update or delete a row; on
PostgreSQL a trigger rejects UPDATE and DELETE (except the retention purge of rows older than the
retention period, see ``purge_audit_events``).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from sifa.core.appendonly import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySetMixin
from sifa.core.orgs.scope import ScopedQuerySet


class AuditLogIsAppendOnly(AppendOnlyError):
    pass


class AuditEventQuerySet(AppendOnlyQuerySetMixin, ScopedQuerySet["AuditEvent"]):
    scope_path_field = "org_path"


class AuditEvent(AppendOnlyModel):
    """One business act or security event: who, in which membership, from where, did what to what."""

    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    action = models.CharField("操作", max_length=100, db_index=True)
    operation_id = models.UUIDField("操作编号")
    actor_user_id = models.BigIntegerField("用户ID", null=True, db_index=True)
    actor_name = models.CharField("操作人", max_length=150)
    actor_username = models.CharField("用户名", max_length=150, blank=True)
    membership_id = models.BigIntegerField("任职ID", null=True)
    org_id = models.BigIntegerField("机构ID", null=True)
    org_path = models.CharField("机构路径", max_length=255, blank=True, db_index=True)
    org_name = models.CharField("机构", max_length=128, blank=True)
    role_code = models.CharField("角色", max_length=32, blank=True)
    ip = models.GenericIPAddressField("IP 地址", null=True)
    user_agent = models.CharField("客户端", max_length=255, blank=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True, db_index=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True, db_index=True)
    object_repr = models.CharField("对象", max_length=255, blank=True)
    changes = models.JSONField("变更", default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()
    append_only_error = AuditLogIsAppendOnly
    append_only_name = "审计日志"

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action}"

    @property
    def action_label(self) -> str:
        from sifa.core import registry

        return registry.audit_actions[self.action].label if self.action in registry.audit_actions else self.action

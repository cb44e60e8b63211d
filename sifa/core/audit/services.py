"""Audit services: export (itself audited) and the retention purge."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.audit.models import AuditEvent
from sifa.core.audit.recorder import record
from sifa.core.errors import ValidationFailed
from sifa.core.services import service


@service("audit.events.exported")
def export_audit_events(*, actor: Actor, queryset_description: str, row_count: int) -> None:
    """Record that ``actor`` exported ``row_count`` audit rows (the export itself is built by the caller)."""
    actor.require("audit.export")
    record(actor=actor, action="audit.events.exported", object_type="audit.auditevent",
           object_repr=queryset_description[:255], changes={"rows": row_count})


@service("audit.events.purged")
def purge_audit_events(*, actor: Actor, before: datetime.datetime) -> int:
    """Delete audit rows older than ``before``; refuses anything younger than the retention period.

    The retention period (``SIFA_AUDIT_RETENTION_DAYS``, at least 180 days, 等保2.0 三级 要求审计记录
    留存不少于六个月) is checked here and, on PostgreSQL, again by the trigger.
    """
    actor.require("audit.purge")
    limit = timezone.now() - datetime.timedelta(days=settings.SIFA_AUDIT_RETENTION_DAYS)
    if before > limit:
        raise ValidationFailed(
            f"只能清理 {settings.SIFA_AUDIT_RETENTION_DAYS} 天之前的审计日志（截止时间不得晚于 {limit:%Y-%m-%d}）",
            field="before",
        )
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL sifa.audit_purge = 'on'")
        cursor.execute(f"DELETE FROM {table} WHERE created_at < %s", [before])  # noqa: S608 (table name is ours)
        deleted = cursor.rowcount
    record(actor=actor, action="audit.events.purged", object_type="audit.auditevent",
           object_repr=f"清理 {before:%Y-%m-%d} 之前的审计日志", changes={"rows": deleted})
    return deleted

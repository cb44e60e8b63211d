"""``record()``: the one way to write an audit event. Unknown action names raise (CONVENTIONS §4.4)."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import models

from sifa.core import registry
from sifa.core.accounts.actor import Actor
from sifa.core.audit.models import AuditEvent
from sifa.core.services import current_run


class UnknownAuditAction(RuntimeError):
    pass


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, datetime.date | datetime.datetime | decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Field diff ``{field: [old, new]}`` for the fields that changed."""
    return {
        k: [_jsonable(before.get(k)), _jsonable(after.get(k))]
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    }


def record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: Mapping[str, Any] | None = None,
    org_override: Any = None,
) -> AuditEvent:
    """Append one audit event. Must run inside a ``@service`` (which checks there is exactly one)."""
    if action not in registry.audit_actions:
        raise UnknownAuditAction(f"audit action {action!r} is not registered")
    run = current_run.get()
    if run is None:
        raise RuntimeError("audit.record() must be called from a @service")
    run.recorded.append(action)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:255]
    org = org_override if org_override is not None else actor.org
    user = actor.user
    return AuditEvent.objects.create(
        action=action,
        operation_id=run.operation_id,
        actor_user_id=user.pk if user else None,
        actor_name=actor.name[:150],
        actor_username=(user.username if user else (actor.system_name or ""))[:150],
        membership_id=actor.membership.pk if actor.membership else None,
        org_id=org.pk if org else None,
        org_path=org.path if org else "",
        org_name=org.name if org else "",
        role_code=actor.membership.role.code if actor.membership else "",
        ip=actor.ip,
        user_agent=actor.user_agent[:255],
        object_type=object_type[:64],
        object_id=object_id[:64],
        object_repr=object_repr[:255],
        changes={k: v for k, v in (changes or {}).items()},
    )


import datetime
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from sifa.core.api import PagePagination, actor_of
from sifa.core.audit import selectors
from sifa.core.audit.filters import AuditFilter

router = Router(tags=["审计日志"])


class AuditEventOut(Schema):
    id: int
    created_at: datetime.datetime
    action: str
    action_label: str
    operation_id: uuid.UUID
    actor_name: str
    actor_username: str
    org_id: int | None
    org_name: str
    role_code: str
    ip: str | None
    object_type: str
    object_id: str
    object_repr: str
    changes: dict[str, Any]


@router.get("", response=list[AuditEventOut], summary="审计日志（本机构及下级）")
@paginate(PagePagination)
def list_audit_events(request: HttpRequest, filters: Query[AuditFilter]):  # type: ignore[no-untyped-def]
    return selectors.audit_events_visible_to(actor_of(request), filters=filters)

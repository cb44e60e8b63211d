from __future__ import annotations

import io
import json
from collections.abc import Iterable

from django.utils import timezone
from openpyxl import Workbook

from sifa.core.audit.models import AuditEvent

COLUMNS = ["时间", "操作", "操作名", "操作人", "用户名", "机构", "角色", "IP", "对象类型", "对象ID", "对象", "变更"]


def audit_workbook(events: Iterable[AuditEvent]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("审计日志")
    ws.append(COLUMNS)
    for e in events:
        ws.append([
            timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M:%S"), e.action, e.action_label, e.actor_name,
            e.actor_username, e.org_name, e.role_code, e.ip or "", e.object_type, e.object_id, e.object_repr,
            json.dumps(e.changes, ensure_ascii=False),
        ])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

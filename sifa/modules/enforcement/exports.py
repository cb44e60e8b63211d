"""Excel export of the officer roster: identity numbers masked (PI-01); the export itself is audited (services)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook

from sifa.modules.enforcement.models import EnforcementOfficer

COLUMNS = ["姓名", "性别", "身份证号（脱敏）", "执法证号", "执法主体", "执法领域", "发证日期", "有效期至", "证件状态",
           "辅助人员", "法律职业资格"]


def officers_workbook(officers: Sequence[EnforcementOfficer]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("执法人员")
    ws.append(COLUMNS)
    for o in officers:
        person = o.person
        ws.append([
            person.name, person.get_gender_display(), person.id_number_masked, o.certificate_number, o.body.name,
            "、".join(o.scope_labels), o.valid_from.isoformat(), o.valid_until.isoformat(), o.get_status_display(),
            "是" if o.is_auxiliary else "否", "是" if o.has_legal_qualification else "否",
        ])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

"""Excel exports (masked identity numbers only; the export itself is audited)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook

from sifa.core.persons.models import Person

PERSON_COLUMNS = ["姓名", "性别", "出生日期", "身份证号（脱敏）", "联系电话（脱敏）", "住址", "居住地区划", "登记机构", "登记时间"]


def persons_workbook(persons: Iterable[Person]) -> bytes:
    from sifa.core.persons.idnumbers import mask_phone

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("自然人")
    ws.append(PERSON_COLUMNS)
    for p in persons:
        ws.append([
            p.name, p.get_gender_display(), p.birth_date.isoformat(), p.id_number_masked, mask_phone(p.phone),
            p.address, p.region.name if p.region else "", p.org.name, p.created_at.strftime("%Y-%m-%d %H:%M"),
        ])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

"""Excel export of the roster: identity numbers and phones masked; the export itself is audited (services)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from openpyxl import Workbook

from sifa.core.persons.idnumbers import mask_phone
from sifa.modules.liaisons.models import LegalLiaison
from sifa.modules.liaisons.rules import YearAssessment

COLUMNS = ["姓名", "性别", "身份证号（脱敏）", "联系电话（脱敏）", "管理司法所", "县（区）", "村（社区）", "聘任日期",
           "状态", "除名日期", "除名原因"]


def liaisons_workbook(liaisons: Sequence[LegalLiaison], points: Mapping[int, YearAssessment], year: int) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("法律明白人")
    ws.append([*COLUMNS, f"{year}年积分", f"{year}年等次"])
    for liaison in liaisons:
        person = liaison.person
        assessment = points.get(liaison.pk)
        ws.append([
            person.name, person.get_gender_display(), person.id_number_masked, mask_phone(liaison.contact_phone),
            liaison.org.name, liaison.org.parent.name if liaison.org.parent else "", liaison.community,
            liaison.appointed_on.isoformat(), liaison.get_status_display(),
            liaison.removed_on.isoformat() if liaison.removed_on else "", liaison.removal_reason,
            float(assessment.total) if assessment else "", assessment.grade if assessment else "",
        ])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

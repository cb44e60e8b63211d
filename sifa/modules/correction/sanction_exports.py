"""Excel of 社区矫正奖惩 (openpyxl): one row per sanction, identity numbers masked."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from sifa.modules.correction.models import Sanction

HEADERS = ("案号", "社区矫正对象", "身份证号", "类型", "情形", "事实", "发生日期", "状态", "提出人", "提出时间",
           "决定人", "决定日期", "文书编号", "意见")


def sanctions_workbook(rows: Sequence[Sanction]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "奖惩"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for s in rows:
        detail = s.correction_case
        person = detail.subject.person
        sheet.append([
            detail.case.number, person.name, person.id_number_masked, s.get_kind_display(), s.ground, s.facts,
            s.occurred_on.isoformat() if s.occurred_on else "", s.get_status_display(), s.proposed_by,
            s.proposed_at.strftime("%Y-%m-%d %H:%M"), s.decided_by, s.decided_on.isoformat() if s.decided_on else "",
            s.document.number if s.document is not None else "", s.decision_note,
        ])
    for column, width in zip("ABCDEFGHIJKLMN", (26, 12, 20, 14, 9, 40, 12, 16, 14, 17, 14, 12, 24, 30), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

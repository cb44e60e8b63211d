"""Reading an Excel roster of 执法人员 (.xlsx) into rows, and the blank template users fill in.

Only the file's shape is checked here (is it a workbook, are the required columns there); the rows'
content (身份证号, 执法证号, bodies, fields, dates, duplicates) is checked by
``services.import_officers``, which reports every bad row at once. No database access here.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from sifa.core.spreadsheet import cell_date, cell_text, read_rows
from sifa.modules.enforcement.choices import EnforcementField

MAX_ROWS = 5_000
MAX_BYTES = 5 * 1024 * 1024

# field → (column title in the template, other titles accepted in a roster)
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "name": ("姓名", ()),
    "id_number": ("身份证号", ("居民身份证号", "身份证号码", "公民身份号码")),
    "certificate_number": ("执法证号", ("执法证件号", "行政执法证号", "证件号")),
    "body": ("执法主体", ("所属执法主体", "执法单位", "单位")),
    "certificate_scope": ("执法领域", ("执法类别", "执法范围")),
    "valid_from": ("发证日期", ("发证时间",)),
    "valid_until": ("有效期至", ("有效期", "有效期截止")),
    "is_auxiliary": ("是否辅助人员", ("辅助人员",)),
    "has_legal_qualification": ("法律职业资格", ("是否具有法律职业资格",)),
}
REQUIRED = ("name", "id_number", "certificate_number", "certificate_scope", "valid_from")
LABELS = {field: title for field, (title, _) in COLUMNS.items()}
YES = frozenset({"是", "有", "y", "yes", "true", "1", "√"})
NO = frozenset({"", "否", "无", "n", "no", "false", "0", "×"})

DateCell = datetime.date | str | None


@dataclass(frozen=True)
class OfficerRow:
    """One data row as read: ``line`` is its row number in the sheet (as Excel shows it)."""

    line: int
    name: str
    id_number: str
    id_number_was_numeric: bool
    certificate_number: str
    body: str
    certificate_scope: str
    valid_from: DateCell
    valid_until: DateCell
    is_auxiliary: str
    has_legal_qualification: str





def _row(line: int, values: tuple[Any, ...], columns: dict[str, int]) -> OfficerRow:
    def cell(field: str) -> Any:
        i = columns.get(field)
        return values[i] if i is not None and i < len(values) else None

    id_cell = cell("id_number")
    return OfficerRow(
        line=line, name=cell_text(cell("name")), id_number=cell_text(id_cell),
        id_number_was_numeric=isinstance(id_cell, int | float) and not isinstance(id_cell, bool),
        certificate_number=cell_text(cell("certificate_number")).upper(), body=cell_text(cell("body")),
        certificate_scope=cell_text(cell("certificate_scope")), valid_from=cell_date(cell("valid_from")),
        valid_until=cell_date(cell("valid_until")), is_auxiliary=cell_text(cell("is_auxiliary")),
        has_legal_qualification=cell_text(cell("has_legal_qualification")))


def read_roster(content: bytes) -> list[OfficerRow]:
    """The data rows of the first sheet; the first non-empty row is the header. Raises ``ValidationFailed``
    (field "file") for a file that is not an .xlsx workbook, lacks a required column, or has no rows."""
    columns, rows = read_rows(content, columns=COLUMNS, required=REQUIRED, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    return [_row(line, values, columns) for line, values in rows]


def roster_template() -> bytes:
    """A blank roster with the column titles; 身份证号 and 执法证号 are text columns so Excel keeps every digit."""
    wb = Workbook()
    ws = wb.active
    ws.title = "执法人员名册"
    titles = [title for title, _ in COLUMNS.values()]
    ws.append(titles)
    for i, _title in enumerate(titles, start=1):
        ws.cell(row=1, column=i).font = Font(bold=True)
    for col, width in {"A": 10, "B": 22, "C": 18, "D": 26, "E": 24, "F": 12, "G": 12, "H": 12, "I": 12}.items():
        ws.column_dimensions[col].width = width
    for row in range(2, 1001):
        for col in ("B", "C"):
            ws[f"{col}{row}"].number_format = "@"
        for col in ("F", "G"):
            ws[f"{col}{row}"].number_format = "yyyy-mm-dd"
    notes = wb.create_sheet("填写说明")
    for line in [
        "每行一名执法人员，表头保持在第一行。",
        "必填：姓名、身份证号、执法证号、执法领域、发证日期。",
        "执法主体：填写管辖范围内执法主体的全称；以执法部门账号导入时可留空（默认本单位）。",
        "身份证号须为 18 位并通过校验；请保持该列为文本格式，否则 Excel 会把后几位改为 0。",
        "执法证号在全省唯一，名册内也不能重复。",
        f"执法领域：可填多个，用「、」或「,」分隔，可选：{'、'.join(EnforcementField.labels)}。",
        "有效期至：可留空，默认发证之日起五年（AP-42，《浙江省综合行政执法条例》第二十八条）。",
        "是否辅助人员、法律职业资格：填「是」或「否」，留空为「否」。辅助人员只能协助执法，不能作为承办人。",
        "名册中任何一行有误时整份名册都不导入，并列出每一行的错误，改正后重新导入即可。",
    ]:
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

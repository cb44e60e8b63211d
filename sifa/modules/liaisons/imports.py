"""Reading an Excel roster of 法律明白人 (.xlsx) into rows, and the blank template users fill in.

Only the file's shape is checked here (is it a workbook, are the required columns there); the rows'
content (names, 身份证号, offices, duplicates) is checked by ``services.import_liaisons``, which
reports every bad row at once. No database access here.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from sifa.core.spreadsheet import cell_text, read_rows

MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024

# field → (column title in the template, other titles accepted in a roster)
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "name": ("姓名", ()),
    "id_number": ("身份证号", ("居民身份证号", "身份证号码", "公民身份号码")),
    "phone": ("联系电话", ("电话", "手机", "手机号", "手机号码")),
    "office": ("司法所", ("管理司法所", "所属司法所")),
    "community": ("村（社区）", ("村(社区)", "所在村（社区）", "所在村(社区)", "村社区", "村/社区", "村（居）")),
    "appointed_on": ("聘任日期", ("聘任时间",)),
    "notes": ("备注", ()),
}
REQUIRED = ("name", "id_number", "community")
LABELS = {field: title for field, (title, _) in COLUMNS.items()}


@dataclass(frozen=True)
class RosterRow:
    """One data row as read: ``line`` is its row number in the sheet (as Excel shows it)."""

    line: int
    name: str
    id_number: str
    id_number_was_numeric: bool  # a number cell: Excel keeps 15 digits, so an 18-digit number is already damaged
    phone: str
    office: str
    community: str
    appointed_on: datetime.date | str | None  # a date cell, the text typed, or nothing
    notes: str




def _row(line: int, values: tuple[Any, ...], columns: dict[str, int]) -> RosterRow:
    def cell(field: str) -> Any:
        i = columns.get(field)
        return values[i] if i is not None and i < len(values) else None

    id_cell = cell("id_number")
    appointed = cell("appointed_on")
    if isinstance(appointed, datetime.datetime):
        appointed = appointed.date()
    elif not isinstance(appointed, datetime.date):
        appointed = cell_text(appointed) or None
    return RosterRow(
        line=line, name=cell_text(cell("name")), id_number=cell_text(id_cell),
        id_number_was_numeric=isinstance(id_cell, int | float) and not isinstance(id_cell, bool),
        phone=cell_text(cell("phone")), office=cell_text(cell("office")), community=cell_text(cell("community")),
        appointed_on=appointed, notes=cell_text(cell("notes")))


def read_roster(content: bytes) -> list[RosterRow]:
    """The data rows of the first sheet; the first non-empty row is the header. Raises ``ValidationFailed``
    (field "file") for a file that is not an .xlsx workbook, lacks a required column, or has no rows."""
    columns, rows = read_rows(content, columns=COLUMNS, required=REQUIRED, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    return [_row(line, values, columns) for line, values in rows]


def roster_template() -> bytes:
    """A blank roster with the column titles; 身份证号 and 联系电话 are text columns so Excel keeps every digit."""
    wb = Workbook()
    ws = wb.active
    ws.title = "法律明白人名册"
    titles = [title for title, _ in COLUMNS.values()]
    ws.append(titles)
    for i, _title in enumerate(titles, start=1):
        ws.cell(row=1, column=i).font = Font(bold=True)
    widths = {"A": 10, "B": 22, "C": 15, "D": 20, "E": 18, "F": 12, "G": 24}
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    for row in range(2, 2001):
        for col in ("B", "C"):
            ws[f"{col}{row}"].number_format = "@"
        ws[f"F{row}"].number_format = "yyyy-mm-dd"
    notes = wb.create_sheet("填写说明")
    for line in [
        "每行一名法律明白人，表头保持在第一行。",
        "必填：姓名、身份证号、村（社区）。司法所：填写管辖范围内司法所的全称；以司法所账号导入时可留空（默认本所）。",
        "身份证号须为 18 位并通过校验；请保持该列为文本格式，否则 Excel 会把后几位改为 0。",
        "身份证号已在人员库登记的，使用已登记的人员（姓名须一致）；未登记的同时登记到人员库。",
        "聘任日期可留空（默认导入当天），格式如 2025-03-01。",
        "名册中任何一行有误时整份名册都不导入，并列出每一行的错误，改正后重新导入即可。",
    ]:
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

"""The Excel layout of places (export, import and its template share it) and reading an uploaded workbook.

One sheet, a header row, one place per row. 编号 empty = a new place; 编号 = an existing place in
scope to update (so an exported sheet can be edited and imported back). docs/modules/legal_services.md
lists the columns.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from sifa.core.errors import ValidationFailed
from sifa.modules.legal_services.models import ServicePlace

#: (header, key) in column order; key is the place field (or "id").
COLUMNS: list[tuple[str, str]] = [
    ("编号", "id"), ("场所类型", "type"), ("名称", "name"), ("维护机构", "org"), ("乡镇（街道）", "township"),
    ("地址", "address"), ("经度", "longitude"), ("纬度", "latitude"), ("开放时间", "opening_hours"),
    ("服务事项", "services"), ("联系人", "contact_person"), ("联系电话", "phone"), ("全景/VR 链接", "panorama_url"),
    ("简介", "description"), ("公开", "published"),
]
REQUIRED_HEADERS = ("场所类型", "名称", "地址", "经度", "纬度")
HEADER_LABEL = {key: header for header, key in COLUMNS}
MAX_ROWS = 5000
SHEET_TITLE = "服务场所"


@dataclass(frozen=True)
class SheetRow:
    line: int  # the spreadsheet row number (header = 1)
    values: dict[str, str]  # key → cell text


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) > 1000:
        return str(int(value))  # a phone number typed as a number
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).strip()


def read_rows(content: bytes) -> list[SheetRow]:
    """The non-empty data rows of the first sheet, keyed by column, or ``ValidationFailed`` for a file that is
    not a readable .xlsx, lacks a required column, or is too long."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ValidationFailed("无法读取该文件：请上传 Excel 工作簿（.xlsx），可先导出一份作为模板", field="file") from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ValidationFailed("工作表为空：第 1 行应为表头", field="file")
        by_header = {header: key for header, key in COLUMNS}
        positions: dict[str, int] = {}
        for i, cell in enumerate(header):
            text = _cell_text(cell)
            if text in by_header and by_header[text] not in positions:
                positions[by_header[text]] = i
        missing = [h for h in REQUIRED_HEADERS if by_header[h] not in positions]
        if missing:
            raise ValidationFailed(f"表头缺少列：{'、'.join(missing)}（第 1 行应为表头，可先导出一份作为模板）", field="file")
        out: list[SheetRow] = []
        for line, cells in enumerate(rows, start=2):
            values = {key: _cell_text(cells[i]) if i < len(cells) else "" for key, i in positions.items()}
            if not any(values.values()):
                continue
            out.append(SheetRow(line, values))
            if len(out) > MAX_ROWS:
                raise ValidationFailed(f"一次最多导入 {MAX_ROWS} 行，请分批导入", field="file")
        return out
    finally:
        workbook.close()


def _decimal_cell(value: Decimal) -> float:
    return float(value)


def places_workbook(places: Iterable[ServicePlace]) -> bytes:
    """An .xlsx of places in the import layout (so it can be edited and imported back)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET_TITLE)
    ws.append([header for header, _ in COLUMNS])
    for p in places:
        ws.append([
            p.pk, p.get_type_display(), p.name, p.org.name, p.township.name if p.township else "", p.address,
            _decimal_cell(p.longitude), _decimal_cell(p.latitude), p.opening_hours, "、".join(p.services),
            p.contact_person, p.phone, p.panorama_url, p.description, "是" if p.published else "否",
        ])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

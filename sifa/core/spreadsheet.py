"""Reading an uploaded Excel roster (.xlsx), shared by the modules' all-or-nothing imports.

A module declares its columns (field → title and other accepted titles) and the required ones;
``read_rows`` checks the file, finds the header (the first non-empty row of the first sheet) and
returns the column map and the non-empty data rows with their line numbers. Every refusal is a
``ValidationFailed`` naming the field ``file``; the module then checks each row and names it.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from sifa.core.errors import ValidationFailed
from sifa.core.persons.idnumbers import IdNumberError, IdNumberFacts, parse_id_number

Columns = Mapping[str, tuple[str, tuple[str, ...]]]  # field → (title, other accepted titles)


def cell_text(value: Any) -> str:
    """A cell as text: nothing → "", 12.0 → "12", trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def cell_date(value: Any) -> datetime.date | str | None:
    """A date cell as a date; anything else as the text typed (the module parses it), or None."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return cell_text(value) or None


def header_map(header: tuple[Any, ...], columns: Columns) -> dict[str, int]:
    """Field → column index for the titles found in ``header`` (spaces ignored)."""
    titles = {cell_text(v).replace(" ", ""): i for i, v in enumerate(header) if cell_text(v)}
    found: dict[str, int] = {}
    for field, (title, others) in columns.items():
        for candidate in (title, *others):
            if candidate in titles:
                found[field] = titles[candidate]
                break
    return found


def read_rows(content: bytes, *, columns: Columns, required: Sequence[str], max_bytes: int,
              max_rows: int) -> tuple[dict[str, int], list[tuple[int, tuple[Any, ...]]]]:
    """The column map and the non-empty data rows ``(line, values)`` of the first sheet."""
    if not content:
        raise ValidationFailed("请选择要导入的 Excel 文件", field="file")
    if len(content) > max_bytes:
        raise ValidationFailed(f"文件过大：名册不能超过 {max_bytes // (1024 * 1024)} MB", field="file")
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValidationFailed("不是有效的 Excel 文件：请使用 .xlsx 格式（可先下载导入模板）", field="file") from exc
    try:
        numbered = enumerate(workbook.worksheets[0].iter_rows(min_row=1, values_only=True), start=1)
        header: tuple[Any, ...] | None = None
        for _line, values in numbered:
            if any(cell_text(v) for v in values):
                header = values
                break
        if header is None:
            raise ValidationFailed("名册是空的：第一个工作表没有内容", field="file")
        found = header_map(header, columns)
        missing = [columns[f][0] for f in required if f not in found]
        if missing:
            raise ValidationFailed(f"名册缺少列：{'、'.join(missing)}（表头须为第一个非空行，可下载导入模板对照）",
                                   field="file")
        rows: list[tuple[int, tuple[Any, ...]]] = []
        for line, values in numbered:
            if not any(cell_text(v) for v in values):
                continue
            if len(rows) >= max_rows:
                raise ValidationFailed(f"名册过大：一次最多导入 {max_rows} 行，请分批导入", field="file")
            rows.append((line, values))
    finally:
        workbook.close()
    if not rows:
        raise ValidationFailed("名册没有数据行：表头下面没有任何人员", field="file")
    return found, rows


class RowErrors:
    """The refusals of an import, one message per row and column, reported in row then column order
    (``rows[3].id_number`` / ``第 3 行 身份证号：…``). ``labels`` maps each field to its column title, in
    column order."""

    def __init__(self, labels: Mapping[str, str]) -> None:
        self.labels = labels
        self.order = list(labels)
        self.items: list[tuple[int, int, dict[str, str]]] = []

    def add(self, row: Any, field: str, message: str) -> None:
        """``row`` is any row object with a ``line`` (its 1-based line in the sheet)."""
        self.items.append((row.line, self.order.index(field), {
            "field": f"rows[{row.line}].{field}", "message": f"第 {row.line} 行 {self.labels[field]}：{message}"}))

    def sorted(self) -> list[dict[str, str]]:
        return [e for _, _, e in sorted(self.items, key=lambda t: (t[0], t[1]))]

    def __len__(self) -> int:
        return len(self.items)


def check_id_number_cell(row: Any, value: str, *, was_numeric: bool, errors: RowErrors, seen: dict[str, int],
                         region_exists: Callable[[str], bool], field: str = "id_number") -> IdNumberFacts | None:
    """A 居民身份证号 cell of ``row`` (GB 11643), unique within the file: its facts, or None with the error
    added. A number Excel stored as a number (15 significant digits) gets a hint about text columns."""
    if not value:
        errors.add(row, field, "必填")
        return None
    try:
        facts = parse_id_number(value, region_exists=region_exists)
    except IdNumberError as exc:
        hint = ("（该单元格为数字格式，Excel 只保留 15 位有效数字，后几位可能已被改为 0；请将该列设为文本后重新填写）"
                if was_numeric else "")
        errors.add(row, field, str(exc).removeprefix("身份证号") + hint)
        return None
    if facts.number in seen:
        errors.add(row, field, f"与第 {seen[facts.number]} 行重复")
        return None
    seen[facts.number] = row.line
    return facts

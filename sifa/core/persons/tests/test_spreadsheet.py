"""The shared roster reader (sifa/core/spreadsheet.py): file checks, header, rows, per-cell errors."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook

from sifa.core.errors import ValidationFailed
from sifa.core.spreadsheet import RowErrors, check_id_number_cell, read_rows
from sifa.core.testing import make_id_number

COLUMNS = {"name": ("姓名", ()), "id_number": ("身份证号", ("公民身份号码",)), "note": ("备注", ())}


def _xlsx(*rows: tuple[Any, ...]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _read(content: bytes) -> tuple[dict[str, int], list[tuple[int, tuple[Any, ...]]]]:
    return read_rows(content, columns=COLUMNS, required=("name", "id_number"), max_bytes=1 << 20, max_rows=2)


def test_header_is_the_first_non_empty_row_and_blank_rows_are_skipped_with_their_line_numbers() -> None:
    columns, rows = _read(_xlsx((None,), ("公民身份号码", "姓名"), ("1", "甲"), (None, None), ("2", "乙")))
    assert columns == {"id_number": 0, "name": 1}
    assert [line for line, _ in rows] == [3, 5]


@pytest.mark.parametrize(("content", "fragment"), [
    (b"", "请选择"), (b"not a workbook", "不是有效的 Excel 文件"), (_xlsx(), "名册是空的"),
    (_xlsx(("姓名",), ("甲",)), "名册缺少列：身份证号"), (_xlsx(("姓名", "身份证号")), "没有数据行"),
    (_xlsx(("姓名", "身份证号"), ("甲", "1"), ("乙", "2"), ("丙", "3")), "一次最多导入 2 行"),
])
def test_a_bad_file_is_refused_naming_the_file(content: bytes, fragment: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        _read(content)
    assert exc.value.field == "file" and fragment in exc.value.message


class _Row:
    def __init__(self, line: int) -> None:
        self.line = line


def test_errors_come_in_row_then_column_order_and_id_numbers_are_checked_once_per_file() -> None:
    errors = RowErrors({field: title for field, (title, _) in COLUMNS.items()})
    seen: dict[str, int] = {}
    number = make_id_number("330111", seq=321)
    assert check_id_number_cell(_Row(4), number, was_numeric=False, errors=errors, seen=seen,
                                region_exists=lambda code: True) is not None
    assert check_id_number_cell(_Row(3), number, was_numeric=False, errors=errors, seen=seen,
                                region_exists=lambda code: True) is None
    errors.add(_Row(3), "name", "必填")
    assert check_id_number_cell(_Row(5), "33011119900101123", was_numeric=True, errors=errors, seen=seen,
                                region_exists=lambda code: True) is None
    messages = [e["message"] for e in errors.sorted()]
    assert messages[0] == "第 3 行 姓名：必填"
    assert messages[1] == "第 3 行 身份证号：与第 4 行重复"
    assert messages[2].startswith("第 5 行 身份证号：") and "文本" in messages[2]
    assert errors.sorted()[1]["field"] == "rows[3].id_number" and len(errors) == 3

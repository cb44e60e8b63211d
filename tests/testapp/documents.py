"""Org document types for the documents engine's tests: a .docx notice with a chart, and an .xlsx table."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Mapping
from typing import Any

from openpyxl import Workbook, load_workbook

from sifa.core.errors import ValidationFailed


def _pixel_png() -> bytes:
    """A small PNG: enough for a picture in a document."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _period(params: Mapping[str, Any]) -> datetime.date:
    value = str(params.get("period", ""))
    if not re.fullmatch(r"\d{4}-\d{2}", value):
        raise ValidationFailed("月份须为 YYYY-MM 格式，如 2026-10", field="period")
    year, month = (int(x) for x in value.split("-"))
    if not 1 <= month <= 12:
        raise ValidationFailed("月份须在 01 到 12 之间", field="period")
    return datetime.date(year, month, 1)


def notice_context(org: Any, params: Mapping[str, Any]) -> dict[str, Any]:
    from sifa.core.documents.rendering import DocImage

    first = _period(params)
    return {"month": f"{first.year}年{first.month}月", "chart": DocImage(_pixel_png(), width_mm=20),
            "children": [c.name for c in org.children.order_by("name")]}


def table_context(org: Any, params: Mapping[str, Any]) -> dict[str, Any]:
    first = _period(params)
    return {"month": f"{first.year}年{first.month}月", "rows": [[c.name, len(c.name)] for c in org.children.order_by("name")]}


def render_table(context: dict[str, Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "统计表"
    sheet.append([f"{context['issuing_org']} {context['month']} 测试统计表（{context['number']}）"])
    sheet.append(["机构", "数值"])
    for row in context["rows"]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_rows(content: bytes) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]

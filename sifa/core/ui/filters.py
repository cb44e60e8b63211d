"""Bind a list page's query string to its FilterSchema (the same schema the API uses)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from ninja import FilterSchema
from pydantic import ValidationError

F = TypeVar("F", bound=FilterSchema)


def filters_from_query(schema: type[F], params: Mapping[str, str]) -> tuple[F | None, str | None]:
    """The validated filter, or ``None`` and a Chinese message naming the first bad parameter.

    Unknown parameters (``page`` …) and empty values are ignored, as an empty form field means "any".
    """
    data = {k: v for k, v in params.items() if k in schema.model_fields and v != ""}
    try:
        return schema.model_validate(data), None
    except ValidationError as exc:
        return None, f"筛选条件 {exc.errors()[0]['loc'][0]} 格式不正确"

"""Reading a scheme file (JSON or TOML) into the mapping ``import_scheme`` validates.

Numbers are read as ``Decimal`` (never binary floats), so 0.1 stays 0.1.
"""

from __future__ import annotations

import json
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from sifa.core.errors import ValidationFailed


def read_scheme_text(text: str, *, suffix: str) -> dict[str, Any]:
    """Parse ``text`` as JSON (``.json``) or TOML (``.toml``); a syntax error names the line."""
    try:
        if suffix == ".toml":
            data: Any = tomllib.loads(text, parse_float=Decimal)
        elif suffix == ".json":
            data = json.loads(text, parse_float=Decimal)
        else:
            raise ValidationFailed("方案文件须为 .json 或 .toml", field="file")
    except json.JSONDecodeError as exc:
        raise ValidationFailed(f"方案文件不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列 {exc.msg}", field="file") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ValidationFailed(f"方案文件不是有效的 TOML：{exc}", field="file") from exc
    if not isinstance(data, dict):
        raise ValidationFailed("方案文件的内容应为对象", field="file")
    return data


def read_scheme_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise ValidationFailed(f"文件不存在：{path}", field="file")
    return read_scheme_text(path.read_text(encoding="utf-8"), suffix=path.suffix.lower())

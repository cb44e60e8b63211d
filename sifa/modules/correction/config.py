"""社区矫正 configuration: [NV] values and local policy as data (``data/config.toml``).

RULES.md tags the 2020《实施办法》 values [NV]: classification levels and their frequencies (CC-09,
CC-39), the 调查评估 time limit (CC-03), 外出 caps (CC-12), 执行地变更 time limits (CC-13) and the
训诫/警告 ladder (CC-16, CC-17). They are never hard-coded: code reads them from here, and every page
that applies one shows its ``flag``. An installation overrides keys with its own TOML file named by
the setting ``SIFA_CORRECTION_CONFIG``.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "config.toml"


@dataclass(frozen=True)
class Level:
    code: str
    label: str
    report_days: int
    visit_days: int
    education_hours: int
    public_service_hours: int


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@functools.cache
def load() -> dict[str, Any]:
    """The effective configuration (defaults merged with the installation's file)."""
    data = tomllib.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    extra = getattr(settings, "SIFA_CORRECTION_CONFIG", "")
    if extra:
        path = Path(extra)
        if not path.is_file():
            raise ImproperlyConfigured(f"SIFA_CORRECTION_CONFIG 指向的文件不存在：{path}")
        data = _merge(data, tomllib.loads(path.read_text(encoding="utf-8")))
    _check(data)
    return data


def _check(data: dict[str, Any]) -> None:
    levels = data.get("levels", {}).get("level", [])
    if not levels:
        raise ImproperlyConfigured("社区矫正配置缺少管理等级（levels.level）")
    for section in ("levels", "health", "assessment", "leave", "transfer", "sanctions", "reminders"):
        if section not in data:
            raise ImproperlyConfigured(f"社区矫正配置缺少 [{section}]")
        if not data[section].get("flag"):
            raise ImproperlyConfigured(f"社区矫正配置 [{section}] 须写明 flag（[NV] 标注或说明）")


def section(name: str) -> dict[str, Any]:
    return dict(load()[name])


def flag(name: str) -> str:
    return str(load()[name]["flag"])


def levels() -> list[Level]:
    return [Level(**{k: row[k] for k in Level.__dataclass_fields__}) for row in load()["levels"]["level"]]


def level(code: str) -> Level:
    for item in levels():
        if item.code == code:
            return item
    raise KeyError(code)


def level_choices() -> list[tuple[str, str]]:
    return [(item.code, item.label) for item in levels()]


def level_label(code: str) -> str:
    return dict(level_choices()).get(code, code or "未评定")

"""社区矫正 configuration: [NV] values and local policy as data (``data/config.toml``).

RULES.md tags the 2020《实施办法》 values [NV]: classification levels and their frequencies (CC-09,
CC-39), the 调查评估 time limit (CC-03), 外出 caps (CC-12), 执行地变更 time limits (CC-13) and the
训诫/警告 ladder (CC-16, CC-17). They are never hard-coded: code reads them from here, and every page
that applies one shows its ``flag``. An installation overrides keys with its own TOML file named by
the setting ``SIFA_CORRECTION_CONFIG``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from sifa.core.moduleconfig import ModuleConfig

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "config.toml"


@dataclass(frozen=True)
class Level:
    code: str
    label: str
    report_days: int
    visit_days: int
    education_hours: int
    public_service_hours: int


def _check(data: dict[str, Any]) -> None:
    levels = data.get("levels", {}).get("level", [])
    if not levels:
        raise ImproperlyConfigured("社区矫正配置缺少管理等级（levels.level）")
    for section in ("levels", "health", "assessment", "leave", "transfer", "sanctions", "reminders"):
        if section not in data:
            raise ImproperlyConfigured(f"社区矫正配置缺少 [{section}]")
        if not data[section].get("flag"):
            raise ImproperlyConfigured(f"社区矫正配置 [{section}] 须写明 flag（[NV] 标注或说明）")


CONFIG = ModuleConfig(DEFAULT_FILE, "SIFA_CORRECTION_CONFIG", _check)
load = CONFIG.load
section = CONFIG.section
flag = CONFIG.flag


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

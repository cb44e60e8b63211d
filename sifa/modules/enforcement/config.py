"""行政执法监督 configuration as data (``data/config.toml``): certificate validity and alert lead time,
the 执法证号 format, and the AP-24 hearing thresholds ([INT], example values).

Code reads these values from here, never from literals, and pages that apply one show its ``flag``.
An installation overrides keys with its own TOML file named by the setting ``SIFA_ENFORCEMENT_CONFIG``
(tests override with ``override_config``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from sifa.core.moduleconfig import ModuleConfig

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "config.toml"


@dataclass(frozen=True)
class HearingThreshold:
    """较大数额 thresholds of one issuing authority (AP-24 [INT]); amounts in 元."""

    issuer: str
    region: str
    field: str
    citizen: Decimal
    organisation: Decimal
    confiscation_citizen: Decimal
    confiscation_organisation: Decimal


def _check(data: dict[str, Any]) -> None:
    for name in ("certificates", "hearing"):
        if not data.get(name, {}).get("flag"):
            raise ImproperlyConfigured(f"行政执法配置 [{name}] 须写明 flag（依据或 [INT] 标注）")
    certificates = data["certificates"]
    if int(certificates.get("valid_years", 0)) < 1 or int(certificates.get("expiring_days", -1)) < 0:
        raise ImproperlyConfigured("行政执法配置 [certificates] 的 valid_years 须为正整数，expiring_days 不能为负")
    try:
        re.compile(certificates["number_pattern"])
    except (KeyError, re.error) as exc:
        raise ImproperlyConfigured("行政执法配置 [certificates] number_pattern 不是有效的正则表达式") from exc
    if not data["hearing"].get("threshold"):
        raise ImproperlyConfigured("行政执法配置 [hearing] 至少须有一条 threshold（可为示例值）")


CONFIG = ModuleConfig(DEFAULT_FILE, "SIFA_ENFORCEMENT_CONFIG", _check)
load = CONFIG.load
flag = CONFIG.flag
override_config = CONFIG.override


def certificate_valid_years() -> int:
    """AP-42: a 执法资格 is valid 五年 (《浙江省综合行政执法条例》第二十八条第二款)."""
    return int(load()["certificates"]["valid_years"])


def expiring_days() -> int:
    """Lead time of ENF-CERT-EXPIRING (a platform setting, 30 days as shipped)."""
    return int(load()["certificates"]["expiring_days"])


def certificate_number_pattern() -> re.Pattern[str]:
    return re.compile(str(load()["certificates"]["number_pattern"]))


def certificate_number_hint() -> str:
    return str(load()["certificates"].get("number_hint", ""))


def hearing_always() -> frozenset[str]:
    hearing = load()["hearing"]
    return frozenset(hearing.get("always", [])) | frozenset(hearing.get("heavier", []))


def hearing_thresholds() -> list[HearingThreshold]:
    return [HearingThreshold(
        issuer=str(t["issuer"]), region=str(t.get("region", "")), field=str(t.get("field", "")),
        citizen=Decimal(str(t["citizen"])), organisation=Decimal(str(t["organisation"])),
        confiscation_citizen=Decimal(str(t.get("confiscation_citizen", t["citizen"]))),
        confiscation_organisation=Decimal(str(t.get("confiscation_organisation", t["organisation"]))),
    ) for t in load()["hearing"]["threshold"]]

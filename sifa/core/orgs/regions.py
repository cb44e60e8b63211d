"""Region codes: GB/T 2260 for province/city/county and the 9-digit statistical code for townships.

Codes are stored without trailing zero pairs (33, 3301, 330111, 330111001) so that a unit's code
is a prefix of all its descendants' codes. ``level_of`` and ``parent_code`` derive structure from
the code alone; the import checks each row's code against its declared level and parent.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sifa.core.orgs.choices import RegionLevel

DATA_FILE = Path(__file__).parent / "data" / "regions.csv"

_LEVEL_BY_LENGTH = {2: RegionLevel.PROVINCE, 4: RegionLevel.CITY, 6: RegionLevel.COUNTY, 9: RegionLevel.TOWNSHIP}
_CODE_RE = re.compile(r"[0-9]+")  # ASCII only, whole string: \d admits full-width digits, $ a trailing newline


# GB/T 2260 province-level codes (71 台湾, 81 香港, 82 澳门 included).
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)

# Code prefixes whose region data, as shipped in DATA_FILE, is complete down to townships: 浙江省 and
# 赤峰市. Inside them an unknown code is an error; a code abolished before the data's date (e.g. an old
# county-level city) is accepted once an administrator imports it as a closed region.
COMPLETE_AREAS = ("33", "1504")


# Province abbreviations (简称) used in official case numbers, e.g. （2026）浙0111司矫字第12号.
PROVINCE_ABBREVIATIONS = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉", "23": "黑",
    "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫",
    "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川", "52": "贵",
    "53": "云", "54": "藏", "61": "陕", "62": "甘", "63": "青", "64": "宁", "65": "新",
    "71": "台", "81": "港", "82": "澳",
}


class RegionCodeError(ValueError):
    pass


def level_of(code: str) -> RegionLevel:
    if not _CODE_RE.fullmatch(code) or len(code) not in _LEVEL_BY_LENGTH:
        raise RegionCodeError(f"区划代码 {code!r} 格式错误：应为 2、4、6 位（GB/T 2260）或 9 位（乡级统计用代码）数字")
    return _LEVEL_BY_LENGTH[len(code)]


def parent_code(code: str) -> str | None:
    level = level_of(code)
    return {
        RegionLevel.PROVINCE: None,
        RegionLevel.CITY: code[:2],
        RegionLevel.COUNTY: code[:4],
        RegionLevel.TOWNSHIP: code[:6],
    }[level]


def county_prefix_of_id_number(id_number: str) -> str:
    """The 6-digit address code at the start of a 居民身份证号 (GB 11643 §4.2)."""
    return id_number[:6]


@dataclass(frozen=True)
class RegionRow:
    """One CSV row. ``valid_to`` (optional third column, YYYY-MM-DD) marks a historical, closed region."""

    line: int
    code: str
    name: str
    valid_to: str = ""


def read_region_rows(lines: Iterable[str]) -> Iterator[RegionRow]:
    """Parse the region CSV (``code,name[,valid_to]``; ``#`` lines are comments).

    ``line`` is the file's own line number, so an error names the line a person sees in an editor.
    """
    for number, line in enumerate(lines, start=1):
        if line.startswith("#") or not line.strip():
            continue
        row = next(csv.reader([line]))
        if row[:2] == ["code", "name"]:
            continue
        code = row[0].strip()
        name = row[1].strip() if len(row) > 1 else ""
        valid_to = row[2].strip() if len(row) > 2 else ""
        yield RegionRow(line=number, code=code, name=name, valid_to=valid_to)

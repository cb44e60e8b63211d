"""Identity numbers: 居民身份证号 (GB 11643-1999) and 统一社会信用代码 (GB 32100-2015).

Pure functions, no Django: validation returns the parsed facts or raises ``IdNumberError`` with a
Chinese message that says exactly what is wrong.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"  # index = sum mod 11
_ID_RE = re.compile(r"[0-9]{17}[0-9X]")  # ASCII digits only: \d would admit full-width and other digits

# GB 32100-2015: 18 characters over 0-9 and 31 letters (no I, O, Z, S, V).
_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
_CREDIT_RE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")


class IdNumberError(ValueError):
    pass


@dataclass(frozen=True)
class IdNumberFacts:
    number: str
    region_code: str  # first six digits: the county-level address code
    birth_date: datetime.date
    gender: str  # "M" or "F" (17th digit odd = male)


def id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalize_id_number(raw: str) -> str:
    """Strip spaces and upper-case; NFKC turns full-width input (１２３Ｘ, typed with a Chinese IME) into ASCII."""
    return unicodedata.normalize("NFKC", raw).strip().replace(" ", "").upper()


def parse_id_number(
    raw: str,
    *,
    region_exists: Callable[[str], bool] | None = None,
    today: datetime.date | None = None,
) -> IdNumberFacts:
    """Validate a 居民身份证号 per GB 11643: length, address code, birth date, check digit.

    ``region_exists(code6)`` checks the address code against the region table (a province or
    county that exists); without it only the province prefix format is checked.
    """
    number = normalize_id_number(raw)
    if len(number) != 18:
        raise IdNumberError(f"身份证号应为 18 位，当前为 {len(number)} 位")
    if not _ID_RE.fullmatch(number):
        raise IdNumberError("身份证号前 17 位必须是数字，最后一位是数字或 X")
    region_code = number[:6]
    if region_code[:2] in {"00"} or int(region_code[:2]) < 11 or int(region_code[:2]) > 91:
        raise IdNumberError(f"身份证号地址码 {region_code} 无效：省级代码 {region_code[:2]} 不存在")
    if region_exists is not None and not region_exists(region_code):
        raise IdNumberError(f"身份证号地址码 {region_code} 无效：没有这个行政区划（已撤销的区划代码须由管理员作为历史区划导入）")
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise IdNumberError(f"身份证号出生日期 {number[6:14]} 不是有效日期") from exc
    today = today or datetime.date.today()
    if birth > today or birth.year < 1900:
        raise IdNumberError(f"身份证号出生日期 {birth.isoformat()} 不在合理范围内")
    expected = id_check_digit(number[:17])
    if number[17] != expected:
        raise IdNumberError(f"身份证号校验码错误：最后一位应为 {expected}，实际为 {number[17]}")
    gender = "M" if int(number[16]) % 2 == 1 else "F"
    return IdNumberFacts(number=number, region_code=region_code, birth_date=birth, gender=gender)


def mask_id_number(number: str) -> str:
    """``330106199001011234`` → ``330106********1234`` (first 6 and last 4 shown)."""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if len(digits) <= 7:  # 3 + 4 shown: a 7-character number would otherwise be shown in full
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def credit_check_char(first17: str) -> str:
    total = sum(_CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_ALPHABET[(31 - total % 31) % 31]


def parse_credit_code(raw: str) -> str:
    """Validate a 统一社会信用代码 per GB 32100: 18 characters, alphabet, check character."""
    code = normalize_id_number(raw)
    if len(code) != 18:
        raise IdNumberError(f"统一社会信用代码应为 18 位，当前为 {len(code)} 位")
    if not _CREDIT_RE.fullmatch(code):
        raise IdNumberError("统一社会信用代码含有无效字符（不使用 I、O、Z、S、V，第 3-8 位为行政区划码数字）")
    expected = credit_check_char(code[:17])
    if code[17] != expected:
        raise IdNumberError(f"统一社会信用代码校验码错误：最后一位应为 {expected}，实际为 {code[17]}")
    return code

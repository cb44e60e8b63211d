"""Dates in Chinese numerals as written on 文书: 二〇二六年十一月二十一日.

The year is read digit by digit with 〇 for zero; month and day are counted (十一, 二十一, 三十).
Judicial and enforcement documents (诉讼文书、执法文书样式) date themselves this way. GB/T 9704-2012
§7.3.5.1 prescribes Arabic numerals for the 成文日期 of 党政机关公文 (2026年11月21日), so templates get
both: ``today`` (汉字) and ``today_arabic``.
"""

from __future__ import annotations

import datetime

DIGITS = "〇一二三四五六七八九"


def chinese_count(n: int) -> str:
    """1..99 as counted in Chinese: 一, 十, 十一, 二十, 二十一."""
    if not 1 <= n <= 99:
        raise ValueError(f"chinese_count handles 1..99, got {n}")
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else DIGITS[tens] + "十")
    return head + (DIGITS[units] if units else "")


def chinese_date(day: datetime.date) -> str:
    """二〇二六年十一月二十一日."""
    year = "".join(DIGITS[int(c)] for c in str(day.year))
    return f"{year}年{chinese_count(day.month)}月{chinese_count(day.day)}日"


def arabic_date(day: datetime.date) -> str:
    """2026年11月21日 (GB/T 9704-2012 §7.3.5.1: no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"

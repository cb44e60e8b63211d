import datetime

import pytest

from sifa.core.documents.numerals import arabic_date, chinese_count, chinese_date


@pytest.mark.parametrize(("day", "text"), [
    (datetime.date(2026, 11, 21), "二〇二六年十一月二十一日"),
    (datetime.date(2020, 1, 10), "二〇二〇年一月十日"),
    (datetime.date(2026, 3, 30), "二〇二六年三月三十日"),
    (datetime.date(2009, 12, 31), "二〇〇九年十二月三十一日"),
    (datetime.date(2026, 2, 1), "二〇二六年二月一日"),
    (datetime.date(2026, 10, 19), "二〇二六年十月十九日"),
])
def test_chinese_date(day: datetime.date, text: str) -> None:
    assert chinese_date(day) == text


def test_arabic_date_has_no_leading_zeros() -> None:
    assert arabic_date(datetime.date(2026, 3, 5)) == "2026年3月5日"


def test_chinese_count_bounds() -> None:
    assert [chinese_count(n) for n in (1, 10, 11, 20, 99)] == ["一", "十", "十一", "二十", "九十九"]
    with pytest.raises(ValueError):
        chinese_count(0)

"""Chart pictures for reports: a PNG with one bar per label, longest bar for the largest value."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from sifa.core.documents.charts import BAR, bar_chart_png


def _bar_lengths(png: bytes, rows: int) -> list[int]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    counts = []
    for y in range(image.height):
        run = sum(1 for x in range(image.width) if image.getpixel((x, y)) == BAR)
        if run:
            counts.append(run)
    # the bars are the runs of bar colour; take the widest run of each distinct bar
    distinct = sorted(set(counts), reverse=True)
    return distinct[:rows]


def test_bars_are_proportional_to_values() -> None:
    png = bar_chart_png(["人民调解", "法律咨询"], [10, 40], title="2026年10月", unit="件")
    assert png.startswith(b"\x89PNG")
    longest, shorter = _bar_lengths(png, 2)
    assert shorter * 4 == pytest.approx(longest, abs=4)


def test_zero_values_draw_no_bar_and_bad_input_is_refused() -> None:
    png = bar_chart_png(["甲"], [0])
    assert _bar_lengths(png, 1) == []
    with pytest.raises(ValueError):
        bar_chart_png(["甲", "乙"], [1])

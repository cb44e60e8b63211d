"""Chart pictures for generated documents (a monthly report's bar charts), drawn with Pillow.

Reports put a chart in a .docx as a ``DocImage``; pages draw theirs with ECharts in the browser.
Pillow is already a dependency (thumbnails), so no plotting stack is installed for a few bars.
Chinese labels need a CJK font: the first of ``CJK_FONTS`` found is used (Debian's fonts-noto-cjk,
which ``make browser`` installs, or the setting ``SIFA_CHART_FONT``); without one, labels fall back
to Pillow's built-in font, which cannot draw Chinese, so they are shortened to their index numbers.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
BAR = (32, 107, 196)
GRID = (225, 229, 236)
TEXT = (35, 39, 47)


@lru_cache(maxsize=8)
def _font_path() -> str | None:
    configured = getattr(settings, "SIFA_CHART_FONT", "")
    for candidate in ((configured,) if configured else ()) + CJK_FONTS:
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = _font_path()
    return ImageFont.truetype(path, size) if path else ImageFont.load_default()


def has_cjk_font() -> bool:
    return _font_path() is not None


def bar_chart_png(labels: Sequence[str], values: Sequence[float], *, title: str = "", unit: str = "",
                  width: int = 1200, bar_height: int = 34) -> bytes:
    """A horizontal bar chart (one bar per label, value printed at the bar's end) as PNG bytes."""
    if len(labels) != len(values):
        raise ValueError("labels and values differ in length")
    cjk = has_cjk_font()
    names = [str(label) if cjk else f"#{i + 1}" for i, label in enumerate(labels)]
    title_font, label_font = _font(30), _font(22)
    top = 70 if title else 20
    height = top + max(1, len(names)) * (bar_height + 12) + 30
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    if title:
        draw.text((20, 18), title if cjk else "", fill=TEXT, font=title_font)
    label_width = max([int(draw.textlength(n, font=label_font)) for n in names] + [60]) + 30
    area = width - label_width - 140
    peak = max([float(v) for v in values] + [0.0]) or 1.0
    for i, (name, value) in enumerate(zip(names, values, strict=True)):
        y = top + i * (bar_height + 12)
        draw.text((20, y + 4), name, fill=TEXT, font=label_font)
        draw.rectangle((label_width, y, label_width + area, y + bar_height), fill=(248, 249, 251), outline=GRID)
        length = int(area * float(value) / peak)
        if length > 0:
            draw.rectangle((label_width, y, label_width + length, y + bar_height), fill=BAR)
        shown = f"{value:g}{unit if cjk else ''}"
        draw.text((label_width + length + 10, y + 4), shown, fill=TEXT, font=label_font)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()

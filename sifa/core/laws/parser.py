"""Read a Markdown law text in the layout of the shared ``laws/`` folder (LawRefBook/Laws).

Layout: ``# 标题`` (an optional second ``# 总则`` line names one 编 of a code split over files), the
date lines (制定、修改、施行), ``<!-- INFO END -->``, then ``##``…``####`` headings (第X编/章/节, or
others such as 附则, 一、管辖) and articles starting ``第X条`` or ``第X条之一`` followed by a space.
Lines after an article are its further paragraphs; lines after a heading and before its first
article are the heading's text (e.g. the lists of 刑法 附件一); lines before any heading or article
are the preamble. Chinese numerals are parsed up to 千 (第一千二百六十条).
"""

from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from sifa.core.laws.choices import HeadingLevel
from sifa.core.laws.citations import NUMERAL, chinese_number
from sifa.core.laws.errors import LawParseError

INFO_END = "<!-- INFO END -->"
_TITLE = re.compile(r"^#\s+(?P<text>\S.*)$")
_HEADING = re.compile(r"^(?P<hashes>#{2,6})\s*(?P<text>.*)$")
_ARTICLE = re.compile(rf"^第(?P<num>{NUMERAL})条(?:之(?P<sub>{NUMERAL}))?(?:[ \u3000\t]+(?P<rest>.*)|$)")
_LABELLED = re.compile(rf"^(?P<label>第{NUMERAL}(?P<unit>[编章节]))[ \u3000]*(?P<title>.*)$")
_ENUMERATED = re.compile(r"^(?P<label>[零〇一二三四五六七八九十百]+)、(?P<title>.*)$")
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_LEVELS = {"编": HeadingLevel.PART, "章": HeadingLevel.CHAPTER, "节": HeadingLevel.SECTION}
_SPACES = re.compile(r"[ \u3000\t]+")


@dataclass
class ParsedHeading:
    level: str
    depth: int
    label: str
    title: str
    order: int
    parent: int | None  # index into ParsedLaw.headings
    text: list[str] = field(default_factory=list)


@dataclass
class ParsedArticle:
    number: int
    sub: int
    label: str
    paragraphs: list[str]
    order: int
    heading: int | None
    line: int

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass
class ParsedLaw:
    title: str
    part: str
    date_lines: list[str]
    preamble: list[str]
    headings: list[ParsedHeading]
    articles: list[ParsedArticle]
    content_hash: str

    @property
    def version_date(self) -> datetime.date | None:
        dates = []
        for line in self.date_lines:
            for y, m, d in _DATE.findall(line):
                try:
                    dates.append(datetime.date(int(y), int(m), int(d)))
                except ValueError:
                    continue
        return max(dates) if dates else None


def article_label(number: int, sub: int = 0) -> str:
    """第六十条, 第一百二十条之一 — the article's name as the law writes it."""
    return f"第{chinese_numeral(number)}条" + (f"之{chinese_numeral(sub)}" if sub else "")


def chinese_numeral(value: int) -> str:
    """60 → 六十, 101 → 一百零一, 1260 → 一千二百六十, 10 → 十 (the inverse of ``chinese_number``)."""
    digits = "零一二三四五六七八九"
    if value == 0:
        return "零"
    parts: list[str] = []
    zero = False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = value // unit_value % 10
        if d == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append("零")
            zero = False
        parts.append(("" if d == 1 and unit == "十" and not parts else digits[d]) + unit)
    return "".join(parts)


def normalised_text(text: str) -> str:
    """The text as hashed: NFC, no BOM, lines stripped of trailing spaces, blank lines dropped."""
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff"))
    return "\n".join(line.rstrip() for line in text.splitlines() if line.strip())


def parse_law(text: str, source_name: str = "") -> ParsedLaw:
    """Parse one law text. Raises ``LawParseError`` naming the line on anything it cannot read."""
    lines = unicodedata.normalize("NFC", text.lstrip("\ufeff")).splitlines()
    n = 0
    while n < len(lines) and not lines[n].strip():
        n += 1
    title_match = _TITLE.match(lines[n].strip()) if n < len(lines) else None
    if not title_match:
        raise LawParseError("第一行应为标题（# 法规名称）", line=n + 1, source_name=source_name)
    title = _clean(title_match["text"])
    part = ""
    date_lines: list[str] = []
    n += 1
    while n < len(lines) and lines[n].strip() != INFO_END:
        line = lines[n].strip()
        if line.startswith("#"):
            heading = _TITLE.match(line)
            if not heading or part:
                raise LawParseError(f"{INFO_END} 之前只能有标题和日期行", line=n + 1, source_name=source_name)
            part = _clean(heading["text"])
        elif line:
            date_lines.append(line)
        n += 1
    if n >= len(lines):
        raise LawParseError(f"缺少 {INFO_END} 标记", line=len(lines), source_name=source_name)
    headings: list[ParsedHeading] = []
    articles: list[ParsedArticle] = []
    preamble: list[str] = []
    stack: list[int] = []  # indexes of the open headings, by depth
    seen: dict[tuple[int, int], int] = {}
    current: ParsedArticle | None = None
    for index in range(n + 1, len(lines)):
        line = lines[index].strip()
        if not line:
            continue
        heading_match = _HEADING.match(line)
        if heading_match:
            heading_text = _clean(heading_match["text"])
            if not heading_text:
                continue  # an empty "##" (民法典 附则)
            depth = len(heading_match["hashes"]) - 1
            while stack and headings[stack[-1]].depth >= depth:
                stack.pop()
            level, label, heading_title = _heading_parts(heading_text)
            headings.append(ParsedHeading(level=level, depth=depth, label=label, title=heading_title,
                                          order=len(headings) + 1, parent=stack[-1] if stack else None))
            stack.append(len(headings) - 1)
            current = None
            continue
        article_match = _ARTICLE.match(line)
        if article_match:
            try:
                number = chinese_number(article_match["num"])
                sub = chinese_number(article_match["sub"]) if article_match["sub"] else 0
            except ValueError as exc:
                raise LawParseError(f"条号无法识别：{line[:20]}", line=index + 1, source_name=source_name) from exc
            if (number, sub) in seen:
                raise LawParseError(f"{article_label(number, sub)}重复（第 {seen[(number, sub)]} 行已有）",
                                    line=index + 1, source_name=source_name)
            seen[(number, sub)] = index + 1
            rest = (article_match["rest"] or "").strip()
            current = ParsedArticle(number=number, sub=sub, label=article_label(number, sub),
                                    paragraphs=[rest] if rest else [], order=len(articles) + 1,
                                    heading=stack[-1] if stack else None, line=index + 1)
            articles.append(current)
            continue
        if current is not None:
            current.paragraphs.append(line)
        elif stack:
            headings[stack[-1]].text.append(line)
        else:
            preamble.append(line)
    if not articles:
        raise LawParseError("没有找到条文（第X条）", line=len(lines), source_name=source_name)
    for article in articles:
        if not article.paragraphs:
            raise LawParseError(f"{article.label}没有条文内容", line=article.line, source_name=source_name)
    digest = hashlib.sha256(normalised_text(text).encode()).hexdigest()
    return ParsedLaw(title=title, part=part, date_lines=date_lines, preamble=preamble, headings=headings,
                     articles=articles, content_hash=digest)


def _clean(text: str) -> str:
    """Collapse spaces; drop those between Chinese characters (总 则 → 总则)."""
    text = _SPACES.sub(" ", text.strip())
    return re.sub(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])", "", text)


def _heading_parts(text: str) -> tuple[str, str, str]:
    labelled = _LABELLED.match(text)
    if labelled:
        return _LEVELS[labelled["unit"]], labelled["label"], labelled["title"].strip()
    enumerated = _ENUMERATED.match(text)
    if enumerated:
        return HeadingLevel.OTHER, f"{enumerated['label']}、", enumerated["title"].strip()
    return HeadingLevel.OTHER, "", text

"""Build a base .docx laid out close to GB/T 9704-2012 (党政机关公文格式) from a short spec.

The shipped document templates are produced by this code from a TOML spec kept beside them
(``sifa doc-template build SPEC_OR_CODE OUT.docx``), so their layout is reviewable as code and
reproducible byte for byte. The text of a spec may hold docxtpl/Jinja placeholders
(``{{ case.number }}``) and paragraph tags (``{%p for p in parties %}``), filled when a document is
generated (see :mod:`sifa.core.documents.rendering`).

Layout choices (GB/T 9704-2012 section in brackets):

* A4 paper, 210 × 297 mm [5.2.1]; 天头 (top) 37 mm, 订口 (left) 28 mm, leaving a 版心 of
  156 × 225 mm [5.2.2], hence bottom 35 mm and right 26 mm.
* Body in 3号 (16 pt) 仿宋 [5.2.3]: 22 lines of 28 characters per page [5.2.4]. A line grid of
  225 mm / 22 = 28.95 pt (579 twips, also the exact line spacing) gives the 22 lines. 28 characters
  of 16 pt need 448 pt but the 版心 is 442.2 pt wide, so characters are set 0.25 pt closer
  (``w:spacing`` −5 twentieths of a point): 28 × 15.75 pt fit. A character grid (``linesAndChars``
  with ``charSpace`` −849, as Word writes for "28 字") would do the same in Word, but LibreOffice,
  which makes the PDFs, then gives every 16 pt character two 15.8 pt cells (14 per line).
* Title in 2号 (22 pt) 小标宋, centred, at the body's line spacing [7.3.1]; the 发文字号 centred
  under it [7.2.4].
* Headings: "# " paragraphs in 黑体 (一、), "## " in 楷体 (（一）) [7.3.3].
* Signature (发文机关署名) centred over the date, the date right-indented four characters [7.3.5.1].
* Page numbers in 4号 (14 pt) 半角宋体 Arabic numerals between em dashes, "— 1 —", outside
  corner: odd pages right, even pages left, one character in from the edge [7.5].

Fonts are named as Chinese offices install them (方正小标宋简体, 仿宋_GB2312, 楷体_GB2312, 黑体, 宋体) in
``w:eastAsia``, with Times New Roman for Latin text and digits; the document's font table gives each
a GB2312 charset and an ``altName`` fallback (宋体, 仿宋, 楷体) so that Word and LibreOffice pick a
similar CJK face when the first choice is missing (docs/engines/documents.md lists what to install).
"""

from __future__ import annotations

import datetime
import io
import tomllib
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt
from docx.text.paragraph import Paragraph
from lxml import etree

PAGE_WIDTH = Mm(210)
PAGE_HEIGHT = Mm(297)
MARGIN_TOP = Mm(37)
MARGIN_BOTTOM = Mm(35)
MARGIN_LEFT = Mm(28)
MARGIN_RIGHT = Mm(26)
# the page number's top sits 7 mm under the 版心 (GB/T 9704 §7.5); the footer's baseline ~22 mm up
FOOTER_DISTANCE = Mm(22)
HEADER_DISTANCE = Mm(15)

LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
LINE_PITCH_TWIPS = 579  # 225 mm / 22 lines = 579.8 twips; 579 so that 22 lines fit the 版心
CHAR_SPACING = -5  # twentieths of a point: 16 pt − 0.25 pt = 15.75 pt per character, 28 in 442.2 pt

TITLE_SIZE = Pt(22)  # 2号
BODY_SIZE = Pt(16)  # 3号
PAGE_NUMBER_SIZE = Pt(14)  # 4号
BODY_CHAR = 320  # one 3号 character in twips (16 pt)

LATIN_FONT = "Times New Roman"
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"

# name → (altName fallback, w:family, w:pitch) for the font table; charset 86 = GB2312
CJK_FONTS: dict[str, tuple[str, str, str]] = {
    TITLE_FONT: ("宋体", "script", "fixed"),
    BODY_FONT: ("仿宋", "modern", "fixed"),
    SUBHEADING_FONT: ("楷体", "script", "fixed"),
    HEADING_FONT: ("SimHei", "modern", "fixed"),
    PAGE_NUMBER_FONT: ("SimSun", "auto", "variable"),
}

# fixed core-properties time and zip entry time, so that building the same spec twice gives the same bytes
FIXED_TIME = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


class SpecError(ValueError):
    """A layout spec that cannot be built (missing title, wrong types)."""


@dataclass(frozen=True)
class LayoutSpec:
    """What a template says, in order: title block, 发文字号, 主送, body, signature and date.

    ``title`` lines are set in 2号小标宋 (the first is often the issuing org). ``body`` paragraphs get
    a two-character first-line indent, except "# " / "## " headings, docxtpl paragraph tags
    (``{%p … %}``, a paragraph of their own) and empty strings (an empty line).
    """

    title: tuple[str, ...]
    number: str = "{{ number }}"
    addressee: str = ""
    body: tuple[str, ...] = ()
    signature: str = "{{ issuing_org }}"
    date: str = "{{ today }}"
    name: str = ""  # the document title for the file's properties (defaults to the last title line)


def spec_from_mapping(data: Mapping[str, Any]) -> LayoutSpec:
    """A spec from parsed TOML; raises ``SpecError`` naming the key that is wrong."""
    known = {"title", "number", "addressee", "body", "signature", "date", "name"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise SpecError(f"模板说明中有未知的键：{', '.join(unknown)}")

    def lines(key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SpecError(f"模板说明的「{key}」应为字符串列表")
        return tuple(value)

    def text(key: str, default: str) -> str:
        value = data.get(key, default)
        if not isinstance(value, str):
            raise SpecError(f"模板说明的「{key}」应为字符串")
        return value

    title = lines("title")
    if not title:
        raise SpecError("模板说明缺少「title」（标题）")
    return LayoutSpec(title=title, number=text("number", "{{ number }}"), addressee=text("addressee", ""),
                      body=lines("body"), signature=text("signature", "{{ issuing_org }}"),
                      date=text("date", "{{ today }}"), name=text("name", title[-1]))


def load_spec(path: Path) -> LayoutSpec:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{path.name} 不是有效的 TOML：{exc}") from exc
    return spec_from_mapping(data)


# --- low-level helpers ---

def _set_fonts(rpr: Any, east_asian: str, latin: str = LATIN_FONT) -> None:
    """Name the fonts of a run or style: Latin for ASCII text, ``east_asian`` for CJK (w:eastAsia)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]  # drop theme font references, which would override the names
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:hint"), "eastAsia")


def _run(paragraph: Paragraph, text: str, *, font: str, size: Pt, latin: str = LATIN_FONT) -> None:
    run = paragraph.add_run(text)
    run.font.size = size
    _set_fonts(run._element.get_or_add_rPr(), font, latin)


def _indent_chars(paragraph: Paragraph, *, first_line: int = 0, left: int = 0, right: int = 0) -> None:
    """Indents in characters (w:…Chars, hundredths of a character) with the twips equivalent for readers
    that ignore character units."""
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    if first_line:
        ind.set(qn("w:firstLine"), str(first_line * BODY_CHAR))
        ind.set(qn("w:firstLineChars"), str(first_line * 100))
    if left:
        ind.set(qn("w:left"), str(left * BODY_CHAR))
        ind.set(qn("w:leftChars"), str(left * 100))
    if right:
        ind.set(qn("w:right"), str(right * BODY_CHAR))
        ind.set(qn("w:rightChars"), str(right * 100))


def _off_grid(paragraph: Paragraph) -> None:
    """Keep a 2号 title line at the exact line spacing: on the line grid LibreOffice would give it two
    grid lines (Word already lets exact spacing win)."""
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    ppr = paragraph._p.get_or_add_pPr()
    jc = ppr.find(qn("w:jc"))
    if jc is not None:
        jc.addprevious(snap)  # schema order: … snapToGrid, spacing, ind, … jc
    else:
        ppr.append(snap)


def _paragraph(document: Any, text: str, *, font: str = BODY_FONT, size: Pt = BODY_SIZE,
               align: WD_ALIGN_PARAGRAPH | None = None) -> Paragraph:
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if text:
        _run(paragraph, text, font=font, size=size)
    return paragraph


def _set_doc_defaults(document: Any) -> None:
    """Body font, size, language and exact line spacing as the defaults of every paragraph."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, BODY_FONT)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), str(int(BODY_SIZE.pt * 2)))
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CHAR_SPACING))
    rpr.find(qn("w:sz")).addprevious(spacing)  # schema order: rFonts … spacing … sz
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:val"), "en-US")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    for attr in list(spacing.attrib):
        del spacing.attrib[attr]
    spacing.set(qn("w:before"), "0")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), str(LINE_PITCH_TWIPS))
    spacing.set(qn("w:lineRule"), "exact")
    normal = document.styles["Normal"]
    normal.font.size = BODY_SIZE
    _set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    fmt = normal.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Emu(LINE_PITCH_TWIPS * 635)


def _set_settings(document: Any) -> None:
    """Odd/even footers (page numbers on the outside), Chinese theme language, punctuation compression."""
    document.settings.odd_and_even_pages_header_footer = True
    settings = document.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    control = settings.find(qn("w:characterSpacingControl"))
    if control is not None:
        control.set(qn("w:val"), "compressPunctuation")


def _set_page(document: Any) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.header_distance, section.footer_distance = HEADER_DISTANCE, FOOTER_DISTANCE
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))


def _page_number(paragraph: Paragraph, *, odd: bool) -> None:
    """"— N —" in 4号半角宋体, one character in from the outside edge."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if odd:
        fmt.right_indent = PAGE_NUMBER_SIZE
    else:
        fmt.left_indent = PAGE_NUMBER_SIZE
    _run(paragraph, "— ", font=PAGE_NUMBER_FONT, size=PAGE_NUMBER_SIZE, latin=PAGE_NUMBER_FONT)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    _set_fonts(rpr, PAGE_NUMBER_FONT, PAGE_NUMBER_FONT)
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), str(int(PAGE_NUMBER_SIZE.pt * 2)))
    rpr.append(size)
    run.append(rpr)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    _run(paragraph, " —", font=PAGE_NUMBER_FONT, size=PAGE_NUMBER_SIZE, latin=PAGE_NUMBER_FONT)


def _set_footers(document: Any) -> None:
    section = document.sections[0]
    section.footer.is_linked_to_previous = False
    _page_number(section.footer.paragraphs[0], odd=True)
    section.even_page_footer.is_linked_to_previous = False
    _page_number(section.even_page_footer.paragraphs[0], odd=False)


def _font_table_entries() -> list[Any]:
    entries = []
    for name, (alt, family, pitch) in CJK_FONTS.items():
        font = etree.SubElement(etree.Element(qn("w:fonts")), qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, value in (("w:altName", alt), ("w:charset", "86"), ("w:family", family), ("w:pitch", pitch)):
            etree.SubElement(font, qn(tag)).set(qn("w:val"), value)
        entries.append(font)
    return entries


def _set_font_table(document: Any) -> None:
    """Declare the CJK fonts with a GB2312 charset and a fallback name (w:altName)."""
    part = next(p for p in document.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    root = etree.fromstring(part.blob)
    for font in _font_table_entries():
        root.append(font)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _drop_thumbnail(document: Any) -> None:
    """python-docx's default package carries a preview picture of another document; drop it."""
    rels = document.part.package.rels
    for key, rel in list(rels.items()):
        if rel.reltype.endswith("/metadata/thumbnail"):
            del rels[key]


def _set_properties(document: Any, spec: LayoutSpec) -> None:
    props = document.core_properties
    props.title = spec.name or spec.title[-1]
    props.author = "sifa"
    props.last_modified_by = "sifa"
    props.comments = "GB/T 9704-2012 版式；由 sifa doc-template build 生成"
    props.created = props.modified = FIXED_TIME.replace(tzinfo=None)
    props.revision = 1


def _deterministic_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed entry times, so equal specs give equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


# --- the builder ---

def _is_tag(text: str) -> bool:
    return text.lstrip().startswith(("{%p", "{%tr", "{%tc"))


def _body(document: Any, text: str) -> None:
    if _is_tag(text) or not text:
        _paragraph(document, text)
    elif text.startswith("## "):
        _indent_chars(_paragraph(document, text[3:], font=SUBHEADING_FONT), first_line=2)
    elif text.startswith("# "):
        _indent_chars(_paragraph(document, text[2:], font=HEADING_FONT), first_line=2)
    else:
        paragraph = _paragraph(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        _indent_chars(paragraph, first_line=2)


def build_docx(spec: LayoutSpec) -> bytes:
    """The .docx bytes of ``spec``, laid out as described in this module's docstring."""
    document = docx.Document()
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    _set_doc_defaults(document)
    _set_settings(document)
    _set_page(document)
    _set_footers(document)
    _set_font_table(document)
    _set_properties(document, spec)
    _drop_thumbnail(document)

    for line in spec.title:
        title = _paragraph(document, line, font=TITLE_FONT, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER)
        _off_grid(title)
    if spec.number:
        _paragraph(document, "")
        _paragraph(document, spec.number, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "")
    if spec.addressee:
        _paragraph(document, spec.addressee)
    for text in spec.body:
        _body(document, text)
    if spec.signature or spec.date:
        _paragraph(document, "")
        _paragraph(document, "")
    if spec.signature:
        # centred over a date of ~11 characters that ends four characters from the right margin
        _indent_chars(_paragraph(document, spec.signature, align=WD_ALIGN_PARAGRAPH.CENTER), left=9)
    if spec.date:
        _indent_chars(_paragraph(document, spec.date, align=WD_ALIGN_PARAGRAPH.RIGHT), right=4)

    out = io.BytesIO()
    document.save(out)
    return _deterministic_zip(out.getvalue())


def build_file(spec_path: Path, out_path: Path) -> bytes:
    """Build the template described by the TOML file ``spec_path`` into ``out_path``."""
    data = build_docx(load_spec(spec_path))
    out_path.write_bytes(data)
    return data


def paragraphs_text(data: bytes) -> Sequence[str]:
    """The text of every body paragraph of a .docx (tests and the template admin page use it)."""
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]

"""The shipped templates are what layout.py builds from their specs, laid out close to GB/T 9704-2012."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from django.core.management import call_command
from docx.oxml.ns import qn
from docx.shared import Emu

from sifa.core import registry
from sifa.core.documents import layout
from sifa.core.documents.rendering import shipped_spec, shipped_template

SHIPPED = ["case_summary", "test_acceptance_notice"]


@pytest.mark.parametrize("code", SHIPPED)
def test_shipped_template_is_built_from_its_spec(code: str, tmp_path: Path) -> None:
    # given a shipped type
    doc_type = registry.document_types[code]
    # when its spec is built again through the command
    out = tmp_path / "rebuilt.docx"
    call_command("doc_template", "build", code, str(out), stdout=io.StringIO())
    # then the bytes are the committed file's (run `sifa doc-template build CODE PATH` after editing a spec)
    assert out.read_bytes() == shipped_template(doc_type).read_bytes()


def _shipped(code: str = "case_summary") -> docx.document.Document:
    return docx.Document(io.BytesIO(shipped_template(registry.document_types[code]).read_bytes()))


def test_page_is_a4_with_gbt9704_margins() -> None:
    section = _shipped().sections[0]
    assert round(section.page_width.mm, 1) == 210.0 and round(section.page_height.mm, 1) == 297.0
    assert round(section.top_margin.mm) == 37 and round(section.bottom_margin.mm) == 35
    assert round(section.left_margin.mm) == 28 and round(section.right_margin.mm) == 26
    # 版心 156 × 225 mm
    assert round(Emu(section.page_width - section.left_margin - section.right_margin).mm) == 156
    assert round(Emu(section.page_height - section.top_margin - section.bottom_margin).mm) == 225


def test_grid_of_22_lines_by_28_characters() -> None:
    document = _shipped()
    grid = document.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:linePitch")) == "579"
    defaults = document.styles.element.find(qn("w:docDefaults"))
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    assert spacing.get(qn("w:line")) == "579" and spacing.get(qn("w:lineRule")) == "exact"
    character = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:spacing"))
    assert character.get(qn("w:val")) == "-5"
    width_pt = 156 / 25.4 * 72
    # 22 lines of 28.95 pt fit the 225 mm 版心; 28 characters of 16 − 0.25 pt fit its 156 mm width, 29 do not
    assert 22 * 579 / 20 <= 225 / 25.4 * 72
    assert 28 * (16 - 5 / 20) <= width_pt < 29 * (16 - 5 / 20)


def _east_asian(run: docx.text.run.Run) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def test_title_body_and_number_fonts() -> None:
    paragraphs = _shipped("test_acceptance_notice").paragraphs
    title = paragraphs[1]
    assert title.text == "受理通知书" and title.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
    assert _east_asian(title.runs[0]) == "方正小标宋简体" and title.runs[0].font.size.pt == 22
    assert title._p.pPr.find(qn("w:snapToGrid")).get(qn("w:val")) == "0"
    number = next(p for p in paragraphs if p.text == "{{ number }}")
    assert number.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
    body = next(p for p in paragraphs if p.text.startswith("你（单位）"))
    assert _east_asian(body.runs[0]) == "仿宋_GB2312" and body.runs[0].font.size.pt == 16
    assert body.runs[0]._element.rPr.rFonts.get(qn("w:ascii")) == "Times New Roman"
    assert body.paragraph_format.first_line_indent.pt == 32  # two characters
    date = paragraphs[-1]
    assert date.text == "{{ today }}" and date.paragraph_format.right_indent.pt == 64  # 右空四字


def test_page_numbers_outside_in_4hao_songti() -> None:
    document = _shipped()
    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        xml = footer._element.xml
        assert 'w:instr=" PAGE "' in xml and "— " in xml and " —" in xml
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == getattr(docx.enum.text.WD_ALIGN_PARAGRAPH, align.upper())
        assert all(r.font.size.pt == 14 and _east_asian(r) == "宋体" for r in paragraph.runs)


def test_font_table_declares_cjk_fallbacks() -> None:
    data = shipped_template(registry.document_types["case_summary"]).read_bytes()
    table = zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml").decode()
    for name, fallback in (("方正小标宋简体", "宋体"), ("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体")):
        assert f'w:name="{name}"' in table and f'w:altName w:val="{fallback}"' in table
    assert 'w:charset w:val="86"' in table


def test_spec_errors_name_the_key(tmp_path: Path) -> None:
    with pytest.raises(layout.SpecError, match="title"):
        layout.spec_from_mapping({"body": ["x"]})
    with pytest.raises(layout.SpecError, match="colour"):
        layout.spec_from_mapping({"title": ["x"], "colour": "red"})
    bad = tmp_path / "bad.toml"
    bad.write_text("title = [", encoding="utf-8")
    with pytest.raises(layout.SpecError, match="TOML"):
        layout.load_spec(bad)


def test_every_registered_type_ships_its_template() -> None:
    for doc_type in registry.document_types.values():
        if doc_type.render is not None:  # made by code (an .xlsx table), no template
            continue
        assert shipped_template(doc_type).is_file(), doc_type.code
    for code in SHIPPED:
        assert shipped_spec(registry.document_types[code]).is_file()

import pytest

from sifa.core.laws.choices import HeadingLevel
from sifa.core.laws.citations import chinese_number
from sifa.core.laws.errors import LawParseError
from sifa.core.laws.parser import article_label, chinese_numeral, parse_law
from sifa.core.laws.tests.factories import LAWS_DIR, law_file, small_law


def test_every_shared_law_file_parses_with_increasing_article_numbers() -> None:
    files = sorted(p for p in LAWS_DIR.glob("*.md") if p.name != "README.md")
    assert len(files) == 36
    for path in files:
        parsed = parse_law(path.read_text(encoding="utf-8"), path.name)
        keys = [(a.number, a.sub) for a in parsed.articles]
        assert keys == sorted(keys) and len(set(keys)) == len(keys), path.name
        assert all(a.text for a in parsed.articles), path.name


def test_administrative_penalty_law_has_86_articles_and_its_chapters() -> None:
    parsed = parse_law(law_file("行政处罚法.md"), "行政处罚法.md")
    assert parsed.title == "中华人民共和国行政处罚法"
    assert len(parsed.articles) == 86
    chapters = [(h.label, h.title) for h in parsed.headings if h.level == HeadingLevel.CHAPTER]
    assert chapters[0] == ("第一章", "总则")
    assert ("第五章", "行政处罚的决定") in chapters
    assert ("第八章", "附则") in chapters
    sections = [h for h in parsed.headings if h.level == HeadingLevel.SECTION]
    assert sections and all(parsed.headings[h.parent].level == HeadingLevel.CHAPTER for h in sections if h.parent is not None)
    assert parsed.version_date is not None and parsed.version_date.isoformat() == "2021-01-22"
    art72 = next(a for a in parsed.articles if a.number == 72)
    assert art72.label == "第七十二条" and "加处罚款" in art72.text


def test_criminal_law_keeps_its_zhi_yi_articles_and_part_chapter_section_nesting() -> None:
    parsed = parse_law(law_file("刑法.md"), "刑法.md")
    subs = {(a.number, a.sub) for a in parsed.articles if a.sub}
    assert {(17, 1), (37, 1), (120, 1), (120, 2), (133, 1)} <= subs
    art = next(a for a in parsed.articles if (a.number, a.sub) == (120, 1))
    assert art.label == "第一百二十条之一"
    part = parsed.headings[0]
    assert (part.level, part.label, part.title) == (HeadingLevel.PART, "第一编", "总则")
    chapter = parsed.headings[1]
    section = next(h for h in parsed.headings if h.level == HeadingLevel.SECTION)
    assert chapter.parent == 0 and parsed.headings[section.parent].level == HeadingLevel.CHAPTER


def test_civil_code_general_part_is_a_part_with_chapters_and_sections() -> None:
    parsed = parse_law(law_file("民法典-总则编.md"), "民法典-总则编.md")
    assert (parsed.title, parsed.part) == ("中华人民共和国民法典", "总则")
    assert len(parsed.articles) == 204
    section = next(h for h in parsed.headings if h.level == HeadingLevel.SECTION)
    assert (section.label, section.title) == ("第一节", "民事权利能力和民事行为能力")
    assert parsed.headings[section.parent].label == "第二章"
    annex = parse_law(law_file("民法典-附则.md"), "民法典-附则.md")
    assert [(a.number, a.label) for a in annex.articles] == [(1259, "第一千二百五十九条"), (1260, "第一千二百六十条")]


@pytest.mark.parametrize(("text", "value"), [("十", 10), ("十二", 12), ("二十", 20), ("一百零一", 101), ("一百一十", 110),
                                             ("一千二百六十", 1260), ("一千零一", 1001), ("两百", 200)])
def test_chinese_numerals_up_to_thousands(text: str, value: int) -> None:
    assert chinese_number(text) == value


def test_numerals_round_trip_and_labels() -> None:
    assert all(chinese_number(chinese_numeral(n)) == n for n in range(1, 3000))
    assert article_label(120, 1) == "第一百二十条之一"
    assert article_label(10) == "第十条"


def test_small_law_parses_paragraphs_and_headings() -> None:
    parsed = parse_law(small_law(), "t.md")
    assert [a.label for a in parsed.articles] == ["第一条", "第二条", "第二条之一", "第三条"]
    assert parsed.articles[1].paragraphs == ["违反本法第一条规定的，处以罚款。", "情节严重的，依照本法第二条之一处理。"]
    assert parsed.headings[parsed.articles[2].heading or 0].title == "附则"


@pytest.mark.parametrize(("text", "line", "message"), [
    ("没有标题\n", 1, "标题"),
    ("# 某法\n\n2020年1月1日 通过\n\n第一条 没有标记\n", 5, "INFO END"),
    ("# 某法\n<!-- INFO END -->\n第一条 甲\n第一条 乙\n", 4, "第一条重复"),
    ("# 某法\n<!-- INFO END -->\n只有序言\n", 3, "没有找到条文"),
])
def test_parse_errors_name_the_line(text: str, line: int, message: str) -> None:
    with pytest.raises(LawParseError) as caught:
        parse_law(text, "坏.md")
    assert caught.value.line == line
    assert message in caught.value.message and "坏.md" in caught.value.message

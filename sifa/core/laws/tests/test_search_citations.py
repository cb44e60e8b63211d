import pytest
from django.urls import reverse

from sifa.core.accounts.actor import Actor
from sifa.core.laws.citations import clear_link_cache, link_citations
from sifa.core.laws.models import Law
from sifa.core.laws.selectors import highlight, resolve_article, search_articles
from sifa.core.laws.services import import_law_text
from sifa.core.laws.tests.factories import law_file, small_law

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


@pytest.fixture
def library() -> None:
    for name in ("行政处罚法.md", "行政强制法.md", "刑法.md"):
        import_law_text(actor=SYSTEM, text=law_file(name), source_name=name)
    clear_link_cache()


def _labels(query: str, **kw: object) -> list[str]:
    return [f"{h.article.version.law.cite_key}{h.article.label}" for h in search_articles(query, **kw)[1]]  # type: ignore[arg-type]


def test_search_finds_the_overdue_surcharge_article_in_the_top_three(library: None) -> None:
    # on SQLite (FTS5, bm25) and PostgreSQL (tsvector 'simple', ts_rank_cd) alike
    assert "行政处罚法第七十二条" in _labels("加处罚款")[:3]


def test_search_for_hearing_finds_articles_63_and_64(library: None) -> None:
    law = Law.objects.get(key="行政处罚法")
    labels = _labels("听证", law=law)
    assert {"行政处罚法第六十三条", "行政处罚法第六十四条"} <= set(labels)
    assert all(x.startswith("行政处罚法") for x in labels)


def test_search_terms_are_and_combined_and_only_current_versions_count() -> None:
    import_law_text(actor=SYSTEM, text=small_law(), source_name="t.md")
    assert _labels("加处罚款") == ["测试管理法第二条之一"]
    assert _labels("加处罚款 公布") == []
    import_law_text(actor=SYSTEM, text=small_law(date="2024年1月1日").replace("加处罚款", "加收滞纳金"), source_name="t.md")
    assert _labels("加处罚款") == []
    assert _labels("滞纳金") == ["测试管理法第二条之一"]


def test_highlight_escapes_html_and_marks_terms() -> None:
    assert highlight("<b>加处罚款</b>", ["加处", "罚款"]) == "&lt;b&gt;<mark>加处</mark><mark>罚款</mark>&lt;/b&gt;"


def test_citations_link_known_articles_escape_and_mark_unknown_ones(library: None) -> None:
    html = link_citations("<i>依据《中华人民共和国行政处罚法》第六十条、第七十二条第一款，《刑法》第一百二十条之一，"
                          "《某某条例》第一条，《行政处罚法》第九百条</i>")
    url60 = reverse("laws:article", args=["行政处罚法", "60"])
    assert html.startswith("&lt;i&gt;依据")
    assert f'<a class="law-citation" href="{url60}">《中华人民共和国行政处罚法》第六十条</a>' in html
    assert f'<a class="law-citation" href="{reverse("laws:article", args=["行政处罚法", "72"])}">第七十二条</a>第一款' in html
    assert reverse("laws:article", args=["刑法", "120-1"]) in html
    assert '<span class="law-citation-unknown" title="法规库未收录">《某某条例》第一条</span>' in html
    assert '<span class="law-citation-unknown" title="法规库未收录">《行政处罚法》第九百条</span>' in html


def test_ben_fa_links_within_the_own_law_only(library: None) -> None:
    assert "href" not in link_citations("依照本法第六十条")
    assert reverse("laws:article", args=["行政处罚法", "60"]) in link_citations("依照本法第六十条", own_law="行政处罚法")


def test_resolve_article_and_split_code_parts() -> None:
    for name in ("民法典-总则编.md", "民法典-附则.md"):
        import_law_text(actor=SYSTEM, text=law_file(name), source_name=name)
    assert Law.objects.filter(cite_key="民法典").count() == 2
    art = resolve_article("《中华人民共和国民法典》", 1259)
    assert art is not None and art.version.law.key == "民法典·附则"
    assert resolve_article("民法典", 100) is not None and resolve_article("民法典", 900) is None


def test_many_citations_cost_a_bounded_number_of_queries(library: None, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    text = "、".join(f"《行政处罚法》第{n}条" for n in ("一", "二", "三", "六十", "七十二")) * 20
    with django_assert_max_num_queries(2):
        link_citations(text)
    with django_assert_max_num_queries(0):  # resolved within the last minute
        link_citations(text)

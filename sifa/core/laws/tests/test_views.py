import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sifa.core.accounts.actor import Actor
from sifa.core.alerts.models import Alert
from sifa.core.laws.citations import CitingObject
from sifa.core.laws.models import Law
from sifa.core.laws.services import import_law_text, repeal_law
from sifa.core.laws.tests.factories import citer_registered, law_file, small_law
from sifa.core.testing import client_for, membership_of

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


@pytest.fixture
def penalty_law() -> Law:
    import_law_text(actor=SYSTEM, text=small_law(), source_name="测试管理法.md")
    return import_law_text(actor=SYSTEM, text=law_file("行政处罚法.md"), source_name="行政处罚法.md").law


def test_list_law_page_toc_and_stable_article_url(penalty_law: Law) -> None:
    client = client_for("grid1")
    listing = client.get(reverse("laws:list"), {"q": "处罚"}).content.decode()
    assert "中华人民共和国行政处罚法" in listing and "测试管理法" not in listing
    page = client.get(reverse("laws:detail", args=["行政处罚法"])).content.decode()
    assert 'id="law-toc"' in page and "第五章 行政处罚的决定" in page and page.count('class="law-article') == 86
    article = client.get("/laws/行政处罚法/articles/72/")
    assert article.status_code == 200 and "加处罚款" in article.content.decode()
    assert client.get("/laws/行政处罚法/articles/999/").status_code == 404
    assert client.get("/laws/不存在法/").status_code == 404
    assert "较上一版本" not in article.content.decode()  # a first version is compared with nothing


def test_article_page_links_ben_fa_and_shows_history_after_a_new_version() -> None:
    # given: 之一 article; then a new version changing it
    import_law_text(actor=SYSTEM, text=small_law(), source_name="t.md")
    changed = small_law(date="2024年6月1日").replace("每日按罚款数额的百分之三加处罚款", "每日加处罚款")
    import_law_text(actor=SYSTEM, text=changed, source_name="t.md")
    client = client_for("county")
    # when
    html = client.get("/laws/测试管理法/articles/2/").content.decode()
    zhi_yi = client.get("/laws/测试管理法/articles/2-1/").content.decode()
    # then
    assert 'href="/laws/%E6%B5%8B%E8%AF%95%E7%AE%A1%E7%90%86%E6%B3%95/articles/2-1/">本法第二条之一</a>' in html
    assert "每日加处罚款" in zhi_yi and 'id="article-history"' in zhi_yi and "修改" in zhi_yi
    assert "较上一版本：修改" in zhi_yi
    law = Law.objects.get(key="测试管理法")
    version_page = client.get(reverse("laws:version", args=[law.key, law.current_version_id])).content.decode()
    assert 'id="version-diff"' in version_page and "<del>按罚款数额的百分之三</del>" in version_page


def test_search_page_highlights_and_escapes(penalty_law: Law) -> None:
    client = client_for("office1")
    html = client.get(reverse("laws:search"), {"q": "加处罚款"}).content.decode()
    assert "<mark>加处</mark><mark>罚款</mark>" in html and 'data-article="行政处罚法/72"' in html
    echoed = client.get(reverse("laws:search"), {"q": "<script>x</script>"}).content.decode()
    assert "<script>x" not in echoed and "&lt;script&gt;x" in echoed


def test_import_page_reports_each_file_and_rejects_a_bad_one() -> None:
    client = client_for("admin")
    files = [SimpleUploadedFile("好.md", small_law().encode()), SimpleUploadedFile("坏.md", "# 某法\n无标记\n".encode())]
    response = client.post(reverse("laws:import"), {"files": files})
    html = response.content.decode()
    assert response.status_code == 400
    assert "导入：中华人民共和国测试管理法，4 条" in html and "坏.md 第 2 行：缺少 &lt;!-- INFO END --&gt; 标记" in html
    assert Law.objects.filter(key="测试管理法").exists() and Law.objects.count() == 1
    assert client_for("county").get(reverse("laws:import")).status_code == 403


def test_repeal_form_marks_the_law_and_alerts(penalty_law: Law) -> None:
    office1 = membership_of("office1").org
    with citer_registered(lambda t, c, r, rep: [CitingObject(office1, "处罚事项", "/x/", [(60, 0)])]):
        response = client_for("admin").post(reverse("laws:repeal", args=["行政处罚法"]),
                                             {"repealed_on": "2025-01-01", "reason": "测试废止"})
    assert response.status_code == 302
    penalty_law.refresh_from_db()
    assert penalty_law.status == "repealed"
    assert Alert.objects.filter(rule_code="LAW-CHANGED", org=office1).count() == 1
    bad = client_for("admin").post(reverse("laws:repeal", args=["测试管理法"]), {"repealed_on": "", "reason": ""})
    assert bad.status_code == 400


def test_deadline_rules_page_links_its_sources(penalty_law: Law) -> None:
    html = client_for("county").get(reverse("deadlines:rules")).content.decode()
    assert 'class="law-citation" href="/laws/%E8%A1%8C%E6%94%BF%E5%A4%84%E7%BD%9A%E6%B3%95/articles/60/"' in html
    assert 'title="法规库未收录"' in html


def test_api_list_law_article_and_search(penalty_law: Law) -> None:
    client = client_for("grid1")
    laws = client.get("/api/v1/laws").json()
    assert {x["key"] for x in laws} == {"行政处罚法", "测试管理法"}
    detail = client.get("/api/v1/laws/行政处罚法").json()
    assert detail["article_count"] == 86 and detail["headings"][0]["label"] == "第一章"
    art = client.get("/api/v1/laws/articles", {"law": "中华人民共和国行政处罚法", "number": 60}).json()
    assert art["label"] == "第六十条" and art["current"] is True and art["url"].endswith("/articles/60/")
    assert client.get("/api/v1/laws/articles", {"law": "行政处罚法", "number": 999}).status_code == 404
    found = client.get("/api/v1/laws/search", {"q": "听证", "law": "行政处罚法"}).json()
    assert {"第六十三条", "第六十四条"} <= {h["article"]["label"] for h in found["hits"]}
    assert client.get("/api/v1/laws/search", {"q": " "}).status_code == 400


def test_repealed_law_still_listed_with_status() -> None:
    law = import_law_text(actor=SYSTEM, text=small_law(), source_name="t.md").law
    repeal_law(actor=SYSTEM, law=law, repealed_on=datetime.date(2025, 1, 1), reason="测试")
    html = client_for("county").get(reverse("laws:list"), {"status": "repealed"}).content.decode()
    assert "测试管理法" in html and "已废止" in html

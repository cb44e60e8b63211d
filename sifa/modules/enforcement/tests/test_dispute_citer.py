"""The law citer of open 行政处罚 cases (``enforcement.penalty_case``): re-importing a law whose cited
article changed flags the OPEN cases citing it (LAW-CHANGED alert to the case's org, listing the articles);
closed cases and cases citing only unchanged articles are not flagged; a repeal flags every open case."""

from __future__ import annotations

import pytest

from sifa.core.accounts.actor import Actor
from sifa.core.alerts.models import Alert
from sifa.core.laws.citations import citers
from sifa.core.laws.services import import_law_text
from sifa.core.laws.tests.factories import law_file
from sifa.modules.enforcement.tests.penalty_factories import new_case
from sifa.modules.enforcement.tests.similar_factories import decided_case

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")
OLD = "第六十条 行政机关应当自行政处罚案件立案之日起九十日内作出行政处罚决定。"
NEW = "第六十条 行政机关应当自行政处罚案件立案之日起六十日内作出行政处罚决定。"


def test_changed_article_flags_open_cases_citing_it() -> None:
    # given the 行政处罚法 in the library, an open case citing 第六十条, one citing only 第五十一条, a closed one
    text = law_file("行政处罚法.md")
    import_law_text(actor=SYSTEM, text=text, source_name="行政处罚法.md")
    citing = new_case(party_name="引用当事人", cited_articles="《中华人民共和国行政处罚法》第六十条、第五十一条")
    other = new_case(party_name="未受影响当事人", cited_articles="《行政处罚法》第五十一条")
    closed = decided_case(cited="《行政处罚法》第六十条", state="closed")
    # when a new version changes 第六十条
    assert OLD in text
    result = import_law_text(actor=SYSTEM, text=text.replace(OLD, NEW), source_name="行政处罚法.md")
    # then
    assert result.changed == [(60, 0)]
    found = list(citers["enforcement.penalty_case"].find("行政处罚法", {(60, 0)}, set(), False))
    numbers = {f.label.split()[1]: f for f in found}
    assert citing.case.number in numbers and numbers[citing.case.number].articles == [(60, 0)]
    assert other.case.number not in numbers and closed.case.number not in numbers
    assert numbers[citing.case.number].org == citing.case.org
    assert numbers[citing.case.number].url == f"/enforcement/cases/{citing.pk}/"
    alert = Alert.objects.filter(rule_code="LAW-CHANGED", org=citing.case.org).order_by("-id").first()
    assert alert is not None and f"行政处罚案件 {citing.case.number}" in alert.detail
    assert "第六十条" in alert.detail and closed.case.number not in alert.detail


def test_repeal_and_removed_articles_flag_open_cases() -> None:
    case = new_case(party_name="废止当事人", cited_articles="《测试处罚条例》第三条、第五条")
    find = citers["enforcement.penalty_case"].find
    [hit] = [f for f in find("测试处罚条例", set(), set(), True) if case.case.number in f.label]
    assert hit.articles == [(3, 0), (5, 0)] and "行政处罚案件" in hit.label
    [removed] = [f for f in find("测试处罚条例", set(), {(5, 0)}, False) if case.case.number in f.label]
    assert removed.articles == [(5, 0)]
    assert not [f for f in find("测试处罚条例", {(9, 0)}, set(), False) if case.case.number in f.label]
    assert citers["enforcement.penalty_case"].label == "行政处罚案件"

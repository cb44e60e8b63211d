"""Classification of field-report notes by keyword rules (classify.py): categories and their explanation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sifa.modules.correction.classify import DEFAULT_SUGGESTION, classify, split_keywords
from sifa.modules.correction.field_reports import default_rules


@dataclass
class Rule:
    code: str
    category: str
    keywords: Any = field(default_factory=list)
    alert_level: str = ""
    suggestion: str = ""
    order: int = 100


def test_matched_keywords_explain_the_category() -> None:
    # given the drinking rule
    rules = [Rule("drinking", "饮酒", ["喝酒", "饮酒", "酒后"], "yellow", "开展个别教育")]
    # when a note mentions two of its keywords
    matches = classify("邻居反映他昨晚喝酒，酒后大声吵闹", rules)
    # then one category, both keywords, in the rule's order, and the sentence the page shows
    assert [m.category for m in matches] == ["饮酒"]
    assert matches[0].keywords == ["喝酒", "酒后"]
    assert matches[0].explanation == "因包含关键词「喝酒」「酒后」归入「饮酒」"
    assert matches[0].as_json()["explanation"] == "因包含关键词「喝酒」「酒后」归入「饮酒」"
    assert matches[0].alert_level == "yellow"
    assert matches[0].suggestion == "开展个别教育"


def test_no_keyword_no_category() -> None:
    assert classify("走访时对象在家，情况正常", [Rule("drinking", "饮酒", ["喝酒"])]) == []


def test_rules_sharing_a_category_merge_and_take_the_more_serious_level() -> None:
    # given two rules for one category with different levels, and one without a suggestion
    rules = [Rule("a", "疑似违规", ["赌博"], "yellow", "", order=20), Rule("b", "疑似违规", ["夜不归宿"], "red", "核实", order=10)]
    # when both match
    matches = classify("听说他夜不归宿，还去赌博", rules)
    # then one category, keywords of both (rule order), red, the first suggestion given
    assert len(matches) == 1
    assert matches[0].keywords == ["夜不归宿", "赌博"]
    assert matches[0].rules == ["b", "a"]
    assert matches[0].alert_level == "red"
    assert matches[0].suggestion == "核实"


def test_full_width_and_case_are_ignored() -> None:
    matches = classify("晚上在ＫＴＶ唱歌", [Rule("v", "疑似违规", ["ktv"])])
    assert [m.keywords for m in matches] == [["ktv"]]


def test_a_category_without_suggestion_gets_the_default_text() -> None:
    matches = classify("找到工作了", [Rule("e", "就业", ["找到工作"])])
    assert matches[0].suggestion == DEFAULT_SUGGESTION.format(category="就业")


def test_keywords_typed_in_one_box_are_split_and_deduplicated() -> None:
    assert split_keywords("喝酒、饮酒，酒后 喝酒\n醉酒;") == ["喝酒", "饮酒", "酒后", "醉酒"]
    assert split_keywords("  ") == []


def test_default_rules_cover_the_issue_categories() -> None:
    # given the shipped rules (data/keyword_rules.json)
    rules = [Rule(r["code"], r["category"], r["keywords"], r["alert_level"], r["suggestion"], r["order"])
             for r in default_rules()]
    # then the five categories of the issue are there, each with keywords, alert levels known to core alerts
    assert {r.category for r in rules} >= {"就业", "家庭矛盾", "疑似违规", "饮酒", "外出"}
    assert all(r.keywords for r in rules)
    assert {r.alert_level for r in rules} <= {"", "red", "orange", "yellow", "blue"}
    # and a note about drinking and a quarrel falls in both categories
    assert {m.category for m in classify("他喝醉了和老婆吵架", rules)} == {"饮酒", "家庭矛盾"}

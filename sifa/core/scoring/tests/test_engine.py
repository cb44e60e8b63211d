"""The pure engine: points per unit, caps, deductions, floors, adjustments, explanations, Decimal arithmetic."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from sifa.core.scoring.engine import (
    Fact,
    FactRef,
    PointAdjustment,
    SchemeInvalid,
    check_adjustment,
    compute,
    fmt,
    parse_indicators,
    parse_scheme,
)

D = Decimal
DAY = datetime.date(2026, 11, 5)
SOURCES = {"work.cases": "org", "work.hours": "org", "work.bad": "org", "case.moves": "case"}


def fact(source: str, n: int, *, on: datetime.date = DAY, quantity: str = "1", **attrs: str) -> Fact:
    return Fact(source=source, subject=1, on=on, ref=FactRef("case", str(n), f"案件{n}", "cases:detail", (n,)),
                quantity=D(quantity), attrs=attrs)


def scheme(indicators: list[dict[str, Any]], total: str = "100", **extra: Any) -> dict[str, Any]:
    return {"code": "t", "name": "测试", "subject_kind": "org", "valid_from": "2026-01-01", "total": total,
            "indicators": indicators, **extra}


def tree(indicators: list[dict[str, Any]], total: str = "100") -> Any:
    return parse_scheme(scheme(indicators, total), sources=SOURCES).tree


def one_part(children: list[dict[str, Any]], full_marks: str = "100") -> Any:
    return tree([{"code": "A", "label": "部分", "full_marks": full_marks, "children": children}], full_marks)


def test_points_per_unit_and_explanation_lists_exactly_the_counted_facts() -> None:
    # given an item counting only accepted cases, 2 points each
    t = one_part([{"code": "A.1", "label": "受理", "source": "work.cases", "points_per_unit": "2",
                   "unit_filter": {"state": ["accepted", "closed"]}}])
    facts = [fact("work.cases", 1, state="accepted"), fact("work.cases", 2, state="registered"),
             fact("work.cases", 3, state="closed"), fact("work.hours", 4, state="accepted")]
    # when
    result = compute(t, facts)
    # then
    line = result.line("A.1")
    assert [c.fact.ref.id for c in line.facts] == ["1", "3"]
    assert line.units == 2 and line.points == D("4") and not line.limited
    assert result.line("A").points == D("4") and result.total == D("4")


def test_cap_keeps_every_fact_and_says_so() -> None:
    t = one_part([{"code": "A.1", "label": "立案", "source": "work.cases", "points_per_unit": "3", "cap": "10"}])
    result = compute(t, [fact("work.cases", n) for n in range(5)])
    line = result.line("A.1")
    assert line.raw == D(15) and line.points == D(10)
    assert line.notes == ["已达上限 10 分"] and len(line.facts) == 5


def test_part_full_marks_bound_the_sum_of_items() -> None:
    t = tree([
        {"code": "A", "label": "基础", "full_marks": "10", "children": [
            {"code": "A.1", "label": "甲", "source": "work.cases", "points_per_unit": "4"},
            {"code": "A.2", "label": "乙", "source": "work.hours", "points_per_unit": "4"}]},
        {"code": "B", "label": "其他", "full_marks": "90", "children": [{"code": "B.1", "label": "人工"}]},
    ])
    result = compute(t, [fact("work.cases", 1), fact("work.hours", 2), fact("work.hours", 3)])
    assert result.line("A").raw == D(12) and result.line("A").points == D(10)
    assert result.line("A").notes == ["已达满分 10 分"]
    assert result.total == D(10)


def test_per_quantity_uses_decimal_arithmetic_and_rounds_half_up() -> None:
    # given 0.1 point per hour: 0.1 + 0.2 must be exactly 0.3, never a binary float
    t = one_part([{"code": "A.1", "label": "服务时长", "source": "work.hours", "per": "quantity",
                   "points_per_unit": "0.1"}])
    result = compute(t, [fact("work.hours", 1, quantity="1"), fact("work.hours", 2, quantity="2"),
                         fact("work.hours", 3, quantity="0.25")])
    line = result.line("A.1")
    assert line.units == D("3.25")
    assert line.points == D("0.33")  # 0.325 rounded half up
    assert [c.points for c in line.facts] == [D("0.1"), D("0.2"), D("0.025")]


def test_deduction_part_with_cap_and_items_with_caps() -> None:
    # given a negative list: −5 per bad case (at most −20), the part at most −30
    t = tree([
        {"code": "A", "label": "基础", "full_marks": "100", "children": [{"code": "A.1", "label": "人工"}]},
        {"code": "N", "label": "负面清单", "deduction": True, "cap": "30", "children": [
            {"code": "N.1", "label": "差错", "source": "work.bad", "points_per_unit": "-5", "cap": "20"},
            {"code": "N.2", "label": "投诉", "source": "work.cases", "points_per_unit": "-4"}]},
    ])
    facts = [fact("work.bad", n) for n in range(6)] + [fact("work.cases", n) for n in range(4)]
    result = compute(t, facts, [PointAdjustment("A.1", D(80), "评定")])
    assert result.line("N.1").raw == D(-30) and result.line("N.1").points == D(-20)
    assert result.line("N.1").notes == ["已达扣分上限 20 分"]
    assert result.line("N.2").points == D(-16)
    assert result.line("N").raw == D(-36) and result.line("N").points == D(-30)
    assert result.total == D(50)


def test_part_floor_at_zero_is_the_usual_deduct_until_nothing_is_left() -> None:
    # given an item worth 10 from which each late report deducts 3 (扣完为止)
    t = one_part([{"code": "A.1", "label": "报送", "base": "10", "cap": "10", "children": [
        {"code": "A.1.1", "label": "迟报", "source": "work.bad", "points_per_unit": "-3", "deduction": True}]}])
    two = compute(t, [fact("work.bad", 1), fact("work.bad", 2)])
    assert two.line("A.1").points == D(4)
    five = compute(t, [fact("work.bad", n) for n in range(5)])
    assert five.line("A.1").raw == D(-5) and five.line("A.1").points == D(0)
    assert five.line("A.1").notes == ["扣完为止，不低于 0 分"]
    assert five.line("A").points == D(0)


def test_facts_outside_the_period_do_not_count() -> None:
    t = one_part([{"code": "A.1", "label": "立案", "source": "work.cases", "points_per_unit": "1"}])
    facts = [fact("work.cases", 1, on=datetime.date(2026, 10, 31)), fact("work.cases", 2),
             fact("work.cases", 3, on=datetime.date(2026, 12, 1))]
    result = compute(t, facts, start=datetime.date(2026, 11, 1), end=datetime.date(2026, 11, 30))
    assert [c.fact.ref.id for c in result.line("A.1").facts] == ["2"]


def test_adjustments_count_after_the_indicator_cap_and_are_shown_on_the_line() -> None:
    t = one_part([{"code": "A.1", "label": "立案", "source": "work.cases", "points_per_unit": "5", "cap": "20"},
                  {"code": "A.2", "label": "人工", "cap": "30"}])
    facts = [fact("work.cases", n) for n in range(5)]  # 25 → capped at 20
    result = compute(t, facts, [PointAdjustment("A.1", D(-3), "质量不高"), PointAdjustment("A.2", D("12.5"), "评定")])
    assert result.line("A.1").points == D(17) and result.line("A.1").adjustment == D(-3)
    assert result.line("A.1").adjustments[0].reason == "质量不高"
    assert result.line("A.2").points == D("12.5")
    assert result.total == D("29.5")


def test_an_adjustment_past_the_cap_is_refused_naming_the_indicator() -> None:
    t = one_part([{"code": "A.1", "label": "立案", "source": "work.cases", "points_per_unit": "5", "cap": "20"}])
    facts = [fact("work.cases", n) for n in range(3)]  # 15
    assert check_adjustment(t, facts, [], PointAdjustment("A.1", D(5))) is None
    message = check_adjustment(t, facts, [], PointAdjustment("A.1", D(6)))
    assert message is not None and "A.1" in message and "上限 20 分" in message and "最多还可加 5 分" in message
    below = check_adjustment(t, facts, [], PointAdjustment("A.1", D(-16)))
    assert below is not None and "低于 0 分" in below and "最多还可减 15 分" in below


def test_an_adjustment_swallowed_by_the_part_full_marks_is_refused_naming_the_part() -> None:
    t = one_part([{"code": "A.1", "label": "甲", "cap": "8"}, {"code": "A.2", "label": "乙", "cap": "8"}],
                 full_marks="10")
    existing = [PointAdjustment("A.1", D(8))]
    message = check_adjustment(t, [], existing, PointAdjustment("A.2", D(5)))
    assert message is not None and message.startswith("调整后指标 A（部分）") and "满分 10 分" in message


def test_a_deduction_adjustment_is_refused_past_the_most_it_may_deduct() -> None:
    t = tree([{"code": "A", "label": "基础", "full_marks": "100", "children": [{"code": "A.1", "label": "人工"}]},
              {"code": "N", "label": "负面清单", "deduction": True, "children": [
                  {"code": "N.1", "label": "其他", "cap": "10"}]}])
    assert check_adjustment(t, [], [], PointAdjustment("N.1", D(-10))) is None
    message = check_adjustment(t, [], [], PointAdjustment("N.1", D(-11)))
    assert message is not None and "N.1" in message and "扣分上限 10 分" in message
    plus = check_adjustment(t, [], [], PointAdjustment("N.1", D(1)))
    assert plus is not None and "扣分项" in plus


def test_adjustment_of_an_unknown_code_is_an_error() -> None:
    t = one_part([{"code": "A.1", "label": "人工"}])
    with pytest.raises(ValueError, match="X.9"):
        compute(t, [], [PointAdjustment("X.9", D(1))])
    assert check_adjustment(t, [], [], PointAdjustment("X.9", D(1))) == "指标 X.9 不在方案中"


def test_rule_texts_and_formatting() -> None:
    t = tree([{"code": "A", "label": "基础", "full_marks": "100", "children": [
        {"code": "A.1", "label": "立案", "source": "work.cases", "points_per_unit": "2", "cap": "20"},
        {"code": "A.2", "label": "人工", "cap": "10"}]},
        {"code": "N", "label": "负面", "deduction": True, "children": [
            {"code": "N.1", "label": "差错", "source": "work.bad", "points_per_unit": "-5", "cap": "15"}]}])
    assert t.find("A.1").rule_text() == "每件 2 分，上限 20 分"
    assert t.find("A.2").rule_text() == "人工评分，上限 10 分"
    assert t.find("N.1").rule_text("次") == "每次扣 5 分，最多扣 15 分"
    assert t.find("A").rule_text() == "满分 100 分"
    assert (fmt(D("20.00")), fmt(D("1.50")), fmt(D("-0.00")), fmt(D("0.125"))) == ("20", "1.5", "0", "0.13")


def test_stored_tree_reads_back_the_same() -> None:
    t = tree([{"code": "A", "label": "基础", "full_marks": "60", "children": [
        {"code": "A.1", "label": "立案", "base": "5", "cap": "30", "children": [
            {"code": "A.1.1", "label": "子", "source": "work.cases", "points_per_unit": "1.5",
             "unit_filter": {"state": "accepted"}, "note": "说明"}]}]},
        {"code": "N", "label": "负面", "deduction": True, "cap": "40", "children": [
            {"code": "N.1", "label": "差错", "source": "work.bad", "points_per_unit": "-5", "per": "quantity"}]},
        {"code": "B", "label": "其他", "full_marks": "40"}])
    assert parse_indicators(t.to_data(), t.total) == t


def test_a_1000_point_scheme_with_six_parts_and_a_negative_list_is_expressible() -> None:
    parts = [("A", "基础性工作", 200), ("B", "制度性工作", 150), ("C", "重点性工作", 300), ("D", "日常性工作", 250),
             ("E", "业绩突出工作", 100)]
    indicators: list[dict[str, Any]] = [
        {"code": c, "label": label, "full_marks": str(marks), "children": [
            {"code": f"{c}.1", "label": "项目", "cap": str(marks), "children": [
                {"code": f"{c}.1.1", "label": "子项", "source": "work.cases", "points_per_unit": "2", "cap": "50"},
                {"code": f"{c}.1.2", "label": "人工子项", "cap": "20"}]}]}
        for c, label, marks in parts]
    indicators.append({"code": "F", "label": "负面清单", "deduction": True, "children": [
        {"code": "F.1", "label": "发生重大差错", "source": "work.bad", "points_per_unit": "-50"}]})
    t = tree(indicators, total="1000")
    assert [p.label for p in t.parts][-1] == "负面清单" and len(t.parts) == 6
    result = compute(t, [fact("work.cases", n) for n in range(30)] + [fact("work.bad", 1)])
    assert result.line("A.1.1").points == D(50) and result.line("F").points == D(-50)
    assert result.total == D(50) * 5 - D(50)


# --- scheme validation: every error names its indicator code -------------------------------------

PART_A = {"code": "A", "label": "基础", "full_marks": "100"}


@pytest.mark.parametrize(("indicators", "where", "fragment"), [
    ([PART_A, {**PART_A, "full_marks": "0"}], "A", "编码重复"),
    ([{**PART_A, "children": [{"code": "A.1", "label": "甲", "cap": "0"}]}], "A.1", "上限 cap 须为正数"),
    ([{**PART_A, "children": [{"code": "A.1", "label": "甲", "cap": "-5"}]}], "A.1", "上限 cap 须为正数"),
    ([PART_A, {"code": "N", "label": "负面", "deduction": True, "children": [
        {"code": "N.1", "label": "差", "source": "work.bad", "points_per_unit": "5"}]}], "N.1", "须为负数"),
    ([{**PART_A, "children": [{"code": "A.1", "label": "甲", "source": "work.bad", "points_per_unit": "-5"}]}],
     "A.1", "须标为扣分项"),
    ([{**PART_A, "children": [{"code": "A.1", "label": "甲", "source": "nope.x", "points_per_unit": "1"}]}],
     "A.1", "未知的事实来源 nope.x"),
    ([{**PART_A, "children": [{"code": "A.1", "label": "甲", "source": "case.moves", "points_per_unit": "1"}]}],
     "A.1", "考核对象是案件"),
    ([{**PART_A, "children": [{"code": "A.1", "label": "甲", "source": "work.cases"}]}], "A.1", "points_per_unit"),
    ([{**PART_A, "children": [{"code": "A.1", "label": "甲", "points_per_unit": "1"}]}], "A.1", "须与事实来源"),
    ([{**PART_A, "children": [{"code": "A.1", "label": "甲", "kind": "part"}]}], "A.1", "层级 kind 应为 item"),
    ([{**PART_A, "children": [{"code": "A.1", "label": "甲", "children": [
        {"code": "A.1.1", "label": "乙", "children": [{"code": "A.1.1.1", "label": "丙"}]}]}]}],
     "A.1.1", "子项之下不能再有下级指标"),
    ([{"code": "A", "label": "基础"}], "A", "部分须填写满分"),
    ([{**PART_A, "children": [{"code": "A.1", "label": "甲", "full_marks": "5"}]}], "A.1", "只有部分"),
    ([{**PART_A, "children": [{"code": "A.1", "label": "甲", "cap": "1.005"}]}], "A.1", "最多两位小数"),
    ([{**PART_A, "children": [{"code": "A.1", "label": "甲", "cap": "十"}]}], "A.1", "应为数字"),
    ([{**PART_A, "children": [{"code": "A.1", "label": "甲", "colour": "red"}]}], "A.1", "未知字段 colour"),
    ([{**PART_A, "children": [{"code": "A.1", "label": ""}]}], "A.1", "缺少名称"),
    ([{**PART_A, "children": [{"label": "无编码"}]}], "第 1 个指标（A 之下）", "缺少编码"),
    ([PART_A, {"code": "N", "label": "负面", "deduction": True, "full_marks": "10"}], "N", "满分 full_marks 须为 0"),
    ([PART_A, {"code": "N", "label": "负面", "deduction": True, "children": [
        {"code": "N.1", "label": "甲", "deduction": False}]}], "N.1", "不能标为 deduction: false"),
    ([{**PART_A, "children": [{"code": "A.1", "label": "甲", "source": "work.cases", "points_per_unit": "1",
                               "children": [{"code": "A.1.1", "label": "乙"}]}]}], "A.1", "不能直接计分"),
    ([{**PART_A, "children": [{"code": "A.1", "label": "甲", "base": "8", "cap": "5"}]}], "A.1", "基础分 base 超过上限"),
    ([{**PART_A, "children": [{"code": "A.1", "label": "甲", "source": "work.cases", "points_per_unit": "1",
                               "per": "hour"}]}], "A.1", "per 须为"),
])
def test_scheme_errors_name_the_indicator(indicators: list[dict[str, Any]], where: str, fragment: str) -> None:
    with pytest.raises(SchemeInvalid) as info:
        parse_scheme(scheme(indicators), sources=SOURCES)
    matching = [(w, m) for w, m in info.value.errors if fragment in m]
    assert matching, info.value.errors
    assert matching[0][0] == where
    assert where in matching[0][1]


def test_parts_must_add_up_to_the_total_and_the_message_lists_them() -> None:
    with pytest.raises(SchemeInvalid) as info:
        parse_scheme(scheme([PART_A, {"code": "B", "label": "其他", "full_marks": "50"}], total="100"),
                     sources=SOURCES)
    [(where, message)] = info.value.errors
    assert where == "方案字段 total"
    assert "各部分满分合计 150 分（A 100、B 50）" in message and "方案总分 100 分" in message


def test_every_error_is_reported_at_once() -> None:
    with pytest.raises(SchemeInvalid) as info:
        parse_scheme(scheme([{**PART_A, "children": [
            {"code": "A.1", "label": "甲", "cap": "0"},
            {"code": "A.2", "label": "乙", "source": "nope", "points_per_unit": "1"},
            {"code": "A.1", "label": "丙"}]}]), sources=SOURCES)
    assert [w for w, _ in info.value.errors] == ["A.1", "A.2", "A.1"]


@pytest.mark.parametrize(("changes", "where"), [
    ({"code": ""}, "方案字段 code"),
    ({"subject_kind": "team"}, "方案字段 subject_kind"),
    ({"valid_from": "2026-13-01"}, "方案字段 valid_from"),
    ({"valid_to": "2025-01-01"}, "方案字段 valid_to"),
    ({"total": "-1"}, "方案字段 total"),
    ({"indicators": []}, "方案字段 indicators"),
    ({"owner": "x"}, "方案"),
])
def test_scheme_field_errors_name_the_field(changes: dict[str, Any], where: str) -> None:
    with pytest.raises(SchemeInvalid) as info:
        parse_scheme({**scheme([PART_A]), **changes}, sources=SOURCES)
    assert where in [w for w, _ in info.value.errors]

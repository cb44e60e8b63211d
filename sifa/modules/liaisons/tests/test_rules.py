import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from sifa.modules.liaisons.rules import (
    DEFAULT_RULES_FILE,
    RulesError,
    assess,
    current_rules,
    grade_of,
    load_rules_file,
    parse_rules,
)


def _data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEFAULT_RULES_FILE.read_text(encoding="utf-8"))
    data.update(changes)
    return data


def test_default_rules_are_valid_and_add_up_to_100() -> None:
    rules = load_rules_file(DEFAULT_RULES_FILE)
    assert [line.key for line in rules.lines] == ["publicity", "dispute", "consultation", "other", "training"]
    assert rules.full_marks == Decimal(100)
    assert [g.label for g in rules.grades] == ["优秀", "称职", "基本称职", "不称职"]
    assert rules.activities[0].text == "每场 2 分，上限 30 分"


def test_points_per_kind_are_capped_and_graded() -> None:
    # given: 20 publicity sessions (40 raw, capped at 30), 3 disputes (9), 4 consultations (4), 5 hours (10)
    rules = load_rules_file(DEFAULT_RULES_FILE)
    # when
    result = assess(rules, 2025, activity_units={"publicity": 20, "dispute": 3, "consultation": 4},
                    training_hours=Decimal(5), training_sessions=2)
    # then
    lines = {line.rule.key: line for line in result.lines}
    assert (lines["publicity"].raw, lines["publicity"].points, lines["publicity"].capped) == (40, 30, True)
    assert (lines["dispute"].points, lines["consultation"].points, lines["other"].points) == (9, 4, 0)
    assert lines["training"].points == 10 and not lines["training"].capped
    assert result.total == Decimal("53.00")
    assert result.grade == "基本称职"


@pytest.mark.parametrize(("total", "grade"), [("0", "不称职"), ("39.99", "不称职"), ("40", "基本称职"),
                                             ("59.99", "基本称职"), ("60", "称职"), ("84.99", "称职"), ("85", "优秀"),
                                             ("100", "优秀")])
def test_grade_thresholds_are_inclusive(total: str, grade: str) -> None:
    assert grade_of(load_rules_file(DEFAULT_RULES_FILE), Decimal(total)) == grade


def test_training_per_session() -> None:
    rules = parse_rules(_data(training={"per": "session", "points_per_unit": 5, "cap": 10}))
    result = assess(rules, 2025, activity_units={}, training_hours=Decimal(30), training_sessions=3)
    assert result.lines[-1].units == 3 and result.lines[-1].points == 10
    assert rules.training.text == "每次 5 分，上限 10 分"


def test_every_problem_is_reported_at_once() -> None:
    data = _data(activities={"publicity": {"points_per_unit": -1}, "dispute": {"points_per_unit": "1.234", "cap": 0},
                             "party": {"points_per_unit": 1}},
                 training={"per": "day", "points_per_unit": 1},
                 grades=[{"label": "优秀", "min": 60}, {"label": "称职", "min": 80}, {"label": "优秀", "min": 10}],
                 extra=1)
    with pytest.raises(RulesError) as exc:
        parse_rules(data)
    message = str(exc.value)
    for expected in ["未知字段 extra", "activities.party：未知的活动类型", "activities.publicity.points_per_unit：应不小于 0",
                     "activities.dispute.points_per_unit：最多两位小数", "activities.dispute.cap：应大于 0",
                     "activities.consultation：缺少活动类型「法律咨询」的分值", "training.per", "grades：等次名称重复",
                     "grades：最低分应从高到低严格递减", "grades：最后一个等次的最低分应为 0"]:
        assert expected in message


def test_setting_points_to_another_file_is_used_and_checked(settings: Any, tmp_path: Path) -> None:
    # given
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(_data(grades=[{"label": "合格", "min": 0}])), encoding="utf-8")
    settings.SIFA_LIAISON_RULES_FILE = str(path)
    # when / then
    assert [g.label for g in current_rules().grades] == ["合格"]
    from sifa.modules.liaisons.checks import rules_check

    assert rules_check() == []
    path.write_text("{not json", encoding="utf-8")
    import os

    os.utime(path, (1, 1))  # a new mtime: the cached rule is re-read
    errors = rules_check()
    assert len(errors) == 1 and errors[0].id == "liaisons.E001" and "不是有效的 JSON" in errors[0].msg

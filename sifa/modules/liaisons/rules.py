"""The yearly points and grade of a 法律明白人: a transparent rule read from data.

The rule ships as ``data/assessment.json``; ``SIFA_LIAISON_RULES_FILE`` may name a file of the same
format to use instead. For one liaison and one calendar year:

- each activity kind earns ``points_per_unit`` × the sum of its activities' ``count`` (场/件/人次),
  at most its ``cap``;
- trainings earn ``points_per_unit`` per hour (``"per": "hour"``) or per training attended
  (``"per": "session"``), at most the training ``cap``;
- the total is the sum of those lines; the grade is the first of ``grades`` (highest ``min`` first)
  whose ``min`` the total reaches. The last grade's ``min`` must be 0, so every total has a grade.

Arithmetic is ``Decimal``, rounded half-up to 0.01. Validation reports every problem of a rule file
at once. No database access here: callers pass the units (``selectors.year_points``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from sifa.core.scoring.engine import fmt
from sifa.modules.liaisons.choices import ActivityKind

DEFAULT_RULES_FILE = Path(__file__).parent / "data" / "assessment.json"
CENT = Decimal("0.01")
ZERO = Decimal(0)
TRAINING = "training"
PER_HOUR, PER_SESSION = "hour", "session"
_TOP_KEYS = {"activities", "training", "grades", "_comment", "note"}


class RulesError(ValueError):
    """A rule file that cannot be used; the message lists every problem (in Chinese)."""


@dataclass(frozen=True)
class LineRule:
    """How one line earns points: ``points_per_unit`` per unit, at most ``cap`` (None: no cap)."""

    key: str
    label: str
    unit: str
    points_per_unit: Decimal
    cap: Decimal | None

    @property
    def text(self) -> str:
        """The rule in words, e.g. "每场 2 分，上限 30 分"."""
        capped = f"，上限 {fmt(self.cap)} 分" if self.cap is not None else ""
        return f"每{self.unit} {fmt(self.points_per_unit)} 分{capped}"


@dataclass(frozen=True)
class GradeRule:
    label: str
    min_points: Decimal


@dataclass(frozen=True)
class AssessmentRules:
    activities: tuple[LineRule, ...]
    training: LineRule
    training_per: str
    grades: tuple[GradeRule, ...]
    source: str = ""

    @property
    def lines(self) -> tuple[LineRule, ...]:
        return (*self.activities, self.training)

    @property
    def full_marks(self) -> Decimal | None:
        """The most a liaison can earn in a year (None when some line has no cap)."""
        caps = [line.cap for line in self.lines]
        return None if any(c is None for c in caps) else sum((c for c in caps if c is not None), ZERO)


@dataclass(frozen=True)
class PointLine:
    """One line of a liaison's yearly points: what was counted, by which rule, and what it gave."""

    rule: LineRule
    units: Decimal
    raw: Decimal  # before the cap
    points: Decimal

    @property
    def capped(self) -> bool:
        return self.raw > self.points


@dataclass(frozen=True)
class YearAssessment:
    """A liaison's points for one calendar year, line by line, with the grade they give."""

    year: int
    lines: tuple[PointLine, ...]
    total: Decimal
    grade: str


def _number(value: Any, where: str, errors: list[str], *, positive: bool = False) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        errors.append(f"{where}：应为数字")
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errors.append(f"{where}：应为数字")
        return None
    if not number.is_finite():
        errors.append(f"{where}：应为数字")
        return None
    if number < 0 or (positive and number == 0):
        errors.append(f"{where}：应{'大于' if positive else '不小于'} 0")
        return None
    if number != number.quantize(CENT):
        errors.append(f"{where}：最多两位小数")
        return None
    return number


def _line(key: str, label: str, spec: Any, where: str, errors: list[str], *, default_unit: str,
          extra: frozenset[str] = frozenset()) -> LineRule | None:
    if not isinstance(spec, dict):
        errors.append(f"{where}：应为对象")
        return None
    unknown = set(spec) - {"points_per_unit", "cap", "unit"} - extra
    if unknown:
        errors.append(f"{where}：未知字段 {'、'.join(sorted(unknown))}")
    if "points_per_unit" not in spec:
        errors.append(f"{where}.points_per_unit：必填")
        return None
    ppu = _number(spec["points_per_unit"], f"{where}.points_per_unit", errors)
    cap = _number(spec["cap"], f"{where}.cap", errors, positive=True) if spec.get("cap") is not None else None
    unit = spec.get("unit", default_unit)
    if not isinstance(unit, str) or not unit.strip():
        errors.append(f"{where}.unit：应为非空文字")
        return None
    if ppu is None or (spec.get("cap") is not None and cap is None):
        return None
    return LineRule(key, label, unit.strip(), ppu, cap)


def parse_rules(data: Any, *, source: str = "") -> AssessmentRules:
    """Validate a rule document (see the module docstring); raise ``RulesError`` listing every problem."""
    errors: list[str] = []
    if not isinstance(data, dict):
        raise RulesError("积分规则应为 JSON 对象")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        errors.append(f"未知字段 {'、'.join(sorted(unknown))}")
    activities: list[LineRule] = []
    raw_activities = data.get("activities")
    if not isinstance(raw_activities, dict):
        errors.append("activities：必填，应为对象（每种活动类型一项）")
        raw_activities = {}
    for kind in sorted(set(raw_activities) - set(ActivityKind.values)):
        errors.append(f"activities.{kind}：未知的活动类型（可选 {'、'.join(ActivityKind.values)}）")
    for kind, label in ActivityKind.choices:
        if kind not in raw_activities:
            if isinstance(data.get("activities"), dict):
                errors.append(f"activities.{kind}：缺少活动类型「{label}」的分值")
            continue
        line = _line(kind, label, raw_activities[kind], f"activities.{kind}", errors, default_unit="次")
        if line is not None:
            activities.append(line)
    raw_training = data.get("training")
    training: LineRule | None = None
    per = PER_HOUR
    if not isinstance(raw_training, dict):
        errors.append("training：必填，应为对象")
    else:
        per = raw_training.get("per", PER_HOUR)
        if per not in (PER_HOUR, PER_SESSION):
            errors.append(f"training.per：应为 {PER_HOUR}（按学时）或 {PER_SESSION}（按次）")
        training = _line(TRAINING, "参加培训", raw_training, "training", errors,
                         default_unit="学时" if per == PER_HOUR else "次", extra=frozenset({"per"}))
    grades: list[GradeRule] = []
    raw_grades = data.get("grades")
    if not isinstance(raw_grades, list) or not raw_grades:
        errors.append("grades：必填，应为非空列表（从高到低）")
        raw_grades = []
    for i, g in enumerate(raw_grades, start=1):
        where = f"grades 第 {i} 项"
        if not isinstance(g, dict) or set(g) != {"label", "min"}:
            errors.append(f"{where}：应为 {{\"label\": 等次, \"min\": 最低分}}")
            continue
        minimum = _number(g["min"], f"{where}.min", errors)
        if not isinstance(g["label"], str) or not g["label"].strip():
            errors.append(f"{where}.label：应为非空文字")
            continue
        if minimum is not None:
            grades.append(GradeRule(g["label"].strip(), minimum))
    labels = [g.label for g in grades]
    if len(set(labels)) != len(labels):
        errors.append("grades：等次名称重复")
    if any(a.min_points <= b.min_points for a, b in zip(grades, grades[1:], strict=False)):
        errors.append("grades：最低分应从高到低严格递减")
    if grades and grades[-1].min_points != 0:
        errors.append("grades：最后一个等次的最低分应为 0（每个总分都须有等次）")
    if errors or training is None:
        raise RulesError("积分规则有误：" + "；".join(errors or ["training：无效"]))
    return AssessmentRules(tuple(activities), training, per, tuple(grades), source)


def load_rules_file(path: Path) -> AssessmentRules:
    try:
        data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except OSError as exc:
        raise RulesError(f"无法读取积分规则文件 {path}：{exc.strerror or exc}") from exc
    except ValueError as exc:
        raise RulesError(f"积分规则文件 {path} 不是有效的 JSON：{exc}") from exc
    try:
        return parse_rules(data, source=str(path))
    except RulesError as exc:
        raise RulesError(f"{path}：{exc}") from exc


@lru_cache(maxsize=8)
def _cached(path: str, mtime: float) -> AssessmentRules:
    return load_rules_file(Path(path))


def current_rules() -> AssessmentRules:
    """The rule in force: ``SIFA_LIAISON_RULES_FILE`` when set, else the shipped default (re-read when the file changes)."""
    from django.conf import settings

    path = Path(getattr(settings, "SIFA_LIAISON_RULES_FILE", "") or DEFAULT_RULES_FILE)
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise RulesError(f"无法读取积分规则文件 {path}：{exc.strerror or exc}") from exc
    return _cached(str(path), mtime)


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def assess(rules: AssessmentRules, year: int, *, activity_units: Mapping[str, int | Decimal],
           training_hours: Decimal | int, training_sessions: int) -> YearAssessment:
    """A liaison's points for ``year`` from the summed ``count`` per activity kind and the trainings attended."""
    lines: list[PointLine] = []
    for rule in rules.activities:
        units = Decimal(activity_units.get(rule.key, 0))
        lines.append(_point_line(rule, units))
    units = Decimal(training_hours) if rules.training_per == PER_HOUR else Decimal(training_sessions)
    lines.append(_point_line(rules.training, units))
    total = _round(sum((line.points for line in lines), ZERO))
    return YearAssessment(year, tuple(lines), total, grade_of(rules, total))


def _point_line(rule: LineRule, units: Decimal) -> PointLine:
    raw = _round(units * rule.points_per_unit)
    points = min(raw, rule.cap) if rule.cap is not None else raw
    return PointLine(rule, units, raw, points)


def grade_of(rules: AssessmentRules, total: Decimal) -> str:
    for grade in rules.grades:
        if total >= grade.min_points:
            return grade.label
    return rules.grades[-1].label

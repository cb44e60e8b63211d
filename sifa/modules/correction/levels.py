"""Initial 管理等级 (CC-09, CC-39): a transparent point table over the subject's attributes → a level.

The law does not define levels (CC-09 [NV]); the levels and their frequencies are configuration
(``config.levels()``, strictest first). This table only *suggests* one of them, and says why: every
row that matched is a reason with its points. The officer decides (``assess_level``); choosing
another level needs a reason and is reported to the county agency. Nothing here reads location
tracks or any sensitive data beyond the file's own findings, so no automated decision is taken on
行踪轨迹 (C-84, PI-03/PI-04): the suggestion is advice a person confirms.

Reading the score: ``STRICT_AT`` points or more → the strictest configured level; ``LENIENT_AT`` or
fewer → the most lenient; otherwise the middle one (with two levels: the stricter one).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sifa.modules.correction import config
from sifa.modules.correction.plan_rules import holds, subject_values, trigger

if TYPE_CHECKING:
    from sifa.modules.correction.models import CorrectionCase


@dataclass(frozen=True)
class PointRow:
    condition: dict[str, Any]
    points: int
    why: str


POINTS: tuple[PointRow, ...] = (
    PointRow({"attribute": "prior_record", "op": "eq", "value": "recidivist"}, 3, "累犯、再犯"),
    PointRow({"attribute": "prior_record", "op": "eq", "value": "prior"}, 2, "有前科"),
    PointRow({"attribute": "crime_type", "op": "eq", "value": "violent"}, 2, "暴力犯罪"),
    PointRow({"attribute": "crime_type", "op": "eq", "value": "drug"}, 1, "毒品犯罪"),
    PointRow({"attribute": "addiction", "op": "in", "value": ["drugs", "gambling"]}, 2, "有吸毒、赌博等不良嗜好"),
    PointRow({"attribute": "addiction", "op": "eq", "value": "alcohol"}, 1, "酗酒"),
    PointRow({"attribute": "attitude", "op": "eq", "value": "poor"}, 3, "认罪悔罪态度差"),
    PointRow({"attribute": "attitude", "op": "eq", "value": "good"}, -1, "认罪悔罪态度好"),
    PointRow({"attribute": "employment", "op": "eq", "value": "unemployed"}, 1, "无业"),
    PointRow({"attribute": "employment", "op": "in", "value": ["employed", "self_employed", "farmer", "student"]}, -1,
             "有稳定工作或在校就读"),
    PointRow({"attribute": "family", "op": "in", "value": ["strained", "broken"]}, 1, "家庭关系紧张或无家庭"),
    PointRow({"attribute": "family", "op": "eq", "value": "stable"}, -1, "家庭和睦稳定"),
    PointRow({"attribute": "residence", "op": "eq", "value": "unstable"}, 2, "居无定所"),
    PointRow({"attribute": "social_contacts", "op": "eq", "value": "bad_company"}, 2, "与不良人员交往"),
    PointRow({"attribute": "mental", "op": "eq", "value": "disorder"}, 1, "有精神障碍"),
    PointRow({"attribute": "prohibition_order", "op": "true"}, 1, "判有禁止令"),
    PointRow({"attribute": "compensation", "op": "eq", "value": "unfulfilled"}, 1, "未履行赔偿或财产刑"),
    PointRow({"attribute": "victim_reconciled", "op": "true"}, -1, "已取得被害人谅解"),
)

STRICT_AT = 4
LENIENT_AT = 0


@dataclass(frozen=True)
class LevelSuggestion:
    code: str
    score: int
    reasons: list[dict[str, Any]]


def suggest(values: Mapping[str, Any], rows: Sequence[PointRow] = POINTS) -> LevelSuggestion:
    levels = config.levels()
    reasons: list[dict[str, Any]] = []
    score = 0
    for row in rows:
        if holds(row.condition, values):
            score += row.points
            reasons.append({**trigger(row.condition, values), "points": row.points, "why": row.why})
    if score >= STRICT_AT:
        chosen = levels[0]
    elif score <= LENIENT_AT:
        chosen = levels[-1]
    else:
        chosen = levels[(len(levels) - 1) // 2]
    reasons.append({"attribute": "", "label": "合计", "value": score, "value_label": f"{score} 分", "points": score,
                    "why": f"合计 {score} 分：≥{STRICT_AT} 分为{levels[0].label}，≤{LENIENT_AT} 分为{levels[-1].label}，"
                           f"其间为{levels[(len(levels) - 1) // 2].label}",
                    "condition": "评分规则"})
    return LevelSuggestion(chosen.code, score, reasons)


def initial_level(detail: CorrectionCase) -> tuple[str, list[dict[str, Any]]]:
    """CC-09: the suggested level code and its reasons (each matched row with its points, then the total)."""
    values = subject_values(detail)
    values.pop("level", None)  # the current level must not push itself
    found = suggest(values)
    return found.code, found.reasons

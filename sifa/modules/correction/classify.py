"""Classifying a field report's note by keyword rules (富春微矫正): which categories, and why.

Each active :class:`~sifa.modules.correction.models.KeywordRule` whose keywords occur in the note puts
the report in the rule's category. Matching is plain substring search after NFKC normalisation and
case folding (so 全角「ＫＴＶ」 matches 「ktv」); it does not understand negation (「没有喝酒」 still
contains 「喝酒」), which is why every category carries its explanation and the officer accepts or
dismisses each suggestion. Several rules may share a category: their keywords are merged, the alert
level is the most serious of them, and the suggestion is that of the first rule (by order) that has one.

Pure functions on plain values: no database access, so the tests run on rule objects in memory.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sifa.core.alerts.choices import LEVEL_ORDER, AlertLevel

DEFAULT_SUGGESTION = "关注「{category}」情况，核实后采取相应的矫正措施"


class RuleLike(Protocol):
    code: str
    category: str
    keywords: Any
    alert_level: str
    suggestion: str
    order: int


@dataclass
class CategoryMatch:
    """One category a note falls into: the rules and keywords that put it there."""

    category: str
    keywords: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    alert_level: str = ""
    suggestion: str = ""

    @property
    def explanation(self) -> str:
        quoted = "".join(f"「{k}」" for k in self.keywords)
        return f"因包含关键词{quoted}归入「{self.category}」"

    def as_json(self) -> dict[str, Any]:
        """What ``FieldReport.classification`` stores for this category (shown on the report page)."""
        return {"category": self.category, "keywords": list(self.keywords), "rules": list(self.rules),
                "alert_level": self.alert_level, "suggestion": self.suggestion, "explanation": self.explanation}


def normalise(text: str) -> str:
    """NFKC (全角 → 半角) and case folding: the form both note and keywords are compared in."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def _more_serious(a: str, b: str) -> str:
    if not a:
        return b
    if not b:
        return a
    return a if LEVEL_ORDER.get(a, 99) <= LEVEL_ORDER.get(b, 99) else b


def classify(note: str, rules: Iterable[RuleLike]) -> list[CategoryMatch]:
    """The categories of ``note`` under ``rules`` (active ones, in their order), each with its keywords.

    Keywords are reported in the rule's order, each once, as the rule spells them.
    """
    text = normalise(note)
    found: dict[str, CategoryMatch] = {}
    for rule in sorted(rules, key=lambda r: (r.order, r.code)):
        hits = [k for k in clean_keywords(rule.keywords) if normalise(k) in text]
        if not hits:
            continue
        match = found.setdefault(rule.category, CategoryMatch(category=rule.category))
        match.rules.append(rule.code)
        match.keywords.extend(k for k in hits if k not in match.keywords)
        match.alert_level = _more_serious(match.alert_level, rule.alert_level or "")
        if not match.suggestion and rule.suggestion:
            match.suggestion = rule.suggestion
    for match in found.values():
        match.suggestion = match.suggestion or DEFAULT_SUGGESTION.format(category=match.category)
    return list(found.values())


def clean_keywords(raw: Any) -> list[str]:
    """Keywords as a list of distinct non-empty strings (a rule edited as text may hold blanks)."""
    if isinstance(raw, str):
        raw = split_keywords(raw)
    out: list[str] = []
    for item in raw or []:
        word = str(item).strip()
        if word and word not in out:
            out.append(word)
    return out


def split_keywords(text: str) -> list[str]:
    """Keywords typed in one box: separated by 、，, ; ； spaces or new lines."""
    for sep in "、，,;；\n\r\t":
        text = text.replace(sep, " ")
    return clean_keywords(text.split(" ")) if text.strip() else []


def level_label(code: str) -> str:
    return AlertLevel(code).label if code in AlertLevel.values else "不预警"


def explanations(classification: Sequence[dict[str, Any]]) -> list[str]:
    """The stored explanations of a report, for pages and exports."""
    return [str(item.get("explanation", "")) for item in classification or []]

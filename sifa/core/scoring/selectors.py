"""Scoring reads: schemes and versions in scope, rankings, explained score lines, history."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse

from sifa.core import registry
from sifa.core.accounts.actor import Actor
from sifa.core.orgs.scope import get_visible_or_404
from sifa.core.scoring.engine import ZERO, Indicator, max_points
from sifa.core.scoring.models import Adjustment, Scheme, SchemeVersion, Score, ScoreLine
from sifa.core.scoring.periods import Period
from sifa.core.scoring.subjects import SUBJECT_URLS


def schemes_visible_to(actor: Actor) -> QuerySet[Scheme]:
    actor.require("scoring.view")
    return Scheme.objects.visible_to(actor).select_related("owner", "base")


def scheme_for(actor: Actor, pk: int) -> Scheme:
    actor.require("scoring.view")
    return get_visible_or_404(Scheme, actor, pk=pk)


def version_in_force(scheme: Scheme, day: datetime.date) -> SchemeVersion | None:
    """The version of ``scheme`` in force on ``day`` (valid_from ≤ day < valid_to), or None."""
    return (scheme.versions.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
            .order_by("-number").first())


def score_for(actor: Actor, pk: int) -> Score:
    actor.require("scoring.view")
    return get_visible_or_404(Score, actor, pk=pk)


def score_history(actor: Actor, score: Score) -> QuerySet[Score]:
    """Every computation of the same subject, scheme and period, newest first (the current one included)."""
    return Score.objects.visible_to(actor).filter(
        scheme_id=score.scheme_id, subject_kind=score.subject_kind, subject_id=score.subject_id,
        period_start=score.period_start, period_end=score.period_end).select_related("version")


def current_score(actor: Actor, score: Score) -> Score | None:
    return score_history(actor, score).filter(is_current=True).first()


def adjustments_for(score: Score) -> QuerySet[Adjustment]:
    """The adjustments counted in ``score``: same version, subject and period, made up to its computation."""
    return Adjustment.objects.filter(
        version_id=score.version_id, subject_kind=score.subject_kind, subject_id=score.subject_id,
        period_start=score.period_start, period_end=score.period_end, made_at__lte=score.computed_at)


def subject_url(score: Score) -> str:
    try:
        return reverse(SUBJECT_URLS[score.subject_kind], args=[score.subject_id])
    except (KeyError, NoReverseMatch):
        return ""


def fact_url(ref: dict[str, Any]) -> str:
    """The page of a fact's record, or "" when it has none (or the URL name no longer exists)."""
    if not ref.get("url_name"):
        return ""
    try:
        return reverse(ref["url_name"], args=list(ref.get("url_args", [])))
    except NoReverseMatch:
        return ""


# --- the explained score -----------------------------------------------------------------------


@dataclass
class ExplainedLine:
    """A score line ready for a page or the API: the rule in words and the facts with links."""

    line: ScoreLine
    rule: str
    cap: Decimal | None
    full_marks: Decimal | None
    facts: list[dict[str, Any]]
    adjustments: list[Adjustment] = field(default_factory=list)


def unit_of(indicator: Indicator) -> str:
    if indicator.source and indicator.source in registry.score_sources:
        return registry.score_sources[indicator.source].unit
    return "件"


def rule_of(indicator: Indicator) -> str:
    """The indicator's rule in words, with its source's units ("每件 2 分", "每人次 0.1 分，上限 40 分")."""
    quantity_unit = ""
    if indicator.source and indicator.source in registry.score_sources:
        quantity_unit = registry.score_sources[indicator.source].quantity_unit
    return indicator.rule_text(unit_of(indicator), quantity_unit=quantity_unit)


def explained_lines(score: Score) -> list[ExplainedLine]:
    tree = score.version.tree
    indicators = {n.indicator.code: n.indicator for n in tree.walk()}
    adjustments: dict[str, list[Adjustment]] = {}
    for adj in adjustments_for(score):
        adjustments.setdefault(adj.code, []).append(adj)
    out = []
    for line in score.lines.all():
        ind = indicators.get(line.code)
        facts = [{**f, "url": fact_url(f.get("ref", {}))} for f in line.facts]
        out.append(ExplainedLine(line=line, rule=rule_of(ind) if ind else "",
                                 cap=ind.cap if ind else None, full_marks=ind.full_marks if ind else None,
                                 facts=facts, adjustments=adjustments.get(line.code, [])))
    return out


# --- where points were lost, and a subject over time ---------------------------------------------


@dataclass
class LostPoints:
    """One indicator of a score and the points it did not earn: ``most`` − ``points`` for an ordinary
    indicator (``most`` = its cap, full marks or what its children can earn), −``points`` for a deduction.

    ``manual``: every leaf under it is scored by hand (人工评分), so only an adjustment gives it points.
    """

    line: ScoreLine
    most: Decimal
    lost: Decimal
    manual: bool


def lost_points(score: Score, *, depth: int = 1) -> list[LostPoints]:
    """The indicators of ``score`` at ``depth`` (1 = items) that lost points, the most lost first.

    An indicator that nothing bounds (no cap, no full marks above its children) is left out: what it
    could have earned is not defined.
    """
    tree = score.version.tree
    nodes = {n.indicator.code: n.indicator for n in tree.walk()}
    out: list[LostPoints] = []
    for line in score.lines.filter(depth=depth):
        node = nodes.get(line.code)
        if node is None:
            continue
        most = max_points(node)
        if most is None:
            continue
        lost = -line.points if node.deduction else most - line.points
        if lost <= ZERO:
            continue
        manual = all(n.is_manual for n in _leaves(node))
        out.append(LostPoints(line=line, most=most, lost=lost, manual=manual))
    out.sort(key=lambda x: (-x.lost, x.line.position))
    return out


def _leaves(node: Indicator) -> list[Indicator]:
    if node.is_leaf:
        return [node]
    return [leaf for child in node.children for leaf in _leaves(child)]


def subject_scores(actor: Actor, *, schemes: Sequence[Scheme], subject_kind: str, subject_id: int,
                   periods: Sequence[Period]) -> dict[Period, Score]:
    """The current score of one subject for each of ``periods`` under any of ``schemes`` (a trend),
    in the actor's scope; a period with no score is absent. When two schemes scored the same period
    (an adaptation took over), the latest computation wins."""
    actor.require("scoring.view")
    if not periods or not schemes:
        return {}
    wanted = {(p.start, p.end): p for p in periods}
    rows = (Score.objects.visible_to(actor).current()
            .filter(scheme__in=list(schemes), subject_kind=subject_kind, subject_id=subject_id,
                    period_start__gte=min(p.start for p in periods), period_end__lte=max(p.end for p in periods))
            .select_related("version", "scheme").order_by("computed_at", "pk"))
    out: dict[Period, Score] = {}
    for score in rows:
        period = wanted.get((score.period_start, score.period_end))
        if period is not None:
            out[period] = score
    return out


# --- rankings ------------------------------------------------------------------------------------


@dataclass
class RankRow:
    rank: int
    score: Score
    parts: dict[str, Decimal]


@dataclass
class Ranking:
    scheme: Scheme
    period: Period
    version: SchemeVersion | None  # in force at the period start
    columns: list[Indicator]  # the parts, for the per-part breakdown
    rows: list[RankRow]
    stale: int  # current scores computed with another version than the one in force now


SORTS = ("-total", "total", "subject", "-subject")


def rank_rows(scores: list[Score], *, sort: str = "-total") -> list[RankRow]:
    """``scores`` ranked by total (1, 2, 2, 4 …) with each one's points per part, then ordered by
    ``sort``: ``-total`` (default), ``total``, ``subject``, ``-subject``, ``part:<code>`` / ``-part:<code>``."""
    parts: dict[int, dict[str, Decimal]] = {s.pk: {} for s in scores}
    for score_id, code, points in ScoreLine.objects.filter(score__in=list(parts), depth=0).values_list(
            "score_id", "code", "points"):
        parts[score_id][code] = points
    by_total = sorted(scores, key=lambda s: (-s.total, s.subject_label, s.pk))
    rows: list[RankRow] = []
    for i, score in enumerate(by_total):
        rank = rows[-1].rank if rows and rows[-1].score.total == score.total else i + 1
        rows.append(RankRow(rank, score, parts[score.pk]))
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key == "subject":
        rows.sort(key=lambda r: (r.score.subject_label, r.score.pk), reverse=descending)
    elif key.startswith("part:"):
        code = key[len("part:"):]
        rows.sort(key=lambda r: (r.parts.get(code, Decimal(0)), -r.rank), reverse=descending)
    elif key == "total" and not descending:
        rows.reverse()
    return rows


def ranking(actor: Actor, scheme: Scheme, period: Period, *, sort: str = "-total") -> Ranking:
    """Current scores of ``scheme`` for ``period`` in the actor's scope, ranked by total (1, 2, 2, 4 …).

    ``sort``: ``-total`` (default), ``total``, ``subject``, ``-subject``, or ``part:<code>`` /
    ``-part:<code>`` for one part's points. The rank is always by total.
    """
    actor.require("scoring.view")
    version = version_in_force(scheme, period.start)
    scores = list(Score.objects.visible_to(actor).current().filter(
        scheme=scheme, period_start=period.start, period_end=period.end).select_related("org", "version"))
    rows = rank_rows(scores, sort=sort)
    columns = list(version.tree.parts) if version else []
    stale = sum(1 for s in scores if version is not None and s.version_id != version.pk)
    return Ranking(scheme, period, version, columns, rows, stale)

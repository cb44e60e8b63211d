"""Reads for the 千分制 pages and API: which scheme applies to an org, its score with the breakdown per
part, where it lost points, its trend, and the ranking of the orgs directly under an org.

Every read starts from the actor's scope: the org itself through ``get_visible_or_404`` (another
county's org answers 404, like a missing one), scores through ``Score.objects.visible_to``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import get_visible_or_404
from sifa.core.scoring import periods
from sifa.core.scoring.engine import Indicator
from sifa.core.scoring.models import Scheme, SchemeVersion, Score, ScoreLine
from sifa.core.scoring.periods import Period
from sifa.core.scoring.selectors import (
    LostPoints,
    Ranking,
    RankRow,
    lost_points,
    rank_rows,
    subject_scores,
    version_in_force,
)
from sifa.core.scoring.subjects import subject_types
from sifa.modules.judicial_office.assessment import DEFAULT_SCHEME_CODE, SUBJECT_TYPES

VIEW = "scoring.view"


def org_for(actor: Actor, pk: int) -> Org:
    """An org in the actor's scope (404 otherwise), for the assessment pages."""
    actor.require(VIEW)
    return get_visible_or_404(Org, actor, pk=pk)


def home_org(actor: Actor) -> Org | None:
    """The org the assessment menu opens: the actor's own, else the top of what they see."""
    actor.require(VIEW)
    if actor.org is not None:
        return actor.org
    return Org.objects.visible_to(actor).current().order_by("depth", "path").first()


def breadcrumb(actor: Actor, org: Org) -> list[Org]:
    """The org's ancestors the actor may see, from the top down, and the org itself."""
    visible = set(Org.objects.visible_to(actor).filter(pk__in=[o.pk for o in org.ancestors()]).values_list(
        "pk", flat=True))
    return [o for o in org.ancestors() if o.pk in visible]


# --- the schemes of the 千分制 family ------------------------------------------------------------------


def family(actor: Actor) -> list[Scheme]:
    """The default 千分制 scheme and every adaptation of it (``base`` chain), as far as the actor sees."""
    schemes = list(Scheme.objects.visible_to(actor).select_related("owner"))
    ids = {s.pk for s in schemes if s.code == DEFAULT_SCHEME_CODE}
    while more := {s.pk for s in schemes if s.base_id in ids} - ids:
        ids |= more
    return [s for s in schemes if s.pk in ids]


def applicable_scheme(org: Org, day: datetime.date, schemes: list[Scheme]) -> tuple[Scheme, SchemeVersion] | None:
    """The scheme of ``schemes`` that scores ``org`` for a period starting on ``day``: the one owned
    nearest above (or at) the org with a version in force that day, as the engine assigns subjects."""
    best: tuple[Scheme, SchemeVersion] | None = None
    for scheme in schemes:
        if not org.path.startswith(scheme.owner.path):
            continue
        if best is not None and len(best[0].owner.path) >= len(scheme.owner.path):
            continue
        version = version_in_force(scheme, day)
        if version is not None:
            best = (scheme, version)
    return best


# --- one org's score -------------------------------------------------------------------------------


@dataclass
class PartPoints:
    code: str
    label: str
    full_marks: Decimal | None
    deduction: bool
    points: Decimal | None  # None: not computed


@dataclass
class OrgSummary:
    """An org's 千分制 result for a period: the scheme that applies, its current score (if computed),
    the points per part, and where it lost points (automatic items; manual items not yet scored)."""

    org: Org
    period: Period
    scheme: Scheme | None
    version: SchemeVersion | None
    assessed: bool  # the org is a subject of the scheme (a 司法所 or a 司法局)
    score: Score | None
    parts: list[PartPoints] = field(default_factory=list)
    lost: list[LostPoints] = field(default_factory=list)
    manual: list[LostPoints] = field(default_factory=list)


def _parts(version: SchemeVersion | None, score: Score | None) -> list[PartPoints]:
    if version is None and score is None:
        return []
    tree = (score.version if score is not None else version).tree  # type: ignore[union-attr]
    got = {}
    if score is not None:
        got = dict(score.lines.filter(depth=0).values_list("code", "points"))
    return [PartPoints(p.code, p.label, p.full_marks, p.deduction, got.get(p.code) if score is not None else None)
            for p in tree.parts]


def org_summary(actor: Actor, org: Org, period: Period) -> OrgSummary:
    actor.require(VIEW)
    found = applicable_scheme(org, period.start, family(actor))
    if found is None:
        return OrgSummary(org, period, None, None, False, None)
    scheme, version = found
    types = subject_types(scheme)
    assessed = not types or org.type in types
    score = None
    if assessed:
        score = (Score.objects.visible_to(actor).current()
                 .filter(scheme=scheme, subject_kind="org", subject_id=org.pk, period_start=period.start,
                         period_end=period.end).select_related("version", "scheme", "org").first())
    summary = OrgSummary(org, period, scheme, version, assessed, score, _parts(version, score))
    if score is not None:
        lost = lost_points(score)
        summary.lost = [x for x in lost if not x.manual]
        summary.manual = [x for x in lost if x.manual]
    return summary


# --- trend -----------------------------------------------------------------------------------------


@dataclass
class TrendPoint:
    period: Period
    score: Score | None
    parts: dict[str, Decimal] = field(default_factory=dict)


def last_months(until: datetime.date, months: int = 12) -> list[Period]:
    """The ``months`` months up to the one containing ``until``, oldest first."""
    out = [periods.containing(periods.MONTH, until)]
    while len(out) < months:
        out.append(periods.previous(out[-1]))
    return list(reversed(out))


def trend(actor: Actor, org: Org, *, until: datetime.date | None = None, months: int = 12) -> list[TrendPoint]:
    """The org's current monthly scores over the last ``months`` months (a month not computed has no score)."""
    actor.require(VIEW)
    months_list = last_months(until or timezone.localdate(), months)
    found = subject_scores(actor, schemes=family(actor), subject_kind="org", subject_id=org.pk, periods=months_list)
    parts: dict[int, dict[str, Decimal]] = {s.pk: {} for s in found.values()}
    for score_id, code, points in ScoreLine.objects.filter(score__in=list(parts), depth=0).values_list(
            "score_id", "code", "points"):
        parts[score_id][code] = points
    return [TrendPoint(p, found.get(p), parts.get(found[p].pk, {}) if p in found else {}) for p in months_list]


# --- ranking of the orgs directly under an org ------------------------------------------------------


@dataclass
class ChildRanking:
    """The orgs directly under ``org`` that the 千分制 scores (offices of a county, counties of a city …),
    ranked by their current score for ``period``; ``ranking`` is the engine's shape (for its Excel export)."""

    org: Org
    period: Period
    ranking: Ranking | None
    unscored: list[Org]
    schemes: dict[int, Scheme]  # score id → the scheme it was computed under (adaptations differ)

    @property
    def rows(self) -> list[RankRow]:
        return self.ranking.rows if self.ranking else []

    @property
    def columns(self) -> list[Indicator]:
        return self.ranking.columns if self.ranking else []


def children(actor: Actor, org: Org, period: Period, types: tuple[str, ...] | list[str] = SUBJECT_TYPES) -> list[Org]:
    in_force = Q(valid_from__lte=period.end) & (Q(valid_to__isnull=True) | Q(valid_to__gt=period.start))
    return list(Org.objects.visible_to(actor).filter(in_force, parent=org, type__in=list(types)).order_by("path"))


def child_ranking(actor: Actor, org: Org, period: Period, *, sort: str = "-total") -> ChildRanking:
    """Rank the scored orgs directly under ``org`` for ``period`` (1, 2, 2, 4 … by total).

    Each child is ranked by its score under the scheme that applies to it (a county's adaptation for
    its offices); the columns are the parts of the scheme that applies to ``org``. ``sort``: ``-total``
    (default), ``total``, or ``-part:<code>`` / ``part:<code>``; the rank stays by total.
    """
    actor.require(VIEW)
    schemes = family(actor)
    main = applicable_scheme(org, period.start, schemes)
    types = subject_types(main[0]) if main else list(SUBJECT_TYPES)
    kids = children(actor, org, period, types or SUBJECT_TYPES)
    wanted: dict[int, int] = {}
    for kid in kids:
        found = applicable_scheme(kid, period.start, schemes)
        if found is not None:
            wanted[kid.pk] = found[0].pk
    if main is None and wanted:
        first = next(s for s in schemes if s.pk == next(iter(wanted.values())))
        version = version_in_force(first, period.start)
        main = (first, version) if version else None
    scores = [s for s in Score.objects.visible_to(actor).current().filter(
        scheme_id__in=set(wanted.values()), subject_kind="org", subject_id__in=list(wanted),
        period_start=period.start, period_end=period.end).select_related("org", "version", "scheme")
        if wanted.get(s.subject_id) == s.scheme_id]
    scored = {s.subject_id for s in scores}
    unscored = [k for k in kids if k.pk not in scored]
    if main is None:
        return ChildRanking(org, period, None, unscored, {})
    rows = rank_rows(scores, sort=sort)
    scheme, version = main
    ranking = Ranking(scheme, period, version, list(version.tree.parts), rows,
                      stale=sum(1 for s in scores if s.version_id != version.pk and s.scheme_id == scheme.pk))
    return ChildRanking(org, period, ranking, unscored, {s.pk: s.scheme for s in scores})

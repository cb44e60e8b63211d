"""Reads of the 法律明白人 registry: lists, one liaison, yearly points, statistics per office and county.

Every read starts from ``visible_to(actor)`` (the liaison's 司法所 must be in the actor's subtree).
The yearly points are computed here from the activities and trainings by the rule in
``rules.py``, not by the scoring engine: see docs/modules/liaisons.md ("Why not the scoring engine").
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import get_visible_or_404
from sifa.core.persons.models import Person
from sifa.modules.liaisons.choices import ActivityKind, LiaisonStatus
from sifa.modules.liaisons.filters import LiaisonFilter
from sifa.modules.liaisons.models import LegalLiaison, LiaisonActivity, LiaisonTraining
from sifa.modules.liaisons.rules import AssessmentRules, YearAssessment, assess, current_rules

CENT = Decimal("0.01")
FIRST_YEAR = 2000


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def parse_year(raw: object) -> int:
    """A year from a query string; anything else (or out of 2000 … this year) gives this year."""
    this_year = timezone.localdate().year
    try:
        year = int(str(raw))
    except (TypeError, ValueError):
        return this_year
    return year if FIRST_YEAR <= year <= this_year else this_year


def liaisons_visible_to(actor: Actor, *, filters: LiaisonFilter | None = None) -> QuerySet[LegalLiaison]:
    actor.require("liaisons.view")
    qs = LegalLiaison.objects.visible_to(actor).select_related("person", "org", "org__parent")
    return filters.filter(qs) if filters is not None else qs


def liaison_for(actor: Actor, pk: int) -> LegalLiaison:
    """One liaison in the actor's scope; out of scope answers like missing (NotFound)."""
    actor.require("liaisons.view")
    liaison = get_visible_or_404(LegalLiaison, actor, pk=pk)
    return (LegalLiaison.objects.select_related("person", "org", "org__parent")
            .prefetch_related(Prefetch("activities", LiaisonActivity.objects.prefetch_related("photos")),
                              "trainings", "rewards").get(pk=liaison.pk))


def person_visible(actor: Actor, liaison: LegalLiaison) -> bool:
    """Can the actor open the liaison's person in the persons registry (registered in its scope)?"""
    return actor.has_perm("persons.view") and Person.objects.visible_to(actor).filter(pk=liaison.person_id).exists()


def offices_for(actor: Actor) -> QuerySet[Org]:
    """The current 司法所 in the actor's scope (where a liaison may be registered), by path."""
    return Org.objects.visible_to(actor).current().filter(type=OrgType.JUDICIAL_OFFICE).select_related("parent")


# --- yearly points ------------------------------------------------------------------------------


@dataclass
class Units:
    """What a liaison did in a year: the summed ``count`` per activity kind and the trainings attended."""

    activity: dict[str, int] = field(default_factory=dict)
    hours: Decimal = Decimal(0)
    sessions: int = 0


def units_by_liaison(liaisons: QuerySet[Any] | Sequence[int], year: int) -> dict[int, Units]:
    """Units per liaison id for ``year`` (liaisons with nothing recorded are absent)."""
    start, end = year_bounds(year)
    units: dict[int, Units] = defaultdict(Units)
    activities = (LiaisonActivity.objects.filter(liaison__in=liaisons, done_on__range=(start, end))
                  .values("liaison_id", "kind").annotate(n=Sum("count")).order_by())
    for row in activities:
        units[row["liaison_id"]].activity[row["kind"]] = row["n"] or 0
    trainings = (LiaisonTraining.objects.filter(liaison__in=liaisons, trained_on__range=(start, end))
                 .values("liaison_id").annotate(h=Sum("hours"), s=Count("id")).order_by())
    for row in trainings:
        u = units[row["liaison_id"]]
        u.hours, u.sessions = Decimal(row["h"] or 0), row["s"]
    return dict(units)


def assess_units(units: Units | None, year: int, rules: AssessmentRules) -> YearAssessment:
    u = units or Units()
    return assess(rules, year, activity_units=u.activity, training_hours=u.hours, training_sessions=u.sessions)


def points_by_liaison(liaisons: QuerySet[LegalLiaison] | Sequence[int], year: int, *,
                      rules: AssessmentRules | None = None) -> dict[int, YearAssessment]:
    """The yearly assessment of each liaison (ids, or a queryset, which is used as a subquery so that
    a long export does not become a query with tens of thousands of parameters); zero points when
    nothing was recorded."""
    rules = rules or current_rules()
    if isinstance(liaisons, QuerySet):
        ids = list(liaisons.values_list("pk", flat=True))
        units = units_by_liaison(liaisons.values("pk"), year) if ids else {}
    else:
        ids = list(liaisons)
        units = units_by_liaison(ids, year) if ids else {}
    return {pk: assess_units(units.get(pk), year, rules) for pk in ids}


def year_points(liaison: LegalLiaison, *, rules: AssessmentRules | None = None) -> list[YearAssessment]:
    """The liaison's points per year, newest first: from the appointment year to this year (or the removal year)."""
    rules = rules or current_rules()
    first = liaison.appointed_on.year
    last = liaison.removed_on.year if liaison.removed_on else timezone.localdate().year
    return [assess_units(units_by_liaison([liaison.pk], year).get(liaison.pk), year, rules)
            for year in range(max(first, last - 9), last + 1)][::-1]


# --- statistics -----------------------------------------------------------------------------------


@dataclass
class StatRow:
    """Figures of one 司法所 or county (or the total, ``org`` None) for one year."""

    org: Org | None
    registered: int = 0  # 在册 at the year's end (today for this year)
    removed: int = 0  # removed during the year
    trained: int = 0  # of the registered, how many attended at least one training in the year
    activities: dict[str, int] = field(default_factory=dict)  # summed count per kind, the year's activities
    points_sum: Decimal = Decimal(0)  # sum of the registered liaisons' yearly points
    offices: int = 0

    @property
    def activities_total(self) -> int:
        return sum(self.activities.values())

    @property
    def average_points(self) -> Decimal | None:
        if not self.registered:
            return None
        return (self.points_sum / self.registered).quantize(CENT, ROUND_HALF_UP)

    def activity_counts(self) -> list[int]:
        return [self.activities.get(kind, 0) for kind in ActivityKind.values]

    def add(self, other: StatRow) -> None:
        self.registered += other.registered
        self.removed += other.removed
        self.trained += other.trained
        self.points_sum += other.points_sum
        self.offices += other.offices
        for kind, n in other.activities.items():
            self.activities[kind] = self.activities.get(kind, 0) + n


@dataclass
class Statistics:
    year: int
    level: str  # "county": one row per county; "office": one row per 司法所
    county: Org | None  # the county drilled into
    rows: list[StatRow]
    total: StatRow
    kinds: list[tuple[str, str]] = field(default_factory=lambda: list(ActivityKind.choices))


def registered_at_year_end(qs: QuerySet[LegalLiaison], year: int) -> QuerySet[LegalLiaison]:
    """Liaisons 在册 on 31 December of ``year`` (for this year: today, as no one is removed in the future)."""
    _, end = year_bounds(year)
    return qs.filter(Q(appointed_on__lte=end), Q(status=LiaisonStatus.ACTIVE) | Q(removed_on__gt=end))


def _office_rows(scope: QuerySet[LegalLiaison], offices: Iterable[Org], year: int) -> dict[int, StatRow]:
    start, end = year_bounds(year)
    rows: dict[int, StatRow] = {o.pk: StatRow(o, offices=1) for o in offices}
    registered = registered_at_year_end(scope, year)
    missing: set[int] = set()

    def row(org_id: int) -> StatRow:
        if org_id not in rows:
            missing.add(org_id)
            rows[org_id] = StatRow(None, offices=1)
        return rows[org_id]

    for r in registered.values("org_id").annotate(n=Count("id")).order_by():
        row(r["org_id"]).registered = r["n"]
    for r in scope.filter(removed_on__range=(start, end)).values("org_id").annotate(n=Count("id")).order_by():
        row(r["org_id"]).removed = r["n"]
    trained = (LiaisonTraining.objects.filter(liaison__in=registered, trained_on__range=(start, end))
               .values("liaison__org_id").annotate(n=Count("liaison_id", distinct=True)).order_by())
    for r in trained:
        row(r["liaison__org_id"]).trained = r["n"]
    activities = (LiaisonActivity.objects.filter(liaison__in=scope, done_on__range=(start, end))
                  .values("liaison__org_id", "kind").annotate(n=Sum("count")).order_by())
    for r in activities:
        row(r["liaison__org_id"]).activities[r["kind"]] = r["n"] or 0
    rules = current_rules()
    units = units_by_liaison(registered, year)
    for pk, org_id in registered.values_list("pk", "org_id"):
        row(org_id).points_sum += assess_units(units.get(pk), year, rules).total
    if missing:  # liaisons of a closed 司法所 (撤并): still counted, under its name
        for org in Org.objects.filter(pk__in=missing).select_related("parent"):
            rows[org.pk].org = org
    return rows


def statistics(actor: Actor, *, year: int, county: int | None = None) -> Statistics:
    """Per-county figures when the actor's scope spans several counties, else per-office figures.

    ``county`` (an org id in scope) drills into one county: one row per 司法所 under it. Every current
    司法所 in scope has a row, with zeros when it has no liaisons, so gaps show. A 司法所's county is
    its parent org.
    """
    actor.require("liaisons.view")
    scope = LegalLiaison.objects.visible_to(actor)
    offices = offices_for(actor)
    drilled: Org | None = None
    if county is not None:
        drilled = get_visible_or_404(Org, actor, pk=county)
        scope = scope.filter(org__path__startswith=drilled.path)
        offices = offices.filter(path__startswith=drilled.path)
    by_office = _office_rows(scope, list(offices), year)
    office_rows = sorted(by_office.values(), key=lambda r: r.org.path if r.org else "")
    total = StatRow(None)
    for r in office_rows:
        total.add(r)
    parents = {r.org.parent_id for r in office_rows if r.org is not None}
    if drilled is not None or len(parents) <= 1:
        return Statistics(year, "office", drilled, office_rows, total)
    counties: dict[int | None, StatRow] = {}
    for r in office_rows:
        parent = r.org.parent if r.org is not None else None
        key = parent.pk if parent is not None else None
        if key not in counties:
            counties[key] = StatRow(parent)
        counties[key].add(r)
    county_rows = sorted(counties.values(), key=lambda r: r.org.path if r.org else "")
    return Statistics(year, "county", None, county_rows, total)

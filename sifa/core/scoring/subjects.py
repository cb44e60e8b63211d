"""Who a scheme scores: orgs, persons or cases in the scheme's area and the actor's scope.

The three subject kinds are core models, each scoped by an org path; a module's subject (a
correction subject's supervision, a case file) is one of them: ``case`` for anything that is a
``Case``. Defaults for a period:

- org: the orgs of ``subject_type`` (an org type, e.g. judicial_office, or several separated by
  commas: ``judicial_office,justice_bureau``) in force during the period;
- case: the cases of ``subject_type`` (a case type, or several separated by commas) open at some
  time during the period;
- person: the persons registered by the period's end.

Orgs covered by an adaptation of the scheme (a county's own version, in force at the period start)
are left to the adaptation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from sifa.core.accounts.actor import Actor
from sifa.core.cases.models import Case
from sifa.core.errors import NotFound
from sifa.core.orgs.models import Org
from sifa.core.persons.models import Person
from sifa.core.scoring.choices import SubjectKind
from sifa.core.scoring.models import Scheme
from sifa.core.scoring.periods import Period

SUBJECT_URLS: dict[str, str] = {
    SubjectKind.ORG: "orgs:detail", SubjectKind.PERSON: "persons:detail", SubjectKind.CASE: "cases:detail",
}


def subject_types(scheme: Scheme) -> list[str]:
    """The org or case types of ``scheme.subject_type`` (comma-separated; empty: every type)."""
    return [t.strip() for t in scheme.subject_type.split(",") if t.strip()]


@dataclass(frozen=True)
class Subject:
    """One subject to score: its kind and id, a label for pages, and its org (which scopes its scores)."""

    kind: str
    id: int
    label: str
    org: Org


def _candidates(actor: Actor, scheme: Scheme, period: Period) -> tuple[QuerySet[Any], str]:
    """The subjects of ``scheme`` the actor may score for ``period`` and the lookup of their org path."""
    owner_path = scheme.owner.path
    if scheme.subject_kind == SubjectKind.ORG:
        orgs = Org.objects.visible_to(actor).filter(path__startswith=owner_path, valid_from__lte=period.end).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=period.start))
        if types := subject_types(scheme):
            orgs = orgs.filter(type__in=types)
        return orgs, "path"
    if scheme.subject_kind == SubjectKind.PERSON:
        persons = Person.objects.visible_to(actor).filter(org__path__startswith=owner_path,
                                                          created_at__date__lte=period.end)
        return persons.select_related("org"), "org__path"
    cases = Case.objects.visible_to(actor).filter(org__path__startswith=owner_path,
                                                  opened_at__date__lte=period.end)
    cases = cases.filter(Q(closed_at__isnull=True) | Q(closed_at__date__gte=period.start))
    if types := subject_types(scheme):
        cases = cases.filter(case_type__in=types)
    return cases.select_related("org"), "org__path"


def _subject(kind: str, row: Any) -> Subject:
    if kind == SubjectKind.ORG:
        return Subject(kind, row.pk, row.name, row)
    if kind == SubjectKind.PERSON:
        return Subject(kind, row.pk, row.name, row.org)
    return Subject(kind, row.pk, f"{row.number} {row.title}"[:255], row.org)


def adaptations_in_force(scheme: Scheme, period: Period) -> list[Scheme]:
    """Adaptations of ``scheme`` with a version in force at the period start (they score their area instead)."""
    day = period.start
    in_force = Q(versions__valid_from__lte=day) & (Q(versions__valid_to__isnull=True) | Q(versions__valid_to__gt=day))
    return list(Scheme.objects.filter(in_force, base=scheme).select_related("owner").distinct())


def subjects_for(actor: Actor, scheme: Scheme, period: Period, ids: Sequence[int] | None = None) -> list[Subject]:
    """The subjects to score: the given ``ids`` (each must be a subject of the scheme in the actor's
    scope, else NotFound, like a missing one), or by default every applicable subject."""
    rows, path = _candidates(actor, scheme, period)
    if ids is not None:
        wanted = set(ids)
        found = list(rows.filter(pk__in=wanted))
        if len(found) != len(wanted):
            raise NotFound("考核对象不存在或无权访问")
        return [_subject(scheme.subject_kind, row) for row in sorted(found, key=lambda r: r.pk)]
    for adaptation in adaptations_in_force(scheme, period):
        rows = rows.exclude(**{f"{path}__startswith": adaptation.owner.path})
    return [_subject(scheme.subject_kind, row) for row in rows.order_by(path, "pk")]

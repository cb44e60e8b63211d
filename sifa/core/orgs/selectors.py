"""Org reads: the drill-down tree with counts per child subtree, in the actor's scope."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr

from sifa.core.accounts.actor import Actor
from sifa.core.accounts.models import Membership
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.persons.models import Person


@dataclass
class OrgNode:
    org: Org
    orgs: int
    judicial_offices: int
    persons: int
    users: int


def orgs_visible_to(actor: Actor) -> QuerySet[Org]:
    return Org.objects.visible_to(actor).select_related("region", "parent")


def root_orgs(actor: Actor) -> list[Org]:
    if actor.org is not None:
        return [actor.org]
    return list(Org.objects.visible_to(actor).filter(parent__isnull=True))


def _grouped(qs: QuerySet, path_lookup: str, prefix_len: int) -> dict[str, int]:
    rows = qs.annotate(prefix=Substr(path_lookup, 1, prefix_len)).values("prefix").annotate(n=Count("pk"))
    return {r["prefix"]: r["n"] for r in rows}


def child_nodes(actor: Actor, org: Org, *, on: datetime.date | None = None) -> list[OrgNode]:
    """Children of ``org`` (in force on ``on``, default today) with counts over each child's subtree.

    All children of one parent share a path length, so one grouped query per count serves them all.
    """
    children = list(Org.objects.visible_to(actor).filter(parent=org).select_related("region"))
    if on is None:
        children = [c for c in children if c.is_current]
    else:
        children = [c for c in children if c.valid_from <= on and (c.valid_to is None or c.valid_to > on)]
    if not children:
        return []
    n = len(children[0].path)
    under = Org.objects.filter(path__startswith=org.path)
    in_force = under.current() if on is None else under.in_force_on(on)  # the same day as the children shown
    orgs = _grouped(in_force, "path", n)
    offices = _grouped(in_force.filter(type=OrgType.JUDICIAL_OFFICE), "path", n)
    persons = _grouped(Person.objects.filter(org__path__startswith=org.path), "org__path", n)
    users = _grouped(Membership.objects.active().filter(org__path__startswith=org.path), "org__path", n)
    order = {OrgType.JUSTICE_BUREAU: 0, OrgType.JUSTICE_DEPARTMENT: 0, OrgType.JUDICIAL_OFFICE: 1}
    children.sort(key=lambda c: (order.get(c.type, 2), c.region.code, c.name))  # type: ignore[call-overload]
    return [
        OrgNode(org=c, orgs=orgs.get(c.path, 0), judicial_offices=offices.get(c.path, 0),
                persons=persons.get(c.path, 0), users=users.get(c.path, 0))
        for c in children
    ]

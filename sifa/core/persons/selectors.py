from __future__ import annotations

from django.db.models import QuerySet

from sifa.core.accounts.actor import Actor
from sifa.core.persons.filters import PersonFilter
from sifa.core.persons.models import Entity, Person


def persons_visible_to(actor: Actor, *, filters: PersonFilter | None = None) -> QuerySet[Person]:
    actor.require("persons.view")
    qs = Person.objects.visible_to(actor).select_related("org", "region")
    return filters.filter(qs) if filters is not None else qs


def entities_visible_to(actor: Actor, *, q: str = "") -> QuerySet[Entity]:
    actor.require("persons.view")
    qs = Entity.objects.visible_to(actor).select_related("org", "region")
    if q.strip():
        qs = qs.filter(name__icontains=q.strip()) | qs.filter(credit_code=q.strip().upper())
    return qs

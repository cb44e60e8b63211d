"""Org scope, enforced in one place (ARCHITECTURE §4 "Org scope").

Every scoped model's queryset subclasses ``ScopedQuerySet`` and names the lookup that reaches an
org path (``path`` on Org itself, ``org__path`` on records owned by an org). ``visible_to(actor)``
is the only way pages, API and exports get their rows; ``get_visible_or_404`` makes an
out-of-scope object indistinguishable from a missing one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from sifa.core.errors import NotFound

if TYPE_CHECKING:
    from sifa.core.accounts.actor import Actor

M = TypeVar("M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[M]):
    scope_path_field: str = "org__path"

    def visible_to(self, actor: Actor) -> Self:
        if actor.is_system:
            return self.all()
        paths = actor.scope_paths
        if not paths:
            return self.none()
        condition = models.Q()
        for path in paths:
            condition |= models.Q(**{f"{self.scope_path_field}__startswith": path})
        return self.filter(condition)


def org_subtree_q(org_id: int | None, *, path_lookup: str = "org__path") -> models.Q:
    """A filter narrowing rows to one org's subtree (list filters ``?org=``). It only narrows: callers
    apply it on top of ``visible_to(actor)``, so naming an org outside the scope yields nothing more."""
    if org_id is None:
        return models.Q()
    from sifa.core.orgs.models import Org

    path = Org.objects.filter(pk=org_id).values_list("path", flat=True).first()
    return models.Q(**{f"{path_lookup}__startswith": path}) if path else models.Q(pk__in=[])


def get_visible_or_404(model: type[M], actor: Actor, **lookup: Any) -> M:
    qs = model._default_manager.all()
    if not isinstance(qs, ScopedQuerySet):
        raise TypeError(f"{model.__name__} is not scoped")
    try:
        return qs.visible_to(actor).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc

"""Case reads: lists in scope, the steps an actor may take now, the timeline."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from sifa.core.accounts.actor import Actor
from sifa.core.cases.filters import CaseFilter
from sifa.core.cases.models import Case, CaseTransition
from sifa.core.cases.services import role_allowed, workflow_of
from sifa.core.cases.workflow import Transition
from sifa.core.orgs.scope import get_visible_or_404


def cases_visible_to(actor: Actor, *, filters: CaseFilter | None = None) -> QuerySet[Case]:
    qs = Case.objects.visible_to(actor).select_related("org")
    return filters.filter(qs) if filters is not None else qs


def case_for(actor: Actor, pk: int) -> Case:
    return get_visible_or_404(Case, actor, pk=pk)


@dataclass(frozen=True)
class AvailableStep:
    transition: Transition
    blocked_reason: str | None  # the guard's reason when the step exists but its condition is not met
    fields: tuple[tuple[str, str], ...]  # required fields as (name, label)


def allowed_steps(case: Case, actor: Actor) -> list[AvailableStep]:
    """Steps from the current state that this actor's role may take, with any guard reason."""
    workflow = workflow_of(case)
    steps = []
    for t in workflow.transitions_from(case.state):
        if not role_allowed(actor, t.roles):
            continue
        reason = t.guard(case, actor, {}) if t.guard is not None and not t.required_fields else None
        steps.append(AvailableStep(t, reason, tuple((f, workflow.label_of(f)) for f in t.required_fields)))
    return steps


def timeline(case: Case) -> QuerySet[CaseTransition]:
    return case.transitions.all()

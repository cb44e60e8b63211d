"""Case reads: lists in scope, the steps an actor may take now, the timeline."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from sifa.core.accounts.actor import Actor
from sifa.core.cases.filters import CaseFilter
from sifa.core.cases.models import Case
from sifa.core.cases.services import role_allowed, workflow_of
from sifa.core.cases.workflow import Transition
from sifa.core.errors import NotFound
from sifa.core.orgs.scope import get_visible_or_404


def module_managed_types() -> list[str]:
    """Case types a module handles on its own pages (``CaseType.page``): not listed or moved here."""
    from sifa.core import registry

    return [code for code, spec in registry.case_types.items() if spec.page]


def cases_visible_to(actor: Actor, *, filters: CaseFilter | None = None) -> QuerySet[Case]:
    qs = Case.objects.visible_to(actor).exclude(case_type__in=module_managed_types()).select_related("org")
    return filters.filter(qs) if filters is not None else qs


def case_for(actor: Actor, pk: int) -> Case:
    """A case of a core-handled type in the actor's scope (404 otherwise, module-managed types included)."""
    case = get_visible_or_404(Case, actor, pk=pk)
    if case.case_type in module_managed_types():
        raise NotFound()
    return case


def case_in_scope(actor: Actor, pk: int) -> Case:
    """Any case in the actor's scope, module-managed types included (404 otherwise), when the case type's
    own ``may_access`` rule (if any) allows it.

    For the cards a module's own case page shows as well (文书, 证据材料, 案件码): they write through
    their own engines and never move the case, so they serve every case type.
    """
    from sifa.core import registry

    case = get_visible_or_404(Case, actor, pk=pk)
    spec = registry.case_types[case.case_type] if case.case_type in registry.case_types else None
    if spec is not None and spec.may_access is not None and not spec.may_access(actor, case):
        raise NotFound()
    return case


def module_page_of(actor: Actor, pk: int) -> str | None:
    """The module's own page of a module-managed case in scope (for the core detail URL to redirect to)."""
    from django.urls import reverse

    from sifa.core import registry

    case = Case.objects.visible_to(actor).filter(pk=pk).only("case_type").first()
    if case is None or case.case_type not in registry.case_types:
        return None
    spec = registry.case_types[case.case_type]
    return reverse(spec.page, args=[pk]) if spec.page else None


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


@dataclass(frozen=True)
class TimelineEvent:
    kind: str  # "transition" | "alert"
    at: datetime.datetime
    label: str
    actor_name: str
    detail: dict[str, Any]
    ref: str  # transition name or alert rule code


def timeline(case: Case, actor: Actor) -> list[TimelineEvent]:
    """Transitions and alerts (when the actor may see alerts) of a case, oldest first.

    Documents and attachments join the timeline when those engines exist (Core engines II).
    """
    workflow = workflow_of(case)
    labels = {"note": "办理意见", **workflow.field_labels}
    events = [TimelineEvent("transition", t.created_at, t.label, t.actor_name,
                            {labels.get(k, k): v for k, v in t.data.items() if v not in ("", None)}, t.name)
              for t in case.transitions.all()]
    if actor.has_perm("alerts.view"):
        events += [TimelineEvent("alert", a.opened_at, f"预警：{a.title}", "系统", {"状态": a.get_state_display()},
                                 a.rule_code) for a in case.alerts.all()]
    return sorted(events, key=lambda e: e.at)

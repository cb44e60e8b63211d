from __future__ import annotations

from django.db.models import QuerySet

from sifa.core.accounts.actor import Actor
from sifa.core.alerts.choices import AlertAction
from sifa.core.alerts.filters import AlertFilter
from sifa.core.alerts.models import Alert
from sifa.core.alerts.services import LOOP
from sifa.core.errors import NotFound
from sifa.core.orgs.scope import get_visible_or_404


def hidden_rules(actor: Actor) -> list[str]:
    """Rule codes whose alerts this actor may not see (the rule's own ``permission`` is missing)."""
    from sifa.core import registry

    return [code for code, rule in registry.alert_rules.items() if rule.permission and not actor.has_perm(rule.permission)]


def alerts_visible_to(actor: Actor, *, filters: AlertFilter | None = None) -> QuerySet[Alert]:
    actor.require("alerts.view")
    qs = Alert.objects.visible_to(actor).exclude(rule_code__in=hidden_rules(actor)).select_related(
        "org", "escalated_to", "case")
    return filters.filter(qs) if filters is not None else qs


def alert_for(actor: Actor, pk: int) -> Alert:
    actor.require("alerts.view")
    alert = get_visible_or_404(Alert, actor, pk=pk)
    if alert.rule_code in hidden_rules(actor):
        raise NotFound()
    return alert


def available_actions(alert: Alert, actor: Actor) -> list[tuple[str, str]]:
    return [(a, AlertAction(a).label) for a, (sources, _, perm) in LOOP.items()
            if alert.state in sources and actor.has_perm(perm)]

from __future__ import annotations

from django.db.models import QuerySet

from sifa.core.accounts.actor import Actor
from sifa.core.audit.filters import AuditFilter
from sifa.core.audit.models import AuditEvent
from sifa.core.orgs.scope import ScopedQuerySet


def audit_events_visible_to(actor: Actor, *, filters: AuditFilter | None = None) -> QuerySet[AuditEvent]:
    """Events recorded under the actor's subtree. Events with no org (e.g. a failed login for an
    unknown user name) are visible to system administrators at a root org only."""
    actor.require("audit.view")
    qs: ScopedQuerySet[AuditEvent] = AuditEvent.objects.all()
    visible = qs.visible_to(actor)
    if actor.org is not None and actor.org.parent_id is None and actor.has_perm("accounts.manage"):
        visible = visible | qs.filter(org_path="")
    return filters.filter(visible) if filters is not None else visible

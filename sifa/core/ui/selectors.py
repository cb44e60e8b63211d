from __future__ import annotations

from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.accounts.models import Membership
from sifa.core.audit.models import AuditEvent
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.persons.models import Entity, Person


def home_counts(actor: Actor) -> list[dict[str, object]]:
    """Real counts in the actor's scope, only for what the actor may see."""
    counts: list[dict[str, object]] = []
    if actor.has_perm("orgs.view"):
        orgs = Org.objects.visible_to(actor).current()
        counts.append({"label": "下属机构", "value": orgs.count(), "url_name": "orgs:tree"})
        counts.append({"label": "司法所", "value": orgs.filter(type=OrgType.JUDICIAL_OFFICE).count(), "url_name": "orgs:tree"})
    if actor.has_perm("persons.view"):
        counts.append({"label": "登记自然人", "value": Person.objects.visible_to(actor).count(), "url_name": "persons:list"})
        counts.append({"label": "登记法人和组织", "value": Entity.objects.visible_to(actor).count(), "url_name": "persons:entity_list"})
    if actor.has_perm("accounts.view"):
        users = Membership.objects.visible_to(actor).active().values("user").distinct().count()
        counts.append({"label": "用户", "value": users, "url_name": "accounts:user_list"})
    if actor.has_perm("alerts.view"):
        from sifa.core.alerts.models import Alert

        counts.append({"label": "未办结预警", "value": Alert.objects.visible_to(actor).open().count(), "url_name": "alerts:list"})
    if actor.has_perm("audit.view"):
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        counts.append({"label": "今日审计事件", "value": AuditEvent.objects.visible_to(actor).filter(created_at__gte=today).count(),
                       "url_name": "audit:list"})
    return counts

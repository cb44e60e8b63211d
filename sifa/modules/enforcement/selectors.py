"""Reads of 行政执法监督. Every read starts from ``visible_to(actor)`` (the body's org in the actor's subtree);
one object out of scope answers like a missing one (NotFound)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from sifa.core.accounts.actor import Actor
from sifa.core.orgs.choices import EXTERNAL_ORG_TYPES, OrgType
from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import get_visible_or_404
from sifa.modules.enforcement.filters import EnforcementBodyFilter, EnforcementOfficerFilter, PowerItemFilter
from sifa.modules.enforcement.models import (
    DiscretionRule,
    EnforcementBody,
    EnforcementOfficer,
    PowerItem,
)


def bodies_visible_to(actor: Actor, *, filters: EnforcementBodyFilter | None = None) -> QuerySet[EnforcementBody]:
    actor.require("enforcement.view")
    qs = (EnforcementBody.objects.visible_to(actor).select_related("org", "org__region", "entrusted_by")
          .annotate(officer_count=Count("officers", distinct=True), item_count=Count("power_items", distinct=True))
          .order_by("org__path", "id"))
    return filters.filter(qs) if filters is not None else qs


def body_for(actor: Actor, pk: int) -> EnforcementBody:
    actor.require("enforcement.view")
    body = get_visible_or_404(EnforcementBody, actor, pk=pk)
    return (EnforcementBody.objects.select_related("org", "org__region", "entrusted_by")
            .prefetch_related("areas").get(pk=body.pk))


def active_bodies_for(actor: Actor) -> QuerySet[EnforcementBody]:
    """Bodies a form may choose (in scope and in use)."""
    return EnforcementBody.objects.visible_to(actor).active().select_related("org").order_by("org__path")


def orgs_for_new_body(actor: Actor) -> QuerySet[Org]:
    """Current orgs in scope that may become a body and are not one yet."""
    never = EXTERNAL_ORG_TYPES - {OrgType.ENFORCEMENT_DEPARTMENT}
    return (Org.objects.visible_to(actor).current().exclude(type__in=never)
            .filter(enforcement_body__isnull=True).order_by("path"))


def officers_visible_to(actor: Actor, *,
                        filters: EnforcementOfficerFilter | None = None) -> QuerySet[EnforcementOfficer]:
    actor.require("enforcement.view")
    qs = EnforcementOfficer.objects.visible_to(actor).select_related("person", "body", "body__org", "user")
    return filters.filter(qs) if filters is not None else qs


def officer_for(actor: Actor, pk: int) -> EnforcementOfficer:
    actor.require("enforcement.view")
    officer = get_visible_or_404(EnforcementOfficer, actor, pk=pk)
    return EnforcementOfficer.objects.select_related("person", "body", "body__org", "user").get(pk=officer.pk)


def power_items_visible_to(actor: Actor, *, filters: PowerItemFilter | None = None) -> QuerySet[PowerItem]:
    actor.require("enforcement.view")
    qs = PowerItem.objects.visible_to(actor).select_related("body", "body__org").prefetch_related("articles")
    return filters.filter(qs) if filters is not None else qs


def power_item_for(actor: Actor, pk: int) -> PowerItem:
    actor.require("enforcement.view")
    item = get_visible_or_404(PowerItem, actor, pk=pk)
    return (PowerItem.objects.select_related("body", "body__org", "body__org__region")
            .prefetch_related("articles", Prefetch("discretion_rules", DiscretionRule.objects.order_by("order", "id")))
            .get(pk=item.pk))


def discretion_rule_for(actor: Actor, pk: int) -> DiscretionRule:
    actor.require("enforcement.view")
    rule = get_visible_or_404(DiscretionRule, actor, pk=pk)
    return DiscretionRule.objects.select_related("item", "item__body").get(pk=rule.pk)


def officers_of_user(user_id: int) -> QuerySet[EnforcementOfficer]:
    """The officer records linked to a platform account (for the penalty-case part: 我的执法证)."""
    return EnforcementOfficer.objects.filter(user_id=user_id).select_related("person", "body")


def qualified_reviewers(actor: Actor, body: EnforcementBody) -> QuerySet[EnforcementOfficer]:
    """Officers of ``body`` with 法律职业资格: first-time 法制审核 reviewers (AP-22, 《行政处罚法》第五十八条第二款)."""
    return officers_visible_to(actor).filter(Q(body=body), has_legal_qualification=True)

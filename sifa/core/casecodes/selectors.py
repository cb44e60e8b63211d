"""Reads: who may open a case's evidence (review) page, and as which actor; grants by case and by user.

Three ways in, checked in this order:

1. staff whose scope holds the case (``Case.objects.visible_to``) — a preview, not a grant use;
2. a signed-in user holding a grant for the case (``grantee``);
3. a browser that entered the access code of a link grant for the case (its id is kept in the
   session, so the code is asked once per browser session; the grant then works until it expires
   or is revoked).

Nothing else opens the page: a case the visitor has no way into answers 404 like a missing one;
a grant the visitor had but that ended answers 403 saying why (revoked, expired, locked).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

from django.db.models import QuerySet

from sifa.core.accounts.actor import Actor
from sifa.core.casecodes.models import AccessGrant
from sifa.core.casecodes.services import not_live_message
from sifa.core.cases.models import Case
from sifa.core.errors import NotFound, PermissionDeniedError

#: Session key: ids of the link grants whose access code this browser entered.
SESSION_GRANTS = "casecodes_grants"


@dataclasses.dataclass(frozen=True)
class GrantLinkActor(Actor):
    """The actor of someone without an account who opened a link grant: no org, no scope, no
    permissions (not a system actor); audit rows name the grant."""

    grant_id: int = 0

    @property
    def name(self) -> str:
        return f"授权链接 #{self.grant_id} 访问者"


@dataclasses.dataclass(frozen=True)
class ReviewAccess:
    case: Case
    actor: Actor
    grant: AccessGrant | None  # None: staff who see the case in their own scope

    @property
    def is_grant(self) -> bool:
        return self.grant is not None


def grants_for_case(case: Case) -> QuerySet[AccessGrant]:
    """A case's grants, newest first (the caller has checked the case is in scope)."""
    return AccessGrant.objects.filter(case=case).select_related("grantee").order_by("-issued_at", "-id")


def grants_of(actor: Actor) -> QuerySet[AccessGrant]:
    """The grants made to the actor's user, newest first."""
    if actor.user is None:
        return AccessGrant.objects.none()
    return AccessGrant.objects.filter(grantee=actor.user).select_related("case", "case__org").order_by("-issued_at")


def session_grants(ids: Collection[int]) -> QuerySet[AccessGrant]:
    return AccessGrant.objects.filter(pk__in=list(ids), grantee__isnull=True).select_related("case", "case__org")


def link_actor(actor: Actor, grant: AccessGrant) -> Actor:
    """The signed-in user as they are, or for an anonymous visitor a :class:`GrantLinkActor`."""
    if actor.user is not None:
        return actor
    return GrantLinkActor(user=None, membership=None, ip=actor.ip, user_agent=actor.user_agent, grant_id=grant.pk)


def _choose(grants: list[AccessGrant]) -> AccessGrant | None:
    """A live grant if there is one; else raise 403 naming why the newest one ended; None if none."""
    if not grants:
        return None
    live = [g for g in grants if g.is_live]
    if live:
        return max(live, key=lambda g: g.expires_at)
    raise PermissionDeniedError(not_live_message(max(grants, key=lambda g: g.issued_at)))


def review_access(actor: Actor, case_id: int, *, session_grant_ids: Collection[int] = ()) -> ReviewAccess:
    """How ``actor`` (with the link grants entered in this browser) may open the case's review page."""
    denied: PermissionDeniedError | None = None
    if actor.user is not None and not actor.is_system:
        case = Case.objects.visible_to(actor).select_related("org").filter(pk=case_id).first()
        if case is not None:
            return ReviewAccess(case, actor, None)
        try:
            grant = _choose(list(AccessGrant.objects.filter(case_id=case_id, grantee=actor.user)
                                 .select_related("case", "case__org")))
        except PermissionDeniedError as exc:
            denied = exc
        else:
            if grant is not None:
                return ReviewAccess(grant.case, actor, grant)
    if session_grant_ids:
        try:
            grant = _choose(list(session_grants(session_grant_ids).filter(case_id=case_id)))
        except PermissionDeniedError as exc:
            denied = denied or exc
        else:
            if grant is not None:
                return ReviewAccess(grant.case, link_actor(actor, grant), grant)
    if denied is not None:
        raise denied
    raise NotFound()


def case_by_code(case_code: str) -> Case | None:
    """The case a code names, for /c/<case_code> only: the code itself reveals nothing until the
    visitor is shown to have a way in (review_access)."""
    return Case.objects.select_related("org").filter(case_code=case_code).first()

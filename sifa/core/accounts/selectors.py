from __future__ import annotations

from django.db.models import QuerySet

from sifa.core.accounts.actor import Actor
from sifa.core.accounts.models import Membership, User


def users_visible_to(actor: Actor, *, q: str = "") -> QuerySet[User]:
    """Users with at least one membership in the actor's subtree."""
    actor.require("accounts.view")
    member_ids = Membership.objects.visible_to(actor).values("user_id")
    qs = User.objects.filter(pk__in=member_ids)
    if q.strip():
        qs = qs.filter(username__icontains=q.strip()) | qs.filter(display_name__icontains=q.strip())
    return qs.order_by("username")


def user_visible_to(actor: Actor, pk: int) -> User:
    from sifa.core.errors import NotFound

    user = users_visible_to(actor).filter(pk=pk).first()
    if user is None:
        raise NotFound()
    return user


def memberships_of(actor: Actor, user: User) -> QuerySet[Membership]:
    return Membership.objects.visible_to(actor).filter(user=user).select_related("org", "role")

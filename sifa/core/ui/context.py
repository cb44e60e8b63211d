"""Template context for the page shell: active membership, org path, switchable memberships, menu."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from sifa.core import registry


def shell(request: HttpRequest) -> dict[str, Any]:
    actor = getattr(request, "actor", None)
    if actor is None or actor.user is None:
        return {"actor": actor}
    from sifa.core.accounts.services import active_memberships

    menu: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for entry in sorted(registry.menu.values(), key=lambda e: (e.order, e.key)):
        if entry.permission and not actor.has_perm(entry.permission):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        item = {"entry": entry, "url": url, "active": request.path.startswith(url) and url != "/" or request.path == url}
        if not entry.group:
            menu.append(item)
            continue
        group = groups.get(entry.group)
        if group is None:
            group = groups[entry.group] = {"group": entry.group, "items": [], "active": False}
            menu.append(group)
        group["items"].append(item)
    for group in groups.values():  # the longest matching entry is the active one (/correction/ vs /correction/x/)
        best = max((i for i in group["items"] if i["active"]), key=lambda i: len(i["url"]), default=None)
        for i in group["items"]:
            i["active"] = i is best
        group["active"] = best is not None
    org_path = list(actor.org.ancestors()) if actor.org else []
    return {
        "actor": actor,
        "menu": menu,
        "org_path": org_path,
        "memberships": getattr(request, "memberships", None) or active_memberships(actor.user),
    }

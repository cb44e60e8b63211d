"""The work catalogue (工作事项目录): the shipped defaults and what applies to an office.

``data/catalogue.json`` holds the installation's default items (``org`` empty). They are synced
into ``WorkCatalogueItem`` after every migrate, like the built-in roles: a missing item is
created and the name, category, unit and order of an existing one follow the file, while the
daily ceiling and the active flag stay as an administrator set them on the catalogue page (the
file only seeds them). Items the file no longer lists are left alone (old logs point at them).

An office logs from the default items plus the items of its own org and of every org above it
(a county or city adds items for its area).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db.models import Q, QuerySet

from sifa.core.orgs.models import Org
from sifa.modules.judicial_office.models import WorkCatalogueItem

CATALOGUE_FILE = Path(__file__).parent / "data" / "catalogue.json"
FOLLOWS_FILE = ("name", "category", "unit", "order")


def default_definitions() -> list[dict[str, Any]]:
    data = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    items: list[dict[str, Any]] = data["items"]
    return items


def sync_default_catalogue() -> int:
    """Create or update the default items from ``data/catalogue.json``; idempotent. Returns the number of items."""
    existing = {i.code: i for i in WorkCatalogueItem.objects.filter(code__in=[d["code"] for d in default_definitions()])}
    count = 0
    for definition in default_definitions():
        item = existing.get(definition["code"])
        if item is None:
            WorkCatalogueItem.objects.create(
                code=definition["code"], name=definition["name"], category=definition.get("category", ""),
                unit=definition.get("unit", "件"), daily_ceiling=definition.get("daily_ceiling", 20),
                order=definition.get("order", 100), org=None, active=True)
        else:
            changed = [f for f in FOLLOWS_FILE if f in definition and getattr(item, f) != definition[f]]
            for f in changed:
                setattr(item, f, definition[f])
            if changed:
                item.save(update_fields=changed)
        count += 1
    return count


def applicable_q(org: Org) -> Q:
    """Items that apply to ``org``: the defaults and the items of ``org`` and of every org above it."""
    prefixes = [org.path[:i] for i in range(1, len(org.path) + 1) if org.path[i - 1] == "/"]
    return Q(org__isnull=True) | Q(org__path__in=prefixes)


def catalogue_for(org: Org, *, active_only: bool = True) -> QuerySet[WorkCatalogueItem]:
    """The catalogue of ``org`` (an office), in display order."""
    qs = WorkCatalogueItem.objects.filter(applicable_q(org)).select_related("org")
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("order", "code")


def grouped(items: list[WorkCatalogueItem]) -> list[tuple[str, list[WorkCatalogueItem]]]:
    """Items grouped by category, categories in the order of their first item."""
    groups: dict[str, list[WorkCatalogueItem]] = {}
    for item in items:
        groups.setdefault(item.category or "其他", []).append(item)
    return list(groups.items())

"""Built-in roles, shipped as data (``data/roles.json``) and synced into the Role table after migrate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sifa.core import registry

ROLES_FILE = Path(__file__).parent / "data" / "roles.json"

SYSTEM_ADMIN = "system_admin"
LEADER = "leader"
BUREAU_STAFF = "bureau_staff"
OFFICE_STAFF = "office_staff"
CORRECTION_STAFF = "correction_staff"
GRID_WORKER = "grid_worker"
ENFORCEMENT_OFFICER = "enforcement_officer"
LEGAL_REVIEWER = "legal_reviewer"
EXTERNAL_REVIEWER = "external_reviewer"


def role_definitions() -> list[dict[str, Any]]:
    data = json.loads(ROLES_FILE.read_text(encoding="utf-8"))
    roles: list[dict[str, Any]] = data["roles"]
    known = set(registry.permissions)
    for role in roles:
        perms = role["permissions"]
        if perms == ["*"]:
            role["permissions"] = sorted(known)
            continue
        unknown = set(perms) - known
        if unknown:
            raise registry.RegistryError(f"role {role['code']}: unknown permissions {sorted(unknown)}")
        role["permissions"] = sorted(perms)
    return roles


def sync_builtin_roles() -> int:
    """Create or update the built-in roles. Idempotent; custom (non-builtin) roles are left alone."""
    from sifa.core.accounts.models import Role

    count = 0
    for definition in role_definitions():
        Role.objects.update_or_create(
            code=definition["code"],
            defaults={
                "name": definition["name"],
                "description": definition.get("description", ""),
                "permissions": definition["permissions"],
                "requires_2fa": definition.get("requires_2fa", False),
                "builtin": True,
            },
        )
        count += 1
    return count

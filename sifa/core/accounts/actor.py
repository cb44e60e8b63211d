"""The actor: who does something, in which membership, from where (GLOSSARY 当前身份).

Every service takes ``actor`` first and it is never optional (CONVENTIONS §4.6). Jobs use a
named system actor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sifa.core.accounts.models import Membership, User
    from sifa.core.orgs.models import Org


@dataclass(frozen=True)
class Actor:
    user: User | None
    membership: Membership | None
    ip: str | None = None
    user_agent: str = ""
    system_name: str | None = None
    permissions: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def for_membership(cls, membership: Membership, *, ip: str | None = None, user_agent: str = "") -> Actor:
        return cls(
            user=membership.user,
            membership=membership,
            ip=ip,
            user_agent=user_agent[:255],
            permissions=frozenset(membership.role.permissions),
        )

    @classmethod
    def system(cls, name: str) -> Actor:
        """A named system actor for jobs and commands; sees everything, and says so in the audit log."""
        from sifa.core import registry

        return cls(user=None, membership=None, system_name=name, permissions=frozenset(registry.permissions))

    @classmethod
    def anonymous(cls, *, ip: str | None, user_agent: str = "") -> Actor:
        return cls(user=None, membership=None, ip=ip, user_agent=user_agent[:255])

    @property
    def is_system(self) -> bool:
        return self.system_name is not None

    @property
    def org(self) -> Org | None:
        return self.membership.org if self.membership else None

    @property
    def name(self) -> str:
        if self.system_name:
            return f"系统:{self.system_name}"
        if self.user is None:
            return "匿名"
        return self.user.display_name or self.user.username

    @cached_property
    def scope_paths(self) -> tuple[str, ...]:
        """The org paths whose subtrees this actor sees: its org, plus the closed orgs it succeeded.

        After a 撤并 (``succeed_org``) the closed org stays where it was in the tree, so past-date
        reports keep the hierarchy then in force; its successor's staff still see its records.
        """
        org = self.org
        if org is None:
            return ()
        from sifa.core.orgs.models import Org

        paths = [org.path]
        frontier = [org.pk]
        while frontier:
            predecessors = list(Org.objects.filter(successor_id__in=frontier).values_list("pk", "path"))
            paths += [p for _, p in predecessors if not any(p.startswith(q) for q in paths)]
            frontier = [pk for pk, _ in predecessors]
        return tuple(paths)

    def has_perm(self, code: str) -> bool:
        return code in self.permissions

    def require(self, code: str) -> None:
        from sifa.core.errors import PermissionDeniedError

        if not self.has_perm(code):
            raise PermissionDeniedError()

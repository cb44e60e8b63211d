"""The ``@service`` decorator: one public service = one durable transaction = one audit event.

CONVENTIONS §4.3. A public service is keyword-only with ``actor`` first. The decorator opens
``transaction.atomic(durable=True)`` (so nesting one public service in another fails loudly),
counts the audit events recorded inside, and raises if the count is not exactly one of the
declared action. Every decorated service is listed in ``registry.services`` so the audit-coverage
test can prove each one.
"""

from __future__ import annotations

import contextvars
import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar

from django.db import transaction

from sifa.core import registry

P = ParamSpec("P")
R = TypeVar("R")


class AuditContractError(RuntimeError):
    """A service did not write exactly one audit event of its declared action (a programming error)."""


@dataclass
class _ServiceRun:
    name: str
    action: str
    operation_id: uuid.UUID = field(default_factory=uuid.uuid4)
    recorded: list[str] = field(default_factory=list)


current_run: contextvars.ContextVar[_ServiceRun | None] = contextvars.ContextVar("sifa_service_run", default=None)


def service(audit_action: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        name = f"{func.__module__}.{func.__qualname__}"

        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if args:
                raise TypeError(f"{name}: services take keyword arguments only")
            run = _ServiceRun(name=name, action=audit_action)
            token = current_run.set(run)
            try:
                with transaction.atomic(durable=True):
                    result = func(*args, **kwargs)
                    if run.recorded != [audit_action]:
                        raise AuditContractError(
                            f"{name} must record exactly one {audit_action!r} audit event, recorded {run.recorded}"
                        )
            finally:
                current_run.reset(token)
            return result

        registry.services.register(name, registry.ServiceInfo(name, audit_action, wrapper))
        return wrapper

    return decorate

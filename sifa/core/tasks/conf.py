"""Retry policy and backend facts, read from settings (SIFA_TASKS_* in docs/configuration.md)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django_tasks_db.backend import DatabaseBackend

from sifa.core.tasks.compat import DEFAULT_TASK_BACKEND_ALIAS, task_backends

MAX_RETRY_DELAY = datetime.timedelta(hours=6)


def max_attempts() -> int:
    """How many times a task runs before it is marked failed (``SIFA_TASKS_MAX_ATTEMPTS``, default 3)."""
    return int(settings.SIFA_TASKS_MAX_ATTEMPTS)


def retry_delay(attempt: int) -> datetime.timedelta:
    """Exponential backoff after failed attempt ``attempt`` (1-based): base, 2×base, 4×base … ≤ 6 hours."""
    base = int(settings.SIFA_TASKS_RETRY_BACKOFF_SECONDS)
    return min(datetime.timedelta(seconds=base * 2 ** max(0, attempt - 1)), MAX_RETRY_DELAY)


def result_retention_days() -> int:
    return int(settings.SIFA_TASKS_RESULT_RETENTION_DAYS)


def uses_database_backend(alias: str = DEFAULT_TASK_BACKEND_ALIAS) -> bool:
    """Whether ``alias`` stores its queue in our database (and so is run by ``sifa worker``)."""
    return isinstance(task_backends[alias], DatabaseBackend)


def backend_path(alias: str = DEFAULT_TASK_BACKEND_ALIAS) -> str:
    backend = task_backends[alias]
    return f"{type(backend).__module__}.{type(backend).__qualname__}"

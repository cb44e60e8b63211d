"""Enqueueing from services: after the transaction commits (CONVENTIONS §4.5)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from sifa.core.tasks.compat import Task


def enqueue_on_commit(task: Task[..., Any], *args: Any, **kwargs: Any) -> None:
    """Enqueue ``task`` once the current transaction commits (at once outside a transaction).

    With the database backend an enqueue inside the transaction would also be atomic; with a
    Redis/RabbitMQ backend it would not, so services always queue their effects this way.
    """
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))

from __future__ import annotations

from sifa.core.errors import Conflict


class TaskNotRetryable(Conflict):
    """The task cannot be re-enqueued: it did not fail, was already retried, or its code is gone."""

    code = "task_not_retryable"
    title = "无法重试"

"""The one place that imports Django's tasks API.

On Django 5.2 it comes from the ``django-tasks`` backport; on Django ≥ 6.0 from ``django.tasks``
(the same choice ``django_tasks_db.compat`` makes, so task classes always match the database
backend's). Modules may import ``task`` from here or from the backport directly; moving to
Django 6 is then a change of import lines only (docs/engines/tasks.md).
"""

from __future__ import annotations

from importlib.util import find_spec
from typing import TYPE_CHECKING

if not TYPE_CHECKING and find_spec("django.tasks") is not None:  # Django ≥ 6.0: the built-in API
    from django.tasks import (
        DEFAULT_TASK_BACKEND_ALIAS,
        TaskResultStatus,
        default_task_backend,
        task,
        task_backends,
    )
    from django.tasks.base import Task, TaskContext, TaskResult
    from django.tasks.exceptions import TaskResultDoesNotExist
    from django.tasks.signals import task_finished, task_started
else:
    from django_tasks import (
        DEFAULT_TASK_BACKEND_ALIAS,
        TaskResultStatus,
        default_task_backend,
        task,
        task_backends,
    )
    from django_tasks.base import Task, TaskContext, TaskResult
    from django_tasks.exceptions import TaskResultDoesNotExist
    from django_tasks.signals import task_finished, task_started

__all__ = [
    "DEFAULT_TASK_BACKEND_ALIAS",
    "Task",
    "TaskContext",
    "TaskResult",
    "TaskResultDoesNotExist",
    "TaskResultStatus",
    "default_task_backend",
    "task",
    "task_backends",
    "task_finished",
    "task_started",
]

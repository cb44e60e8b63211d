"""Reads for the tasks page and API. Task runs are installation-wide: only ``tasks.view`` sees them."""

from __future__ import annotations

import datetime
import functools
import uuid

from django.db.models import Count, QuerySet
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult, get_date_max

from sifa.core import registry
from sifa.core.accounts.actor import Actor
from sifa.core.errors import NotFound, ValidationFailed
from sifa.core.tasks import conf
from sifa.core.tasks.choices import BADGE_COLOURS, RunState
from sifa.core.tasks.compat import Task, TaskResultStatus
from sifa.core.tasks.filters import TaskRunFilter
from sifa.core.tasks.models import TaskRetry
from sifa.core.tasks.scheduler import JobStatus, job_statuses


def task_runs_visible_to(actor: Actor, *, filters: TaskRunFilter | None = None) -> QuerySet[DBTaskResult]:
    """Recent task runs, newest first, with their manual retry (if any) joined."""
    actor.require("tasks.view")
    qs = DBTaskResult.objects.select_related("sifa_retry").order_by("-enqueued_at")
    return filters.filter(qs) if filters is not None else qs


def task_run_or_404(actor: Actor, task_id: str, *, field: str = "task_id") -> DBTaskResult:
    actor.require("tasks.view")
    try:
        pk = uuid.UUID(str(task_id).strip())
    except ValueError as exc:
        raise ValidationFailed("任务编号格式不正确（应为 UUID）", field=field) from exc
    row = DBTaskResult.objects.select_related("sifa_retry").filter(pk=pk).first()
    if row is None:
        raise NotFound("任务不存在（可能已被清理）")
    return row


def run_counts(actor: Actor) -> dict[str, int]:
    """Runs per shown state (``RunState`` value → count)."""
    actor.require("tasks.view")
    counts = {state.value: 0 for state in RunState}
    for status, n in DBTaskResult.objects.order_by().values_list("status").annotate(n=Count("pk")):
        counts[status] = n
    retrying = DBTaskResult.objects.filter(status=TaskResultStatus.READY).exclude(traceback="").count()
    counts[RunState.RETRYING.value] = retrying
    counts[RunState.READY.value] -= retrying
    return counts


def periodic_jobs_for(actor: Actor) -> list[JobStatus]:
    actor.require("tasks.view")
    return job_statuses()


# --- how one run is shown (page and API alike) ---------------------------------------------------

@functools.lru_cache(maxsize=512)
def task_label(task_path: str) -> str:
    """A periodic job's label, else the first line of the task function's docstring, else its name."""
    for job in registry.periodic_jobs.values():
        if getattr(job.task, "module_path", None) == task_path:
            return job.label
    try:
        task = import_string(task_path)
    except ImportError:
        return task_path.rsplit(".", 1)[-1]
    doc = (task.func.__doc__ or "").strip() if isinstance(task, Task) else ""
    return doc.splitlines()[0].rstrip("。.") if doc else task_path.rsplit(".", 1)[-1]


def run_state_of(status: str, traceback: str) -> RunState:
    if status == TaskResultStatus.READY and traceback:
        return RunState.RETRYING
    return RunState(status)


def run_state(row: DBTaskResult) -> RunState:
    return run_state_of(row.status, row.traceback)


def run_badge(row: DBTaskResult) -> str:
    return BADGE_COLOURS[run_state(row)]


def run_attempts(row: DBTaskResult) -> int:
    return len(row.worker_ids)


def run_error(row: DBTaskResult) -> str:
    """The last line of the traceback: ``ExceptionClass: message`` (empty when the run did not fail)."""
    lines = [line for line in row.traceback.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def run_after(row: DBTaskResult) -> datetime.datetime | None:
    """When a waiting run becomes due (None: at once, the backend's far-future sentinel)."""
    return None if row.run_after == get_date_max() else row.run_after


def retry_of(row: DBTaskResult) -> TaskRetry | None:
    try:
        return row.sifa_retry
    except TaskRetry.DoesNotExist:
        return None


def can_retry(row: DBTaskResult) -> bool:
    return row.status == TaskResultStatus.FAILED and retry_of(row) is None


def max_attempts() -> int:
    return conf.max_attempts()

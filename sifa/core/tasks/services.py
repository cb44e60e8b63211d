"""Writes of the tasks engine: an administrator re-enqueues a failed task."""

from __future__ import annotations

from django.utils.module_loading import import_string
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from sifa.core.accounts.actor import Actor
from sifa.core.audit.recorder import record
from sifa.core.services import service
from sifa.core.tasks.compat import Task, TaskResultStatus, task_backends
from sifa.core.tasks.errors import TaskNotRetryable
from sifa.core.tasks.models import TaskRetry
from sifa.core.tasks.selectors import task_label


@service("tasks.task.retried")
def retry_task(*, actor: Actor, task_run: DBTaskResult) -> DBTaskResult:
    """Enqueue a fresh run of a task that failed after all its automatic attempts.

    The failed row is kept as history and linked to the new run (``TaskRetry``); a row can be
    retried once (a second click answers 409), the new run gets the full number of attempts again.
    The new row is written in this transaction, together with the audit event.
    """
    actor.require("tasks.manage")
    locked = DBTaskResult.objects.select_for_update().get(pk=task_run.pk)
    if locked.status != TaskResultStatus.FAILED:
        raise TaskNotRetryable("只有已失败的任务可以重试")
    earlier = TaskRetry.objects.filter(original=locked).first()
    if earlier is not None:
        raise TaskNotRetryable(f"该任务已于 {earlier.retried_at:%Y-%m-%d %H:%M} 重新排队（新任务 {earlier.new_task_id}）")
    try:
        task = import_string(locked.task_path)
    except ImportError as exc:
        raise TaskNotRetryable(f"任务代码 {locked.task_path} 已不存在，无法重试") from exc
    if not isinstance(task, Task):
        raise TaskNotRetryable(f"{locked.task_path} 不是任务，无法重试")
    if not isinstance(task_backends[locked.backend_name], DatabaseBackend):
        raise TaskNotRetryable(f"任务后端 {locked.backend_name} 已不是数据库后端，无法在此重试")
    result = task.using(priority=locked.priority, queue_name=locked.queue_name, backend=locked.backend_name).enqueue(
        *locked.args_kwargs["args"], **locked.args_kwargs["kwargs"])
    TaskRetry.objects.create(original=locked, new_task_id=str(result.id), retried_by=actor.name[:150])
    record(actor=actor, action="tasks.task.retried", object_type="tasks.task", object_id=str(locked.pk),
           object_repr=f"{task_label(locked.task_path)}（{locked.task_path}）",
           changes={"new_task_id": str(result.id), "attempts": len(locked.worker_ids),
                    "error": locked.exception_class_path})
    return DBTaskResult.objects.get(pk=result.id)

"""``retry_task``: an administrator re-enqueues a finally failed task, once, audited."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from sifa.core.audit.models import AuditEvent
from sifa.core.errors import PermissionDeniedError
from sifa.core.tasks.compat import TaskResultStatus
from sifa.core.tasks.errors import TaskNotRetryable
from sifa.core.tasks.models import TaskRetry
from sifa.core.tasks.services import retry_task
from sifa.core.tasks.tests import sample_tasks
from sifa.core.testing import actor_for

pytestmark = pytest.mark.django_db


def failed_run(task=sample_tasks.add, *args: object) -> DBTaskResult:  # type: ignore[no-untyped-def]
    """A run that used up its attempts (as the worker leaves it)."""
    result = task.enqueue(*args)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.FAILED, worker_ids=["w1", "w2", "w3"], exception_class_path="builtins.RuntimeError",
        traceback="Traceback …\nRuntimeError: 模拟失败")
    return DBTaskResult.objects.get(pk=result.id)


def test_retry_enqueues_a_fresh_run_and_is_audited(run_worker) -> None:  # type: ignore[no-untyped-def]
    # given
    failed = failed_run(sample_tasks.add, 20, 22)
    # when
    new = retry_task(actor=actor_for("admin"), task_run=failed)
    # then: a new run with the same arguments, linked from the failed one, audited once
    assert new.pk != failed.pk
    assert new.status == TaskResultStatus.READY
    assert new.args_kwargs == {"args": [20, 22], "kwargs": {}}
    assert TaskRetry.objects.get(original=failed).new_task_id == str(new.pk)
    event = AuditEvent.objects.get(action="tasks.task.retried")
    assert event.object_id == str(failed.pk)
    assert event.changes["new_task_id"] == str(new.pk)
    assert event.actor_username == "admin"
    # and the worker runs it
    run_worker()
    new.refresh_from_db()
    assert new.status == TaskResultStatus.SUCCESSFUL
    assert new.return_value == 42


def test_a_failed_run_is_retried_only_once() -> None:
    failed = failed_run()
    retry_task(actor=actor_for("admin"), task_run=failed)
    with pytest.raises(TaskNotRetryable, match="已于 .* 重新排队"):
        retry_task(actor=actor_for("admin"), task_run=failed)
    assert AuditEvent.objects.filter(action="tasks.task.retried").count() == 1
    assert DBTaskResult.objects.filter(task_path=sample_tasks.add.module_path).count() == 2


def test_only_failed_runs_can_be_retried() -> None:
    result = sample_tasks.add.enqueue(1, 1)
    with pytest.raises(TaskNotRetryable, match="只有已失败的任务可以重试"):
        retry_task(actor=actor_for("admin"), task_run=DBTaskResult.objects.get(pk=result.id))
    assert not AuditEvent.objects.filter(action="tasks.task.retried").exists()


def test_retry_needs_the_manage_permission() -> None:
    failed = failed_run()
    with pytest.raises(PermissionDeniedError):
        retry_task(actor=actor_for("county"), task_run=failed)
    assert not TaskRetry.objects.exists()
    assert not AuditEvent.objects.filter(action="tasks.task.retried").exists()

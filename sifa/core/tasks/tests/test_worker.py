"""``sifa worker``: runs queued tasks, retries failures with backoff, marks final failures, stops cleanly.

Database backend throughout (the default ``TASKS`` setting); every test here runs on SQLite and on
PostgreSQL with the rest of the suite.
"""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sifa.core.tasks import conf
from sifa.core.tasks.compat import TaskResultStatus
from sifa.core.tasks.scheduler import Enqueued, Scheduler
from sifa.core.tasks.tests import sample_tasks
from sifa.core.tasks.worker import Worker

pytestmark = pytest.mark.django_db


def row(result_id: str) -> DBTaskResult:
    return DBTaskResult.objects.get(pk=result_id)


def test_once_runs_an_enqueued_task(run_worker) -> None:  # type: ignore[no-untyped-def]
    # given
    result = sample_tasks.add.enqueue(2, 3)
    assert row(result.id).status == TaskResultStatus.READY
    # when
    log = run_worker()
    # then
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 5
    assert result.attempts == 1
    assert "测试加法 执行成功" in log
    assert "没有到期的任务了" in log


def test_failing_task_is_retried_then_marked_failed(run_worker, settings) -> None:  # type: ignore[no-untyped-def]
    # given
    settings.SIFA_TASKS_RETRY_BACKOFF_SECONDS = 0
    result = sample_tasks.always_fails.enqueue()
    # when
    log = run_worker()
    # then
    failed = row(result.id)
    assert failed.status == TaskResultStatus.FAILED
    assert len(failed.worker_ids) == 3
    assert failed.exception_class_path == "builtins.RuntimeError"
    assert "模拟失败：外部系统无响应" in failed.traceback
    assert "第 1/3 次执行失败" in log and "第 2/3 次执行失败" in log
    assert "已执行 3 次均失败，不再自动重试" in log


def test_failed_attempt_waits_for_its_backoff(run_worker, settings) -> None:  # type: ignore[no-untyped-def]
    # given
    settings.SIFA_TASKS_RETRY_BACKOFF_SECONDS = 60
    result = sample_tasks.always_fails.enqueue()
    # when
    before = timezone.now()
    run_worker()
    # then: back in the queue, due in 60 s, the error kept for the page
    waiting = row(result.id)
    assert waiting.status == TaskResultStatus.READY
    assert len(waiting.worker_ids) == 1
    assert before + datetime.timedelta(seconds=59) < waiting.run_after < timezone.now() + datetime.timedelta(seconds=61)
    assert "模拟失败" in waiting.traceback
    # when: a second pass before it is due does nothing
    run_worker()
    assert len(row(result.id).worker_ids) == 1
    # when: it is due, the second failure doubles the delay
    DBTaskResult.objects.filter(pk=result.id).update(run_after=timezone.now() - datetime.timedelta(seconds=1))
    run_worker()
    again = row(result.id)
    assert len(again.worker_ids) == 2
    assert again.run_after > timezone.now() + datetime.timedelta(seconds=110)


def test_task_that_fails_once_succeeds_on_its_second_attempt(run_worker, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SIFA_TASKS_RETRY_BACKOFF_SECONDS = 0
    result = sample_tasks.fails_first_attempt.enqueue()
    run_worker()
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 2
    assert row(result.id).traceback == ""


def test_max_attempts_is_configurable(run_worker, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SIFA_TASKS_MAX_ATTEMPTS = 1
    result = sample_tasks.always_fails.enqueue()
    run_worker()
    assert row(result.id).status == TaskResultStatus.FAILED
    assert len(row(result.id).worker_ids) == 1


def test_backoff_doubles_and_is_capped(settings) -> None:
    settings.SIFA_TASKS_RETRY_BACKOFF_SECONDS = 60
    assert [conf.retry_delay(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert conf.retry_delay(30) == conf.MAX_RETRY_DELAY


def test_task_whose_code_is_gone_fails_without_retry(run_worker) -> None:  # type: ignore[no-untyped-def]
    # given: a row naming a function that no longer exists (renamed in a new release)
    ghost = DBTaskResult.objects.create(args_kwargs={"args": [], "kwargs": {}}, task_path="sifa.core.tasks.tests.sample_tasks.gone",
                                        backend_name="default")
    # when
    log = run_worker()
    # then
    ghost.refresh_from_db()
    assert ghost.status == TaskResultStatus.FAILED
    assert len(ghost.worker_ids) == 1
    assert "无法加载" in log


def test_once_does_not_run_what_its_tasks_enqueue(run_worker) -> None:  # type: ignore[no-untyped-def]
    # given
    sample_tasks.enqueues_another.enqueue()
    # when
    run_worker()
    # then: the parent ran, its child waits for the next worker turn (no endless --once)
    assert DBTaskResult.objects.filter(task_path=sample_tasks.enqueues_another.module_path, status="SUCCESSFUL").count() == 1
    assert DBTaskResult.objects.filter(task_path=sample_tasks.noop.module_path, status="READY").count() == 1


def test_queue_option_limits_what_runs(run_worker) -> None:  # type: ignore[no-untyped-def]
    other = sample_tasks.noop.using(queue_name="ledger").enqueue()
    default = sample_tasks.noop.enqueue()
    run_worker(queue="default")
    assert row(other.id).status == TaskResultStatus.READY
    assert row(default.id).status == TaskResultStatus.SUCCESSFUL


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(),
                    reason="signal handlers can only be installed in the main thread")
def test_ctrl_c_lets_the_running_task_finish_then_stops() -> None:
    # given: a task that presses Ctrl+C while it runs, and one more task behind it
    first = sample_tasks.interrupts_worker.using(priority=10).enqueue()
    second = sample_tasks.noop.enqueue()
    # when: a long-running worker (not --once)
    stats = Worker(worker_id="pytest", interval=0.01).run()
    # then
    assert row(first.id).status == TaskResultStatus.SUCCESSFUL
    assert row(second.id).status == TaskResultStatus.READY
    assert stats.succeeded == 1


class _FailingScheduler(Scheduler):
    def run_pending(self, *, now: datetime.datetime | None = None) -> list[Enqueued]:
        raise OperationalError("数据库暂时不可用")


def test_a_scheduler_error_does_not_stop_the_queue() -> None:
    result = sample_tasks.add.enqueue(1, 2)
    stats = Worker(worker_id="pytest", once=True, scheduler=_FailingScheduler()).run()
    assert stats.succeeded == 1
    assert row(result.id).status == TaskResultStatus.SUCCESSFUL

"""The scheduler: a due periodic job is enqueued once, not once per pass or per worker; the cleanup job."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sifa.core import registry
from sifa.core.accounts.models import LoginFailure
from sifa.core.registry import PeriodicJob
from sifa.core.tasks.compat import TaskResultStatus
from sifa.core.tasks.jobs import CLEANUP
from sifa.core.tasks.models import PeriodicJobState
from sifa.core.tasks.scheduler import Scheduler, job_statuses
from sifa.core.tasks.tests import sample_tasks
from sifa.core.tasks.tests.conftest import days_ago

JOB = PeriodicJob(name="test.noop", label="测试定时任务", interval_seconds=60, task=sample_tasks.noop)
T0 = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)
T = TypeVar("T")


def queued() -> int:
    return DBTaskResult.objects.filter(task_path=sample_tasks.noop.module_path).count()


@pytest.mark.django_db
def test_due_job_is_enqueued_once_across_passes_and_workers() -> None:
    # given: two workers' schedulers (and a third, restarted one later)
    first, second = Scheduler(jobs=[JOB], worker_id="a"), Scheduler(jobs=[JOB], worker_id="b")
    # when
    enqueued = first.run_pending(now=T0)
    again = first.run_pending(now=T0 + datetime.timedelta(seconds=1))
    other = second.run_pending(now=T0 + datetime.timedelta(seconds=2))
    restarted = Scheduler(jobs=[JOB], worker_id="c").run_pending(now=T0 + datetime.timedelta(seconds=59))
    # then
    assert [e.job.name for e in enqueued] == ["test.noop"]
    assert again == other == restarted == []
    assert queued() == 1
    state = PeriodicJobState.objects.get(name="test.noop")
    assert state.last_enqueued_at == T0
    assert state.last_worker_id == "a"
    assert state.last_task_id == enqueued[0].task_id


@pytest.mark.django_db
def test_due_again_after_its_interval_unless_the_last_run_still_waits(run_worker) -> None:  # type: ignore[no-untyped-def]
    scheduler = Scheduler(jobs=[JOB], worker_id="a")
    scheduler.run_pending(now=T0)
    # the first run has not started: no second copy piles up behind it
    assert scheduler.run_pending(now=T0 + datetime.timedelta(seconds=61)) == []
    # once it ran, the job is due again
    run_worker()
    assert len(scheduler.run_pending(now=T0 + datetime.timedelta(seconds=62))) == 1
    assert queued() == 2


class _BrokenTask:
    module_path = "nowhere.broken"

    def enqueue(self) -> Any:
        raise ConnectionError("队列不可用")


@pytest.mark.django_db
def test_failed_enqueue_gives_the_claim_back() -> None:
    job = PeriodicJob(name="test.broken", label="坏任务", interval_seconds=60, task=_BrokenTask())
    assert Scheduler(jobs=[job]).run_pending(now=T0) == []
    assert PeriodicJobState.objects.get(name="test.broken").last_enqueued_at is None


@pytest.mark.django_db
def test_job_statuses_show_last_and_next_run() -> None:
    Scheduler(jobs=[JOB]).run_pending(now=T0)
    (status,) = job_statuses([JOB])
    assert status.last_enqueued_at == T0
    assert status.next_due_at == T0 + datetime.timedelta(seconds=60)
    assert status.last_status == TaskResultStatus.READY


def test_cleanup_is_registered() -> None:
    assert registry.periodic_jobs["tasks.cleanup"] is CLEANUP
    assert CLEANUP.interval_seconds == 3600


@pytest.mark.django_db
def test_worker_once_runs_the_due_cleanup_job(run_worker, only_due) -> None:  # type: ignore[no-untyped-def]
    # given: an old and a recent finished task run, an old and a recent login failure
    old = DBTaskResult.objects.create(args_kwargs={"args": [], "kwargs": {}}, task_path=sample_tasks.noop.module_path,
                                      backend_name="default", status="SUCCESSFUL", finished_at=days_ago(40))
    recent = DBTaskResult.objects.create(args_kwargs={"args": [], "kwargs": {}}, task_path=sample_tasks.noop.module_path,
                                         backend_name="default", status="FAILED", finished_at=days_ago(2))
    LoginFailure.objects.create(username="x", ip="10.0.0.9", created_at=days_ago(2))
    LoginFailure.objects.create(username="y", ip="10.0.0.9", created_at=timezone.now())
    only_due("tasks.cleanup")
    # when
    log = run_worker(scheduler=True)
    # then
    assert not DBTaskResult.objects.filter(pk=old.pk).exists()
    assert DBTaskResult.objects.filter(pk=recent.pk).exists()
    assert list(LoginFailure.objects.filter(ip="10.0.0.9").values_list("username", flat=True)) == ["y"]
    run = DBTaskResult.objects.get(task_path=CLEANUP.task.module_path)
    assert run.status == TaskResultStatus.SUCCESSFUL
    assert run.return_value == {"task_results": 1, "login_failures": 1}
    assert "定时任务 清理过期任务记录与登录失败记录（tasks.cleanup）已排队" in log
    # a second pass within the hour does not enqueue it again
    run_worker(scheduler=True)
    assert DBTaskResult.objects.filter(task_path=CLEANUP.task.module_path).count() == 1


def _in_own_connection(func: Callable[[], T]) -> T:
    """Run ``func`` in another thread: its own connection, autocommit, outside the test's transaction."""

    def run() -> T:
        try:
            return func()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent workers need PostgreSQL "
                    "(the SQLite test database is in memory; SQLite serializes writers anyway)")
@pytest.mark.django_db
def test_concurrent_workers_enqueue_a_due_job_once() -> None:
    """Four threads, each with its own connection and committed writes, race for the same never-run job."""
    job = PeriodicJob(name="test.race", label="并发测试", interval_seconds=60, task=sample_tasks.noop)
    barrier = threading.Barrier(4)

    def one_pass(n: int) -> int:
        try:
            barrier.wait(timeout=10)
            return len(Scheduler(jobs=[job], worker_id=f"w{n}").run_pending(now=T0 + datetime.timedelta(milliseconds=n)))
        finally:
            connections.close_all()

    def clean_up() -> None:
        DBTaskResult.objects.filter(task_path=sample_tasks.noop.module_path).delete()
        PeriodicJobState.objects.filter(name=job.name).delete()

    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            counts = list(pool.map(one_pass, range(4)))
        # the test's own transaction (READ COMMITTED) sees what the threads committed
        assert sum(counts) == 1
        assert queued() == 1
    finally:
        _in_own_connection(clean_up)

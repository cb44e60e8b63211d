"""The queue worker behind ``sifa worker``: runs database-queued tasks, retries failures, runs the scheduler.

One process, one loop: each turn runs a scheduler pass when one is due (every few seconds), then
claims the next ready task (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, an exclusive
transaction on SQLite, as django-tasks-db's own ``db_worker`` does) and runs it outside any
transaction. A task that raises is put back in the queue with ``run_after`` = now + backoff until it
has run ``SIFA_TASKS_MAX_ATTEMPTS`` times; then it is marked failed and stays on /tasks/ for an
administrator. The first Ctrl+C (SIGINT/SIGTERM) lets the running task finish; a second one stops
at once and puts the interrupted task back in the queue.
"""

from __future__ import annotations

import datetime
import logging
import os
import signal
import socket
import threading
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from types import FrameType
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.db import OperationalError, close_old_connections, connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception, retry

from sifa.core.tasks import conf
from sifa.core.tasks.compat import (
    DEFAULT_TASK_BACKEND_ALIAS,
    TaskContext,
    TaskResultStatus,
    task_finished,
    task_started,
)
from sifa.core.tasks.scheduler import Scheduler
from sifa.core.tasks.selectors import task_label

logger = logging.getLogger("sifa.tasks")

SCHEDULER_TICK_SECONDS = 5.0


def default_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(6)}"[:64]


def _error_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _refresh_connections() -> None:
    """Drop broken or expired connections between tasks, as a request would (not inside a transaction:
    tests run the worker inside their rolled-back transaction)."""
    if not any(conn.in_atomic_block for conn in connections.all(initialized_only=True)):
        close_old_connections()


@dataclass
class WorkerStats:
    succeeded: int = 0
    retried: int = 0  # failed attempts put back in the queue
    failed: int = 0  # tasks that used up their attempts
    jobs_enqueued: int = 0

    @property
    def ran(self) -> int:
        return self.succeeded + self.retried + self.failed


@retry()
def _save_for_retry(row: DBTaskResult, exc: BaseException, run_after: datetime.datetime) -> None:
    row.status = TaskResultStatus.READY
    row.run_after = run_after
    row.finished_at = None
    row.return_value = None
    row.exception_class_path = f"{type(exc).__module__}.{type(exc).__qualname__}"
    row.traceback = "".join(traceback.format_exception(exc))
    row.save(update_fields=["status", "run_after", "finished_at", "return_value", "exception_class_path", "traceback"])


class Worker:
    def __init__(
        self,
        *,
        worker_id: str | None = None,
        queues: Sequence[str] = ("*",),
        interval: float = 1.0,
        once: bool = False,
        scheduler: Scheduler | None = None,
        backend_alias: str = DEFAULT_TASK_BACKEND_ALIAS,
        max_tasks: int | None = None,
    ) -> None:
        self.worker_id = (worker_id or default_worker_id())[:64]
        self.queues = list(queues)
        self.interval = interval
        self.once = once
        self.scheduler = scheduler
        self.backend_alias = backend_alias
        self.max_tasks = max_tasks
        self.runs_queue = conf.uses_database_backend(backend_alias)
        self.running = True
        self.running_task = False
        self.stats = WorkerStats()

    # --- signals -------------------------------------------------------------------------------

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if not self.running:
            logger.warning("再次收到 %s：立即退出", name)
            raise KeyboardInterrupt
        self.running = False
        if self.running_task:
            logger.warning("收到 %s：当前任务完成后退出（再按一次 Ctrl+C 立即退出）", name)
        else:
            logger.warning("收到 %s：正在退出", name)

    def _install_signals(self) -> dict[int, Any]:
        if threading.current_thread() is not threading.main_thread():
            return {}
        previous: dict[int, Any] = {}
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, self._on_signal)
        return previous

    @staticmethod
    def _restore_signals(previous: dict[int, Any]) -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    # --- the loop ------------------------------------------------------------------------------

    def run(self) -> WorkerStats:
        previous = self._install_signals()
        try:
            self._loop()
        finally:
            self._restore_signals(previous)
        logger.info("后台任务进程 %s 已退出：成功 %d，失败待重试 %d，最终失败 %d，定时任务排队 %d",
                    self.worker_id, self.stats.succeeded, self.stats.retried, self.stats.failed,
                    self.stats.jobs_enqueued)
        return self.stats

    def _loop(self) -> None:
        queues = "全部" if "*" in self.queues else "、".join(self.queues)
        logger.info("后台任务进程 %s 已启动（后端 %s，队列 %s，定时调度%s%s）", self.worker_id,
                    conf.backend_path(self.backend_alias), queues, "开启" if self.scheduler else "关闭",
                    "，处理到期任务后退出" if self.once else "")
        if not self.runs_queue:
            logger.warning("任务后端不是数据库后端：本进程只运行定时调度，任务由该后端自己执行")
        next_tick = 0.0
        cutoff: datetime.datetime | None = None
        while self.running:
            _refresh_connections()
            if self.scheduler is not None and time.monotonic() >= next_tick and (cutoff is None or not self.once):
                next_tick = time.monotonic() + SCHEDULER_TICK_SECONDS
                try:
                    self.stats.jobs_enqueued += len(self.scheduler.run_pending())
                except Exception:
                    # e.g. the database restarting: keep running tasks, try the scheduler again next tick
                    logger.exception("定时调度出错，%d 秒后重试", int(SCHEDULER_TICK_SECONDS))
            if self.once and cutoff is None:
                # --once: what is due now (and its retries), not what those tasks enqueue in turn.
                cutoff = timezone.now()
            row = self.claim_next(enqueued_before=cutoff) if self.runs_queue else None
            if row is not None:
                self.run_task(row)
                if self.max_tasks is not None and self.stats.ran >= self.max_tasks:
                    logger.info("已执行 %d 个任务（--max-tasks），退出", self.stats.ran)
                    return
                continue
            if self.once:
                logger.info("没有到期的任务了（--once），退出")
                return
            self._sleep(self.interval)

    def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while self.running and (left := end - time.monotonic()) > 0:
            time.sleep(min(left, 0.25))

    # --- one task ------------------------------------------------------------------------------

    def claim_next(self, *, enqueued_before: datetime.datetime | None = None) -> DBTaskResult | None:
        """Take the next ready task and mark it running for this worker (one attempt more)."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_alias)
        if "*" not in self.queues:
            tasks = tasks.filter(queue_name__in=self.queues)
        if enqueued_before is not None:
            tasks = tasks.filter(enqueued_at__lte=enqueued_before)
        try:
            with exclusive_transaction(tasks.db):
                row = tasks.get_locked()
                if row is not None:
                    row.claim(self.worker_id)
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return None  # SQLite busy: another worker is claiming; try again next turn
            raise
        return row

    def run_task(self, row: DBTaskResult) -> None:
        attempt = len(row.worker_ids)
        try:
            task = row.task
            task_result = row.task_result
        except (ImportError, SuspiciousOperation) as exc:
            # The code is gone or the row does not name a task: retrying cannot help.
            row.set_failed(exc)
            self.stats.failed += 1
            logger.error("任务 %s（%s）无法加载：%s，已标记为失败", row.task_path, row.id, _error_line(exc))
            return
        label = task_label(row.task_path)
        limit = conf.max_attempts()
        logger.info("开始执行 %s（任务 %s，第 %d/%d 次）", label, row.id, attempt, limit)
        sender = type(task.get_backend())
        task_started.send(sender=sender, task_result=task_result)
        self.running_task = True
        started = time.monotonic()
        try:
            if task.takes_context:
                value = task.call(TaskContext(task_result=task_result), *task_result.args, **task_result.kwargs)
            else:
                value = task.call(*task_result.args, **task_result.kwargs)
            row.set_successful(value)
        except (KeyboardInterrupt, SystemExit):
            self._put_back(row)
            raise
        except Exception as exc:
            self._failed(row, exc, label=label, attempt=attempt, limit=limit, sender=sender)
        else:
            self.stats.succeeded += 1
            logger.info("%s 执行成功（用时 %.2f 秒）", label, time.monotonic() - started)
            task_finished.send(sender=sender, task_result=row.task_result)
        finally:
            self.running_task = False

    def _failed(self, row: DBTaskResult, exc: Exception, *, label: str, attempt: int, limit: int, sender: type) -> None:
        if attempt < limit:
            delay = conf.retry_delay(attempt)
            _save_for_retry(row, exc, timezone.now() + delay)
            self.stats.retried += 1
            logger.warning("%s 第 %d/%d 次执行失败：%s；%d 秒后重试", label, attempt, limit, _error_line(exc),
                           int(delay.total_seconds()))
            return
        row.set_failed(exc)
        self.stats.failed += 1
        logger.error("%s 已执行 %d 次均失败，不再自动重试：%s（管理员可在“后台任务”页面重试）", label, attempt,
                     _error_line(exc), exc_info=exc)
        task_finished.send(sender=sender, task_result=row.task_result)

    def _put_back(self, row: DBTaskResult) -> None:
        """An interrupted run does not count as an attempt: back to the queue, ready at once."""
        row.status = TaskResultStatus.READY
        row.worker_ids = row.worker_ids[:-1]
        row.run_after = timezone.now()
        row.save(update_fields=["status", "worker_ids", "run_after"])
        logger.warning("任务 %s 被中断，已放回队列", row.id)

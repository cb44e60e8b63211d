"""``sifa worker``: run queued background tasks and the periodic-job scheduler in one process."""

from __future__ import annotations

import logging
import sys
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand

from sifa.core.tasks.scheduler import Scheduler
from sifa.core.tasks.worker import Worker, default_worker_id


def _non_negative(value: str) -> float:
    try:
        number = float(value)
    except ValueError as exc:
        raise ArgumentTypeError("应为数字") from exc
    if number < 0:
        raise ArgumentTypeError("不能小于 0")
    return number


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError as exc:
        raise ArgumentTypeError("应为整数") from exc
    if number <= 0:
        raise ArgumentTypeError("应大于 0")
    return number


class Command(BaseCommand):
    help = "后台任务进程：执行队列中的任务（失败自动重试），并按间隔排队定时任务。Ctrl+C 在当前任务完成后退出。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true",
                            help="运行一轮定时调度，执行所有已到期的任务（含立即到期的重试）后退出（测试与 CI 用）")
        parser.add_argument("--interval", type=_non_negative, default=1.0,
                            help="队列为空时两次检查之间等待的秒数（默认 1）")
        parser.add_argument("--queue", default="*", help="只处理这些队列（逗号分隔；默认 * 表示全部）")
        parser.add_argument("--no-scheduler", action="store_true", help="不运行定时调度，只执行队列中的任务")
        parser.add_argument("--max-tasks", type=_positive_int, default=None, help="执行这么多个任务后退出")
        parser.add_argument("--worker-id", default=None, help="本进程的编号（默认：主机名-进程号-随机串）")

    def handle(self, *args: Any, once: bool, interval: float, queue: str, no_scheduler: bool,
               max_tasks: int | None, worker_id: str | None, verbosity: int, **options: Any) -> None:
        logger = logging.getLogger("sifa.tasks")
        library_logger = logging.getLogger("django_tasks")
        saved = (logger.level, logger.propagate, library_logger.level)
        handler = logging.StreamHandler(self.stdout)
        handler.terminator = ""  # the command's stdout wrapper ends each line itself
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", datefmt="%Y-%m-%d %H:%M:%S"))
        logger.addHandler(handler)
        logger.propagate = False
        logger.setLevel({0: logging.ERROR, 1: logging.INFO}.get(verbosity, logging.DEBUG))
        # django-tasks logs every task in English; our own log says the same in Chinese (-v 2 shows both).
        library_logger.setLevel(logging.DEBUG if verbosity >= 2 else logging.CRITICAL)
        worker_id = worker_id or default_worker_id()
        worker = Worker(
            worker_id=worker_id,
            queues=[q.strip() for q in queue.split(",") if q.strip()] or ["*"],
            interval=interval,
            once=once,
            scheduler=None if no_scheduler else Scheduler(worker_id=worker_id),
            max_tasks=max_tasks,
        )
        try:
            worker.run()
        except KeyboardInterrupt:
            logger.warning("后台任务进程已强制退出")
            sys.exit(130)
        finally:
            logger.removeHandler(handler)
            logger.setLevel(saved[0])
            logger.propagate = saved[1]
            library_logger.setLevel(saved[2])

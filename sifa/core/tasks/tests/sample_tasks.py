"""Tasks used by the tests (module-level functions, as django-tasks requires)."""

from __future__ import annotations

import os
import signal

from sifa.core.tasks.compat import TaskContext, task


@task()
def add(a: int, b: int) -> int:
    """测试加法。"""
    return a + b


@task()
def noop() -> None:
    return None


@task()
def always_fails() -> None:
    raise RuntimeError("模拟失败：外部系统无响应")


@task(takes_context=True)
def fails_first_attempt(context: TaskContext) -> int:
    if context.attempt == 1:
        raise ConnectionError("第一次连接失败")
    return context.attempt


@task()
def enqueues_another() -> None:
    noop.enqueue()


@task()
def interrupts_worker() -> str:
    """Sends the worker's own process a Ctrl+C while it runs, then finishes normally."""
    os.kill(os.getpid(), signal.SIGINT)
    return "finished"


@task()
def sleeps(seconds: float) -> float:
    import time

    time.sleep(seconds)
    return seconds

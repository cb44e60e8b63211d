"""State the tasks engine keeps beside django-tasks-db's own ``DBTaskResult`` rows."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


class PeriodicJobState(models.Model):
    """When the scheduler last enqueued one periodic job (``registry.periodic_jobs`` key).

    The scheduler claims a due job with one conditional UPDATE (``last_enqueued_at`` older than the
    interval), so several workers, or a restarted one, enqueue each due job exactly once.
    """

    name = models.CharField("定时任务", max_length=100, primary_key=True)
    last_enqueued_at = models.DateTimeField("上次排队时间", null=True, blank=True)
    last_task_id = models.CharField("上次任务编号", max_length=64, blank=True)
    last_worker_id = models.CharField("排队的后台进程", max_length=64, blank=True)

    class Meta:
        verbose_name = "定时任务状态"
        verbose_name_plural = "定时任务状态"

    def __str__(self) -> str:
        return self.name


class TaskRetry(models.Model):
    """An administrator re-enqueued a finally failed task (service ``retry_task``, audited).

    The failed row stays as history; ``new_task_id`` is the fresh run. One retry per failed row
    (the primary key), so a double click cannot enqueue the task twice.
    """

    original = models.OneToOneField(DBTaskResult, on_delete=models.CASCADE, primary_key=True,
                                    related_name="sifa_retry", verbose_name="失败的任务")
    new_task_id = models.CharField("新任务编号", max_length=64)
    retried_at = models.DateTimeField("重试时间", default=timezone.now)
    retried_by = models.CharField("操作人", max_length=150)

    class Meta:
        verbose_name = "任务重试"
        verbose_name_plural = "任务重试"

    def __str__(self) -> str:
        return f"{self.original_id} → {self.new_task_id}"

"""Task-run filter: one definition for the tasks page and ``GET /api/v1/tasks``."""

from __future__ import annotations

from django.db.models import Q
from ninja import FilterSchema
from pydantic import Field

from sifa.core.tasks.choices import RunState
from sifa.core.tasks.compat import TaskResultStatus


class TaskRunFilter(FilterSchema):
    state: RunState | None = Field(None, description="状态：READY 排队中、RETRYING 等待重试、RUNNING 运行中、"
                                                     "SUCCESSFUL 成功、FAILED 失败")
    task: str | None = Field(None, max_length=200, description="任务路径（包含匹配，如 tasks.jobs.cleanup）")

    def filter_state(self, value: RunState | None) -> Q:
        if value is None:
            return Q()
        if value == RunState.READY:
            return Q(status=TaskResultStatus.READY, traceback="")
        if value == RunState.RETRYING:
            return Q(status=TaskResultStatus.READY) & ~Q(traceback="")
        return Q(status=value.value)

    def filter_task(self, value: str | None) -> Q:
        return Q(task_path__icontains=value.strip()) if value else Q()

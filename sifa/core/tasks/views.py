from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_tasks_db.models import DBTaskResult

from sifa.core.errors import ValidationFailed
from sifa.core.tasks import conf, selectors, services
from sifa.core.tasks.choices import RunState
from sifa.core.tasks.errors import TaskNotRetryable
from sifa.core.tasks.filters import TaskRunFilter
from sifa.core.ui.decorators import require_perm
from sifa.core.ui.filters import filters_from_query
from sifa.core.ui.pagination import paginate


@dataclass(frozen=True)
class RunRow:
    """One task run as the page shows it."""

    row: DBTaskResult
    label: str
    state: RunState
    badge: str
    attempts: int
    error: str
    run_after: datetime.datetime | None
    retried_as: str | None
    can_retry: bool


def _row(row: DBTaskResult) -> RunRow:
    retry = selectors.retry_of(row)
    return RunRow(row=row, label=selectors.task_label(row.task_path), state=selectors.run_state(row),
                  badge=selectors.run_badge(row), attempts=selectors.run_attempts(row), error=selectors.run_error(row),
                  run_after=selectors.run_after(row), retried_as=retry.new_task_id if retry else None,
                  can_retry=selectors.can_retry(row))


def _interval(seconds: int) -> str:
    if seconds % 86400 == 0:
        return f"每 {seconds // 86400} 天"
    if seconds % 3600 == 0:
        return f"每 {seconds // 3600} 小时"
    if seconds % 60 == 0:
        return f"每 {seconds // 60} 分钟"
    return f"每 {seconds} 秒"


@login_required
@require_perm("tasks.view")
def task_list(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    filters, error = filters_from_query(TaskRunFilter, request.GET.dict())
    qs = selectors.task_runs_visible_to(actor, filters=filters) if filters else DBTaskResult.objects.none()
    page, querystring = paginate(request, qs, per_page=50)
    counts = selectors.run_counts(actor)
    jobs: list[dict[str, Any]] = [
        {"status": s, "interval": _interval(s.job.interval_seconds),
         "last_state": RunState(s.last_status).label if s.last_status else ""}
        for s in selectors.periodic_jobs_for(actor)
    ]
    return render(request, "tasks/task_list.html", {
        "page": page, "rows": [_row(r) for r in page], "querystring": querystring, "params": request.GET,
        "filter_error": error, "states": RunState.choices, "jobs": jobs,
        "state_counts": [(value, label, counts[value]) for value, label in RunState.choices],
        "max_attempts": conf.max_attempts(), "database_backend": conf.uses_database_backend(),
        "backend": conf.backend_path(), "can_manage": actor.has_perm("tasks.manage"),
    }, status=400 if error else 200)


@login_required
@require_perm("tasks.manage")
@require_POST
def task_retry(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    raw = request.POST.get("task", "").strip()
    if not raw:
        messages.error(request, "请选择要重试的任务")
        return redirect("tasks:list")
    try:
        task_run = selectors.task_run_or_404(actor, raw, field="task")
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("tasks:list")
    try:
        new = services.retry_task(actor=actor, task_run=task_run)
    except TaskNotRetryable as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已重新排队：{selectors.task_label(new.task_path)}（新任务 {new.pk}）")
    return redirect("tasks:list")

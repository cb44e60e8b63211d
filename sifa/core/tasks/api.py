import datetime

from django.http import HttpRequest
from django_tasks_db.models import DBTaskResult
from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from sifa.core.api import PagePagination, actor_of
from sifa.core.tasks import selectors, services
from sifa.core.tasks.filters import TaskRunFilter
from sifa.core.tasks.scheduler import JobStatus

router = Router(tags=["后台任务"])


class TaskRunOut(Schema):
    id: str
    task: str
    label: str
    queue: str
    state: str
    state_label: str
    attempts: int
    max_attempts: int
    enqueued_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    run_after: datetime.datetime | None
    error: str
    traceback: str
    retried_as: str | None
    can_retry: bool

    @staticmethod
    def resolve_id(obj: DBTaskResult) -> str:
        return str(obj.pk)

    @staticmethod
    def resolve_task(obj: DBTaskResult) -> str:
        return obj.task_path

    @staticmethod
    def resolve_label(obj: DBTaskResult) -> str:
        return selectors.task_label(obj.task_path)

    @staticmethod
    def resolve_queue(obj: DBTaskResult) -> str:
        return obj.queue_name

    @staticmethod
    def resolve_state(obj: DBTaskResult) -> str:
        return selectors.run_state(obj).value

    @staticmethod
    def resolve_state_label(obj: DBTaskResult) -> str:
        return str(selectors.run_state(obj).label)

    @staticmethod
    def resolve_attempts(obj: DBTaskResult) -> int:
        return selectors.run_attempts(obj)

    @staticmethod
    def resolve_max_attempts(obj: DBTaskResult) -> int:
        return selectors.max_attempts()

    @staticmethod
    def resolve_run_after(obj: DBTaskResult) -> datetime.datetime | None:
        return selectors.run_after(obj)

    @staticmethod
    def resolve_error(obj: DBTaskResult) -> str:
        return selectors.run_error(obj)

    @staticmethod
    def resolve_retried_as(obj: DBTaskResult) -> str | None:
        retry = selectors.retry_of(obj)
        return retry.new_task_id if retry else None

    @staticmethod
    def resolve_can_retry(obj: DBTaskResult) -> bool:
        return selectors.can_retry(obj)


class PeriodicJobOut(Schema):
    name: str
    label: str
    task: str
    interval_seconds: int
    last_enqueued_at: datetime.datetime | None
    next_due_at: datetime.datetime | None
    last_task_id: str
    last_status: str

    @staticmethod
    def resolve_name(obj: JobStatus) -> str:
        return obj.job.name

    @staticmethod
    def resolve_label(obj: JobStatus) -> str:
        return obj.job.label

    @staticmethod
    def resolve_task(obj: JobStatus) -> str:
        return str(getattr(obj.job.task, "module_path", ""))

    @staticmethod
    def resolve_interval_seconds(obj: JobStatus) -> int:
        return obj.job.interval_seconds


@router.get("", response=list[TaskRunOut], summary="后台任务运行记录（最近的在前）")
@paginate(PagePagination)
def list_task_runs(request: HttpRequest, filters: Query[TaskRunFilter]):  # type: ignore[no-untyped-def]
    return selectors.task_runs_visible_to(actor_of(request), filters=filters)


class PeriodicJobsOut(Schema):
    items: list[PeriodicJobOut]


@router.get("/periodic-jobs", response=PeriodicJobsOut, summary="定时任务及其上次、下次运行时间")
def list_periodic_jobs(request: HttpRequest) -> dict[str, list[JobStatus]]:
    return {"items": selectors.periodic_jobs_for(actor_of(request))}


@router.post("/{task_id}/retry", response={201: TaskRunOut}, summary="重试已失败的任务（重新排队，记入审计日志）")
def retry_task_run(request: HttpRequest, task_id: str = Path(..., description="任务编号（UUID）")) -> Status[DBTaskResult]:
    actor = actor_of(request)
    actor.require("tasks.manage")
    task_run = selectors.task_run_or_404(actor, task_id)
    return Status(201, services.retry_task(actor=actor, task_run=task_run))

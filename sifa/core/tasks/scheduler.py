"""The scheduler: enqueues each registered periodic job when it is due.

A job is due when it was never enqueued or its last enqueue is at least ``interval_seconds`` old.
The claim is one conditional UPDATE of the job's ``PeriodicJobState`` row (``WHERE last_enqueued_at
IS NULL OR last_enqueued_at <= now - interval``): the database runs it atomically, so when several
workers (or a restarted one) look at the same due job only one of them updates the row and enqueues.
On PostgreSQL the second UPDATE waits for the first one's row lock and then no longer matches; on
SQLite writers are serialized. Jobs must be idempotent anyway (a crash between claim and enqueue
is repaired by putting the old time back; a job may still run twice if a worker dies mid-run).
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sifa.core import registry
from sifa.core.registry import PeriodicJob
from sifa.core.tasks.compat import TaskResultStatus
from sifa.core.tasks.models import PeriodicJobState

logger = logging.getLogger("sifa.tasks")


@dataclass(frozen=True)
class Enqueued:
    job: PeriodicJob
    task_id: str


@dataclass(frozen=True)
class JobStatus:
    """A periodic job with its last and next run, for the tasks page and API."""

    job: PeriodicJob
    last_enqueued_at: datetime.datetime | None
    next_due_at: datetime.datetime | None
    last_task_id: str
    last_status: str


def _as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


class Scheduler:
    """Enqueues due periodic jobs. ``jobs`` defaults to everything in ``registry.periodic_jobs``."""

    def __init__(self, *, jobs: Sequence[PeriodicJob] | None = None, worker_id: str = "") -> None:
        self.jobs = list(jobs) if jobs is not None else registry.periodic_jobs.values()
        self.worker_id = worker_id[:64]

    def ensure_states(self) -> None:
        names = [job.name for job in self.jobs]
        existing = set(PeriodicJobState.objects.filter(name__in=names).values_list("name", flat=True))
        missing = [PeriodicJobState(name=name) for name in names if name not in existing]
        if missing:
            PeriodicJobState.objects.bulk_create(missing, ignore_conflicts=True)

    def run_pending(self, *, now: datetime.datetime | None = None) -> list[Enqueued]:
        """One scheduler pass: enqueue every due job once. Returns what this pass enqueued."""
        now = now or timezone.now()
        self.ensure_states()
        states = {s.name: s for s in PeriodicJobState.objects.filter(name__in=[j.name for j in self.jobs])}
        enqueued: list[Enqueued] = []
        for job in self.jobs:
            state = states[job.name]
            if self._previous_still_queued(state):
                logger.debug("定时任务 %s 上次排队的任务尚未开始执行，本轮跳过", job.label)
                continue
            cutoff = now - datetime.timedelta(seconds=job.interval_seconds)
            claimed = PeriodicJobState.objects.filter(name=job.name).filter(
                Q(last_enqueued_at__isnull=True) | Q(last_enqueued_at__lte=cutoff)
            ).update(last_enqueued_at=now, last_worker_id=self.worker_id)
            if not claimed:
                continue
            try:
                result = job.task.enqueue()
            except Exception:
                # Give the claim back so that the next pass tries again.
                PeriodicJobState.objects.filter(name=job.name, last_enqueued_at=now).update(
                    last_enqueued_at=state.last_enqueued_at, last_worker_id=state.last_worker_id)
                logger.exception("定时任务 %s（%s）排队失败，下一轮重试", job.label, job.name)
                continue
            PeriodicJobState.objects.filter(name=job.name, last_enqueued_at=now).update(last_task_id=str(result.id))
            logger.info("定时任务 %s（%s）已排队，任务编号 %s", job.label, job.name, result.id)
            enqueued.append(Enqueued(job, str(result.id)))
        return enqueued

    @staticmethod
    def _previous_still_queued(state: PeriodicJobState) -> bool:
        """The job's last run has not even started (a busy or stopped worker): do not pile up copies."""
        pk = _as_uuid(state.last_task_id) if state.last_task_id else None
        return pk is not None and DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.READY).exists()


def job_statuses(jobs: Sequence[PeriodicJob] | None = None) -> list[JobStatus]:
    """Every periodic job with its last enqueue, next due time and the status of its last run."""
    jobs = list(jobs) if jobs is not None else registry.periodic_jobs.values()
    states = {s.name: s for s in PeriodicJobState.objects.filter(name__in=[j.name for j in jobs])}
    last_ids = [pk for s in states.values() if s.last_task_id and (pk := _as_uuid(s.last_task_id)) is not None]
    statuses = {str(pk): status for pk, status in DBTaskResult.objects.filter(pk__in=last_ids).values_list("pk", "status")}
    out = []
    for job in sorted(jobs, key=lambda j: j.name):
        state = states.get(job.name)
        last = state.last_enqueued_at if state else None
        last_id = state.last_task_id if state else ""
        out.append(JobStatus(
            job=job,
            last_enqueued_at=last,
            next_due_at=last + datetime.timedelta(seconds=job.interval_seconds) if last else None,
            last_task_id=last_id,
            last_status=(statuses.get(str(_as_uuid(last_id))) or "") if last_id else "",
        ))
    return out

"""The engine's own periodic job: housekeeping that keeps the queue and the lockout table small."""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sifa.core.accounts.services import purge_old_login_failures
from sifa.core.registry import PeriodicJob
from sifa.core.tasks import conf
from sifa.core.tasks.compat import TaskResultStatus, task

logger = logging.getLogger("sifa.tasks")


@task()
def cleanup() -> dict[str, int]:
    """清理过期任务记录与登录失败记录。

    Deletes finished (successful or failed) task runs older than ``SIFA_TASKS_RESULT_RETENTION_DAYS``
    (default 30) and login-failure counters older than a day (they only feed the 15-minute lockout
    window; every failure is also in the audit log). Idempotent: a second run finds nothing.
    Housekeeping of operational rows, not a business act, so it writes no audit event; its return
    value (the counts) is kept on the task run and shown on /tasks/.
    """
    cutoff = timezone.now() - datetime.timedelta(days=conf.result_retention_days())
    _, per_model = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED], finished_at__lt=cutoff
    ).delete()
    results = per_model.get(DBTaskResult._meta.label, 0)
    failures = purge_old_login_failures()
    logger.info("清理完成：任务记录 %d 条，登录失败记录 %d 条", results, failures)
    return {"task_results": results, "login_failures": failures}


CLEANUP = PeriodicJob(name="tasks.cleanup", label="清理过期任务记录与登录失败记录", interval_seconds=3600, task=cleanup)

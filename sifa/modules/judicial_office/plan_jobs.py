"""The periodic job of the plans part: recount plan progress from the work log (``sifa worker``)."""

from __future__ import annotations

from sifa.core.accounts.actor import Actor
from sifa.core.registry import PeriodicJob
from sifa.core.tasks.compat import task


@task()
def refresh_plan_progress_task() -> dict[str, int]:
    """规划进度统计: recount done and status of current occurrences (audited as
    judicial_office.plan_progress.refreshed)."""
    from sifa.modules.judicial_office.plans import refresh_plan_progress

    return refresh_plan_progress(actor=Actor.system("plan-progress"))


REFRESH = PeriodicJob(name="judicial_office.plans.refresh", label="工作规划完成进度统计", interval_seconds=120,
                      task=refresh_plan_progress_task)

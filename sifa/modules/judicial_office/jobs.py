"""The work log's periodic job, run by ``sifa worker``: pull auto items every 60 seconds."""

from __future__ import annotations

from sifa.core.accounts.actor import Actor
from sifa.core.registry import PeriodicJob
from sifa.core.tasks.compat import task


@task()
def pull_auto_work_items() -> dict[str, int] | None:
    """自动汇入工作事项: when the work sources differ from the stored auto items over the recent days,
    apply the difference (audited as judicial_office.auto_items.pulled); otherwise do nothing."""
    from sifa.modules.judicial_office.services import plan_auto_pull, pull_auto_items

    if plan_auto_pull().empty:
        return None
    return pull_auto_items(actor=Actor.system("worklog-auto-pull"))


AUTO_PULL = PeriodicJob(name="judicial_office.auto_pull", label="工作日志自动汇入（其他模块已记录的工作，每 60 秒）",
                        interval_seconds=60, task=pull_auto_work_items)

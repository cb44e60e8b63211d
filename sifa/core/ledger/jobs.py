"""The periodic checkpoint job, run by ``sifa worker``: a checkpoint at least every 60 s while entries arrive."""

from __future__ import annotations

from sifa.core.accounts.actor import Actor
from sifa.core.registry import PeriodicJob
from sifa.core.tasks.compat import task


@task()
def checkpoint_new_entries() -> int | None:
    """存证检查点: sign a checkpoint when entries arrived since the last one; returns its tree size."""
    from sifa.core.ledger import store
    from sifa.core.ledger.services import make_checkpoint

    latest = store.latest_checkpoint()
    if store.ledger_size() == (latest.tree_size if latest is not None else 0):
        return None
    return make_checkpoint(actor=Actor.system("ledger-checkpoint")).tree_size


CHECKPOINT = PeriodicJob(name="ledger.checkpoint", label="存证账本检查点（有新存证时每 60 秒签署一次）",
                         interval_seconds=60, task=checkpoint_new_entries)


@task()
def seal_audit_log() -> int:
    """审计日志封存: seal the settled audit rows into the ledger in chained batches; returns the batch count."""
    from sifa.core.ledger.auditbatch import seal_all

    return seal_all()


AUDIT_BATCH = PeriodicJob(name="ledger.audit_batch", label="审计日志分批封存入存证账本（每 60 秒）",
                          interval_seconds=60, task=seal_audit_log)

"""Periodic jobs of the alert loop, run by ``sifa worker``: the deadline scan and the escalation sweep."""

from __future__ import annotations

from sifa.core.accounts.actor import Actor
from sifa.core.registry import PeriodicJob
from sifa.core.tasks.compat import task


@task()
def scan_alert_rules() -> dict[str, int]:
    """预警扫描: evaluate every scheduled alert rule for today (audited as alerts.rules.evaluated)."""
    from sifa.core.alerts.services import evaluate_alert_rules

    return evaluate_alert_rules(actor=Actor.system("alert-scan"))


@task()
def escalate_alerts() -> int:
    """预警超时升级: escalate open alerts past their step limit (audited as alerts.alerts.escalated)."""
    from sifa.core.alerts.services import escalate_overdue_alerts

    return escalate_overdue_alerts(actor=Actor.system("alert-escalation"))


SCAN = PeriodicJob(name="alerts.scan", label="预警扫描（期限即将届满、已超期）", interval_seconds=900, task=scan_alert_rules)
ESCALATE = PeriodicJob(name="alerts.escalate", label="预警超时升级", interval_seconds=300, task=escalate_alerts)

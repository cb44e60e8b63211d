"""The monthly evaluation job (``sifa worker``): install the default scheme when missing, then compute
the current month so far and, until it is final, the previous month — for every correction subject."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.registry import PeriodicJob
from sifa.core.tasks.compat import task


def run_monthly_evaluation(today: Any = None) -> dict[str, int]:
    """Each computation is the engine's audited service (``scoring.scores.computed``) as a system actor."""
    from sifa.core.scoring import periods
    from sifa.core.scoring.models import Scheme, Score
    from sifa.core.scoring.selectors import version_in_force
    from sifa.core.scoring.services import compute_scores, import_scheme
    from sifa.modules.correction.evaluation import SCHEME_CODE, default_scheme_data
    from sifa.modules.correction.evaluation_selectors import family

    actor = Actor.system("correction-evaluation")
    today = today or timezone.localdate()
    if not Scheme.objects.filter(code=SCHEME_CODE).exists():
        import_scheme(actor=actor, data=default_scheme_data(), source_name="evaluation_scheme.json")
    current = periods.containing(periods.MONTH, today)
    previous = periods.previous(current)
    done = {"scores": 0}
    for scheme in family():
        for period in (previous, current):
            if version_in_force(scheme, period.start) is None:
                continue
            final = Score.objects.filter(scheme=scheme, period_start=period.start, period_end=period.end,
                                         computed_at__date__gt=period.end).exists()
            if period is previous and final:
                continue  # the previous month was computed after it ended: its result is final
            done["scores"] += len(compute_scores(actor=actor, scheme=scheme, period=period))
    return done


@task()
def monthly_evaluation_task() -> dict[str, int]:
    """社区矫正对象月度考核 (audited as scoring.scores.computed, one event per scheme and month)."""
    return run_monthly_evaluation()


MONTHLY = PeriodicJob(name="correction.evaluation.monthly", label="社区矫正对象月度考核（本月至今及上月）",
                      interval_seconds=6 * 3600, task=monthly_evaluation_task)

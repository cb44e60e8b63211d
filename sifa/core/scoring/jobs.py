"""Computing scores in the background (a django-tasks task), for recomputations of many subjects.

Pages and the API compute synchronously; a module or an operator can queue the same service:
``compute_scores_task.enqueue(membership_id, scheme_id, "2026-11")``. The task acts as the
membership that asked (same scope and permissions), or as a named system actor when
``membership_id`` is None (a scheduled province-wide run).
"""

from __future__ import annotations

from sifa.core.accounts.actor import Actor
from sifa.core.tasks.compat import task


@task()
def compute_scores_task(membership_id: int | None, scheme_id: int, period: str,
                        subjects: list[int] | None = None) -> int:
    """计算考核得分 (audited as scoring.scores.computed); returns the number of scores computed."""
    from sifa.core.accounts.models import Membership
    from sifa.core.scoring.models import Scheme
    from sifa.core.scoring.periods import parse_period
    from sifa.core.scoring.services import compute_scores

    if membership_id is None:
        actor = Actor.system("scoring-compute")
    else:
        actor = Actor.for_membership(Membership.objects.select_related("user", "org", "role").get(pk=membership_id))
    scheme = Scheme.objects.get(pk=scheme_id)
    return len(compute_scores(actor=actor, scheme=scheme, period=parse_period(period), subjects=subjects))

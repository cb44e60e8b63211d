"""Factories of the 执法监督驾驶舱 tests: a small world of cases with known figures, and the audit recipe."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from sifa.core.accounts.actor import Actor
from sifa.core.cases.models import Case
from sifa.core.ui.cockpit import Period
from sifa.modules.enforcement.penalty_models import PenaltyCase
from sifa.modules.enforcement.tests.penalty_factories import new_case

D = datetime.date
PERIOD = Period(D(2025, 12, 1), D(2026, 11, 30), "custom")


def case_with(state: str, **fields: Any) -> PenaltyCase:
    """A case registered through the service, then given ``state`` and ``fields`` directly (figures read only)."""
    detail = new_case()
    Case.objects.filter(pk=detail.pk).update(state=state)
    if fields:
        PenaltyCase.objects.filter(pk=detail.pk).update(**fields)
    return PenaltyCase.objects.select_related("case", "body").get(pk=detail.pk)


def small_world() -> dict[str, PenaltyCase]:
    """Seven cases of the demo officer's body (all registered today, inside PERIOD):

    - ``clue``: 线索登记 (办理中); ``filed``: 已立案 (办理中);
    - ``warned``: decided 2026-03-11, filed 2026-01-10 (60 days), warning, no hearing required, review
      required and done;
    - ``fined``: decided 2026-04-20, filed 2026-02-19 (60 days), fine 12000 proposed (hearing required,
      offered, requested, held), review required but NOT done, paid 12000 on 2026-05-10 (执行中: paid);
    - ``cleared``: 不予处罚 decided 2026-05-01, filed 2026-04-01 (30 days), no hearing, no review;
    - ``moved``: 已移送公安机关; ``closed``: 结案 (decided 2025-10-01, outside the period).
    """
    w: dict[str, PenaltyCase] = {}
    w["clue"] = case_with("clue_received")
    w["filed"] = case_with("filed", filed_on=D(2026, 1, 5))
    w["warned"] = case_with("decided", filed_on=D(2026, 1, 10), notice_served_on=D(2026, 3, 1),
                            proposed_types=["warning"], decided_on=D(2026, 3, 11), decision_number="驾驶舱罚1号",
                            decision_types=["warning"], review_triggers=["complex"], legal_reviewed_on=D(2026, 3, 5))
    w["fined"] = case_with("paid", filed_on=D(2026, 2, 19), notice_served_on=D(2026, 3, 20), proposed_types=["fine"],
                           proposed_amount=Decimal("12000"), hearing_offered=True, hearing_requested_on=D(2026, 3, 22),
                           hearing_held_on=D(2026, 4, 10), decided_on=D(2026, 4, 20), decision_number="驾驶舱罚2号",
                           decision_types=["fine"], decision_amount=Decimal("12000"), review_triggers=["major_rights"],
                           payment_due=D(2026, 5, 15), paid_on=D(2026, 5, 10), paid_amount=Decimal("12000"))
    w["cleared"] = case_with("no_penalty", filed_on=D(2026, 4, 1), notice_served_on=D(2026, 4, 15),
                             proposed_types=["warning"], decided_on=D(2026, 5, 1), no_penalty_reason="首违不罚")
    w["moved"] = case_with("transferred_to_public_security", filed_on=D(2026, 2, 1))
    w["closed"] = case_with("closed", filed_on=D(2025, 8, 1), decided_on=D(2025, 10, 1), decision_number="驾驶舱罚0号",
                            decision_types=["warning"])
    return w


def cover_export(actor: Actor) -> Any:
    from sifa.modules.enforcement.dashboard_services import export_dashboard_table

    assert actor.org is not None
    return export_dashboard_table(actor=actor, org=actor.org, table="children", period=PERIOD, row_count=0)


RECIPES: dict[str, tuple[str, str]] = {
    "sifa.modules.enforcement.dashboard_services.export_dashboard_table": ("county", "cover_export"),
}

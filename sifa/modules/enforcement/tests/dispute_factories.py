"""Audit-coverage recipes of 行政争议 (``RECIPES``, merged in tests/test_audit_coverage.py): each makes its
case without a service, so the recipe records only the event of the service it covers."""

from __future__ import annotations

import datetime
from typing import Any

from sifa.core.accounts.actor import Actor
from sifa.core.cases.services import start_deadline
from sifa.modules.enforcement import dispute_services
from sifa.modules.enforcement.outcome_services import WITHDRAWAL_KEY
from sifa.modules.enforcement.tests.similar_factories import decided_case

D = datetime.date


def cover_court_acceptance(actor: Actor) -> Any:
    detail = decided_case(state="court_application")
    detail.court_applied_on = D(2026, 7, 21)
    detail.save(update_fields=["court_applied_on"])
    start_deadline(case=detail.case, key="court_accept", rule="AP-37.accept", start=D(2026, 7, 21))
    return dispute_services.record_court_acceptance(actor=actor, detail=detail, accepted_on=D(2026, 7, 23))


def cover_withdrawal(actor: Actor) -> Any:
    detail = decided_case(published=True)
    start_deadline(case=detail.case, key=WITHDRAWAL_KEY, rule="AP-29", start=D(2026, 2, 12))
    return dispute_services.record_publication_withdrawal(actor=actor, detail=detail, withdrawn_on=D(2026, 2, 20),
                                                          explanation="原决定已被撤销，撤回公开信息")


def cover_export(actor: Actor) -> Any:
    return dispute_services.record_nonlitigation_export(actor=actor, description="测试导出", row_count=1)


RECIPES: dict[str, tuple[str, str]] = {
    "sifa.modules.enforcement.dispute_services.record_court_acceptance": ("officer", "cover_court_acceptance"),
    "sifa.modules.enforcement.dispute_services.record_publication_withdrawal": ("officer", "cover_withdrawal"),
    "sifa.modules.enforcement.dispute_services.record_nonlitigation_export": ("officer", "cover_export"),
}

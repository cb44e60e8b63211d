"""The demo 行政处罚 cases (loaded with the demo world of the test session)."""

from __future__ import annotations

import pytest

from sifa.core.cases.models import CaseDeadline
from sifa.modules.enforcement.penalty_models import PenaltyCase

pytestmark = pytest.mark.django_db


def test_demo_has_thirty_cases_fifteen_closed_with_facts() -> None:
    cases = PenaltyCase.objects.filter(case__data__demo=True).select_related("case")
    assert cases.count() == 30
    closed = [c for c in cases if c.case.state == "closed"]
    assert len(closed) == 15 and all(len(c.facts) > 10 and c.decision_number for c in closed)
    assert all(c.officers.count() == 2 for c in cases)
    overdue = cases.filter(case__state="overdue").first()
    assert overdue is not None and overdue.payment_due is not None
    assert CaseDeadline.objects.filter(case=overdue.case, key="payment").exists()

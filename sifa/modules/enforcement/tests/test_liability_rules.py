"""AP-40 liability alerts: each rule fires on its condition and not otherwise; a scan never duplicates.

CASES.md has no case for AP-40 itself; the transfer scenario reuses C-33's report day (2025-09-30, AP-20).
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.alerts.models import Alert
from sifa.core.alerts.services import evaluate_alert_rules
from sifa.core.cases.models import Case
from sifa.core.testing import actor_for, client_for
from sifa.modules.enforcement import liability
from sifa.modules.enforcement.config import override_config
from sifa.modules.enforcement.penalty_models import PenaltyCase
from sifa.modules.enforcement.tests.dashboard_factories import case_with
from sifa.modules.enforcement.tests.penalty_factories import body_of, move, new_case, valid_officers

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = timezone.localdate()


def _ids(conditions: object) -> set[str]:
    return {c.object_id for c in conditions}  # type: ignore[attr-defined]


def _registered(detail: PenaltyCase, days_ago: int) -> None:
    at = timezone.now() - datetime.timedelta(days=days_ago)
    Case.objects.filter(pk=detail.pk).update(opened_at=at)


def test_unfiled_clue_fires_after_seven_days_only() -> None:
    """AP-18 (《行政处罚法》第五十四条第二款) / AP-40 (第七十六条第二款): 7 days as shipped, configurable."""
    old, fresh, filed = new_case(), new_case(), new_case()
    _registered(old, 7)
    _registered(fresh, 6)
    _registered(filed, 30)
    move(filed, "file", filed_on=D(2025, 7, 15))
    found = list(liability.unfiled_conditions(TODAY))
    ids = {c.object_id for c in found}
    assert str(old.pk) in ids and str(fresh.pk) not in ids and str(filed.pk) not in ids
    condition = next(c for c in found if c.object_id == str(old.pk))
    assert condition.org_id == body_of().org_id and "7 天" in condition.title and old.case.number in condition.title
    assert "第七十六条第二款" in condition.legal_basis and "AP-40" in condition.legal_basis
    with override_config(liability={"unfiled_clue_days": 10}):
        assert str(old.pk) not in _ids(liability.unfiled_conditions(TODAY))
    assert liability.UNFILED_CLUE.level == "orange"


def test_transfer_replaced_by_penalty_fires_and_a_transfer_does_not() -> None:
    """AP-20 / AP-40 (第八十二条): a reported crime (C-33's 2025-09-30) then a penalty decision."""
    replaced = move(new_case(), "file", filed_on=D(2025, 9, 1))
    replaced = move(replaced, "start_investigation", started_on=D(2025, 9, 1))
    replaced = move(replaced, "report_crime", reported_on=D(2025, 9, 30))
    replaced = move(replaced, "reject_transfer", approver="张局长", reason="情节轻微")
    replaced = move(replaced, "conclude_investigation", concluded_on=D(2025, 10, 10))
    replaced = move(replaced, "serve_notice", notice_served_on=D(2025, 10, 12), proposed_types=["warning"])
    replaced = move(replaced, "decide", decided_on=D(2025, 10, 20), decision_number="富综执罚〔2025〕99号",
                    decision_types=["warning"])
    transferred = move(new_case(), "file", filed_on=D(2025, 9, 1))
    transferred = move(transferred, "start_investigation", started_on=D(2025, 9, 1))
    transferred = move(transferred, "report_crime", reported_on=D(2025, 9, 30))
    plain = move(new_case(), "file", filed_on=D(2025, 9, 1))
    plain = move(plain, "start_investigation", started_on=D(2025, 9, 1))
    plain = move(plain, "conclude_investigation", concluded_on=D(2025, 10, 10))
    plain = move(plain, "serve_notice", notice_served_on=D(2025, 10, 12), proposed_types=["warning"])
    plain = move(plain, "decide", decided_on=D(2025, 10, 20), decision_number="富综执罚〔2025〕98号",
                 decision_types=["warning"])
    found = list(liability.transfer_replaced_conditions(TODAY))
    ids = {c.object_id for c in found}
    assert str(replaced.pk) in ids and str(transferred.pk) not in ids and str(plain.pk) not in ids
    condition = next(c for c in found if c.object_id == str(replaced.pk))
    assert "2025-09-30" in condition.detail and "张局长" in condition.detail and "情节轻微" in condition.detail
    assert "富综执罚〔2025〕99号" in condition.detail and "第八十二条" in condition.legal_basis
    assert liability.TRANSFER_REPLACED.level == "red"


def test_single_officer_decision_fires_and_two_valid_officers_do_not() -> None:
    """AP-12 (《行政处罚法》第四十二条) / AP-40: fewer than two officers valid on the decision day."""
    ok = case_with("decided", filed_on=D(2026, 1, 5), decided_on=D(2026, 3, 1), decision_number="单人1号",
                   decision_types=["warning"])
    alone = case_with("decided", filed_on=D(2026, 1, 5), decided_on=D(2026, 3, 1), decision_number="单人2号",
                      decision_types=["warning"])
    alone.officers.set(valid_officers(alone.body, 1))
    expired = case_with("decided", filed_on=D(2026, 1, 5), decided_on=D(2000, 3, 1), decision_number="单人3号",
                        decision_types=["warning"])  # both certificates not yet valid in 2000
    undecided = case_with("filed", filed_on=D(2026, 1, 5))
    undecided.officers.set(valid_officers(undecided.body, 1))
    ids = _ids(liability.single_officer_conditions(TODAY))
    assert str(alone.pk) in ids and str(expired.pk) in ids
    assert str(ok.pk) not in ids and str(undecided.pk) not in ids


def test_scan_opens_one_alert_per_case_and_never_duplicates() -> None:
    detail = new_case()
    _registered(detail, 10)
    system = Actor.system("test-liability")
    evaluate_alert_rules(actor=system, today=TODAY)
    evaluate_alert_rules(actor=system, today=TODAY)
    alerts = Alert.objects.filter(rule_code=liability.UNFILED_CLUE.code, object_id=str(detail.pk))
    assert alerts.count() == 1
    alert = alerts.get()
    assert alert.org_id == body_of().org_id and alert.case_id == detail.pk and "AP-40" in alert.legal_basis
    # the county 司法局 above sees it by scope; a user without enforcement.cases.view does not
    assert client_for("county").get(f"/alerts/{alert.pk}/").status_code == 200
    assert actor_for("county").has_perm("enforcement.cases.view")
    assert client_for("office1").get(f"/alerts/{alert.pk}/").status_code in (403, 404)

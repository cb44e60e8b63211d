"""败诉风险提示: each risk with its rule id (AP-07, AP-12, AP-22, AP-23, AP-24, AP-27 …, similar-case losses)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from sifa.modules.enforcement import similar
from sifa.modules.enforcement.outcome_models import RemedyOutcome
from sifa.modules.enforcement.penalty_models import PenaltyCase
from sifa.modules.enforcement.risk import HIGH, litigation_risks
from sifa.modules.enforcement.tests.penalty_factories import body_of, move, new_case, valid_officers
from sifa.modules.enforcement.tests.similar_factories import decided_case

pytestmark = pytest.mark.django_db
D = datetime.date


def _rules(detail: PenaltyCase, found: list[similar.SimilarCase] | None = None) -> dict[str, str]:
    fresh = PenaltyCase.objects.select_related("case", "body", "body__org", "power_item").get(pk=detail.pk)
    return {r.rule_id: r.text for r in litigation_risks(fresh, found or [])}


def test_overdue_decision_deadline_ap27() -> None:
    # C-26: 九十日 from 立案; filed 2025-07-15, due 2025-10-13, long past today
    detail = move(new_case(), "file", filed_on=D(2025, 7, 15))
    rules = _rules(detail)
    assert "AP-27" in rules and "2025-10-13" in rules["AP-27"]


def test_fewer_than_two_officers_ap12() -> None:
    detail = move(new_case(), "file", filed_on=D(2025, 7, 15))
    detail.officers.set(valid_officers(body_of(), 1))
    assert "AP-12" in _rules(detail)


def test_hearing_required_but_not_offered_ap24() -> None:
    detail = new_case()
    detail.proposed_types, detail.proposed_amount = ["fine"], Decimal("50000")  # ≥ 10000 元 for a citizen
    detail.notice_served_on, detail.hearing_offered = D(2025, 9, 1), False
    detail.save()
    assert "AP-24" in _rules(detail)
    detail.hearing_offered = True
    detail.save()
    assert "AP-24" not in _rules(detail)


def test_legal_review_missing_ap22_and_notice_missing_ap23() -> None:
    detail = new_case(review_triggers=["complex"])
    detail.case.state = "decided"
    detail.case.save(update_fields=["state"])
    rules = _rules(detail)
    assert "AP-22" in rules and "第五十八条" in rules["AP-22"]
    assert "AP-23" in rules and "第六十二条" in rules["AP-23"]


def test_limitation_ap07() -> None:
    detail = new_case(act_date=D(2022, 1, 10), discovered_on=D(2025, 3, 1))
    assert "AP-07" in _rules(detail)


def test_clean_case_has_no_procedural_risk() -> None:
    assert _rules(new_case()) == {}


def test_similar_cases_lost_in_review_listed() -> None:
    # given two similar decided cases with outcomes: one 撤销, one 维持
    lost = decided_case()
    kept = decided_case()
    for c, result in ((lost, "revoked"), (kept, "upheld")):
        RemedyOutcome.objects.create(case=c, org=c.case.org, kind="reconsideration", authority="区政府",
                                     decided_on=D(2025, 12, 1), result=result)
    detail = new_case()
    found = similar.similar_cases(similar.query_of(detail), shown=200)
    risks = [r for r in litigation_risks(detail, found) if r.rule_id == "ENF-SIMILAR-LOSS"]
    assert len(risks) == 1 and risks[0].level == HIGH  # 1 of 2 outcomes lost
    assert any(lost.decision_number in c for c in risks[0].cases)
    assert not any(kept.decision_number in c for c in risks[0].cases)
    assert "撤销" in risks[0].text

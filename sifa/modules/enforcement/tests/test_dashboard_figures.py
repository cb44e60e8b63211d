"""执法监督驾驶舱 figures on a small built world: counts per state group, rates with exact numbers, loss rate."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from sifa.core.testing import actor_for
from sifa.modules.enforcement import dashboard
from sifa.modules.enforcement.dashboard import Figures
from sifa.modules.enforcement.outcome_services import record_outcome
from sifa.modules.enforcement.penalty_selectors import PenaltyFilter, penalty_cases_visible_to
from sifa.modules.enforcement.tests.dashboard_factories import PERIOD, case_with, small_world
from sifa.modules.enforcement.tests.penalty_factories import body_of

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 21)


def _totals(username: str = "county") -> Figures:
    actor = actor_for(username)
    org = dashboard.own_org(actor)
    return dashboard.dashboard_for(actor, org, PERIOD, today=TODAY, fresh=True).data.totals


def _delta(after: Figures, before: Figures, name: str) -> object:
    return getattr(after, name) - getattr(before, name)


def test_counts_by_state_group_and_rates_are_exact() -> None:
    before = _totals()
    small_world()
    after = _totals()
    assert after.cases - before.cases == 7
    groups = {k: after.groups[k] - before.groups[k] for k in after.groups}
    assert groups == {"handling": 2, "decided": 1, "enforcing": 1, "closed": 1, "no_penalty": 1, "transfer": 1}
    # decided in the period: warned and fined (处罚决定); the 2025-10 decision is outside
    assert _delta(after, before, "decided") == 2
    assert _delta(after, before, "concluded") == 3  # + 不予处罚 (ordinary procedure)
    # AP-24: only the 12000 fine needs a hearing; it was offered, requested and held
    assert _delta(after, before, "hearing_required") == 1 and _delta(after, before, "hearing_offered") == 1
    assert _delta(after, before, "hearing_held") == 1 and _delta(after, before, "hearing_requested") == 1
    # AP-22: two cases needed the review, one was reviewed
    assert _delta(after, before, "review_required") == 2 and _delta(after, before, "reviewed") == 1
    # AP-27: 60 + 60 + 30 days
    assert _delta(after, before, "decision_days") == 150 and _delta(after, before, "decision_days_n") == 3
    assert _delta(after, before, "fines_decided") == Decimal("12000")
    assert _delta(after, before, "fines_paid") == Decimal("12000")
    assert _delta(after, before, "late_fees") == Decimal("0")  # paid before the due date


def test_rates_of_a_fresh_body_are_the_exact_ratios() -> None:
    f = Figures(hearing_required=4, hearing_offered=3, review_required=3, reviewed=2, decision_days=100,
                decision_days_n=3)
    assert f.hearing_rate == 75.0 and f.review_rate == 66.7 and f.average_days == 33.3
    assert Figures().hearing_rate is None and Figures().average_days is None


def test_late_fee_accrues_on_an_unpaid_fine() -> None:
    """AP-32 (《行政处罚法》第七十二条): 3 % a day after the due date, never above the fine."""
    before = _totals()
    case_with("overdue", filed_on=D(2026, 1, 5), decided_on=D(2026, 3, 1), decision_number="驾驶舱罚9号",
              decision_types=["fine"], decision_amount=Decimal("1000"), payment_due=D(2026, 3, 20))
    after = _totals()
    assert _delta(after, before, "late_fees") == Decimal("1000")  # capped at the fine (AP-33)


def test_loss_rate_by_body_and_item() -> None:
    w = small_world()
    actor = actor_for("officer")
    record_outcome(actor=actor, detail=w["warned"], kind="reconsideration", authority="富阳区人民政府",
                   result="upheld", decided_on=D(2026, 6, 1))
    record_outcome(actor=actor, detail=w["fined"], kind="litigation_first", authority="富阳区人民法院",
                   result="revoked", decided_on=D(2026, 7, 1))
    county = actor_for("county")
    data = dashboard.dashboard_for(county, dashboard.own_org(county), PERIOD, today=TODAY, fresh=True).data
    body = body_of()
    row = next(r for r in data.loss_by_body if r.body_id == body.pk)
    assert row.outcomes >= 2 and row.losses >= 1
    outcomes = {t.key: t.count for t in data.outcomes}
    assert outcomes["revoked"] >= 1 and outcomes["upheld"] >= 1
    assert data.loss_rate is not None and data.losses_total <= data.outcomes_total
    item = next(r for r in data.loss_by_item if r.power_item_id == w["fined"].power_item_id)
    assert item.losses >= 1


def test_overdue_deadlines_are_listed_with_rule_ids() -> None:
    from sifa.modules.enforcement.tests.penalty_factories import move, new_case

    detail = move(new_case(), "file", filed_on=D(2025, 7, 15))  # AP-27 九十日 → long past
    county = actor_for("county")
    data = dashboard.dashboard_for(county, dashboard.own_org(county), PERIOD, today=TODAY, fresh=True).data
    rows = [r for r in data.overdue if r.case_id == detail.pk]
    assert rows and rows[0].rule_id == "AP-27" and rows[0].days_late > 0
    assert data.totals.overdue >= 1


def test_drill_filters_match_the_figures() -> None:
    w = small_world()
    county = actor_for("county")
    org = dashboard.own_org(county)
    ids = lambda **kw: set(penalty_cases_visible_to(county, filters=PenaltyFilter(org=org.pk, **kw))  # noqa: E731
                           .values_list("pk", flat=True))
    mine = {d.pk for d in w.values()}
    assert ids(group="handling") & mine == {w["clue"].pk, w["filed"].pk}
    assert ids(group="transfer") & mine == {w["moved"].pk}
    decided = {"decided_from": PERIOD.start, "decided_to": PERIOD.end}
    assert ids(flag="review_required", **decided) & mine == {w["warned"].pk, w["fined"].pk}
    assert ids(flag="review_missing", **decided) & mine == {w["fined"].pk}
    assert ids(flag="concluded,hearing_held", **decided) & mine == {w["fined"].pk}
    assert ids(flag="penalty_decided", **decided) & mine == {w["warned"].pk, w["fined"].pk}

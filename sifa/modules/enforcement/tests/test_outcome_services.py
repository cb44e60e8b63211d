"""复议/诉讼 outcomes: a loss opens the 复盘 alert (ENF-REVIEW-LOSS); a published decision changed starts
the AP-29 三日 withdrawal deadline (C-30: 2026-02-12 → 2026-02-24); loss rates; refusals."""

from __future__ import annotations

import datetime

import pytest

from sifa.core.alerts.models import Alert
from sifa.core.audit.models import AuditEvent
from sifa.core.cases.models import CaseDeadline
from sifa.core.errors import NotFound, ValidationFailed
from sifa.core.testing import actor_for
from sifa.modules.enforcement import outcome_services as services
from sifa.modules.enforcement.outcome_models import RemedyOutcome
from sifa.modules.enforcement.tests.penalty_factories import new_case
from sifa.modules.enforcement.tests.similar_factories import decided_case

pytestmark = pytest.mark.django_db
D = datetime.date


C30_SERVED = D(2026, 2, 12)


def _record(detail, result: str = "revoked", decided_on: D = C30_SERVED, user: str = "officer", **kw):  # type: ignore[no-untyped-def]
    return services.record_outcome(actor=actor_for(user), detail=detail, kind="reconsideration",
                                   authority="杭州市富阳区人民政府", result=result, decided_on=decided_on, **kw)


def test_c30_loss_of_a_published_decision_opens_review_and_ap29_deadline() -> None:
    # given a published decision
    detail = decided_case(published=True)
    before = AuditEvent.objects.filter(action=services.RECORDED).count()
    # when a 复议决定 served on 2026-02-12 revokes it
    outcome = _record(detail)
    # then the 复盘 alert goes to the body's org and the AP-29 withdrawal runs to 2026-02-24 (C-30)
    alert = Alert.objects.get(pk=outcome.review_alert_id)
    assert alert.rule_code == "enforcement.review_loss" and alert.title.startswith("复盘：")
    assert alert.org_id == detail.body.org_id and alert.case_id == detail.case.pk
    deadline = CaseDeadline.objects.get(case=detail.case, key=services.WITHDRAWAL_KEY)
    assert deadline.rule_id == "AP-29" and deadline.due_date == D(2026, 2, 24)
    assert AuditEvent.objects.filter(action=services.RECORDED).count() == before + 1


def test_loss_of_unpublished_decision_has_no_ap29_deadline() -> None:
    detail = decided_case()
    outcome = _record(detail, result="confirmed_unlawful")
    assert outcome.lost and outcome.review_alert_id
    assert not CaseDeadline.objects.filter(case=detail.case, key=services.WITHDRAWAL_KEY).exists()


def test_upheld_opens_nothing() -> None:
    detail = decided_case(published=True)
    outcome = _record(detail, result="upheld")
    assert not outcome.lost and outcome.review_alert_id is None
    assert not CaseDeadline.objects.filter(case=detail.case, key=services.WITHDRAWAL_KEY).exists()


def test_refusals_name_the_field_and_write_nothing() -> None:
    detail = decided_case()
    count = RemedyOutcome.objects.count()
    for kw, field in (({"result": "won"}, "result"), ({"decided_on": D(2025, 1, 1)}, "decided_on"),
                      ({"filed_on": D(2026, 3, 1)}, "filed_on")):
        with pytest.raises(ValidationFailed) as exc:
            _record(detail, **kw)
        assert exc.value.field == field
    with pytest.raises(ValidationFailed) as undecided:
        _record(new_case())
    assert undecided.value.field == "kind"
    assert RemedyOutcome.objects.count() == count


def test_out_of_scope_case_is_not_found() -> None:
    from sifa.modules.enforcement.tests.test_similar_ranking import _outside_org

    far = decided_case(_outside_org())
    with pytest.raises(NotFound):
        _record(far)


def test_loss_rates_by_body_and_item() -> None:
    a, b = decided_case(), decided_case()
    _record(a, result="revoked")
    _record(b, result="upheld")
    rates = services.loss_rates(actor_for("county"))
    row = next(r for r in rates if r.power_item_id == a.power_item_id and r.body_id == a.body_id)
    assert row.outcomes >= 2 and row.losses >= 1 and 0 < row.rate < 1

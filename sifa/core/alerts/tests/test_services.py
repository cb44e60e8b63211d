"""The closed loop: scan opens deadline alerts once, actions move them, escalation goes one org up."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.alerts.models import Alert, AlertStep
from sifa.core.alerts.services import act_on_alert, escalate_overdue_alerts, evaluate_alert_rules
from sifa.core.audit.models import AuditEvent
from sifa.core.cases.models import Case
from sifa.core.cases.services import open_case, transition_case
from sifa.core.errors import Conflict, NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.testing import actor_for

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("test-scan")


def _quiet_world() -> None:
    """The demo world holds other modules' cases with running deadlines and open alerts (社区矫正); these tests
    count what one scan or escalation run does for their own case, so the rest is set aside first."""
    from sifa.core.cases.models import CaseDeadline

    CaseDeadline.objects.filter(status="running").update(status="stopped")
    Alert.objects.all().delete()


def _accepted_case(username: str = "office1", received_on: str = "2025-09-28") -> Case:
    _quiet_world()
    actor = actor_for(username)
    case = open_case(actor=actor, case_type="test_case", title="预警测试")
    return transition_case(actor=actor, case=case, transition="accept", data={"received_on": received_on, "accepted_on": "2025-10-11"})


def test_due_soon_then_overdue_c01_dates():
    # given C-01: review due 2025-10-11 (Sat, make-up working day), decision due 2025-12-10
    case = _accepted_case()
    # when the scan runs on 2025-10-09 (two working days before 10-11)
    result = evaluate_alert_rules(actor=SYSTEM, today=datetime.date(2025, 10, 9))
    # then one due-soon alert for the review deadline, aimed at the office
    due_soon = Alert.objects.get(case=case, rule_code="deadline.due_soon")
    assert result["opened"] >= 1 and Alert.objects.filter(case=case).count() == 1  # other modules' rules run too
    assert due_soon.level == "yellow" and due_soon.org == case.org
    assert "2025-10-11" in due_soon.title and "AR-11" in due_soon.detail
    # when the scan runs again the same day: no duplicate
    evaluate_alert_rules(actor=SYSTEM, today=datetime.date(2025, 10, 9))
    assert Alert.objects.filter(case=case).count() == 1
    # when the period has passed: an overdue alert opens and the due-soon alert notes its condition cleared
    evaluate_alert_rules(actor=SYSTEM, today=datetime.date(2025, 10, 13))
    overdue = Alert.objects.get(case=case, rule_code="deadline.overdue")
    assert overdue.level == "red" and "已超期 2 天" in overdue.title
    due_soon.refresh_from_db()
    assert due_soon.condition_cleared_at is not None
    assert AlertStep.objects.filter(alert=due_soon, action="cleared").count() == 1


def test_stopped_deadline_raises_nothing():
    case = _accepted_case("county")
    transition_case(actor=actor_for("county"), case=case, transition="decide", data={"decision_text": "维持"})
    evaluate_alert_rules(actor=SYSTEM, today=datetime.date(2025, 12, 31))
    assert not Alert.objects.filter(case=case).exists()


def test_closed_loop_sign_handle_verify():
    case = _accepted_case()
    evaluate_alert_rules(actor=SYSTEM, today=datetime.date(2025, 10, 13))
    alert = Alert.objects.get(case=case, rule_code="deadline.overdue")
    office = actor_for("office1")
    # 签收 → 处置中
    alert = act_on_alert(actor=office, alert=alert, action="sign")
    assert alert.state == "handling"
    # 处置 needs a note
    with pytest.raises(ValidationFailed) as exc:
        act_on_alert(actor=office, alert=alert, action="handle", note=" ")
    assert exc.value.field == "note"
    alert = act_on_alert(actor=office, alert=alert, action="handle", note="已补办受理审查")
    assert alert.state == "pending_verify"
    # the office cannot verify its own handling
    with pytest.raises(PermissionDeniedError):
        act_on_alert(actor=office, alert=alert, action="verify")
    # the county bureau verifies (in its subtree)
    alert = act_on_alert(actor=actor_for("county"), alert=alert, action="verify", note="核查属实")
    assert alert.state == "closed" and alert.closed_at is not None
    assert list(alert.steps.values_list("action", flat=True)) == ["open", "sign", "handle", "verify"]
    # a new scan while the condition still holds opens a fresh alert (the old one is closed)
    evaluate_alert_rules(actor=SYSTEM, today=datetime.date(2025, 10, 14))
    assert Alert.objects.filter(case=case, rule_code="deadline.overdue").count() == 2


def test_wrong_state_and_scope():
    case = _accepted_case()
    evaluate_alert_rules(actor=SYSTEM, today=datetime.date(2025, 10, 13))
    alert = Alert.objects.get(case=case, rule_code="deadline.overdue")
    with pytest.raises(Conflict):
        act_on_alert(actor=actor_for("county"), alert=alert, action="verify")
    with pytest.raises(NotFound):
        act_on_alert(actor=actor_for("office2"), alert=alert, action="sign")
    before = AuditEvent.objects.filter(action="alerts.alert.acted").count()
    with pytest.raises(ValidationFailed):
        act_on_alert(actor=actor_for("office1"), alert=alert, action="explode")
    assert AuditEvent.objects.filter(action="alerts.alert.acted").count() == before


def test_unsigned_alert_escalates_to_the_parent_once_per_period():
    case = _accepted_case()
    evaluate_alert_rules(actor=SYSTEM, today=datetime.date(2025, 10, 13))
    alert = Alert.objects.get(case=case, rule_code="deadline.overdue")
    later = alert.step_due_at + datetime.timedelta(minutes=1)
    # when the sign limit passes
    assert escalate_overdue_alerts(actor=SYSTEM, now=later) == 1
    alert.refresh_from_db()
    # then it is escalated to the county bureau (the office's parent), and not again in the same period
    assert alert.escalated_to == case.org.parent and alert.escalations == 1
    assert escalate_overdue_alerts(actor=SYSTEM, now=later + datetime.timedelta(minutes=1)) == 0
    # the next period escalates one more level up (the city bureau)
    assert escalate_overdue_alerts(actor=SYSTEM, now=alert.step_due_at + datetime.timedelta(minutes=1)) == 1
    alert.refresh_from_db()
    assert alert.escalated_to == case.org.parent.parent and alert.escalations == 2
    # the county sees it in its inbox as escalated
    from sifa.core.alerts.filters import AlertFilter
    from sifa.core.alerts.selectors import alerts_visible_to

    assert alert in alerts_visible_to(actor_for("county"), filters=AlertFilter(escalated=True))


def test_closed_alerts_do_not_escalate():
    case = _accepted_case()
    evaluate_alert_rules(actor=SYSTEM, today=datetime.date(2025, 10, 13))
    alert = Alert.objects.get(case=case, rule_code="deadline.overdue")
    act_on_alert(actor=actor_for("county"), alert=alert, action="close", note="已处理")
    escalate_overdue_alerts(actor=SYSTEM, now=timezone.now() + datetime.timedelta(days=10))
    alert.refresh_from_db()
    assert alert.escalations == 0 and alert.escalated_to is None


def test_periodic_jobs_are_registered_and_run():
    from sifa.core import registry
    from sifa.core.alerts.jobs import escalate_alerts, scan_alert_rules

    assert {"alerts.scan", "alerts.escalate"} <= set(registry.periodic_jobs)
    _accepted_case()
    result = scan_alert_rules.call()
    assert result["opened"] >= 1  # today both C-01 deadlines are long past
    assert escalate_alerts.call() == 0


def test_event_raised_alert_never_duplicates_while_open():
    # given a module raising an alert from its own service (event trigger), twice for the same object
    from sifa.core.alerts.rules import DEADLINE_OVERDUE, AlertCondition
    from sifa.core.alerts.services import open_alert_in_transaction

    office = actor_for("office1").org
    condition = AlertCondition(object_type="test.thing", object_id="7", org_id=office.pk, title="事件预警")
    # when
    first = open_alert_in_transaction(rule=DEADLINE_OVERDUE, condition=condition, actor_name="模块")
    second = open_alert_in_transaction(rule=DEADLINE_OVERDUE, condition=condition, actor_name="模块")
    # then one open alert, with its opening step; after closing, the same condition may open a new one
    assert first is not None and second is None
    assert list(first.steps.values_list("action", flat=True)) == ["open"]
    act_on_alert(actor=actor_for("county"), alert=first, action="close", note="已处理")
    assert open_alert_in_transaction(rule=DEADLINE_OVERDUE, condition=condition, actor_name="模块") is not None

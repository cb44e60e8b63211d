"""A case through its workflow in the browser; a deadline alert opens, escalates and is closed."""

from __future__ import annotations

import datetime

from sifa.core.accounts.actor import Actor
from sifa.core.alerts.models import Alert
from sifa.core.alerts.services import escalate_overdue_alerts, evaluate_alert_rules
from sifa.core.cases.models import Case
from tests.e2e.conftest import E2E


def test_case_workflow_and_deadline_alert_loop(e2e: E2E) -> None:
    page = e2e.page
    # office1 opens a test case from the case list
    e2e.login("office1")
    e2e.submit('#sifa-menu a:has-text("案件")')
    e2e.submit('a:has-text("新建测试案件")')
    page.fill("#title", "张某申请复议")
    e2e.submit()
    assert page.locator("#case-state").inner_text().strip() == "登记"
    assert page.locator('svg.sifa-workflow g[data-current="true"]').get_attribute("data-state") == "registered"
    case = Case.objects.get(title="张某申请复议")
    assert case.number in page.locator(".page-title").inner_text()
    e2e.shot("case-registered", phone=True)

    # a step with a missing field shows the error beside it
    e2e.submit('form[data-step="accept"] button[type=submit]')
    assert page.locator('form[data-step="accept"] .field-error').first.inner_text().strip() == "请填写「收到日期」"

    # accept with the C-01 date: two deadlines start
    page.fill('#f-accept-received_on', "2025-09-28")
    page.fill('#f-accept-accepted_on', "2025-10-11")
    e2e.submit('form[data-step="accept"] button[type=submit]')
    assert page.locator("#case-state").inner_text().strip() == "受理"
    deadlines = page.locator("#case-deadlines").inner_text()
    assert "2025-10-11 届满" in deadlines and "2025-12-10 届满" in deadlines and "AR-11" in deadlines
    assert page.locator('#case-timeline [data-transition="accept"]').count() == 1
    e2e.shot("case-accepted", phone=True)

    # the scheduled scan finds the review deadline overdue, and the sign limit passes
    system = Actor.system("e2e")
    evaluate_alert_rules(actor=system, today=datetime.date(2025, 10, 13))
    alert = Alert.objects.get(case=case, rule_code="deadline.overdue", object_id=str(case.deadlines.get(key="review").pk))
    escalate_overdue_alerts(actor=system, now=alert.step_due_at + datetime.timedelta(minutes=1))

    page.reload()
    assert page.locator('#case-alerts [data-rule="deadline.overdue"]').count() >= 1
    e2e.submit('#sifa-menu a:has-text("预警")')
    row = page.locator(f'#alert-list a:has-text("{case.number}")').first
    assert row.count() == 1
    e2e.shot("alert-inbox", phone=True)

    # office1 signs and handles it
    e2e.goto(f"/alerts/{alert.pk}/")
    assert "已升级" in page.locator("#alert-escalated").inner_text()
    e2e.submit('button[value="sign"]')
    assert page.locator("#alert-state").get_attribute("data-state") == "handling"
    page.fill("#note", "已联系申请人补正")
    e2e.submit('button[value="handle"]')
    assert page.locator("#alert-state").get_attribute("data-state") == "pending_verify"

    # the county bureau verifies and closes the loop
    page.context.clear_cookies()
    e2e.login("county")
    e2e.goto(f"/alerts/{alert.pk}/")
    page.fill("#note", "核查属实")
    e2e.submit('button[value="verify"]')
    assert page.locator("#alert-state").get_attribute("data-state") == "closed"
    actions = page.locator("#alert-steps li").evaluate_all("els => els.map(e => e.dataset.action)")
    assert actions == ["open", "escalate", "sign", "handle", "verify"]
    e2e.shot("alert-closed", phone=True)

    # the bureau decides the case, which stops its deadlines
    e2e.goto(f"/cases/{case.pk}/")
    page.fill("#f-decide-decision_text", "维持原行政行为")
    e2e.submit('form[data-step="decide"] button[type=submit]')
    assert page.locator("#case-state").inner_text().strip() == "决定"
    assert "已完成" in page.locator("#case-deadlines").inner_text()

"""Reminders (提醒) and 督办 of plan items run through the core alert loop: opened once, cleared when done,
seen by the assigning level, not raised again once a person closed them."""

from __future__ import annotations

import datetime
from typing import Any

from sifa.core.accounts.actor import Actor
from sifa.core.alerts.models import Alert
from sifa.core.alerts.services import act_on_alert, evaluate_alert_rules
from sifa.core.testing import actor_for
from sifa.modules.judicial_office import plans
from sifa.modules.judicial_office.models import PlanOccurrence
from sifa.modules.judicial_office.plan_alerts import DUE_SOON, OBJECT_TYPE, SUPERVISION
from sifa.modules.judicial_office.tests.plan_factories import next_year, org_of

D = datetime.date


def _scan(today: datetime.date) -> None:
    evaluate_alert_rules(actor=Actor.system("test-scan"), today=today)


def _alerts(rule: str, occurrence: PlanOccurrence) -> list[Alert]:
    return list(Alert.objects.filter(rule_code=rule, object_type=OBJECT_TYPE, object_id=str(occurrence.pk)))


def _county_task(due: datetime.date, remind_days: int = 3) -> PlanOccurrence:
    """A manual task the county assigns to every office; returns office1's occurrence."""
    county = actor_for("county")
    plan = plans.create_plan(actor=county, title="富阳区年度工作要点", year=due.year)
    item = plans.add_plan_item(actor=county, plan=plan, title="签订安全责任书", due_date=due, remind_days=remind_days)
    return item.occurrences.get(org=org_of("office1"))


def test_a_reminder_opens_once_within_the_remind_days(db: Any) -> None:
    # given
    due = D(next_year(), 6, 30)
    occurrence = _county_task(due, remind_days=3)
    # when: four days before, then three days before, twice
    _scan(due - datetime.timedelta(days=4))
    early = _alerts(DUE_SOON.code, occurrence)
    _scan(due - datetime.timedelta(days=3))
    _scan(due - datetime.timedelta(days=2))
    # then
    assert early == []
    [alert] = _alerts(DUE_SOON.code, occurrence)
    assert alert.org == org_of("office1") and alert.level == "yellow"
    assert "签订安全责任书" in alert.title and alert.legal_basis == "工作规划：富阳区年度工作要点"
    assert "富阳区司法局下达" in alert.detail
    assert _alerts(SUPERVISION.code, occurrence) == []
    # and every office got its own reminder
    offices = PlanOccurrence.objects.filter(item=occurrence.item).count()
    assert Alert.objects.filter(rule_code=DUE_SOON.code, object_type=OBJECT_TYPE,
                                object_id__in=[str(pk) for pk in PlanOccurrence.objects.filter(
                                    item=occurrence.item).values_list("pk", flat=True)]).count() == offices


def test_overdue_opens_a_supervision_notice_once_and_clears_the_reminder(db: Any) -> None:
    # given: a reminder is open
    due = D(next_year(), 6, 30)
    occurrence = _county_task(due)
    _scan(due)
    # when: past the due date, scanned twice
    _scan(due + datetime.timedelta(days=1))
    _scan(due + datetime.timedelta(days=5))
    # then
    [notice] = _alerts(SUPERVISION.code, occurrence)
    assert notice.level == "orange" and notice.title.startswith("【督办】") and notice.is_open
    [reminder] = _alerts(DUE_SOON.code, occurrence)
    assert reminder.is_open and reminder.condition_cleared_at is not None


def test_doing_the_task_clears_the_conditions(db: Any) -> None:
    # given: an open 督办
    due = D(next_year(), 6, 30)
    occurrence = _county_task(due)
    _scan(due + datetime.timedelta(days=1))
    # when: the office confirms it (late) and the loop scans again
    plans.mark_occurrence_done(actor=actor_for("office1"), occurrence=occurrence)
    _scan(due + datetime.timedelta(days=2))
    # then: the condition is noted as cleared; the alert waits for a person to close it
    [notice] = _alerts(SUPERVISION.code, occurrence)
    assert notice.condition_cleared_at is not None and notice.is_open
    assert notice.steps.filter(action="cleared").count() == 1


def test_the_assigning_county_sees_the_supervision_notice(db: Any) -> None:
    # given
    due = D(next_year(), 6, 30)
    occurrence = _county_task(due)
    # when
    _scan(due + datetime.timedelta(days=1))
    # then
    [notice] = _alerts(SUPERVISION.code, occurrence)
    assert Alert.objects.visible_to(actor_for("county")).filter(pk=notice.pk).exists()
    assert Alert.objects.visible_to(actor_for("city")).filter(pk=notice.pk).exists()
    assert Alert.objects.visible_to(actor_for("office1")).filter(pk=notice.pk).exists()
    assert not Alert.objects.visible_to(actor_for("office2")).filter(pk=notice.pk).exists()


def test_a_closed_notice_is_not_raised_again(db: Any) -> None:
    # given: the county closes the 督办 (decides it is handled) while the task is still not done
    due = D(next_year(), 6, 30)
    occurrence = _county_task(due)
    _scan(due + datetime.timedelta(days=1))
    [notice] = _alerts(SUPERVISION.code, occurrence)
    act_on_alert(actor=actor_for("county"), alert=notice, action="close", note="已约谈，另行安排")
    # when
    _scan(due + datetime.timedelta(days=2))
    # then
    assert [a.state for a in _alerts(SUPERVISION.code, occurrence)] == ["closed"]


def test_done_tasks_raise_nothing(db: Any) -> None:
    due = D(next_year(), 6, 30)
    occurrence = _county_task(due)
    plans.mark_occurrence_done(actor=actor_for("office1"), occurrence=occurrence)
    _scan(due - datetime.timedelta(days=1))
    _scan(due + datetime.timedelta(days=1))
    assert _alerts(DUE_SOON.code, occurrence) == [] and _alerts(SUPERVISION.code, occurrence) == []


def test_the_refresh_notes_when_a_task_was_reminded(db: Any) -> None:
    # given
    due = D(next_year(), 6, 30)
    occurrence = _county_task(due)
    _scan(due - datetime.timedelta(days=1))
    # when
    plans.refresh_plan_progress(actor=Actor.system("test"), today=due - datetime.timedelta(days=1))
    # then
    occurrence.refresh_from_db()
    [reminder] = _alerts(DUE_SOON.code, occurrence)
    assert occurrence.reminded_at == reminder.opened_at

"""Work plans: spreading items over periods and offices, progress from the work log, manual completion,
who may make, assign and change a plan."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db.models import Sum
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.audit.models import AuditEvent
from sifa.core.errors import Conflict, NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.testing import actor_for
from sifa.modules.judicial_office import plans
from sifa.modules.judicial_office.choices import OccurrenceStatus, Recurrence
from sifa.modules.judicial_office.models import PlanItem, PlanOccurrence, WorkDailyTotal, WorkPlan
from sifa.modules.judicial_office.tests.plan_factories import (
    catalogue_item,
    daily_total,
    fuyang,
    fuyang_offices,
    next_year,
    org_of,
    other_county_office,
    plan_without_audit,
)

D = datetime.date


def _audit(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def _office_plan(username: str = "office1", **kwargs: Any) -> WorkPlan:
    return plans.create_plan(actor=actor_for(username), title=kwargs.pop("title", "本所年度规划"), year=next_year(),
                             **kwargs)


# --- spreading -----------------------------------------------------------------------------------


def test_monthly_item_from_mid_year_has_one_period_per_month_to_year_end() -> None:
    # when
    periods = plans.spread(Recurrence.MONTHLY, D(2027, 7, 15))
    # then
    assert periods == [(D(2027, m, 1), D(2027, m, 15)) for m in range(7, 13)]


def test_monthly_due_day_is_clamped_to_the_month_end() -> None:
    # when
    common = dict(plans.spread(Recurrence.MONTHLY, D(2027, 1, 31)))
    leap = dict(plans.spread(Recurrence.MONTHLY, D(2028, 1, 31)))
    # then
    assert list(common.values())[:4] == [D(2027, 1, 31), D(2027, 2, 28), D(2027, 3, 31), D(2027, 4, 30)]
    assert leap[D(2028, 2, 1)] == D(2028, 2, 29)
    assert len(common) == 12


def test_quarterly_item_is_due_in_each_quarters_last_month() -> None:
    # when
    from_may = plans.spread(Recurrence.QUARTERLY, D(2027, 5, 31))
    from_january = plans.spread(Recurrence.QUARTERLY, D(2027, 1, 10))
    # then
    assert from_may == [(D(2027, 4, 1), D(2027, 6, 30)), (D(2027, 7, 1), D(2027, 9, 30)),
                        (D(2027, 10, 1), D(2027, 12, 31))]
    assert [due for _, due in from_january] == [D(2027, 3, 10), D(2027, 6, 10), D(2027, 9, 10), D(2027, 12, 10)]


def test_one_off_item_counts_from_the_start_of_the_year() -> None:
    assert plans.spread(Recurrence.ONCE, D(2027, 9, 30)) == [(D(2027, 1, 1), D(2027, 9, 30))]
    assert plans.period_label(Recurrence.QUARTERLY, D(2027, 4, 1), D(2027, 6, 30)) == "2027年第二季度"
    assert plans.period_label(Recurrence.MONTHLY, D(2027, 2, 1), D(2027, 2, 28)) == "2027年2月"


# --- making and assigning ------------------------------------------------------------------------


def test_county_assigns_an_item_to_every_office_below_it(db: Any) -> None:
    # given
    county = actor_for("county")
    plan = plans.create_plan(actor=county, title="富阳区司法所年度工作要点", year=next_year())
    offices = fuyang_offices()
    # when
    item = plans.add_plan_item(actor=county, plan=plan, title="每月报送矛盾纠纷排查情况", recurrence=Recurrence.MONTHLY,
                               due_date=D(next_year(), 7, 31), target=1)
    # then
    assert plan.assigned and plan.org == fuyang()
    occurrences = PlanOccurrence.objects.filter(item=item)
    assert occurrences.count() == len(offices) * 6
    assert set(occurrences.values_list("org_id", flat=True)) == {o.pk for o in offices}
    assert sorted(set(occurrences.values_list("due_date", flat=True)))[:3] == [
        D(next_year(), 7, 31), D(next_year(), 8, 31), D(next_year(), 9, 30)]
    assert set(occurrences.values_list("status", flat=True)) == {OccurrenceStatus.OPEN}
    added = AuditEvent.objects.get(action="judicial_office.plan_item.added", object_id=str(item.pk))
    assert added.changes["offices"] == len(offices) and added.changes["occurrences"] == len(offices) * 6


def test_an_office_plan_is_its_own(db: Any) -> None:
    # when
    plan = _office_plan()
    item = plans.add_plan_item(actor=actor_for("office1"), plan=plan, title="季度普法", recurrence=Recurrence.QUARTERLY,
                               due_date=D(next_year(), 3, 20))
    # then
    assert not plan.assigned
    assert set(item.occurrences.values_list("org_id", flat=True)) == {org_of("office1").pk}
    assert item.occurrences.count() == 4


def test_an_office_cannot_assign(db: Any) -> None:
    # given
    before = (WorkPlan.objects.count(), _audit("judicial_office.plan.created"))
    # when / then
    with pytest.raises(PermissionDeniedError, match="司法所不能向下级下达"):
        _office_plan(assigned=True)
    assert (WorkPlan.objects.count(), _audit("judicial_office.plan.created")) == before


def test_a_bureau_plan_must_be_assigned(db: Any) -> None:
    before = WorkPlan.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        plans.create_plan(actor=actor_for("county"), title="不下达", year=next_year(), assigned=False)
    assert exc.value.field == "assigned"
    assert WorkPlan.objects.count() == before


def test_roles_without_plans_manage_cannot_make_plans(db: Any) -> None:
    before = WorkPlan.objects.count()
    with pytest.raises(PermissionDeniedError):
        plans.create_plan(actor=actor_for("city"), title="领导不制定", year=next_year())
    assert WorkPlan.objects.count() == before


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"due_date": D(2020, 5, 1)}, "due_date", "规划年度"),
    ({"target": 0}, "target", "目标数量"),
    ({"recurrence": "weekly"}, "recurrence", "周期"),
    ({"remind_days": 61}, "remind_days", "提前提醒天数"),
    ({"title": "  "}, "title", "事项名称"),
])
def test_bad_item_fields_are_refused_naming_the_field(db: Any, change: dict[str, Any], field: str,
                                                       message: str) -> None:
    # given
    plan = _office_plan()
    fields: dict[str, Any] = {"title": "普法", "due_date": D(next_year(), 6, 30), "recurrence": Recurrence.ONCE,
                              "target": 2, **change}
    before = (PlanItem.objects.count(), _audit("judicial_office.plan_item.added"))
    # when
    with pytest.raises(ValidationFailed) as exc:
        plans.add_plan_item(actor=actor_for("office1"), plan=plan, **fields)
    # then
    assert exc.value.field == field and message in exc.value.message
    assert (PlanItem.objects.count(), _audit("judicial_office.plan_item.added")) == before


def test_a_due_date_in_the_past_is_refused(db: Any) -> None:
    # given: a plan of this year and a due date before today
    today = timezone.localdate()
    plan = plan_without_audit(org_of("office1"), year=today.year)
    past = today - datetime.timedelta(days=1)
    if past.year != today.year:
        pytest.skip("1 January: no earlier day in this year")
    # when / then
    with pytest.raises(ValidationFailed, match="不能早于今天"):
        plans.add_plan_item(actor=actor_for("office1"), plan=plan, title="补报", due_date=past)
    assert not PlanItem.objects.filter(plan=plan).exists()


def test_only_the_making_org_changes_a_plan(db: Any) -> None:
    # given: office1's own plan (visible to the county above it) and a plan of another county
    plan = _office_plan()
    foreign = plan_without_audit(other_county_office())
    # when / then
    with pytest.raises(PermissionDeniedError, match="只有制定机构"):
        plans.add_plan_item(actor=actor_for("county"), plan=plan, title="代加", due_date=D(next_year(), 6, 30))
    with pytest.raises(NotFound):
        plans.add_plan_item(actor=actor_for("county"), plan=foreign, title="越界", due_date=D(next_year(), 6, 30))
    with pytest.raises(NotFound):
        plans.add_plan_item(actor=actor_for("office2"), plan=plan, title="越界", due_date=D(next_year(), 6, 30))
    assert not PlanItem.objects.filter(plan__in=[plan, foreign]).exists()


def test_a_catalogue_item_must_apply_to_the_plan_org(db: Any) -> None:
    # given: an item of 西湖区's own catalogue
    office = other_county_office()
    foreign_item = catalogue_item("xihu_special", "西湖专项")
    foreign_item.org = office.parent
    foreign_item.save(update_fields=["org"])
    plan = _office_plan()
    # when / then
    with pytest.raises(ValidationFailed) as exc:
        plans.add_plan_item(actor=actor_for("office1"), plan=plan, title="专项", due_date=D(next_year(), 6, 30),
                            catalogue_item=foreign_item)
    assert exc.value.field == "catalogue_item"


# --- changing and removing -----------------------------------------------------------------------


def test_a_new_schedule_spreads_the_item_again(db: Any) -> None:
    # given
    office1 = actor_for("office1")
    plan = _office_plan()
    item = plans.add_plan_item(actor=office1, plan=plan, title="月度普法", recurrence=Recurrence.MONTHLY,
                               due_date=D(next_year(), 1, 31), target=2, catalogue_item=catalogue_item())
    # when
    plans.update_plan_item(actor=office1, item=item, title="季度普法", recurrence=Recurrence.QUARTERLY,
                           due_date=D(next_year(), 3, 31), target=5, catalogue_item=catalogue_item(), remind_days=7)
    # then
    item.refresh_from_db()
    assert (item.title, item.recurrence, item.target, item.remind_days) == ("季度普法", "quarterly", 5, 7)
    assert sorted(item.occurrences.values_list("due_date", "target")) == [
        (D(next_year(), m, d), 5) for m, d in ((3, 31), (6, 30), (9, 30), (12, 31))]
    event = AuditEvent.objects.get(action="judicial_office.plan_item.updated", object_id=str(item.pk))
    assert event.changes["respread"] is True and event.changes["target"] == [2, 5]


def test_a_new_target_keeps_the_occurrences(db: Any) -> None:
    office1 = actor_for("office1")
    plan = _office_plan()
    item = plans.add_plan_item(actor=office1, plan=plan, title="普法", recurrence=Recurrence.MONTHLY,
                               due_date=D(next_year(), 10, 15), target=2, catalogue_item=catalogue_item())
    ids = set(item.occurrences.values_list("pk", flat=True))
    plans.update_plan_item(actor=office1, item=item, title="普法", recurrence=Recurrence.MONTHLY,
                           due_date=D(next_year(), 10, 15), target=4, catalogue_item=catalogue_item(), remind_days=3)
    assert set(item.occurrences.values_list("pk", flat=True)) == ids
    assert set(item.occurrences.values_list("target", flat=True)) == {4}


def test_an_item_done_somewhere_can_no_longer_be_changed_or_removed(db: Any) -> None:
    # given: a manual task office1 has confirmed
    office1 = actor_for("office1")
    plan = _office_plan()
    item = plans.add_plan_item(actor=office1, plan=plan, title="建立台账", due_date=D(next_year(), 6, 30))
    plans.mark_occurrence_done(actor=office1, occurrence=item.occurrences.get())
    before = (_audit("judicial_office.plan_item.updated"), _audit("judicial_office.plan_item.removed"))
    # when / then
    with pytest.raises(Conflict):
        plans.update_plan_item(actor=office1, item=item, title="改名", recurrence=Recurrence.ONCE,
                               due_date=D(next_year(), 6, 30), target=1, catalogue_item=None, remind_days=3)
    with pytest.raises(Conflict):
        plans.remove_plan_item(actor=office1, item=item)
    item.refresh_from_db()
    assert item.title == "建立台账" and item.occurrences.count() == 1
    assert (_audit("judicial_office.plan_item.updated"), _audit("judicial_office.plan_item.removed")) == before


def test_removing_an_item_removes_its_occurrences(db: Any) -> None:
    county = actor_for("county")
    plan = plans.create_plan(actor=county, title="下达", year=next_year())
    item = plans.add_plan_item(actor=county, plan=plan, title="专项排查", due_date=D(next_year(), 4, 30))
    plans.remove_plan_item(actor=county, item=item)
    assert not PlanItem.objects.filter(pk=item.pk).exists()
    assert not PlanOccurrence.objects.filter(item_id=item.pk).exists()


# --- progress ------------------------------------------------------------------------------------


def test_progress_counts_the_daily_totals_of_the_period(db: Any) -> None:
    # given: 3 publicity events due by 30 June at office1, and log totals in and around the period
    office1 = actor_for("office1")
    office = org_of("office1")
    y = next_year()
    plan = _office_plan()
    item = plans.add_plan_item(actor=office1, plan=plan, title="法治宣传", due_date=D(y, 6, 30), target=3,
                               catalogue_item=catalogue_item())
    occurrence = item.occurrences.get()
    daily_total(office, D(y - 1, 12, 31), "publicity_event", 5)  # before the period
    daily_total(office, D(y, 3, 2), "publicity_event", 1)
    daily_total(office, D(y, 6, 30), "publicity_event", 1)
    daily_total(office, D(y, 7, 1), "publicity_event", 4)  # after the due date
    daily_total(office, D(y, 4, 1), "mediation", 9)  # another item
    daily_total(org_of("office2"), D(y, 4, 1), "publicity_event", 9)  # another office
    system = Actor.system("test")
    # when: counted on the due date
    result = plans.refresh_plan_progress(actor=system, today=D(y, 6, 30))
    # then
    occurrence.refresh_from_db()
    assert (occurrence.done, occurrence.status) == (2, OccurrenceStatus.OPEN)
    assert result["changed"] >= 1
    # when: a day later, still short → overdue
    plans.refresh_plan_progress(actor=system, today=D(y, 7, 1))
    occurrence.refresh_from_db()
    assert (occurrence.done, occurrence.status, occurrence.completed_at) == (2, OccurrenceStatus.OVERDUE, None)
    # when: a late correction adds one in the period → done
    daily_total(office, D(y, 5, 20), "publicity_event", 1)
    plans.refresh_plan_progress(actor=system, today=D(y, 7, 2))
    occurrence.refresh_from_db()
    assert (occurrence.done, occurrence.status) == (3, OccurrenceStatus.DONE)
    assert occurrence.completed_at is not None
    assert _audit("judicial_office.plan_progress.refreshed") >= 3


def test_refresh_of_one_plan_recounts_it_whole(db: Any) -> None:
    # given: January counted as overdue, then a correction adds January work long after the lookback window
    office1 = actor_for("office1")
    office = org_of("office1")
    y = next_year()
    item = plans.add_plan_item(actor=office1, plan=_office_plan(), title="月度", recurrence=Recurrence.MONTHLY,
                               due_date=D(y, 1, 31), target=1, catalogue_item=catalogue_item())
    system = Actor.system("test")
    plans.refresh_plan_progress(actor=system, today=D(y, 2, 5))
    daily_total(office, D(y, 1, 10), "publicity_event", 1)
    january = item.occurrences.get(due_date=D(y, 1, 31))
    # when: the periodic refresh leaves closed periods alone
    plans.refresh_plan_progress(actor=system, today=D(y, 12, 1))
    january.refresh_from_db()
    periodic = january.status
    # when: the plan is recounted whole
    plans.refresh_plan_progress(actor=system, today=D(y, 12, 1), plan=item.plan)
    january.refresh_from_db()
    # then
    assert periodic == OccurrenceStatus.OVERDUE
    assert (january.done, january.status) == (1, OccurrenceStatus.DONE)
    assert item.occurrences.get(due_date=D(y, 2, 28)).status == OccurrenceStatus.OVERDUE


def test_an_item_added_counts_what_is_already_logged(db: Any) -> None:
    # given: work logged this year (the demo's logs, plus 2 today) before the item is added
    today = timezone.localdate()
    office = org_of("office1")
    daily_total(office, today, "publicity_event", 2)
    logged = WorkDailyTotal.objects.filter(org=office, item_code="publicity_event", day__gte=D(today.year, 1, 1),
                                           day__lte=today).aggregate(n=Sum("total"))["n"]
    plan = plan_without_audit(office, year=today.year)
    # when
    item = plans.add_plan_item(actor=actor_for("office1"), plan=plan, title="宣传", due_date=today, target=logged,
                               catalogue_item=catalogue_item())
    # then
    occurrence = item.occurrences.get()
    assert (occurrence.done, occurrence.status) == (logged, OccurrenceStatus.DONE)


# --- manual completion ---------------------------------------------------------------------------


def test_the_office_confirms_a_manual_task(db: Any) -> None:
    # given
    office1 = actor_for("office1")
    item = plans.add_plan_item(actor=office1, plan=_office_plan(), title="完善台账", due_date=D(next_year(), 6, 30))
    occurrence = item.occurrences.get()
    # when
    done = plans.mark_occurrence_done(actor=office1, occurrence=occurrence, note="已完成")
    # then
    assert (done.status, done.done) == (OccurrenceStatus.DONE, 1) and done.completed_at is not None
    event = AuditEvent.objects.get(action="judicial_office.plan_occurrence.completed", object_id=str(occurrence.pk))
    assert event.org_id == org_of("office1").pk and event.changes["note"] == "已完成"
    with pytest.raises(Conflict, match="已确认完成"):
        plans.mark_occurrence_done(actor=office1, occurrence=occurrence)


def test_only_the_office_itself_confirms_and_only_manual_tasks(db: Any) -> None:
    # given: a county task at every office, and a logged task at office1
    county = actor_for("county")
    plan = plans.create_plan(actor=county, title="下达", year=next_year())
    task = plans.add_plan_item(actor=county, plan=plan, title="签订责任书", due_date=D(next_year(), 5, 31))
    logged = plans.add_plan_item(actor=county, plan=plan, title="宣传", due_date=D(next_year(), 5, 31), target=2,
                                 catalogue_item=catalogue_item())
    at_office1 = task.occurrences.get(org=org_of("office1"))
    before = _audit("judicial_office.plan_occurrence.completed")
    # when / then
    with pytest.raises(NotFound):  # office2 does not see office1's task
        plans.mark_occurrence_done(actor=actor_for("office2"), occurrence=at_office1)
    with pytest.raises(PermissionDeniedError):  # the county has no plans.complete
        plans.mark_occurrence_done(actor=county, occurrence=at_office1)
    with pytest.raises(PermissionDeniedError, match="只有承办的"):  # an admin sees it but is not the office
        plans.mark_occurrence_done(actor=actor_for("admin"), occurrence=at_office1)
    with pytest.raises(Conflict, match="自动统计"):
        plans.mark_occurrence_done(actor=actor_for("office1"), occurrence=logged.occurrences.get(org=org_of("office1")))
    at_office1.refresh_from_db()
    assert at_office1.status == OccurrenceStatus.OPEN
    assert _audit("judicial_office.plan_occurrence.completed") == before


# --- scope ---------------------------------------------------------------------------------------


def test_an_office_sees_plans_assigned_to_it_but_only_its_own_tasks(db: Any) -> None:
    # given
    county = actor_for("county")
    plan = plans.create_plan(actor=county, title="下达规划", year=next_year())
    plans.add_plan_item(actor=county, plan=plan, title="排查", due_date=D(next_year(), 5, 31))
    foreign = plan_without_audit(other_county_office())
    office1 = actor_for("office1")
    # when
    visible = set(plans.plans_visible_to(office1).values_list("pk", flat=True))
    occurrences = plans.occurrences_visible_to(office1, plan=plan)
    # then
    assert plan.pk in visible and foreign.pk not in visible
    assert set(occurrences.values_list("org_id", flat=True)) == {org_of("office1").pk}
    assert plans.plan_for(county, plan.pk) == plan
    with pytest.raises(NotFound):
        plans.plan_for(county, foreign.pk)
    with pytest.raises(NotFound):
        plans.plan_for(actor_for("office2"), _office_plan().pk)


# --- the periodic job ----------------------------------------------------------------------------


def test_the_worker_refreshes_progress_every_two_minutes(db: Any) -> None:
    # given: a manual task of this year already past its due date, still marked open
    from sifa.core import registry
    from sifa.modules.judicial_office.plan_jobs import REFRESH, refresh_plan_progress_task
    from sifa.modules.judicial_office.tests.plan_factories import manual_task_without_audit

    today = timezone.localdate()
    if today.month == 1 and today.day == 1:
        return  # no earlier day in this year to be past due
    office = org_of("office1")
    task = manual_task_without_audit(plan_without_audit(office, year=today.year), office,
                                     due=today - datetime.timedelta(days=1))
    # when
    result = refresh_plan_progress_task.call()
    # then
    assert registry.periodic_jobs[REFRESH.name] is REFRESH and 60 <= REFRESH.interval_seconds <= 300
    task.refresh_from_db()
    assert task.status == OccurrenceStatus.OVERDUE and result["changed"] >= 1
    event = AuditEvent.objects.filter(action="judicial_office.plan_progress.refreshed").latest("id")
    assert event.actor_name == "系统:plan-progress" and event.changes["changed"] == result["changed"]

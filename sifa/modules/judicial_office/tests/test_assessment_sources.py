"""Fact sources of the 千分制: work-log quantities, log days, alerts and plans, for offices and 司法局."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from sifa.core import registry
from sifa.core.deadlines.calendar import CalendarMissing
from sifa.core.scoring.engine import Fact
from sifa.core.scoring.selectors import fact_url
from sifa.modules.judicial_office.assessment import deadline_of
from sifa.modules.judicial_office.choices import OccurrenceStatus, WorkLogStatus
from sifa.modules.judicial_office.tests import assessment_factories as f

SEPT = (datetime.date(2026, 9, 1), datetime.date(2026, 9, 30))
D = datetime.date


def collect(key: str, subjects: list[int], start: datetime.date = SEPT[0], end: datetime.date = SEPT[1]) -> list[Fact]:
    return list(registry.score_sources[key].collect(subjects, start, end))


def test_one_fact_per_office_day_with_the_days_total_linking_to_that_day(db: Any) -> None:
    # given an office's mediation totals in and around September, and another office's
    office, other = f.new_office(), f.new_office()
    f.total(office, D(2026, 9, 1), "mediation", 2, auto=1)
    f.total(office, D(2026, 9, 2), "mediation", 1)
    f.total(office, D(2026, 9, 2), "legal_consultation", 7)
    f.total(office, D(2026, 8, 31), "mediation", 5)
    f.total(other, D(2026, 9, 1), "mediation", 4)
    # when
    facts = collect("worklog.mediation", [office.pk])
    # then
    assert [(x.subject, x.on, x.quantity) for x in facts] == [(office.pk, D(2026, 9, 1), 3), (office.pk, D(2026, 9, 2), 1)]
    assert facts[0].ref.label == "人民调解 3件（其中自动汇入 1）"
    assert fact_url({"url_name": facts[0].ref.url_name, "url_args": facts[0].ref.url_args}) == reverse(
        "jo_assessment:day", args=[office.pk, "2026-09-01"])
    assert all(x.attrs == {"code": "mediation"} for x in facts)


def test_the_generic_item_source_carries_code_and_category(db: Any) -> None:
    office = f.new_office()
    f.total(office, D(2026, 9, 3), "publicity_event", 2)
    [fact] = collect("worklog.item", [office.pk])
    assert fact.attrs == {"category": "法治宣传", "code": "publicity_event"} and fact.quantity == 2


def test_a_county_earns_what_its_average_office_does(db: Any) -> None:
    # given a county with three offices, two of which mediated in September
    county = f.new_county()
    x, y, _idle = f.new_office(county, "甲司法所"), f.new_office(county, "乙司法所"), f.new_office(county, "丙司法所")
    f.total(x, D(2026, 9, 1), "mediation", 3)
    f.total(x, D(2026, 9, 2), "mediation", 1)
    f.total(y, D(2026, 9, 3), "mediation", 2)
    # when the county and one of its offices are scored together
    facts = collect("worklog.mediation", [county.pk, x.pk])
    # then the office counts its own days, the county one fact per office: its total ÷ 3 offices
    mine = [(a.on, a.quantity) for a in facts if a.subject == x.pk]
    assert mine == [(D(2026, 9, 1), 3), (D(2026, 9, 2), 1)]
    theirs = sorted((a.ref.id, a.quantity, a.on) for a in facts if a.subject == county.pk)
    assert theirs == [(str(x.pk), Decimal("1.3333"), D(2026, 9, 2)), (str(y.pk), Decimal("0.6667"), D(2026, 9, 3))]
    label = next(a.ref.label for a in facts if a.subject == county.pk and a.ref.id == str(x.pk))
    assert label == "甲司法所：4件 ÷ 3 个司法所"
    ref = next(a.ref for a in facts if a.subject == county.pk)
    assert fact_url({"url_name": ref.url_name, "url_args": ref.url_args}).endswith("/2026-09/")


def test_log_days_on_time_late_and_missing_count_working_days_only(db: Any) -> None:
    # given an office's September 2026 (22 working days; 20 Sept is a make-up working Sunday, 26 Sept a holiday)
    office = f.new_office()
    f.submitted_log(office, D(2026, 9, 1))                       # same day: on time
    f.submitted_log(office, D(2026, 9, 2), D(2026, 9, 3))        # next working day: on time
    f.submitted_log(office, D(2026, 9, 3), D(2026, 9, 7))        # after Fri 4 Sept: late
    f.submitted_log(office, D(2026, 9, 4), status=WorkLogStatus.DRAFT)  # never submitted: missing
    f.submitted_log(office, D(2026, 9, 20))                      # make-up working day, on time
    f.submitted_log(office, D(2026, 9, 26))                      # a holiday: counts for nothing
    # a second author's later log of an on-time day does not make the day late
    f.submitted_log(office, D(2026, 9, 1), D(2026, 9, 10))
    # when
    on_time = collect("worklog.days_on_time", [office.pk])
    late = collect("worklog.days_late", [office.pk])
    missing = collect("worklog.days_missing", [office.pk])
    # then
    assert [x.on.day for x in on_time] == [1, 2, 20]
    assert [x.on.day for x in late] == [3]
    assert late[0].ref.label == "2026-09-03 的日志于 2026-09-07 提交，晚于 2026-09-04"
    assert len(missing) == 22 - 4 and D(2026, 9, 4) in {x.on for x in missing}
    assert not {x.on for x in missing} & {D(2026, 9, 26), D(2026, 9, 27), D(2026, 9, 5)}
    assert missing[-1].ref.label == "2026-09-30 未提交工作日志（应于 2026-10-08 前提交）"


def test_a_day_is_not_missing_before_its_deadline_has_passed(db: Any) -> None:
    # given "today" is Thursday 12 November 2026 and nothing was logged this month
    from sifa.modules.judicial_office.tests.worklog_factories import on_day

    office = f.new_office()
    with on_day(D(2026, 11, 12)):
        missing = collect("worklog.days_missing", [office.pk], D(2026, 11, 1), D(2026, 11, 30))
    # then 2–10 November are missing (7 working days), 11 November is due today, 12 November tomorrow
    assert [x.on.day for x in missing] == [2, 3, 4, 5, 6, 9, 10]


def test_the_deadline_of_a_day_needs_the_calendar_of_the_year_it_falls_in(db: Any) -> None:
    from sifa.core.deadlines.selectors import working_calendar

    calendar = working_calendar()
    assert deadline_of(calendar, D(2026, 9, 30), D(2026, 11, 21)) == D(2026, 10, 8)
    # 31 Dec 2026's deadline lies in 2027 (not loaded): not passed while today is in 2026, an error after
    assert deadline_of(calendar, D(2026, 12, 31), D(2026, 12, 31)) is None
    with pytest.raises(CalendarMissing):
        deadline_of(calendar, D(2026, 12, 31), D(2027, 1, 5))


def test_anti_gaming_alerts_count_against_the_office_whose_log_they_are_about(db: Any) -> None:
    # given an implausible-count alert on one of the office's logs (the alert targets the county bureau),
    # a back-fill alert about an author of the office, and an alert of another rule
    office = f.new_office()
    log = f.submitted_log(office, D(2026, 9, 1))
    f.alert(f.fuyang(), "worklog.count_implausible", D(2026, 9, 2), object_type="judicial_office.worklog",
            object_id=f"{log.pk}:mediation", level="yellow")
    backfiller = f.author()
    f.submitted_log(office, D(2026, 9, 7), D(2026, 9, 15), user=backfiller)
    f.alert(f.fuyang(), "worklog.bulk_backfill", D(2026, 9, 15), object_type="accounts.user",
            object_id=f"{backfiller.pk}:20260915")
    f.alert(f.fuyang(), "deadline.overdue", D(2026, 9, 3), object_type="judicial_office.worklog",
            object_id=f"{log.pk}:x")
    f.alert(f.fuyang(), "worklog.count_implausible", D(2026, 10, 2), object_type="judicial_office.worklog",
            object_id=f"{log.pk}:legal_consultation")  # October: another period
    # when
    facts = collect("worklog.gaming_alerts", [office.pk])
    # then
    assert [(x.on, x.attrs["rule"]) for x in facts] == [(D(2026, 9, 2), "worklog.count_implausible"),
                                                       (D(2026, 9, 15), "worklog.bulk_backfill")]
    assert facts[0].ref.label == "核查预警：工作日志数量超出合理上限" and facts[0].ref.url_name == "alerts:detail"


def test_escalations_count_for_the_office_that_had_to_act(db: Any) -> None:
    office = f.new_office()
    committee = f.new_org(office, "mediation_committee")
    mine = f.alert(office, "deadline.overdue", D(2026, 9, 1))
    below = f.alert(committee, "deadline.overdue", D(2026, 9, 1))
    county_alert = f.alert(f.fuyang(), "deadline.overdue", D(2026, 9, 1))
    for target in (mine, below, county_alert):
        f.escalation(target, D(2026, 9, 4))
    f.escalation(mine, D(2026, 10, 4))
    facts = collect("office.alerts_escalated", [office.pk])
    assert sorted(x.ref.url_args[0] for x in facts) == sorted([mine.pk, below.pk])
    assert all(x.on == D(2026, 9, 4) for x in facts)


def test_plan_occurrences_done_on_time_or_late_and_overdue(db: Any) -> None:
    office = f.new_office()
    f.occurrence(office, D(2026, 9, 20), OccurrenceStatus.DONE, completed=D(2026, 9, 18), title="按期")
    f.occurrence(office, D(2026, 9, 5), OccurrenceStatus.DONE, completed=D(2026, 9, 8), title="迟完成")
    f.occurrence(office, D(2026, 9, 15), OccurrenceStatus.OVERDUE, title="逾期")
    f.occurrence(office, D(2026, 9, 28), OccurrenceStatus.OPEN, title="进行中")
    done = collect("plans.occurrences_done", [office.pk])
    overdue = collect("plans.occurrences_overdue", [office.pk])
    assert [(x.on.day, x.attrs["on_time"]) for x in done] == [(5, "no"), (20, "yes")]
    assert [x.ref.label for x in overdue] == ["规划事项「逾期」2026-09-15 到期，逾期未完成"]
    assert overdue[0].ref.url_name == "jo_plans:detail"


def test_subjects_without_offices_and_orgs_of_other_types_get_no_facts(db: Any) -> None:
    empty_county = f.new_county()
    office = f.new_office()
    f.total(office, D(2026, 9, 1), "mediation", 2)
    assert collect("worklog.mediation", [empty_county.pk]) == []
    assert collect("worklog.days_missing", [empty_county.pk]) == []

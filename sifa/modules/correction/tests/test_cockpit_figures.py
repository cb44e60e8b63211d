"""矫正驾驶舱 figures against hand-counted rows of a small world (tests/cockpit_factories.build_world).

The world (period: the 21 days up to today): office A holds c1 (缓刑, 严管, received 3 days ago), c2 (假释,
失联 flag), c3 (state 失去联系, 电子定位), c4 (管制, 解除 5 days ago), c5 (暂予监外执行, 判决生效 only);
office B holds c6 (暂予监外执行, 宽管, 电子定位), c7 (撤销 40 days ago), c8 (a minor, CC-35).
Reporting duty: CC-39 (《社区矫正法》第二十三条; frequencies configuration [NV]); lost contact: CC-20;
electronic monitoring: CC-19.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.cache import cache

from sifa.core.testing import actor_for
from sifa.core.ui.cockpit import CACHE_SECONDS, Period
from sifa.modules.correction.cockpit_selectors import cockpit_for
from sifa.modules.correction.tests.cockpit_factories import World, build_world, make_org, task
from sifa.modules.correction.tests.factories import make_correction


@pytest.fixture(autouse=True)
def _no_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


def _period(w: World) -> Period:
    return Period(w.today - datetime.timedelta(days=20), w.today, "custom")


def test_totals_equal_the_hand_counted_rows(world: World) -> None:
    # given the world, read by the city leader
    # when
    c = cockpit_for(actor_for("city"), world.county, _period(world))
    t = c.data.totals
    # then 在册 c1 c2 c3 c6 c8; 待接收 c5; 新增 c1; 解除/终止 c4 (c7 ended before the period)
    assert (t.active, t.pending, t.intake, t.ended) == (5, 1, 1, 1)
    # 失联 c2 (flag) and c3 (state, CC-20); 电子定位 c3 and c6 (CC-19)
    assert (t.lost_contact, t.monitored) == (2, 2)
    # 逾期: A missed report, open report past due, missed visit; B open education past due
    assert t.overdue_tasks == 4
    # 报告 (CC-39): due = A's 4 past reports + B's 1; on time = A's first and B's one
    assert (t.compliance.on_time, t.compliance.due, t.compliance.percent) == (2, 5, 40.0)


def test_children_rows_split_the_totals_by_office(world: World) -> None:
    # when
    c = cockpit_for(actor_for("city"), world.county, _period(world))
    rows = {r.name: r.figures for r in c.data.children}
    # then
    assert set(rows) == {world.a.name, world.b.name}
    a, b = rows[world.a.name], rows[world.b.name]
    assert (a.active, a.pending, a.intake, a.ended, a.lost_contact, a.monitored, a.overdue_tasks) == (3, 1, 1, 1, 2, 1, 3)
    assert (a.compliance.on_time, a.compliance.due) == (1, 4)
    assert (b.active, b.pending, b.intake, b.ended, b.lost_contact, b.monitored, b.overdue_tasks) == (2, 0, 0, 0, 0, 1, 1)
    assert (b.compliance.on_time, b.compliance.due) == (1, 1)
    assert all(r.url.endswith(f"?{_period(world).query}") for r in c.data.children)


def test_counts_by_sentence_type_level_and_state(world: World) -> None:
    # when
    c = cockpit_for(actor_for("city"), world.county, _period(world))
    # then: 在册 by sentence type and level; every case by state
    assert {t.key: t.count for t in c.data.by_sentence} == {
        "probation": 3, "parole": 1, "control": 0, "temporary_execution": 1}
    assert {t.key: t.count for t in c.data.by_level} == {"strict": 1, "normal": 3, "lenient": 1}
    states = {t.key: t.count for t in c.data.by_state}
    assert states["under_correction"] == 4 and states["lost_contact"] == 1 and states["discharged"] == 1
    assert states["decided"] == 1 and states["revoked"] == 1 and sum(states.values()) == 8


def test_trend_counts_inflow_and_outflow_by_month(world: World) -> None:
    # given: received dates (c1 three days ago, the six others received 55 days ago) and end dates (c4, c7)
    today, day = world.today, datetime.timedelta(days=1)
    received = [today - 3 * day] + [today - 55 * day] * 6
    ended = [today - 5 * day, today - 40 * day]
    # when
    c = cockpit_for(actor_for("city"), world.county, _period(world))
    # then: twelve months ending with the period's month, each with its hand-counted rows
    trend = c.data.trend
    assert len(trend) == 12 and trend[-1].month == today.replace(day=1)
    for point in trend:
        def same(d: datetime.date, m: datetime.date = point.month) -> bool:
            return (d.year, d.month) == (m.year, m.month)
        assert point.inflow == sum(1 for d in received if same(d))
        assert point.outflow == sum(1 for d in ended if same(d))


def test_open_alerts_of_correction_only(world: World) -> None:
    # when
    c = cockpit_for(actor_for("city"), world.county, _period(world))
    # then: the open red alert on c1 and the module rule's yellow one; not the closed one, not the other case's
    assert {t.key: t.count for t in c.data.alerts_by_level} == {"red": 1, "orange": 0, "yellow": 1, "blue": 0}
    assert {r.code: r.count for r in c.data.alerts_by_rule} == {"deadline.overdue": 1, "correction.task_missed": 1}


def test_an_office_cockpit_has_no_children_and_its_own_figures(world: World) -> None:
    # when
    c = cockpit_for(actor_for("city"), world.b, _period(world))
    # then
    assert c.data.children == []
    assert (c.data.totals.active, c.data.totals.overdue_tasks) == (2, 1)


def test_cases_held_by_the_org_itself_show_as_own_row(world: World) -> None:
    # given a case whose office is the county bureau itself
    make_correction(world.county, state="under_correction")
    # when
    c = cockpit_for(actor_for("city"), world.county, _period(world))
    # then
    own = [r for r in c.data.children if r.id is None]
    assert len(own) == 1 and own[0].name == "本级" and own[0].figures.active == 1
    assert c.data.totals.active == 6


def test_figures_are_cached_at_most_60_seconds(world: World) -> None:
    # given a first read
    actor = actor_for("city")
    first = cockpit_for(actor, world.county, _period(world))
    # when a case is added
    make_correction(world.a, state="under_correction")
    # then the next read within the minute is the cached one, a fresh read (or after expiry) has it
    assert CACHE_SECONDS <= 60
    assert cockpit_for(actor, world.county, _period(world)).data.totals.active == first.data.totals.active == 5
    assert cockpit_for(actor, world.county, _period(world), fresh=True).data.totals.active == 6
    cache.clear()
    assert cockpit_for(actor, world.county, _period(world)).data.totals.active == 6


def test_a_new_child_with_no_cases_shows_zeros(world: World) -> None:
    # given
    make_org(world.county, "驾驶舱测试丙司法所")
    # when
    c = cockpit_for(actor_for("city"), world.county, _period(world))
    # then
    row = next(r for r in c.data.children if r.name == "驾驶舱测试丙司法所")
    assert row.figures.active == 0 and row.figures.compliance.percent is None


def test_grace_days_count_a_late_report_as_on_time(world: World, monkeypatch: Any) -> None:
    # given [reminders] task_grace_days = 2 (configuration): A's report done two days late is on time
    from sifa.modules.correction import config

    section = config.section

    def patched(name: str) -> dict[str, Any]:
        data = section(name)
        return {**data, "task_grace_days": 2} if name == "reminders" else data

    monkeypatch.setattr(config, "section", patched)
    # when
    c = cockpit_for(actor_for("city"), world.a, _period(world), fresh=True)
    # then
    assert (c.data.totals.compliance.on_time, c.data.totals.compliance.due) == (2, 4)
    task(world.cases["c1"], "report_in", world.today - 12 * datetime.timedelta(days=1), "done",
         world.today - 9 * datetime.timedelta(days=1))
    assert cockpit_for(actor_for("city"), world.a, _period(world), fresh=True).data.totals.compliance.due == 5

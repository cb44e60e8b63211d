"""Cockpit figures against hand sums at province, city, county and office level; periods; freshness; scores."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from sifa.core.errors import ValidationFailed
from sifa.core.testing import actor_for
from sifa.modules.judicial_office import cockpit
from sifa.modules.judicial_office.cockpit import CockpitPeriod, period_from
from sifa.modules.judicial_office.models import WorkDailyTotal
from sifa.modules.judicial_office.tests import cockpit_factories as f

MARCH = CockpitPeriod(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    """Rollup rows at two 富阳 offices, one 西湖 office and one office outside 浙江, inside and outside March 2026."""
    f.clean_slate()
    a, b = f.office_of("office1"), f.office_of("office2")
    xihu, foreign = f.xihu_office(), f.foreign_office()
    f.total(a, datetime.date(2026, 3, 2), "mediation", manual=2, auto=1)
    f.total(a, datetime.date(2026, 3, 3), "legal_consultation", manual=5)
    f.total(b, datetime.date(2026, 3, 2), "mediation", manual=3)
    f.total(xihu, datetime.date(2026, 3, 31), "publicity_event", manual=1)
    f.total(a, datetime.date(2026, 4, 1), "mediation", manual=7)  # after the period
    f.total(a, datetime.date(2026, 2, 28), "mediation", manual=9)  # before it
    f.total(foreign, datetime.date(2026, 3, 2), "mediation", manual=100)  # another tree
    return {"a": a, "b": b, "xihu": xihu, "foreign": foreign}


def _items(c: cockpit.Cockpit) -> dict[str, tuple[int, int, int]]:
    return {i.code: (i.manual, i.auto, i.total) for i in c.items}


def _children(c: cockpit.Cockpit) -> dict[str, int]:
    return {ch.name: ch.total for ch in c.children}


def test_province_figures_are_the_hand_sums(world: dict[str, Any]) -> None:
    # when
    c = cockpit.cockpit_for(actor_for("province"), f.province(), MARCH, today=TODAY)
    # then: 2+1 + 5 + 3 + 1, nothing from February, April or the other province
    assert (c.total, c.manual, c.auto) == (12, 11, 1)
    assert _items(c) == {"mediation": (5, 1, 6), "legal_consultation": (5, 0, 5), "publicity_event": (1, 0, 1)}
    assert [i.code for i in c.items] == ["mediation", "legal_consultation", "publicity_event"]  # busiest first
    assert _children(c)["杭州市司法局"] == 12
    assert sum(_children(c).values()) == 12
    assert len(c.children) == 11  # the cities of 浙江
    assert c.items[0].name == "人民调解"


def test_city_county_and_office_figures(world: dict[str, Any]) -> None:
    city = cockpit.cockpit_for(actor_for("city"), f.hangzhou(), MARCH, today=TODAY)
    assert city.total == 12
    assert _children(city)["杭州市富阳区司法局"] == 11
    assert _children(city)["杭州市西湖区司法局"] == 1
    county = cockpit.cockpit_for(actor_for("county"), f.fuyang(), MARCH, today=TODAY)
    assert county.total == 11
    assert _children(county)[world["a"].name] == 8
    assert _children(county)[world["b"].name] == 3
    assert world["xihu"].name not in _children(county)
    assert county.top[0].id == world["a"].pk and county.top[0].total == 8
    assert county.bottom[0].total == 0  # offices with nothing logged rank last
    assert len(county.top) == len(county.bottom) == 10
    office = cockpit.cockpit_for(actor_for("office1"), world["a"], MARCH, today=TODAY)
    assert office.is_office and office.children == [] and office.top == []
    assert _items(office) == {"mediation": (2, 1, 3), "legal_consultation": (5, 0, 5)}


def test_child_item_table_and_series(world: dict[str, Any]) -> None:
    c = cockpit.cockpit_for(actor_for("county"), f.fuyang(), MARCH, today=TODAY)
    row = next(values for ch, values in c.child_rows if ch.id == world["a"].pk)
    assert [i.code for i in c.child_item_columns] == ["mediation", "legal_consultation"]
    assert row == [3, 5]
    assert len(c.series) == 31
    assert {p.start: p.total for p in c.series if p.total} == {datetime.date(2026, 3, 2): 6,
                                                               datetime.date(2026, 3, 3): 5}
    year = cockpit.cockpit_for(actor_for("province"), f.province(),
                               CockpitPeriod(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)), today=TODAY)
    assert [(p.label, p.total) for p in year.series][1:4] == [("2026-02", 9), ("2026-03", 12), ("2026-04", 7)]
    assert len(year.series) == 12


def test_submission_rate_counts_working_days_with_a_submitted_log(world: dict[str, Any]) -> None:
    # given: office A reported on two working days (twice on one of them), a Sunday, and one draft day
    a = world["a"]
    f.log(a, datetime.date(2026, 3, 2))
    f.log(a, datetime.date(2026, 3, 2), username="office2")
    f.log(a, datetime.date(2026, 3, 3))
    f.log(a, datetime.date(2026, 3, 8))  # Sunday: not a working day
    f.log(a, datetime.date(2026, 3, 4), status="draft")
    # when
    c = cockpit.cockpit_for(actor_for("county"), f.fuyang(), MARCH, today=TODAY)
    # then: March 2026 has 22 working days
    office = next(o for o in c.offices if o.id == a.pk)
    assert (office.rate.reported, office.rate.expected) == (2, 22)
    assert c.office_count == 24
    assert (c.rate.reported, c.rate.expected) == (2, 24 * 22)
    child = next(ch for ch in c.children if ch.id == a.pk)
    assert child.rate.percent == round(100 * 2 / 22, 1)


def test_rate_stops_at_today(world: dict[str, Any]) -> None:
    f.log(world["a"], datetime.date(2026, 3, 2))
    c = cockpit.cockpit_for(actor_for("office1"), world["a"], MARCH, today=datetime.date(2026, 3, 4))
    assert (c.rate.reported, c.rate.expected) == (1, 3)  # 2, 3 and 4 March


def test_a_submitted_log_shows_at_once_in_the_province_figure(world: dict[str, Any]) -> None:
    # given
    from sifa.modules.judicial_office.services import save_work_log

    today = timezone.localdate()
    period = period_from(preset="month", today=today)
    province = actor_for("province")
    before = cockpit.cockpit_for(province, f.province(), period)
    # when: the office submits through the work-log service (which rewrites the rollup in its transaction)
    save_work_log(actor=f.writer("office1"), day=today, items=[{"code": "legal_consultation", "count": 4}],
                  submit=True)
    # then: the very next read sees it (no cache, no batch)
    after = cockpit.cockpit_for(province, f.province(), period)
    assert after.total == before.total + 4
    assert _items(after)["legal_consultation"][2] == _items(before).get("legal_consultation", (0, 0, 0))[2] + 4
    assert WorkDailyTotal.objects.filter(org=world["a"], day=today).exists()


def test_scores_average_per_child_and_not_computed(world: dict[str, Any]) -> None:
    # given: March scores of the two 富阳 offices
    start, end = datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)
    first = f.score(world["a"], "80", start=start, end=end)
    f.score(world["b"], "90", start=start, end=end, scheme=first.scheme)
    # when
    city = cockpit.cockpit_for(actor_for("city"), f.hangzhou(), MARCH, today=TODAY)
    county = cockpit.cockpit_for(actor_for("county"), f.fuyang(), MARCH, today=TODAY)
    # then
    assert city.scores is not None and city.scores.average == Decimal("85.00") and city.scores.count == 2
    assert city.scores.url.endswith("?period=2026-03")
    fuyang = next(ch for ch in city.children if ch.name == "杭州市富阳区司法局")
    xihu = next(ch for ch in city.children if ch.name == "杭州市西湖区司法局")
    assert (fuyang.score, fuyang.scored) == (Decimal("85.00"), 2)
    assert xihu.score is None  # 未计算
    assert {ch.id: ch.score for ch in county.children if ch.score is not None} == {
        world["a"].pk: Decimal("80.00"), world["b"].pk: Decimal("90.00")}


def test_no_scores_is_none(world: dict[str, Any]) -> None:
    assert cockpit.cockpit_for(actor_for("county"), f.fuyang(), MARCH, today=TODAY).scores is None


def test_periods() -> None:
    today = datetime.date(2026, 5, 14)
    assert period_from(today=today) == CockpitPeriod(datetime.date(2026, 5, 1), today, "month")
    assert period_from(preset="last_month", today=today) == CockpitPeriod(
        datetime.date(2026, 4, 1), datetime.date(2026, 4, 30), "last_month")
    assert period_from(preset="quarter", today=today).start == datetime.date(2026, 4, 1)
    assert period_from(preset="year", today=today).start == datetime.date(2026, 1, 1)
    custom = period_from(start="2026-01-05", end="2026-02-10", today=today)
    assert (custom.start, custom.end, custom.preset, custom.query) == (
        datetime.date(2026, 1, 5), datetime.date(2026, 2, 10), "custom", "start=2026-01-05&end=2026-02-10")
    assert custom.by_month is False and period_from(preset="year", today=today).by_month is True


@pytest.mark.parametrize(("kwargs", "field", "words"), [
    ({"start": "2026-03-01"}, "end", "结束日期"),
    ({"end": "2026-03-01"}, "start", "开始日期"),
    ({"start": "2026-3-1x", "end": "2026-03-02"}, "start", "不是有效日期"),
    ({"start": "2026-03-02", "end": "2026-03-01"}, "end", "不能早于"),
    ({"start": "2020-01-01", "end": "2026-03-01"}, "end", "不能超过"),
    ({"preset": "decade"}, "period", "未知的统计期间"),
])
def test_bad_periods_name_the_field(kwargs: dict[str, str], field: str, words: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        period_from(**kwargs)
    assert exc.value.field == field
    assert words in exc.value.message

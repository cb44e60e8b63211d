import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from sifa.core.errors import NotFound, PermissionDeniedError
from sifa.core.orgs.models import Org
from sifa.core.testing import actor_for
from sifa.modules.liaisons import selectors
from sifa.modules.liaisons.filters import LiaisonFilter
from sifa.modules.liaisons.models import LegalLiaison
from sifa.modules.liaisons.tests.factories import (
    add_activity,
    add_training,
    make_liaison,
    make_person,
    new_county_with_offices,
    office_of,
)

Y = timezone.localdate().year


def d(month: int, day: int, year: int = Y) -> datetime.date:
    return datetime.date(year, month, day)


@dataclass
class World:
    county: Org
    a: Org
    b: Org
    a1: LegalLiaison
    a2: LegalLiaison
    a3: LegalLiaison
    a4: LegalLiaison


@pytest.fixture
def world(db: Any) -> World:
    """A new county (under 杭州市) with 司法所 A (four liaisons) and B (none); see the hand counts below."""
    county, (a, b) = new_county_with_offices(["统计甲司法所", "统计乙司法所"])
    a1 = make_liaison(a, appointed_on=d(1, 1, 2020))
    add_activity(a1, "publicity", d(3, 1), 2)
    add_activity(a1, "dispute", d(4, 1), 1)
    add_activity(a1, "consultation", d(5, 1), 3)
    add_activity(a1, "publicity", d(6, 1, Y - 1), 5)
    add_training(a1, d(6, 1), "2")
    add_training(a1, d(7, 1), "3")
    a2 = make_liaison(a, appointed_on=d(1, 1, 2020))
    add_activity(a2, "other", d(2, 1), 1)
    a3 = make_liaison(a, appointed_on=d(1, 1, 2020), status="removed", removed_on=d(5, 1), removal_reason="迁出")
    add_activity(a3, "publicity", d(3, 1), 1)
    add_training(a3, d(2, 1), "4")
    a4 = make_liaison(a, appointed_on=d(1, 10))
    return World(county, a, b, a1, a2, a3, a4)


def test_points_follow_the_rule(world: World) -> None:
    # a1 this year: publicity 2 × 2 + dispute 1 × 3 + consultation 3 × 1 + training 5 h × 2 = 20
    points = selectors.points_by_liaison([world.a1.pk, world.a2.pk, world.a4.pk], Y)
    assert (points[world.a1.pk].total, points[world.a2.pk].total, points[world.a4.pk].total) == (
        Decimal("20.00"), Decimal("0.50"), Decimal("0.00"))
    assert points[world.a1.pk].grade == "不称职"
    years = selectors.year_points(world.a1)
    assert [y.year for y in years] == list(range(Y, 2019, -1))[:10]
    assert (years[0].total, years[1].total) == (Decimal("20.00"), Decimal("10.00"))


def test_statistics_per_office_match_hand_counts(world: World) -> None:
    # when: the city drills into the new county
    stats = selectors.statistics(actor_for("city"), year=Y, county=world.county.pk)
    # then
    assert stats.level == "office" and stats.county == world.county
    a, b = stats.rows
    assert (a.org, b.org) == (world.a, world.b)
    assert (a.registered, a.removed, a.trained) == (3, 1, 1)  # a3 was removed this year; a1 trained
    assert a.activities == {"publicity": 3, "dispute": 1, "consultation": 3, "other": 1}
    assert a.activities_total == 8
    assert a.average_points == Decimal("6.83")  # (20 + 0.5 + 0) / 3
    assert (b.registered, b.trained, b.activities_total, b.average_points) == (0, 0, 0, None)
    assert (stats.total.registered, stats.total.activities_total, stats.total.average_points) == (3, 8, Decimal("6.83"))


def test_statistics_of_last_year_count_who_was_registered_then(world: World) -> None:
    stats = selectors.statistics(actor_for("city"), year=Y - 1, county=world.county.pk)
    a = stats.rows[0]
    # a1, a2 and a3 (removed only this year) were registered at the end of last year; a4 was appointed this year
    assert (a.registered, a.removed, a.trained, a.activities_total) == (3, 0, 0, 5)
    assert a.average_points == Decimal("3.33")  # a1: 5 publicity sessions × 2 = 10; / 3


def test_city_sees_counties_and_county_sees_offices(world: World) -> None:
    # when
    city = selectors.statistics(actor_for("city"), year=Y)
    county = selectors.statistics(actor_for("county"), year=Y)
    # then: one row per county for the city, its new county's row adds up the offices
    assert city.level == "county"
    rows = {r.org.pk: r for r in city.rows if r.org}
    new = rows[world.county.pk]
    assert (new.offices, new.registered, new.removed, new.trained, new.activities_total) == (2, 3, 1, 1, 8)
    assert new.average_points == Decimal("6.83")
    fuyang = office_of("office1").parent
    assert fuyang is not None
    active_fuyang = LegalLiaison.objects.filter(org__parent=fuyang, status="active").count()
    assert rows[fuyang.pk].registered == active_fuyang
    assert city.total.registered == active_fuyang + 3
    # the county sees its own 24 offices, one row each, and not the new county
    assert county.level == "office" and len(county.rows) == 24
    assert sum(r.registered for r in county.rows) == active_fuyang
    assert world.a not in [r.org for r in county.rows]


def test_statistics_scope(world: World) -> None:
    with pytest.raises(NotFound):
        selectors.statistics(actor_for("county"), year=Y, county=world.county.pk)
    office = selectors.statistics(actor_for("office1"), year=Y)
    assert [r.org for r in office.rows] == [office_of("office1")]
    with pytest.raises(PermissionDeniedError):
        selectors.statistics(actor_for("officer"), year=Y)


def test_list_filter_by_text_office_status_and_number(world: World) -> None:
    actor = actor_for("city")
    person = make_person(world.b, name="筛选人")
    target = make_liaison(world.b, person=person, community="筛选村")

    def names(**kwargs: Any) -> set[str]:
        return {x.person.name for x in selectors.liaisons_visible_to(actor, filters=LiaisonFilter(**kwargs))}

    assert names(q="筛选村") == {"筛选人"}
    assert names(q="筛选人") == {"筛选人"}
    assert names(q=person.id_number_masked) == {"筛选人"}
    from sifa.core import crypto
    from sifa.core.persons.services import ID_CONTEXT

    assert names(q=crypto.decrypt(person.id_number_encrypted, context=ID_CONTEXT)) == {"筛选人"}
    assert names(org=world.b.pk) == {"筛选人"}
    assert names(q="统计甲司法所") == {world.a1.person.name, world.a2.person.name, world.a3.person.name,
                                      world.a4.person.name}
    assert names(org=world.a.pk, status="removed") == {world.a3.person.name}
    assert target.pk not in {x.pk for x in selectors.liaisons_visible_to(actor_for("county"))}


def test_parse_year() -> None:
    assert selectors.parse_year("2021") == 2021
    assert selectors.parse_year("1999") == Y
    assert selectors.parse_year(str(Y + 1)) == Y
    assert selectors.parse_year("abc") == Y

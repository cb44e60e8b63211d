"""The score sources a 司法所 assessment can use: the work of the liaisons the office manages."""

import datetime
from decimal import Decimal
from typing import Any

from sifa.core.accounts.actor import Actor
from sifa.core.scoring import periods
from sifa.core.scoring.services import compute_scores, import_scheme
from sifa.modules.liaisons.scoring import collect_activities, collect_trainings
from sifa.modules.liaisons.tests.factories import (
    add_activity,
    add_training,
    make_liaison,
    new_county_with_offices,
)

DAY = datetime.date(2025, 3, 10)


def test_sources_yield_one_fact_per_record_for_the_managing_office(db: Any) -> None:
    # given
    _, (a, b) = new_county_with_offices(["来源甲司法所", "来源乙司法所"])
    liaison = make_liaison(a)
    add_activity(liaison, "dispute", DAY, 3)
    add_activity(liaison, "publicity", DAY.replace(year=2024), 1)  # outside the period
    add_activity(make_liaison(b), "publicity", DAY, 1)  # another subject
    add_training(liaison, DAY, "2.5")
    # when
    facts = list(collect_activities([a.pk], datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)))
    trainings = list(collect_trainings([a.pk], datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)))
    # then
    assert [(f.subject, f.quantity, dict(f.attrs), f.ref.url_args) for f in facts] == [
        (a.pk, Decimal(3), {"kind": "dispute"}, (liaison.pk,))]
    assert [(t.subject, t.quantity) for t in trainings] == [(a.pk, Decimal("2.5"))]


def test_an_office_scheme_counts_its_liaisons_work(db: Any) -> None:
    # given: a scheme giving 1 point per dispute helped with by the office's liaisons
    county, (a, _b) = new_county_with_offices(["方案甲司法所", "方案乙司法所"])
    add_activity(make_liaison(a), "dispute", DAY, 4)
    add_activity(make_liaison(a), "publicity", DAY, 2)
    system = Actor.system("test")
    version = import_scheme(actor=system, owner=county, data={
        "code": "test.liaison_work", "name": "测试", "subject_kind": "org", "subject_type": "judicial_office",
        "valid_from": "2020-01-01", "total": 10, "indicators": [
            {"code": "A", "label": "法律明白人工作", "full_marks": 10, "children": [
                {"code": "A.1", "label": "调处纠纷", "source": "liaisons.activity", "per": "quantity",
                 "unit_filter": {"kind": "dispute"}, "points_per_unit": 1}]}]})
    # when
    [score] = compute_scores(actor=system, scheme=version.scheme, period=periods.year(2025), subjects=[a.pk])
    # then
    assert score.total == Decimal(4)

"""Computing the 千分制 on the engine: hand-computed points, versions in force, counties, lost points, trend."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from sifa.core.accounts.actor import Actor
from sifa.core.audit.models import AuditEvent
from sifa.core.errors import NotFound
from sifa.core.scoring import periods
from sifa.core.scoring.models import Score
from sifa.core.scoring.services import compute_scores, import_scheme
from sifa.core.testing import actor_for
from sifa.modules.judicial_office import assessment_selectors as selectors
from sifa.modules.judicial_office.assessment import compute_org_scores, default_scheme_data
from sifa.modules.judicial_office.choices import OccurrenceStatus, WorkLogStatus
from sifa.modules.judicial_office.tests import assessment_factories as f

D = datetime.date
SEPT = periods.month(2026, 9)


def september_office() -> Any:
    """An office's September 2026, each record chosen so the points can be worked out by hand."""
    office = f.new_office()
    f.total(office, D(2026, 9, 1), "mediation", 2, auto=1)      # A.1.1: 4 件 × 0.5 = 2
    f.total(office, D(2026, 9, 2), "mediation", 1)
    f.total(office, D(2026, 9, 10), "publicity_event", 2)       # A.4.1: 2 场 × 1 = 2
    f.total(office, D(2026, 9, 11), "legal_consultation", 25)   # C.1.1: 25 人次 × 0.1 = 2.5
    f.total(office, D(2026, 9, 14), "legality_review", 1)       # C.2.1: 1 件 × 3 = 3
    f.total(office, D(2026, 9, 15), "meeting_training", 1)      # D.2: 1 次 × 0.6 = 0.6
    log = f.submitted_log(office, D(2026, 9, 1))                # D.1: 3 on-time days × 0.6 = 1.8
    f.submitted_log(office, D(2026, 9, 2), D(2026, 9, 3))
    f.submitted_log(office, D(2026, 9, 20))
    f.submitted_log(office, D(2026, 9, 3), D(2026, 9, 7))       # F.2: 1 late day × −0.5
    f.submitted_log(office, D(2026, 9, 4), status=WorkLogStatus.DRAFT)  # F.1: 22 − 4 = 18 missing × −2 = −36
    f.alert(f.fuyang(), "worklog.count_implausible", D(2026, 9, 2), object_type="judicial_office.worklog",
            object_id=f"{log.pk}:mediation")                    # F.3: −5
    f.occurrence(office, D(2026, 9, 15), OccurrenceStatus.OVERDUE)  # F.4: −3
    f.occurrence(office, D(2026, 9, 20), OccurrenceStatus.DONE, completed=D(2026, 9, 18))  # C.4.1: +2
    f.occurrence(office, D(2026, 9, 5), OccurrenceStatus.DONE, completed=D(2026, 9, 8))    # late: no points
    f.escalation(f.alert(office, "deadline.overdue", D(2026, 9, 1)), D(2026, 9, 4))        # F.5: −2
    return office


def points(score: Score) -> dict[str, Decimal]:
    return {line.code: line.points for line in score.lines.all() if line.points}


def test_a_month_scores_exactly_the_hand_computed_points(db: Any) -> None:
    # given
    office = september_office()
    # when the county bureau computes the office's September
    [score] = compute_scores(actor=actor_for("county"), scheme=f.default_scheme(), period=SEPT, subjects=[office.pk])
    # then
    assert points(score) == {
        "A": Decimal(4), "A.1": Decimal(2), "A.1.1": Decimal(2), "A.4": Decimal(2), "A.4.1": Decimal(2),
        "C": Decimal("7.5"), "C.1": Decimal("2.5"), "C.1.1": Decimal("2.5"), "C.2": Decimal(3), "C.2.1": Decimal(3),
        "C.4": Decimal(2), "C.4.1": Decimal(2),
        "D": Decimal("2.4"), "D.1": Decimal("1.8"), "D.2": Decimal("0.6"),
        "F": Decimal("-46.5"), "F.1": Decimal(-36), "F.2": Decimal("-0.5"), "F.3": Decimal(-5), "F.4": Decimal(-3),
        "F.5": Decimal(-2),
    }
    assert score.total == Decimal("-32.6")
    # every point traces back to its records: F.1 lists the 18 missing days, A.1.1 the two days' totals
    lines = {line.code: line for line in score.lines.all()}
    assert len(lines["F.1"].facts) == 18 and lines["F.1"].units == 18
    assert [(x["on"], x["units"]) for x in lines["A.1.1"].facts] == [("2026-09-01", "3"), ("2026-09-02", "1")]


def test_caps_bound_the_items_and_the_negative_list(db: Any) -> None:
    # given an office that held 40 publicity events in September and logged nothing
    office = f.new_office()
    f.total(office, D(2026, 9, 10), "publicity_event", 40)
    [score] = compute_scores(actor=actor_for("county"), scheme=f.default_scheme(), period=SEPT, subjects=[office.pk])
    lines = {line.code: line for line in score.lines.all()}
    assert lines["A.4.1"].raw == Decimal(40) and lines["A.4.1"].points == Decimal(30)
    assert lines["A.4.1"].notes == ["已达上限 30 分"]
    assert lines["F.1"].points == Decimal(-44)  # 22 missing working days × −2, under the cap of 60


def test_a_past_period_is_recomputed_with_the_version_then_in_force(db: Any) -> None:
    # given v2 of the default scheme from July 2026 with mediation at 1 point a case (v1: 0.5)
    office = f.new_office()
    f.total(office, D(2026, 6, 10), "mediation", 4)
    f.total(office, D(2026, 7, 10), "mediation", 4)
    data = default_scheme_data() | {"valid_from": "2026-07-01"}
    mediation = data["indicators"][0]["children"][0]["children"][0]
    assert mediation["source"] == "worklog.mediation"
    mediation["points_per_unit"] = 1
    import_scheme(actor=Actor.system("test"), data=data)
    scheme = f.default_scheme()
    county = actor_for("county")
    # when June and July are computed, and June again after July
    [june] = compute_scores(actor=county, scheme=scheme, period=periods.month(2026, 6), subjects=[office.pk])
    [july] = compute_scores(actor=county, scheme=scheme, period=periods.month(2026, 7), subjects=[office.pk])
    [again] = compute_scores(actor=county, scheme=scheme, period=periods.month(2026, 6), subjects=[office.pk])
    # then
    assert (june.version.number, points(june)["A.1.1"]) == (1, Decimal(2))
    assert (july.version.number, points(july)["A.1.1"]) == (2, Decimal(4))
    assert (again.version.number, points(again)["A.1.1"]) == (1, Decimal(2))
    june.refresh_from_db()
    assert not june.is_current and again.is_current


def test_a_county_is_scored_on_its_average_office_within_the_same_caps(db: Any) -> None:
    # given a county of two offices: one held 40 publicity events in September, the other 10
    county = f.new_county()
    busy, quiet = f.new_office(county), f.new_office(county)
    f.total(busy, D(2026, 9, 10), "publicity_event", 40)
    f.total(quiet, D(2026, 9, 10), "publicity_event", 10)
    # when the city computes the county and everything under it
    scores = compute_org_scores(actor=actor_for("city"), org=county, period=SEPT)
    # then the county counts (40 + 10) ÷ 2 = 25 events, each office its own, each under the 30-point cap
    by_org = {s.subject_id: s for s in scores}
    assert set(by_org) == {county.pk, busy.pk, quiet.pk}
    assert points(by_org[county.pk])["A.4.1"] == Decimal(25)
    assert points(by_org[busy.pk])["A.4.1"] == Decimal(30)
    assert points(by_org[quiet.pk])["A.4.1"] == Decimal(10)
    assert points(by_org[county.pk])["F.1"] == Decimal(-44)  # both offices missed all 22 days: 44 ÷ 2 = 22


def test_computing_the_subtree_is_one_audited_engine_computation_per_scheme(db: Any) -> None:
    county = f.new_county()
    f.new_office(county)
    before = AuditEvent.objects.filter(action="scoring.scores.computed").count()
    compute_org_scores(actor=actor_for("city"), org=county, period=SEPT)
    assert AuditEvent.objects.filter(action="scoring.scores.computed").count() == before + 1


def test_an_adaptation_scores_its_county_and_the_ranking_follows_it(db: Any) -> None:
    # given 富阳区 adapts the default scheme from 2026 (publicity events at 2 points)
    data = default_scheme_data() | {"code": "judicial_office.assessment.fuyang", "base": "judicial_office.assessment",
                                    "name": "富阳区司法所千分制考核", "valid_from": "2026-01-01"}
    data["indicators"][0]["children"][3]["children"][0]["points_per_unit"] = 2
    import_scheme(actor=Actor.system("test"), data=data, owner=f.fuyang())
    office = f.new_office()
    f.total(office, D(2026, 9, 10), "publicity_event", 3)
    county = actor_for("county")
    # when 富阳区 computes its subtree for September
    scores = compute_org_scores(actor=county, org=f.fuyang(), period=SEPT)
    # then every score is under the adaptation, and the office's publicity line uses its rule
    assert {s.scheme.code for s in scores} == {"judicial_office.assessment.fuyang"}
    mine = next(s for s in scores if s.subject_id == office.pk)
    assert points(mine)["A.4.1"] == Decimal(6)
    result = selectors.child_ranking(county, f.fuyang(), SEPT)
    assert result.ranking is not None and result.ranking.scheme.code == "judicial_office.assessment.fuyang"
    assert office.pk in {r.score.subject_id for r in result.rows}


def test_lost_points_list_automatic_items_and_deductions_most_lost_first(db: Any) -> None:
    office = september_office()
    compute_scores(actor=actor_for("county"), scheme=f.default_scheme(), period=SEPT, subjects=[office.pk])
    summary = selectors.org_summary(actor_for("county"), office, SEPT)
    lost = [(x.line.code, x.most, x.lost) for x in summary.lost]
    assert lost[:6] == [("D.1", Decimal(150), Decimal("148.2")), ("C.4", Decimal(100), Decimal(98)),
                        ("C.1", Decimal(80), Decimal("77.5")), ("C.2", Decimal(80), Decimal(77)),
                        ("A.2", Decimal(60), Decimal(60)), ("A.1", Decimal(60), Decimal(58))]
    assert ("F.1", Decimal(0), Decimal(36)) in lost and ("F.3", Decimal(0), Decimal(5)) in lost
    assert [x for x in lost if x[0] == "F.6"] == []  # a deduction that deducted nothing lost nothing
    assert lost == sorted(lost, key=lambda x: -x[2])
    manual = [x.line.code for x in summary.manual]
    assert manual == ["D.3", "B.2", "E.1", "E.2", "B.1", "B.3", "B.4", "B.5", "E.3"]
    assert [p.points for p in summary.parts] == [Decimal(4), Decimal(0), Decimal("7.5"), Decimal("2.4"), Decimal(0),
                                                 Decimal("-46.5")]


def test_trend_lists_the_last_12_months_with_the_computed_ones(db: Any) -> None:
    office = september_office()
    county = actor_for("county")
    compute_scores(actor=county, scheme=f.default_scheme(), period=SEPT, subjects=[office.pk])
    compute_scores(actor=county, scheme=f.default_scheme(), period=periods.month(2026, 10), subjects=[office.pk])
    points_ = selectors.trend(county, office, until=D(2026, 11, 21))
    assert [p.period.key for p in points_][0] == "2025-12" and [p.period.key for p in points_][-1] == "2026-11"
    got = {p.period.key: p.score.total for p in points_ if p.score}
    assert set(got) == {"2026-09", "2026-10"} and got["2026-09"] == Decimal("-32.6")
    assert next(p for p in points_ if p.period.key == "2026-09").parts["F"] == Decimal("-46.5")


def test_another_countys_office_is_not_found_and_cannot_be_computed(db: Any) -> None:
    outside = f.other_county_office()
    county = actor_for("county")
    with pytest.raises(NotFound):
        selectors.org_for(county, outside.pk)
    before = Score.objects.count()
    with pytest.raises(NotFound):
        compute_scores(actor=county, scheme=f.default_scheme(), period=SEPT, subjects=[outside.pk])
    assert Score.objects.count() == before

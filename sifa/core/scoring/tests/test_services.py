"""Computing, recomputing, versions in force, scope and adjustments, through the public services."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.audit.models import AuditEvent
from sifa.core.errors import Conflict, NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.scoring import periods, selectors
from sifa.core.scoring.models import Adjustment, Scheme, SchemeVersion, Score
from sifa.core.scoring.services import adjust_score, compute_scores, import_scheme
from sifa.core.scoring.tests.factories import (
    example_data,
    fuyang,
    import_example,
    make_case,
    other_county_office,
    withdraw,
)
from sifa.core.testing import actor_for, membership_of

D = Decimal


def this_month() -> periods.Period:
    return periods.containing(periods.MONTH, timezone.localdate())


def office1() -> Org:
    return membership_of("office1").org


def fuyang_offices() -> set[int]:
    return set(Org.objects.filter(type=OrgType.JUDICIAL_OFFICE, path__startswith=fuyang().path).values_list("pk", flat=True))


def test_compute_scores_each_office_and_explains_each_point(version: SchemeVersion) -> None:
    # given three cases at office1 this month (two accepted), one withdrawn
    today = timezone.localdate()
    cases = [make_case(office1(), today, state=s) for s in ("registered", "accepted", "decided")]
    withdraw(cases[0], today)
    # when the county bureau computes this month
    scores = compute_scores(actor=actor_for("county"), scheme=version.scheme, period=this_month())
    # then every 司法所 of 富阳区 has a score, and office1's adds up
    assert {s.subject_id for s in scores} == fuyang_offices()
    mine = next(s for s in scores if s.subject_id == office1().pk)
    lines = {line.code: line for line in mine.lines.all()}
    assert lines["A.1.1"].points == D(6) and lines["A.1.2"].points == D(2) and lines["N.1"].points == D(-5)
    assert mine.total == D(3) and mine.period_label == this_month().label and mine.is_current
    assert [f["ref"]["id"] for f in lines["A.1.1"].facts] == [str(c.pk) for c in cases]
    assert [f["ref"]["id"] for f in lines["A.1.2"].facts] == [str(c.pk) for c in cases[1:]]
    assert lines["A.1.1"].facts[0]["ref"]["url_name"] == "cases:detail"
    # and one audit event for the whole computation
    event = AuditEvent.objects.filter(action="scoring.scores.computed").latest("id")
    assert event.changes["subjects"] == len(scores) and event.changes["period"] == this_month().key


def test_county_bureau_scores_its_offices_even_when_other_offices_have_cases(version: SchemeVersion) -> None:
    make_case(membership_of("office2").org, timezone.localdate())
    scores = compute_scores(actor=actor_for("county"), scheme=version.scheme, period=this_month(),
                            subjects=[office1().pk])
    assert len(scores) == 1 and scores[0].total == D(0)


def test_recompute_keeps_the_previous_result_as_history(version: SchemeVersion) -> None:
    actor = actor_for("county")
    [first] = compute_scores(actor=actor, scheme=version.scheme, period=this_month(), subjects=[office1().pk])
    make_case(office1(), timezone.localdate())
    [second] = compute_scores(actor=actor, scheme=version.scheme, period=this_month(), subjects=[office1().pk])
    first.refresh_from_db()
    assert (first.is_current, first.total, second.is_current, second.total) == (False, D(0), True, D(2))
    assert list(selectors.score_history(actor, second)) == [second, first]
    assert first.lines.count() == second.lines.count() > 0
    ranking = selectors.ranking(actor, version.scheme, this_month())
    assert [r.score for r in ranking.rows if r.score.subject_id == office1().pk] == [second]


def test_a_past_period_is_scored_against_the_version_then_in_force(version: SchemeVersion) -> None:
    # given a second version from this month's first day that pays 3 points per case instead of 2
    month = this_month()
    last_month = periods.previous(month)
    data = example_data(valid_from=month.start.isoformat())
    data["indicators"][0]["children"][0]["children"][0]["points_per_unit"] = 3
    v2 = import_scheme(actor=Actor.system("test"), data=data)
    make_case(office1(), last_month.start + datetime.timedelta(days=2))
    make_case(office1(), timezone.localdate())
    actor = actor_for("county")
    # when both months are computed
    [old] = compute_scores(actor=actor, scheme=version.scheme, period=last_month, subjects=[office1().pk])
    [new] = compute_scores(actor=actor, scheme=version.scheme, period=month, subjects=[office1().pk])
    # then each used the version in force at its start
    version.refresh_from_db()
    assert version.valid_to == month.start and v2.number == 2
    assert (old.version, old.total) == (version, D(2))
    assert (new.version, new.total) == (v2, D(3))
    assert selectors.version_in_force(version.scheme, last_month.end) == version
    assert selectors.version_in_force(version.scheme, month.start) == v2


def test_a_period_without_a_version_in_force_or_not_yet_started_is_refused(version: SchemeVersion) -> None:
    actor = actor_for("county")
    with pytest.raises(ValidationFailed) as before:
        compute_scores(actor=actor, scheme=version.scheme, period=periods.year(2019))
    assert before.value.field == "period" and "没有生效的版本" in before.value.message
    with pytest.raises(ValidationFailed) as future:
        compute_scores(actor=actor, scheme=version.scheme, period=periods.year(timezone.localdate().year + 1))
    assert "尚未开始" in future.value.message
    assert not Score.objects.exists()


def test_a_county_cannot_compute_or_see_another_countys_orgs(version: SchemeVersion) -> None:
    # given a 司法所 in 西湖区, scored by the province
    xihu_office = other_county_office()
    make_case(xihu_office, timezone.localdate())
    province_scores = compute_scores(actor=actor_for("province"), scheme=version.scheme, period=this_month())
    assert xihu_office.pk in {s.subject_id for s in province_scores}
    county = actor_for("county")
    # when 富阳区 asks for it explicitly: not found, as if missing, and nothing written
    before = Score.objects.count()
    with pytest.raises(NotFound):
        compute_scores(actor=county, scheme=version.scheme, period=this_month(), subjects=[xihu_office.pk])
    assert Score.objects.count() == before
    # and its own computation, ranking and lookups never include it
    assert xihu_office.pk not in {s.subject_id for s in compute_scores(actor=county, scheme=version.scheme,
                                                                       period=this_month())}
    ranking = selectors.ranking(county, version.scheme, this_month())
    assert xihu_office.pk not in {r.score.subject_id for r in ranking.rows}
    xihu_score = Score.objects.get(subject_id=xihu_office.pk, is_current=True)
    with pytest.raises(NotFound):
        selectors.score_for(county, xihu_score.pk)


def test_a_scheme_of_another_county_is_not_found(db: Any) -> None:
    xihu = other_county_office().parent
    assert xihu is not None
    foreign = import_example(owner=xihu, code="xihu.office")
    with pytest.raises(NotFound):
        selectors.scheme_for(actor_for("county"), foreign.scheme.pk)
    with pytest.raises(NotFound):
        compute_scores(actor=actor_for("county"), scheme=foreign.scheme, period=this_month())
    assert foreign.scheme in selectors.schemes_visible_to(actor_for("city"))


def test_the_province_scheme_is_visible_below_it_and_computing_needs_the_permission(version: SchemeVersion) -> None:
    assert version.scheme in selectors.schemes_visible_to(actor_for("office1"))
    with pytest.raises(PermissionDeniedError):
        compute_scores(actor=actor_for("office1"), scheme=version.scheme, period=this_month())
    with pytest.raises(PermissionDeniedError):
        selectors.schemes_visible_to(actor_for("officer"))


def test_an_adaptation_scores_its_area_instead_of_the_original(version: SchemeVersion) -> None:
    # given 富阳区's adaptation of the provincial scheme, in force from this month
    month = this_month()
    adapted = import_scheme(actor=Actor.system("test"), owner=fuyang(), data=example_data(
        code="testapp.office.fuyang", name="富阳区司法所考核", base="testapp.office", valid_from=month.start.isoformat()))
    province = actor_for("province")
    # then the provincial scheme leaves 富阳区's offices to it this month, but not last month
    assert compute_scores(actor=province, scheme=version.scheme, period=month) == []
    last = compute_scores(actor=province, scheme=version.scheme, period=periods.previous(month))
    assert {s.subject_id for s in last} == fuyang_offices()
    mine = compute_scores(actor=actor_for("county"), scheme=adapted.scheme, period=month)
    assert {s.subject_id for s in mine} == fuyang_offices()


def test_a_case_scheme_scores_each_case_by_its_own_records(db: Any) -> None:
    data = {"code": "testapp.case_review", "name": "测试案卷评查", "subject_kind": "case", "subject_type": "test_case",
            "valid_from": "2020-01-01", "total": "100", "indicators": [
                {"code": "A", "label": "程序", "full_marks": "100", "base": "100", "children": [
                    {"code": "A.1", "label": "撤回", "source": "testapp.case_moves", "deduction": True,
                     "unit_filter": {"name": "withdraw"}, "points_per_unit": "-10"}]}]}
    version = import_scheme(actor=Actor.system("test"), data=data, owner=fuyang())
    today = timezone.localdate()
    kept, withdrawn = make_case(office1(), today), make_case(office1(), today)
    withdraw(withdrawn, today)
    scores = compute_scores(actor=actor_for("county"), scheme=version.scheme, period=this_month(),
                            subjects=[kept.pk, withdrawn.pk])
    assert {(s.subject_id, s.total) for s in scores} == {(kept.pk, D(100)), (withdrawn.pk, D(90))}
    assert {s.org_id for s in scores} == {office1().pk}
    assert selectors.subject_url(scores[0]).startswith("/cases/")


# --- adjustments ---------------------------------------------------------------------------------


@pytest.fixture
def score(version: SchemeVersion) -> Score:
    make_case(office1(), timezone.localdate())
    [s] = compute_scores(actor=actor_for("county"), scheme=version.scheme, period=this_month(),
                         subjects=[office1().pk])
    return s


def test_adjust_adds_a_line_with_its_reason_and_keeps_the_old_result(score: Score) -> None:
    actor = actor_for("county")
    new = adjust_score(actor=actor, score=score, indicator="A.2", points="15", reason="制度健全，台账规范")
    score.refresh_from_db()
    assert (score.is_current, new.is_current, new.total) == (False, True, score.total + 15)
    line = new.lines.get(code="A.2")
    assert (line.adjustment, line.points) == (D(15), D(15))
    adj = Adjustment.objects.get()
    assert (adj.code, adj.points, adj.reason, adj.score) == ("A.2", D(15), "制度健全，台账规范", score)
    event = AuditEvent.objects.filter(action="scoring.adjustment.made").latest("id")
    assert event.changes["reason"] == "制度健全，台账规范" and event.changes["indicator"] == "A.2"
    # and a later recomputation counts it again
    [again] = compute_scores(actor=actor, scheme=score.scheme, period=this_month(), subjects=[office1().pk])
    assert again.total == new.total and again.lines.get(code="A.2").adjustment == D(15)
    assert [a.pk for a in selectors.adjustments_for(again)] == [adj.pk]
    assert list(selectors.adjustments_for(score)) == []


@pytest.mark.parametrize(("indicator", "points", "reason", "field", "fragment"), [
    ("A.2", "25", "很好", "points", "超过上限 20 分"),
    ("A.1.1", "-3", "扣", "points", "低于 0 分"),
    ("N.2", "-11", "违规", "points", "扣分上限 10 分"),
    ("A.2", "5", "  ", "reason", "调整理由"),
    ("A.2", "0", "零", "points", "不能为 0"),
    ("A.2", "1.234", "多位", "points", "两位小数"),
    ("A.2", "abc", "文字", "points", "应为数字"),
    ("Z.9", "1", "未知", "indicator", "Z.9"),
])
def test_refused_adjustments_write_nothing(score: Score, indicator: str, points: str, reason: str, field: str,
                                           fragment: str) -> None:
    before = (Score.objects.count(), Adjustment.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as info:
        adjust_score(actor=actor_for("county"), score=score, indicator=indicator, points=points, reason=reason)
    assert info.value.field == field and fragment in info.value.message
    assert (Score.objects.count(), Adjustment.objects.count(), AuditEvent.objects.count()) == before
    score.refresh_from_db()
    assert score.is_current


def test_adjusting_needs_the_permission_the_scope_and_the_current_result(score: Score) -> None:
    with pytest.raises(PermissionDeniedError):
        adjust_score(actor=actor_for("office1"), score=score, indicator="A.2", points="1", reason="x")
    adjust_score(actor=actor_for("county"), score=score, indicator="A.2", points="1", reason="首次")
    with pytest.raises(Conflict):
        adjust_score(actor=actor_for("county"), score=score, indicator="A.2", points="1", reason="旧结果")


def test_adjusting_a_score_out_of_scope_is_not_found(version: SchemeVersion) -> None:
    xihu_office = other_county_office()
    [foreign] = compute_scores(actor=actor_for("province"), scheme=version.scheme, period=this_month(),
                               subjects=[xihu_office.pk])
    with pytest.raises(NotFound):
        adjust_score(actor=actor_for("county"), score=foreign, indicator="A.2", points="1", reason="越权")
    assert not Adjustment.objects.exists()


def test_schemes_are_listed_with_owner_scope(version: SchemeVersion) -> None:
    mine = Scheme.objects.visible_to(actor_for("county")).filter(code__startswith="testapp.")  # not modules' demo schemes
    assert list(mine) == [version.scheme]


def test_the_background_task_computes_as_the_membership_that_asked(version: SchemeVersion) -> None:
    from sifa.core.scoring.jobs import compute_scores_task

    count = compute_scores_task.call(membership_of("county").pk, version.scheme.pk, this_month().key)
    assert count == len(fuyang_offices())
    event = AuditEvent.objects.filter(action="scoring.scores.computed").latest("id")
    assert event.actor_username == "county"
    with pytest.raises(PermissionDeniedError):
        compute_scores_task.call(membership_of("office1").pk, version.scheme.pk, this_month().key)

"""Small engine additions for modules' assessment pages: several subject types, quantity units in rule
texts, the most an indicator can earn, points lost per indicator, a subject's scores over periods, and
an export narrowed by a module."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.audit.models import AuditEvent
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.scoring import periods, selectors
from sifa.core.scoring.engine import max_points, parse_scheme
from sifa.core.scoring.models import SchemeVersion
from sifa.core.scoring.services import compute_scores, export_ranking, import_scheme
from sifa.core.scoring.tests.factories import example_data, fuyang, make_case, withdraw
from sifa.core.testing import actor_for, membership_of

D = Decimal
SOURCES = {"work.cases": "org", "work.hours": "org"}


def this_month() -> periods.Period:
    return periods.containing(periods.MONTH, timezone.localdate())


def test_max_points_is_the_tightest_bound_or_what_the_children_can_earn() -> None:
    tree = parse_scheme({"code": "t", "name": "测试", "subject_kind": "org", "valid_from": "2026-01-01",
                         "total": "100", "indicators": [
        {"code": "A", "label": "部分", "full_marks": "60", "children": [
            {"code": "A.1", "label": "有上限", "cap": "30", "children": [
                {"code": "A.1.1", "label": "计件", "source": "work.cases", "points_per_unit": "2", "cap": "50"}]},
            {"code": "A.2", "label": "下级合计", "base": "5", "children": [
                {"code": "A.2.1", "label": "人工", "cap": "10"},
                {"code": "A.2.2", "label": "计时", "source": "work.hours", "per": "quantity", "points_per_unit": "1",
                 "cap": "8"}]},
            {"code": "A.3", "label": "无界", "source": "work.cases", "points_per_unit": "1"}]},
        {"code": "N", "label": "负面", "deduction": True, "cap": "20", "children": [
            {"code": "N.1", "label": "扣分", "source": "work.cases", "points_per_unit": "-1"}]},
        {"code": "B", "label": "其他", "full_marks": "40", "children": [{"code": "B.1", "label": "人工", "cap": "50"}]},
    ]}, sources=SOURCES).tree
    found = {n.indicator.code: max_points(n.indicator) for n in tree.walk()}
    assert found["A.1"] == D(30) and found["A.1.1"] == D(50)
    assert found["A.2"] == D(23)  # base 5 + 10 + 8
    assert found["A.3"] is None and found["A"] == D(60)
    assert found["N"] == D(0) and found["N.1"] == D(0)
    assert found["B"] == D(40)


def test_a_quantity_rule_reads_in_the_sources_quantity_unit() -> None:
    tree = parse_scheme({"code": "t", "name": "测试", "subject_kind": "org", "valid_from": "2026-01-01",
                         "total": "10", "indicators": [{"code": "A", "label": "部分", "full_marks": "10", "children": [
                             {"code": "A.1", "label": "计时", "source": "work.hours", "per": "quantity",
                              "points_per_unit": "0.5", "cap": "10"}]}]}, sources=SOURCES).tree
    node = tree.find("A.1")
    assert node is not None
    assert node.rule_text("日", quantity_unit="小时") == "每小时 0.5 分，上限 10 分"
    assert node.rule_text("日") == "每单位数量 0.5 分，上限 10 分"


def test_a_scheme_may_score_several_org_types(db: Any) -> None:
    # given the example scheme for offices and bureaus
    version = import_scheme(actor=Actor.system("test"), owner=fuyang(),
                            data=example_data(code="testapp.office.multi", subject_type="judicial_office,justice_bureau"))
    # when 富阳区 computes this month
    scores = compute_scores(actor=actor_for("county"), scheme=version.scheme, period=this_month())
    # then its offices and itself are scored, and nothing of another type
    types = set(Org.objects.filter(pk__in=[s.subject_id for s in scores]).values_list("type", flat=True))
    assert types == {OrgType.JUDICIAL_OFFICE, OrgType.JUSTICE_BUREAU}
    assert fuyang().pk in {s.subject_id for s in scores}


def test_lost_points_and_a_subjects_scores_over_periods(version: SchemeVersion) -> None:
    # given office1 with two cases this month, one withdrawn, computed this month and last month
    office = membership_of("office1").org
    today = timezone.localdate()
    cases = [make_case(office, today), make_case(office, today)]
    withdraw(cases[0], today)
    county = actor_for("county")
    month, last = this_month(), periods.previous(this_month())
    [score] = compute_scores(actor=county, scheme=version.scheme, period=month, subjects=[office.pk])
    [earlier] = compute_scores(actor=county, scheme=version.scheme, period=last, subjects=[office.pk])
    # when
    lost = selectors.lost_points(score)
    # then items that earned less than they could, most lost first; the withdrawal as a deduction;
    # manual items flagged
    rows = [(x.line.code, x.most, x.lost, x.manual) for x in lost]
    assert rows == [("B.1", D(40), D(40), True), ("A.1", D(40), D(36), False), ("A.2", D(20), D(20), True),
                    ("N.1", D(0), D(5), False)]
    trend = selectors.subject_scores(county, schemes=[version.scheme], subject_kind="org", subject_id=office.pk,
                                     periods=[periods.previous(last), last, month])
    assert trend == {last: earlier, month: score}


def test_a_subjects_scores_are_scoped(version: SchemeVersion) -> None:
    office = membership_of("office1").org
    [score] = compute_scores(actor=actor_for("county"), scheme=version.scheme, period=this_month(),
                             subjects=[office.pk])
    assert selectors.subject_scores(actor_for("office2"), schemes=[version.scheme], subject_kind="org",
                                    subject_id=office.pk, periods=[this_month()]) == {}
    assert selectors.subject_scores(actor_for("office1"), schemes=[version.scheme], subject_kind="org",
                                    subject_id=office.pk, periods=[this_month()]) == {this_month(): score}


def test_an_export_may_name_the_rows_a_module_narrowed_it_to(version: SchemeVersion) -> None:
    export_ranking(actor=actor_for("county"), scheme=version.scheme, period=this_month(), row_count=2,
                   within="富阳区司法局下级考核对象")
    event = AuditEvent.objects.filter(action="scoring.ranking.exported").latest("pk")
    assert event.changes["within"] == "富阳区司法局下级考核对象" and event.changes["rows"] == 2


def test_score_lines_can_be_linked_to(version: SchemeVersion) -> None:
    office = membership_of("office1").org
    [score] = compute_scores(actor=actor_for("county"), scheme=version.scheme, period=this_month(),
                             subjects=[office.pk])
    from sifa.core.testing import client_for

    html = client_for("county").get(f"/scoring/scores/{score.pk}/").content.decode()
    assert 'id="line-A.1.1"' in html and 'id="line-N.1"' in html

"""双随机一公开 (AP-42, 《浙江省综合行政执法条例》第十三条、第二十一条; AP-12; AP-13): pools, counts per class,
publish (commitment, no seed), draw (inspections = the draw's assignments), verify-draw, tampering,
综合查一次, results and their publication, import/export, scope. CASES.md has no AP-42 case; tests name
the rule instead."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client

from sifa.core.accounts.actor import Actor
from sifa.core.audit.models import AuditEvent
from sifa.core.draws.models import RandomDraw
from sifa.core.draws.selectors import draw_assignments, draw_ids
from sifa.core.errors import Conflict, NotFound, ValidationFailed
from sifa.core.persons.models import Entity
from sifa.core.testing import actor_for
from sifa.modules.enforcement import inspection_services as services
from sifa.modules.enforcement.errors import ImportRejected
from sifa.modules.enforcement.inspection_demo import draw_demo_plans
from sifa.modules.enforcement.inspection_models import (
    Inspection,
    InspectionPlan,
    InspectionTarget,
    OfficerConflict,
)
from sifa.modules.enforcement.inspection_selectors import DEFAULT_SAMPLING, class_count, class_of, plan_pools
from sifa.modules.enforcement.tests.factories import make_officer, other_county_org
from sifa.modules.enforcement.tests.inspection_factories import (
    TODAY,
    credit_code,
    drawn,
    fresh_body,
    make_entity,
    make_plan,
    make_target,
    published,
    target_table,
)

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


# --- pools and counts ----------------------------------------------------------------------------------


def test_ap42_target_pool_filters_field_risk_credit_and_inactive() -> None:
    # given
    body = fresh_body()
    keep = make_target(body, risk="high", credit="D")
    make_target(body, risk="low", credit="A")  # filtered out by risk
    make_target(body, risk="high", credit="D", fields=["city_appearance"])  # other field
    make_target(body, risk="high", credit="D", active=False)  # not 在册
    plan = make_plan(body, risk_levels=["high"], sample_count=5)
    # when
    pools = plan_pools(plan)
    # then
    assert [t.pk for c in pools.classes for t in c.targets] == [keep.pk]
    assert pools.pick_total == 1 and pools.problems == []


def test_ap12_ap42_inspector_pool_excludes_auxiliary_invalid_and_expiring_in_window() -> None:
    # given: 2 good officers from fresh_body, plus four that must not be drawn
    body = fresh_body(officers=2)
    aux = make_officer(body, scope=("comprehensive",), is_auxiliary=True)
    revoked = make_officer(body, scope=("comprehensive",), status="revoked")
    expiring = make_officer(body, scope=("comprehensive",), valid_until=TODAY + 10 * DAY)
    other_field = make_officer(body, scope=("city_appearance",))
    make_target(body)
    plan = make_plan(body, days=30)
    # when
    pools = plan_pools(plan)
    # then
    excluded = {c.officer.pk: c.problems for c in pools.candidates if c.problems}
    assert set(excluded) == {aux.pk, revoked.pk, expiring.pk, other_field.pk}
    assert any("辅助人员" in p for p in excluded[aux.pk])
    assert any("检查期间内到期" in p for p in excluded[expiring.pk])
    assert any("执法领域" in p for p in excluded[other_field.pk])
    assert len(pools.inspectors) == 2


def test_ap13_conflicts_are_excluded_per_target_in_the_published_data() -> None:
    # given
    body = fresh_body(officers=3)
    t1, t2 = make_target(body), make_target(body)
    officer = body.officers.order_by("pk").first()
    OfficerConflict.objects.create(officer=officer, entity=t1.entity, reason="近亲属")
    plan = make_plan(body, sample_count=2)
    # when
    pools, steps, exclusions = plan_pools(plan).published(2)
    # then
    assert exclusions == {"conflicts": {str(t1.pk): [str(officer.pk)]}}
    assert {s["as"] for s in steps} == {"targets_all", "inspectors_all"}
    assert str(t2.pk) in {i["id"] for i in pools["targets_all"]}


def test_ap13_a_target_left_with_too_few_inspectors_blocks_publishing() -> None:
    # given: 2 officers, one of them in conflict with the only target
    body = fresh_body(officers=2)
    target = make_target(body)
    OfficerConflict.objects.create(officer=body.officers.first(), entity=target.entity, reason="曾任职")
    plan = make_plan(body, sample_count=1)
    before = AuditEvent.objects.count()
    # when / then
    with pytest.raises(ValidationFailed, match="AP-13") as exc:
        services.publish_plan(actor=actor_for("county"), plan=plan)
    assert exc.value.field == "pools"
    plan.refresh_from_db()
    assert plan.state == "draft" and plan.draw is None and AuditEvent.objects.count() == before


def test_ap42_sampling_classes_and_counts_rise_with_risk_and_bad_credit() -> None:
    # class_of: first match wins; 高风险 or D → focus; 低风险 and A → low; else general
    assert class_of(DEFAULT_SAMPLING, "high", "A") == "focus"
    assert class_of(DEFAULT_SAMPLING, "medium", "D") == "focus"
    assert class_of(DEFAULT_SAMPLING, "low", "A") == "low"
    assert class_of(DEFAULT_SAMPLING, "low", "B") == "general"
    # counts: rounded up, at least one from a non-empty class with a positive ratio, never more than available
    assert [class_count(n, p) for n, p in ((10, 20), (11, 20), (1, 3), (0, 50), (5, 0), (3, 100))] == [2, 3, 1, 0, 0, 3]


def test_ap42_ratio_plan_counts_are_computed_per_class_before_publishing() -> None:
    # given 10 focus, 40 low, 20 general targets
    body = fresh_body()
    for _ in range(10):
        make_target(body, risk="high", credit="C")
    for _ in range(40):
        make_target(body, risk="low", credit="A")
    for _ in range(20):
        make_target(body, risk="medium", credit="B")
    plan = make_plan(body, sampling_mode="ratio")
    # when
    pools = plan_pools(plan)
    # then 20 % of 10, 3 % of 40 (1.2 → 2), 5 % of 20
    assert {c.key: (len(c.targets), c.pick) for c in pools.classes} == {"focus": (10, 2), "low": (40, 2),
                                                                         "general": (20, 1)}


# --- publish, draw, verify ------------------------------------------------------------------------------


def test_ap42_publish_commits_the_draw_under_the_plan_number_and_the_public_page_hides_the_seed() -> None:
    # given
    body = fresh_body()
    for _ in range(4):
        make_target(body)
    plan = make_plan(body, sample_count=2)
    # when
    plan = services.publish_plan(actor=actor_for("county"), plan=plan)
    # then
    draw = RandomDraw.objects.get(number=plan.number)
    assert plan.state == "published" and plan.draw_id == draw.pk and draw.state == "committed"
    assert AuditEvent.objects.filter(action="enforcement.inspection_plan.published", object_id=str(plan.pk)).count() == 1
    page = Client().get(f"/enforcement/public/inspections/{plan.number}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert draw.commitment in html and draw.seed_encrypted not in html
    assert Client().get(f"/api/v1/public/enforcement/inspections/{plan.number}").json()["inspections"] == []


def test_ap42_draw_creates_inspections_matching_the_draw_and_verify_draw_exits_0() -> None:
    # given
    body = fresh_body(officers=4)
    targets = [make_target(body) for _ in range(5)]
    OfficerConflict.objects.create(officer=body.officers.first(), entity=targets[0].entity, reason="近亲属")
    plan = published(make_plan(body, sample_count=3))
    # when
    plan = services.draw_plan(actor=actor_for("county"), plan=plan)
    # then
    draw = RandomDraw.objects.get(pk=plan.draw_id)
    ids = draw_ids(draw, "targets_all")
    assigned = draw_assignments(draw, "inspectors_all")
    rows = list(Inspection.objects.filter(plan=plan).order_by("order"))
    assert [str(i.target_id) for i in rows] == ids and len(ids) == 3
    for i in rows:
        assert sorted(str(o.pk) for o in i.inspectors.all()) == sorted(assigned[str(i.target_id)])
        assert i.inspectors.count() == 2  # AP-12
        if i.target_id == targets[0].pk:
            assert body.officers.first() not in i.inspectors.all()  # AP-13
    call_command("verify_draw", plan.number, stdout=open("/dev/null", "w"))  # noqa: SIM115 (exit 0)


def test_ap42_tampering_with_the_published_pools_is_detected_by_verify_draw() -> None:
    # given
    body = fresh_body()
    for _ in range(3):
        make_target(body)
    plan = drawn(make_plan(body, sample_count=2))
    draw = RandomDraw.objects.get(pk=plan.draw_id)
    published_data = dict(draw.published)
    published_data["pools"]["targets_all"][0]["label"] = "改过的名称"
    RandomDraw.objects.filter(pk=draw.pk).update(published=published_data)
    # when / then
    with pytest.raises((CommandError, SystemExit)):
        call_command("verify_draw", plan.number, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_draw_twice_and_publish_twice_are_conflicts() -> None:
    body = fresh_body()
    make_target(body)
    plan = drawn(make_plan(body, sample_count=1))
    with pytest.raises(Conflict):
        services.draw_plan(actor=actor_for("county"), plan=plan)
    with pytest.raises(Conflict):
        services.publish_plan(actor=actor_for("county"), plan=plan)


def test_cancel_a_published_plan_cancels_its_draw() -> None:
    body = fresh_body()
    make_target(body)
    plan = published(make_plan(body, sample_count=1))
    plan = services.cancel_plan(actor=actor_for("county"), plan=plan, reason="计划调整")
    assert plan.state == "cancelled" and RandomDraw.objects.get(pk=plan.draw_id).state == "cancelled"


# --- 综合查一次 ------------------------------------------------------------------------------------------------


def test_ap42_two_departments_drawing_the_same_entity_are_merged_into_one_visit() -> None:
    # given two bodies (departments) supervising the same entity, windows overlapping
    body_a, body_b = fresh_body(), fresh_body()
    entity = make_entity(body_a.org, "综合查一次测试企业")
    make_target(body_a, entity=entity)
    make_target(body_b, entity=entity)
    plan_a = drawn(make_plan(body_a, sample_count=1, start=TODAY, days=30))
    # when
    plan_b = drawn(make_plan(body_b, sample_count=1, start=TODAY + 10 * DAY, days=30))
    # then
    rows = list(Inspection.objects.filter(entity=entity))
    assert len(rows) == 2 and rows[0].visit_id is not None and rows[0].visit_id == rows[1].visit_id
    visit = rows[0].visit
    assert visit.planned_on == TODAY + 10 * DAY and visit.window_end == TODAY + 30 * DAY
    page = Client().get(f"/enforcement/public/inspections/{plan_b.number}/").content.decode()
    assert "综合查一次：合并 2 个部门的检查" in page
    assert plan_a.pk != plan_b.pk


def test_ap42_windows_that_do_not_overlap_are_not_merged_and_merge_visits_is_idempotent() -> None:
    body_a, body_b = fresh_body(), fresh_body()
    entity = make_entity(body_a.org)
    make_target(body_a, entity=entity)
    make_target(body_b, entity=entity)
    drawn(make_plan(body_a, sample_count=1, start=TODAY, days=5))
    drawn(make_plan(body_b, sample_count=1, start=TODAY + 10 * DAY, days=5))
    assert not Inspection.objects.filter(entity=entity, visit__isnull=False).exists()
    assert services.merge_visits(actor=actor_for("county"), entity=entity) == 0


# --- results ------------------------------------------------------------------------------------------------


def test_ap42_results_are_published_only_when_every_target_has_one() -> None:
    # given
    body = fresh_body()
    for _ in range(2):
        make_target(body)
    plan = drawn(make_plan(body, sample_count=2))
    first, second = plan.inspections.order_by("order")
    county = actor_for("county")
    services.record_result(actor=county, inspection=first, outcome="rectification", inspected_on=TODAY,
                           note="责令三日内整改")
    # when / then: one missing
    with pytest.raises(ValidationFailed, match="1 个检查对象未登记结果"):
        services.publish_results(actor=county, plan=plan)
    services.record_result(actor=county, inspection=second, outcome="no_problem", inspected_on=TODAY)
    plan = services.publish_results(actor=county, plan=plan)
    assert plan.state == "closed" and plan.results_published_at is not None
    data = Client().get(f"/api/v1/public/enforcement/inspections/{plan.number}").json()
    assert {r["outcome_label"] for r in data["inspections"]} == {"责令整改", "未发现问题"}
    assert InspectionTarget.objects.get(pk=first.target_id).last_inspected_on == TODAY


def test_result_needs_a_note_unless_no_problem_and_refuses_future_dates() -> None:
    body = fresh_body()
    make_target(body)
    plan = drawn(make_plan(body, sample_count=1))
    inspection = plan.inspections.get()
    with pytest.raises(ValidationFailed) as exc:
        services.record_result(actor=actor_for("county"), inspection=inspection, outcome="referred",
                               inspected_on=TODAY)
    assert exc.value.field == "note"
    with pytest.raises(ValidationFailed) as exc:
        services.record_result(actor=actor_for("county"), inspection=inspection, outcome="no_problem",
                               inspected_on=TODAY + DAY)
    assert exc.value.field == "inspected_on"


# --- validation and scope ----------------------------------------------------------------------------------


def test_ap12_create_plan_refuses_a_single_inspector_and_names_the_field() -> None:
    body = fresh_body()
    before = (InspectionPlan.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        services.create_plan(actor=actor_for("county"), body=body, title="计划", field="comprehensive",
                             window_start=TODAY, window_end=TODAY + DAY, inspectors_per_target=1)
    assert exc.value.field == "inspectors_per_target"
    assert (InspectionPlan.objects.count(), AuditEvent.objects.count()) == before


def test_the_bodys_own_officer_plans_for_it() -> None:
    officer = actor_for("officer")
    assert officer.has_perm("enforcement.inspections.manage")
    from sifa.modules.enforcement.tests.factories import demo_body

    plan = services.create_plan(actor=officer, body=demo_body(), title="本局计划", field="comprehensive",
                                window_start=TODAY, window_end=TODAY + DAY, sampling_mode="count", sample_count=3)
    assert plan.body == demo_body()


def test_create_plan_with_ratio_percents_copies_the_example_classes() -> None:
    plan = services.create_plan(actor=actor_for("county"), body=fresh_body(), title="比例计划", field="comprehensive",
                                window_start=TODAY, window_end=TODAY + 30 * DAY, percents={"focus": 50})
    assert plan.number.startswith(f"SJ-{TODAY.year}-")
    assert {c["key"]: c["percent"] for c in plan.sampling} == {"focus": 50, "low": 3, "general": 5}


def test_another_countys_plan_is_not_found() -> None:
    body = fresh_body(other_county_org())
    make_target(body)
    plan = make_plan(body, sample_count=1)
    with pytest.raises(NotFound):
        services.publish_plan(actor=actor_for("officer"), plan=plan)
    assert Client().get(f"/enforcement/public/inspections/{plan.number}/").status_code == 404  # a draft is not public


# --- import / export ------------------------------------------------------------------------------------------


def test_import_targets_all_or_nothing_names_rows_and_columns() -> None:
    body = fresh_body()
    good = credit_code()
    content = target_table([[good, "好企业", "综合执法", "高风险", "A", ""],
                            [good[:-1] + ("0" if good[-1] != "0" else "1"), "坏代码", "综合执法", "高风险", "A", ""],
                            [credit_code(), "坏等级", "综合执法", "很高", "E", ""]])
    before = (Entity.objects.count(), InspectionTarget.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ImportRejected) as exc:
        services.import_targets(actor=actor_for("county"), body=body, content=content)
    messages = [e["message"] for e in exc.value.errors]
    assert any(m.startswith("第 3 行「统一社会信用代码」") for m in messages)
    assert any(m.startswith("第 4 行「风险等级」") for m in messages)
    assert any(m.startswith("第 4 行「信用等级」") for m in messages)
    assert (Entity.objects.count(), InspectionTarget.objects.count(), AuditEvent.objects.count()) == before


def test_import_targets_finds_entities_by_credit_code_or_creates_them() -> None:
    body = fresh_body()
    existing = make_entity(body.org, "已登记企业")
    new_code = credit_code()
    n = services.import_targets(actor=actor_for("county"), body=body, content=target_table([
        [existing.credit_code, "已登记企业", "综合执法、市容环卫", "低风险", "A", ""],
        [new_code, "新企业", "综合执法", "高", "D级", "富阳区某路"]]))
    assert n == 2
    assert InspectionTarget.objects.get(body=body, entity=existing).fields == ["comprehensive", "city_appearance"]
    created = InspectionTarget.objects.get(body=body, entity__credit_code=new_code)
    assert (created.risk_level, created.credit_grade) == ("high", "D")


def test_target_export_is_audited_and_lists_the_scope_only() -> None:
    body = fresh_body()
    make_target(body, entity=make_entity(body.org, "导出测试企业"))
    outside = fresh_body(other_county_org())
    make_target(outside, entity=make_entity(outside.org, "外县导出企业"))
    client = Client()
    client.force_login(actor_for("county").user)
    response = client.get("/enforcement/inspections/targets/export.xlsx")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="enforcement.inspection_targets.exported").exists()


def test_demo_plans_publish_and_draw() -> None:
    # given twelve focus-class targets (20 % → 3) and a count plan (the second commitment is the ledger
    # entry that lets the first be drawn)
    body = fresh_body()
    for _ in range(12):
        make_target(body, risk="high", credit="D")
    first = make_plan(body, sampling_mode="ratio")
    second = make_plan(body, sample_count=2)
    # when
    with transaction.atomic():
        n = draw_demo_plans(Actor.system("demo-test"), first, second)
    # then
    assert n == 3
    assert InspectionPlan.objects.get(pk=second.pk).state == "published"

"""个别化矫正方案 (CC-09): generated from the rule table citing the triggering attributes, edited by the
officer, approved, versioned and adjusted with a reason; the rule table validates its conditions."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from sifa.core.audit.models import AuditEvent
from sifa.core.errors import Conflict, PermissionDeniedError, ValidationFailed
from sifa.core.testing import actor_for, client_for
from sifa.modules.correction.choices import PlanStatus
from sifa.modules.correction.models import CorrectionPlan, PlanRule
from sifa.modules.correction.plan_rules import (
    ATTRIBUTES,
    clean_conditions,
    default_rules_file,
    load_default_rules,
)
from sifa.modules.correction.supervision_services import (
    adjust_plan,
    approve_plan,
    deactivate_plan_rule,
    draft_plan,
    edit_plan,
    save_plan_rule,
    update_subject_attributes,
)
from sifa.modules.correction.tests.factories import make_correction
from sifa.modules.correction.tests.supervision_factories import plan_without_audit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rules() -> None:
    load_default_rules()  # the table is filled after migrate; a no-op when it already is


def _by_rule(plan: CorrectionPlan) -> dict[str, object]:
    return {m.rule_code: m for m in plan.measures.all()}


def test_there_are_27_attributes() -> None:
    assert len(ATTRIBUTES) == 27
    assert len({a.code for a in ATTRIBUTES}) == 27


def test_default_rule_table_is_valid() -> None:
    # every default rule's conditions pass the same validation as the admin's edits
    for row in json.loads(default_rules_file().read_text(encoding="utf-8"))["rules"]:
        clean_conditions(row["conditions"], rule=row["code"])
    assert PlanRule.objects.filter(code="job-referral").exists()


def test_plan_cites_the_attributes_that_triggered_each_measure() -> None:
    # given an unemployed adult without skills, with a drug history
    detail = make_correction(attributes={"employment": "unemployed", "skills": False, "addiction": "drugs"})
    # when a plan is generated
    plan = draft_plan(actor=actor_for("office1"), detail=detail)
    # then it is a draft (version 1) whose measures name the rule and the matched attributes with their values
    assert (plan.version, plan.status) == (1, PlanStatus.DRAFT)
    measures = _by_rule(plan)
    job = measures["job-referral"]
    assert [(t["label"], t["value_label"]) for t in job.triggered_by] == [
        ("就业就学情况", "无业"), ("未成年人（矫正开始时未满十八周岁）", "否")]
    assert [(t["label"], t["value_label"]) for t in measures["drug-education"].triggered_by] == [("不良嗜好", "吸毒史")]
    assert measures["skills-training"].triggered_by[1]["value_label"] == "否"
    # and the rules for everyone say so
    assert measures["base-legal-education"].triggered_by[0]["label"] == "通用规则"
    # and rules whose conditions do not hold are absent
    assert "minor-education" not in measures and "hardship-relief" not in measures
    # and the attributes used are kept with the plan
    assert plan.attributes_snapshot["employment"] == "unemployed"


def test_minor_plan_uses_age_and_schooling() -> None:
    # given a minor (17) who is not at school
    detail = make_correction(minor=True, attributes={"employment": "unemployed"})
    # when a plan is generated
    measures = _by_rule(draft_plan(actor=actor_for("corr"), detail=detail))  # a minor's file: the county agency (CC-35)
    # then the minor's education and vocational training (CC-35) are recommended, the adult job referral is not
    assert {"minor-education", "minor-vocational"} <= set(measures)
    assert "job-referral" not in measures and "minor-schooling" not in measures


def test_versions_approve_and_adjust() -> None:
    # given a case with a generated plan
    detail = make_correction(attributes={"employment": "unemployed"})
    actor = actor_for("office1")
    first = draft_plan(actor=actor, detail=detail)
    # when a second draft is asked while the first is pending, then it conflicts
    with pytest.raises(Conflict):
        draft_plan(actor=actor, detail=detail)
    # when the first is approved
    approve_plan(actor=actor, plan=first)
    # then an adjustment needs a reason
    with pytest.raises(ValidationFailed) as exc:
        adjust_plan(actor=actor, detail=detail, reason=" ")
    assert exc.value.field == "reason"
    # when behaviour changes (a job found) and the plan is adjusted
    update_subject_attributes(actor=actor, detail=detail, values={"employment": "employed"})
    second = adjust_plan(actor=actor, detail=detail, reason="已在本地企业就业")
    # then version 2 is drafted from the new attributes while version 1 stays in force
    assert second.version == 2 and second.reason == "已在本地企业就业"
    assert "job-referral" not in _by_rule(second)
    assert CorrectionPlan.objects.get(pk=first.pk).status == PlanStatus.APPROVED
    # when version 2 is approved, then version 1 is superseded
    approve_plan(actor=actor, plan=second)
    assert CorrectionPlan.objects.get(pk=first.pk).status == PlanStatus.SUPERSEDED
    assert CorrectionPlan.objects.get(pk=second.pk).status == PlanStatus.APPROVED
    # and a first-plan draft is no longer possible
    with pytest.raises(Conflict):
        draft_plan(actor=actor, detail=detail)


def test_officer_edits_the_draft() -> None:
    # given a draft with two rule measures
    detail = make_correction()
    plan = plan_without_audit(detail, texts=("法治教育", "心理咨询"))
    first, second = list(plan.measures.all())
    first.rule_code = "base-legal-education"
    first.triggered_by = [{"attribute": "", "label": "通用规则"}]
    first.save()
    # when the officer changes the first's text, drops the second and adds one
    edit_plan(actor=actor_for("office1"), plan=plan, measures=[
        {"id": first.pk, "category": "education", "text": "法治教育（每月集中学习）", "hours_per_month": 2},
        {"category": "assistance", "text": "联系就业", "hours_per_month": ""},
    ])
    # then the changed one keeps its rule and triggers and is marked edited; the new one has no rule
    rows = list(plan.measures.order_by("order"))
    assert [(m.text, m.rule_code, m.edited) for m in rows] == [
        ("法治教育（每月集中学习）", "base-legal-education", True), ("联系就业", "", True)]
    assert rows[0].triggered_by == [{"attribute": "", "label": "通用规则"}]
    # when every measure is removed, then it is refused
    with pytest.raises(ValidationFailed):
        edit_plan(actor=actor_for("office1"), plan=plan, measures=[])
    # when the plan is approved, then it cannot be edited any more
    approve_plan(actor=actor_for("office1"), plan=plan)
    with pytest.raises(Conflict):
        edit_plan(actor=actor_for("office1"), plan=plan, measures=[{"category": "education", "text": "改"}])


def test_bad_measure_names_its_row() -> None:
    plan = plan_without_audit(make_correction())
    with pytest.raises(ValidationFailed) as exc:
        edit_plan(actor=actor_for("office1"), plan=plan, measures=[
            {"category": "education", "text": "好"}, {"category": "nonsense", "text": "坏"}])
    assert "第2项措施" in exc.value.message


@pytest.mark.parametrize(("conditions", "words"), [
    ([{"attribute": "employment", "op": "eq", "value": "unemployed"}, {"attribute": "shoe_size", "op": "eq", "value": 1}],
     ["第2条条件", "未知的属性", "shoe_size"]),
    ([{"attribute": "employment", "op": "like", "value": "x"}], ["第1条条件", "未知的运算", "like"]),
    ([{"attribute": "employment", "op": "gte", "value": "x"}], ["第1条条件", "就业就学情况", "不能使用运算 gte"]),
    ([{"attribute": "employment", "op": "eq", "value": "astronaut"}], ["第1条条件", "没有取值", "astronaut"]),
    ([{"attribute": "age", "op": "gte", "value": "十八"}], ["第1条条件", "应为整数"]),
    ([{"attribute": "addiction", "op": "in", "value": []}], ["第1条条件", "至少一个取值"]),
])
def test_rule_conditions_are_validated(conditions: list[dict[str, object]], words: list[str]) -> None:
    # given a rule manager
    before = (PlanRule.objects.count(), AuditEvent.objects.filter(action="correction.plan_rule.saved").count())
    # when a rule with a bad condition is saved
    with pytest.raises(ValidationFailed) as exc:
        save_plan_rule(actor=actor_for("corr"), code="bad-rule", category="education", recommendation="坏规则",
                       conditions=conditions)
    # then the error names the rule, the condition's row and what is wrong, and nothing is written
    assert exc.value.field == "conditions"
    assert "bad-rule" in exc.value.message
    for word in words:
        assert word in exc.value.message
    assert (PlanRule.objects.count(), AuditEvent.objects.filter(action="correction.plan_rule.saved").count()) == before


def test_rules_change_what_plans_recommend() -> None:
    # given a new rule for subjects in debt of compensation, and job-referral deactivated
    actor = actor_for("corr")
    save_plan_rule(actor=actor, code="pay-first", category="education", recommendation="督促履行赔偿",
                   conditions=[{"attribute": "compensation", "op": "in", "value": "unfulfilled, partial"}], order=5)
    deactivate_plan_rule(actor=actor, rule=PlanRule.objects.get(code="job-referral"))
    detail = make_correction(attributes={"compensation": "partial", "employment": "unemployed"})
    # when a plan is generated
    measures = _by_rule(draft_plan(actor=actor_for("office1"), detail=detail))
    # then the new rule is cited and the deactivated one is gone
    assert measures["pay-first"].triggered_by[0]["value_label"] == "部分履行"
    assert "job-referral" not in measures
    # and office staff may not edit the table
    with pytest.raises(PermissionDeniedError):
        save_plan_rule(actor=actor_for("office1"), code="x", category="education", recommendation="x", conditions=[])


def test_rule_pages() -> None:
    client = client_for("corr")
    # when a rule with an unknown operation is posted, then the form shows the row's error
    r = client.post(reverse("correction:plan_rule_create"), {
        "code": "page-rule", "category": "assistance", "recommendation": "推荐", "order": "100", "active": "on",
        "cond-0-attribute": "employment", "cond-0-op": "eq", "cond-0-value": "unemployed",
        "cond-1-attribute": "health", "cond-1-op": "gte", "cond-1-value": "2"})
    assert r.status_code == 400
    assert "第2条条件" in r.content.decode()
    assert not PlanRule.objects.filter(code="page-rule").exists()
    # when it is fixed, then it is saved and listed in words
    r = client.post(reverse("correction:plan_rule_create"), {
        "code": "page-rule", "category": "assistance", "recommendation": "推荐", "order": "100", "active": "on",
        "cond-0-attribute": "employment", "cond-0-op": "eq", "cond-0-value": "unemployed"})
    assert r.status_code == 302
    assert "就业就学情况 等于 无业" in client.get(reverse("correction:plan_rule_list")).content.decode()
    # and office staff get 403
    assert client_for("office1").get(reverse("correction:plan_rule_list")).status_code == 403


def test_plan_pages_flow() -> None:
    # given an unemployed subject
    detail = make_correction(attributes={"employment": "unemployed"})
    client = client_for("office1")
    # when a plan is generated from the page
    r = client.post(reverse("correction:plan_new", args=[detail.pk]), {"reason": ""})
    plan = CorrectionPlan.objects.get(correction_case=detail)
    assert r.status_code == 302 and r["Location"] == reverse("correction:plan_detail", args=[plan.pk])
    # then its page shows the triggers
    page = client.get(r["Location"]).content.decode()
    assert "就业就学情况：无业" in page
    # when the officer drops all but one measure and adds one
    measures = list(plan.measures.all())
    data = {"rows": str(len(measures) + 1)}
    for i, m in enumerate(measures):
        data.update({f"m-{i}-id": str(m.pk), f"m-{i}-category": m.category, f"m-{i}-text": m.text})
    data[f"m-{0}-keep"] = "on"
    data.update({f"m-{len(measures)}-category": "assistance", f"m-{len(measures)}-text": "介绍到本镇企业"})
    assert client.post(reverse("correction:plan_edit", args=[plan.pk]), data).status_code == 302
    assert [m.text for m in plan.measures.order_by("order")] == [measures[0].text, "介绍到本镇企业"]
    # when approved, then the subject's card lists it
    assert client.post(reverse("correction:plan_approve", args=[plan.pk])).status_code == 302
    page = client.get(reverse("correction:supervision_case", args=[detail.pk])).content.decode()
    assert "第1版生效" in page and "介绍到本镇企业" in page


def test_plans_api() -> None:
    # given an unemployed subject
    detail = make_correction(attributes={"employment": "unemployed"})
    client = client_for("office1")
    # when a plan is generated through the API
    r = client.post(f"/api/v1/correction/supervision/cases/{detail.pk}/plans", {}, content_type="application/json")
    assert r.status_code == 201
    body = r.json()
    job = next(m for m in body["measures"] if m["rule_code"] == "job-referral")
    assert job["triggered_by"][0]["value_label"] == "无业"
    # when the measures are replaced and the plan approved
    r = client.put(f"/api/v1/correction/supervision/plans/{body['id']}/measures",
                   {"measures": [{"id": job["id"], "category": "assistance", "text": job["text"]},
                                 {"category": "education", "text": "法治讲座", "hours_per_month": 2}]},
                   content_type="application/json")
    assert r.status_code == 200 and len(r.json()["measures"]) == 2
    r = client.post(f"/api/v1/correction/supervision/plans/{body['id']}/approval", {}, content_type="application/json")
    assert r.json()["status"] == "approved"
    # and an adjustment without a reason is a 400 naming the field
    r = client.post(f"/api/v1/correction/supervision/cases/{detail.pk}/plans", {"reason": ""}, content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "reason"
    # and the rule API refuses a bad condition naming its row
    r = client_for("corr").post("/api/v1/correction/supervision/rules", {
        "code": "api-bad", "category": "education", "recommendation": "x",
        "conditions": [{"attribute": "nope", "op": "eq", "value": 1}]}, content_type="application/json")
    assert r.status_code == 400 and "第1条条件" in r.json()["detail"]

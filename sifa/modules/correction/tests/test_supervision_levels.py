"""管理等级 (CC-09, CC-39): an explained suggestion, the officer's decision, overrides with a reason
reported to the county agency, periodic reassessment reminders, tasks following the level."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sifa.core.alerts.models import Alert
from sifa.core.audit.models import AuditEvent
from sifa.core.errors import Conflict, ValidationFailed
from sifa.core.testing import actor_for, client_for, membership_of
from sifa.modules.correction import config
from sifa.modules.correction.levels import initial_level
from sifa.modules.correction.models import CorrectionCase, LevelAssessment, SupervisionTask
from sifa.modules.correction.supervision import reassessment_conditions
from sifa.modules.correction.supervision_services import assess_level, county_agency_of
from sifa.modules.correction.tests.factories import make_correction

pytestmark = pytest.mark.django_db

RISKY = {"prior_record": "recidivist", "attitude": "poor", "employment": "unemployed"}
STABLE = {"prior_record": "none", "attitude": "good", "employment": "employed", "family": "stable"}


def test_suggestion_is_explained_point_by_point() -> None:
    # given a recidivist with a poor attitude and no job
    detail = make_correction(attributes=RISKY)
    # when the level is suggested
    code, reasons = initial_level(detail)
    # then it is the strictest configured level, and each matched row is a reason with its points
    assert code == config.levels()[0].code
    lines = {r["why"]: r["points"] for r in reasons if r["attribute"]}
    assert lines == {"累犯、再犯": 3, "认罪悔罪态度差": 3, "无业": 1}
    total = reasons[-1]
    assert total["points"] == 7 and "合计 7 分" in total["why"]


def test_stable_family_and_job_push_towards_the_lenient_level() -> None:
    # given a subject with a job, a stable family and a good attitude
    detail = make_correction(attributes=STABLE)
    # when the level is suggested, then it is the most lenient configured level
    code, reasons = initial_level(detail)
    assert code == config.levels()[-1].code
    assert {"有稳定工作或在校就读", "家庭和睦稳定", "认罪悔罪态度好"} <= {r["why"] for r in reasons}


def test_unknown_findings_suggest_nothing_drastic() -> None:
    # given a subject with no findings recorded
    detail = make_correction(attributes={})
    # then only the total is a reason
    code, reasons = initial_level(detail)
    assert [r["attribute"] for r in reasons] == [""]


def test_initial_assessment_takes_the_suggestion_and_moves_the_case() -> None:
    # given a risky subject at the normal level
    detail = make_correction(attributes=RISKY, level="normal")
    # when the officer confirms the suggestion
    row = assess_level(actor=actor_for("office1"), detail=detail, kind="initial")
    # then the assessment keeps the reasons and the case has the level; no alert is raised
    assert row.level == row.computed_level == "strict"
    assert row.reasons[0]["why"] == "累犯、再犯"
    assert CorrectionCase.objects.get(pk=detail.pk).level == "strict"
    assert not Alert.objects.filter(rule_code="correction.level_override", case_id=detail.pk).exists()


def test_override_needs_a_reason_and_is_reported_to_the_county_agency() -> None:
    # given a risky subject (suggested 严管)
    detail = make_correction(attributes=RISKY)
    actor = actor_for("office1")
    before = AuditEvent.objects.filter(action="correction.level.assessed").count()
    # when the officer chooses 宽管 without a reason
    with pytest.raises(ValidationFailed) as exc:
        assess_level(actor=actor, detail=detail, kind="initial", level="lenient")
    # then it is refused naming the field, and nothing was written
    assert exc.value.field == "override_reason"
    assert not LevelAssessment.objects.filter(correction_case=detail).exists()
    assert AuditEvent.objects.filter(action="correction.level.assessed").count() == before
    # when a reason is given
    row = assess_level(actor=actor, detail=detail, kind="initial", level="lenient", override_reason="已稳定就业三个月，表现良好")
    # then the override is kept with its reason, and an alert goes to the county agency (富阳区司法局)
    assert (row.computed_level, row.level, row.override_reason) == ("strict", "lenient", "已稳定就业三个月，表现良好")
    alert = Alert.objects.get(rule_code="correction.level_override", case_id=detail.pk)
    assert alert.org == county_agency_of(detail.case.org) == membership_of("corr").org
    assert "建议严管" in alert.title and "确定宽管" in alert.title and "已稳定就业" in alert.detail


def test_initial_only_once_and_reassessment_after_it() -> None:
    # given a case not yet assessed
    detail = make_correction()
    actor = actor_for("office1")
    # when a periodic reassessment is attempted first, then it is refused
    with pytest.raises(ValidationFailed):
        assess_level(actor=actor, detail=detail, kind="periodic")
    assess_level(actor=actor, detail=detail, kind="initial")
    # when a second initial assessment is attempted, then it conflicts
    with pytest.raises(Conflict):
        assess_level(actor=actor, detail=detail, kind="initial")
    # and a periodic one is recorded
    assert assess_level(actor=actor, detail=detail, kind="periodic").kind == "periodic"


def test_reassessment_is_reminded_after_the_configured_months() -> None:
    # given a case never assessed, one assessed long ago and one assessed today
    today = timezone.localdate()
    never = make_correction()
    old = make_correction()
    fresh = make_correction()
    months = int(config.section("levels")["reassess_months"])
    LevelAssessment.objects.create(correction_case=old, kind="initial", computed_level="normal", level="normal",
                                   assessed_on=today - datetime.timedelta(days=31 * months + 1), assessed_by="测试")
    LevelAssessment.objects.create(correction_case=fresh, kind="initial", computed_level="normal", level="normal",
                                   assessed_on=today, assessed_by="测试")
    # when the rule is evaluated
    found = {c.case_id: c for c in reassessment_conditions(today)}
    # then the unassessed and the old one are reminded, at their office; the fresh one is not
    assert "尚未评定" in found[never.case_id].title
    assert "定期复评" in found[old.case_id].title and found[old.case_id].org_id == old.case.org_id
    assert fresh.case_id not in found


def test_tasks_follow_a_new_level() -> None:
    # given a case under correction at the lenient level, received a while ago
    today = timezone.localdate()
    detail = make_correction(level="lenient", attributes=RISKY, received_on=today - datetime.timedelta(days=3),
                             term_end=today + datetime.timedelta(days=300))
    # when it is assessed (suggested and chosen: 严管)
    assess_level(actor=actor_for("office1"), detail=detail, kind="initial")
    # then the reports of the next weeks follow the strict level's interval
    strict = config.level("strict")
    reports = list(SupervisionTask.objects.filter(correction_case=detail, kind="report_in").order_by("due_date")
                   .values_list("due_date", flat=True))
    assert reports and all((b - a).days == strict.report_days for a, b in zip(reports, reports[1:], strict=False))


def test_level_form_on_the_page_shows_reasons_and_flag() -> None:
    # given a risky subject
    detail = make_correction(attributes=RISKY)
    client = client_for("office1")
    url = reverse("correction:supervision_case", args=[detail.pk])
    # when the page is shown, then the reasons and the [NV] flag are on it
    page = client.get(url).content.decode()
    assert "累犯、再犯" in page and config.flag("levels") in page
    # when an override is posted without a reason, then the page says so beside the field
    r = client.post(reverse("correction:level_assess", args=[detail.pk]), {"kind": "initial", "level": "lenient"})
    assert r.status_code == 400 and "须填写调整理由" in r.content.decode()
    # when posted with a reason, then it is recorded
    r = client.post(reverse("correction:level_assess", args=[detail.pk]),
                    {"kind": "initial", "level": "lenient", "override_reason": "表现良好"})
    assert r.status_code == 302
    assert CorrectionCase.objects.get(pk=detail.pk).level == "lenient"


def test_levels_api() -> None:
    # given a risky subject
    detail = make_correction(attributes=RISKY)
    client = client_for("office1")
    url = f"/api/v1/correction/supervision/cases/{detail.pk}/levels"
    # when the levels are read, then the suggestion and its reasons come with the flag
    body = client.get(url).json()
    assert body["suggested_level"] == "strict" and body["flag"] == config.flag("levels")
    # when an override is posted without a reason, then 400 names the field
    r = client.post(url, {"kind": "initial", "level": "normal"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "override_reason"
    # when posted with one, then 201
    r = client.post(url, {"kind": "initial", "level": "normal", "override_reason": "家属担保"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["level"] == "normal"

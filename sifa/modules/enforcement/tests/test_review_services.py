"""案卷评查 (AP-39, 《行政处罚法》第七十五条; checks AP-12, AP-14, AP-22 … AP-28; rectification AP-40, AP-41
[V-local]): the pool (closed cases of the bodies in scope within the period, labels = case numbers), the verifiable
draw, automatic checks with their reasons, reviewer items with notes, grades, aggregation, the rectification alert
and scope. CASES.md has no 评查 case; tests name the rule instead (the AP-22 / AP-27 checks follow C-26's dates)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from sifa.core.alerts.models import Alert
from sifa.core.alerts.services import act_on_alert
from sifa.core.audit.models import AuditEvent
from sifa.core.errors import Conflict, NotFound, ValidationFailed
from sifa.core.testing import actor_for
from sifa.modules.enforcement import review_selectors as selectors
from sifa.modules.enforcement import review_services as services
from sifa.modules.enforcement.review_models import CampaignState, ReviewCampaign
from sifa.modules.enforcement.tests.factories import child_org, make_body, org_named, other_county_org
from sifa.modules.enforcement.tests.review_factories import (
    closed_case,
    drawn,
    full_marks,
    make_campaign,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def _fresh_body():  # type: ignore[no-untyped-def]
    return make_body(child_org(org_named("杭州市富阳区司法局")))


# --- pool and draw ----------------------------------------------------------------------------------------


def test_ap39_pool_only_closed_cases_of_bodies_in_period() -> None:
    body, other = _fresh_body(), _fresh_body()
    keep = closed_case(body.org, body=body, closed_on=D(2025, 10, 1))
    no_penalty = closed_case(body.org, body=body, state="no_penalty", closed_on=None, decided_on=D(2025, 9, 1),
                             decision_types=[], no_penalty_reason="违法行为轻微并及时改正")
    closed_case(body.org, body=body, state="payment_due", closed_on=None)  # not closed
    closed_case(body.org, body=body, closed_on=D(2024, 6, 1))  # before the period
    closed_case(other.org, body=other, closed_on=D(2025, 10, 1))  # another body
    campaign = make_campaign(body.org.parent, [body], period=(D(2025, 1, 1), D(2025, 12, 31)))
    assert {d.pk for d in selectors.pool_cases(campaign)} == {keep.pk, no_penalty.pk}


def test_ap39_publish_and_draw_verifiable_labels_are_case_numbers() -> None:
    body = _fresh_body()
    cases = [closed_case(body.org, body=body) for _ in range(4)]
    county = actor_for("county")
    campaign = services.create_campaign(actor=county, title="年度评查", period_start=D(2025, 1, 1),
                                        period_end=D(2025, 12, 31), bodies=[body], sample_size=2)
    assert campaign.number.startswith("PC-") and campaign.state == CampaignState.DRAFT
    campaign = services.publish_campaign(actor=county, campaign=campaign)
    assert campaign.draw is not None and campaign.draw.number == campaign.number
    labels = {p["label"] for p in campaign.draw.published["pools"]["cases"]}
    assert labels == {c.case.number for c in cases}  # case numbers only, no party names
    with pytest.raises(Conflict):  # no ledger entry after the commitment yet
        services.draw_campaign(actor=county, campaign=campaign)
    from sifa.core.draws.tests.factories import ledger_tick

    ledger_tick()
    campaign = services.draw_campaign(actor=county, campaign=campaign)
    assert campaign.state == CampaignState.SAMPLED and campaign.reviews.count() == 2
    call_command("verify_draw", campaign.number, stdout=open("/dev/null", "w"))  # noqa: SIM115 (exits 0)


def test_ap39_ratio_rounds_up_and_empty_pool_refused() -> None:
    body = _fresh_body()
    for _ in range(3):
        closed_case(body.org, body=body)
    campaign = make_campaign(body.org.parent, [body], sample_size=None, sample_ratio=Decimal("40"))
    assert selectors.sample_count(campaign, 3) == 2
    empty = make_campaign(body.org.parent, [body], period=(D(2020, 1, 1), D(2020, 12, 31)))
    with pytest.raises(ValidationFailed) as exc:
        services.publish_campaign(actor=actor_for("county"), campaign=empty)
    assert exc.value.field == "pool"


def test_create_campaign_validates_fields() -> None:
    county = actor_for("county")
    body = _fresh_body()
    with pytest.raises(ValidationFailed) as exc:
        services.create_campaign(actor=county, title="", period_start=D(2025, 1, 1), period_end=D(2025, 2, 1),
                                 bodies=[body], sample_size=1)
    assert exc.value.field == "title"
    with pytest.raises(ValidationFailed) as exc:
        services.create_campaign(actor=county, title="x", period_start=D(2025, 1, 1), period_end=D(2025, 2, 1),
                                 bodies=[body])
    assert exc.value.field == "sample_size"
    foreign = make_body(child_org(other_county_org()))
    with pytest.raises(ValidationFailed) as exc:
        services.create_campaign(actor=county, title="x", period_start=D(2025, 1, 1), period_end=D(2025, 2, 1),
                                 bodies=[foreign], sample_size=1)
    assert exc.value.field == "bodies"


# --- scoring ------------------------------------------------------------------------------------------------


def _one_review(**case_fields):  # type: ignore[no-untyped-def]
    body = _fresh_body()
    closed_case(body.org, body=body, **case_fields)
    campaign = drawn(make_campaign(body.org.parent, [body], sample_size=1))
    return campaign, campaign.reviews.get()


def test_ap22_case_without_required_legal_review_loses_points_with_reason() -> None:
    campaign, review = _one_review(review_triggers=["public_interest"])
    review = services.score_review(actor=actor_for("county"), review=review, items=full_marks(campaign))
    line = next(x for x in review.lines if x["code"] == "C.3")
    assert line["points"] == "0.00" or Decimal(line["points"]) == 0
    sub = next(x for x in review.lines if x["code"] == "C.3.1")
    assert "AP-22" in sub["facts"][0]["label"] and "第五十八条" in sub["facts"][0]["label"]
    check = next(c for c in review.checks if c["code"] == "legal_review")
    assert check["result"] == "fail"


def test_ap22_reviewed_case_keeps_points() -> None:
    campaign, review = _one_review(review_triggers=["public_interest"], legal_reviewed_on=D(2025, 9, 1))
    review = services.score_review(actor=actor_for("county"), review=review, items=full_marks(campaign))
    assert Decimal(next(x for x in review.lines if x["code"] == "C.3")["points"]) == 6


def test_ap27_decision_after_ninety_days_loses_deadline_points() -> None:
    campaign, review = _one_review(filed_on=D(2025, 1, 2), decided_on=D(2025, 4, 15))  # C-26: 90 calendar days
    review = services.score_review(actor=actor_for("county"), review=review, items=full_marks(campaign))
    assert Decimal(next(x for x in review.lines if x["code"] == "E.1")["points"]) == 0
    assert "AP-27" in next(x for x in review.lines if x["code"] == "E.1.1")["facts"][0]["label"]


def test_ap12_ap23_checks_and_grades_by_thresholds() -> None:
    campaign, review = _one_review()
    county = actor_for("county")
    review = services.score_review(actor=county, review=review, items=full_marks(campaign))
    # a clean case loses only the evidence (AP-14) and the generated decision (AP-26) points: 100 − 10 − 3
    assert review.total == Decimal("87.00") and review.grade == "pass"
    assert {c["code"] for c in review.checks if c["result"] == "fail"} == {"evidence", "decision_document"}
    campaign2, review2 = _one_review(notice_served_on=None)
    review2.case.officers.set(list(review2.case.officers.all())[:1])
    review2 = services.score_review(actor=county, review=review2, items=full_marks(
        campaign2, B_2={"points": "0", "note": "证据不足以认定违法事实"}))
    fails = {c["code"] for c in review2.checks if c["result"] == "fail"}
    assert {"officers", "notice"} <= fails
    assert review2.total == Decimal("87") - 5 - 6 - 10 and review2.grade == "fail"


def test_reviewer_deduction_needs_a_note_and_stays_in_bounds() -> None:
    campaign, review = _one_review()
    county = actor_for("county")
    with pytest.raises(ValidationFailed) as exc:
        services.score_review(actor=county, review=review, items=full_marks(campaign, B_4={"points": "3", "note": ""}))
    assert exc.value.field == "items.B.4" and "扣分理由" in str(exc.value)
    with pytest.raises(ValidationFailed):
        services.score_review(actor=county, review=review, items=full_marks(campaign, B_4={"points": "9", "note": "x"}))
    review = services.score_review(actor=county, review=review, items=full_marks(
        campaign, B_4={"points": "3", "note": "罚款未说明裁量理由"}))
    line = next(x for x in review.lines if x["code"] == "B.4")
    assert Decimal(line["points"]) == 3 and line["adjustments"][0]["reason"] == "罚款未说明裁量理由"


def test_finish_review_finishes_campaign_and_locks_scoring() -> None:
    campaign, review = _one_review()
    county = actor_for("county")
    with pytest.raises(Conflict):
        services.finish_review(actor=county, review=review)
    review = services.score_review(actor=county, review=review, items=full_marks(campaign))
    assert ReviewCampaign.objects.get(pk=campaign.pk).state == CampaignState.REVIEWING
    services.finish_review(actor=county, review=review)
    assert ReviewCampaign.objects.get(pk=campaign.pk).state == CampaignState.FINISHED
    with pytest.raises(Conflict):
        services.score_review(actor=county, review=review, items=full_marks(campaign))


# --- aggregation ------------------------------------------------------------------------------------------


def test_results_per_body_and_per_officer_are_means() -> None:
    body = _fresh_body()
    a = closed_case(body.org, body=body)
    b = closed_case(body.org, body=body, notice_served_on=None)
    shared = list(a.officers.all())[0]
    b.officers.set([shared, *list(b.officers.all())])
    campaign = drawn(make_campaign(body.org.parent, [body], sample_size=2))
    county = actor_for("county")
    totals = []
    for review in campaign.reviews.all():
        totals.append(services.score_review(actor=county, review=review, items=full_marks(campaign)).total)
    reviews = selectors.reviews_visible_to(county, campaign=campaign)
    [row] = selectors.results_by_body(reviews)
    assert row.count == 2 and row.mean == (sum(totals) / 2).quantize(Decimal("0.01"))
    officer_row = next(r for r in selectors.results_by_officer(reviews) if r.key == shared.pk)
    assert officer_row.count == 2 and officer_row.mean == row.mean


# --- rectification (AP-40, AP-41 [V-local]) ----------------------------------------------------------------


def test_ap40_rectification_alert_opened_once_and_closable() -> None:
    campaign, review = _one_review(notice_served_on=None, review_triggers=["complex"])
    county = actor_for("county")
    review = services.score_review(actor=county, review=review, items=full_marks(
        campaign, B_2={"points": "2", "note": "证据链不完整"}))
    assert review.grade == "fail"
    review = services.issue_rectification(actor=county, review=review, text="补充证据，完善法制审核程序",
                                          notice_type="supervision_opinion")
    alert = Alert.objects.get(pk=review.notice_alert_id)
    assert alert.rule_code == "enforcement.rectification" and alert.org_id == review.body.org_id
    assert "AP-41" in alert.legal_basis
    with pytest.raises(Conflict):
        services.issue_rectification(actor=county, review=review, text="再次")
    assert Alert.objects.filter(rule_code="enforcement.rectification", object_id=str(review.pk)).count() == 1
    for action in ("sign", "handle", "verify"):
        alert = act_on_alert(actor=county, alert=alert, action=action, note="已整改")
    assert alert.state == "closed"
    assert AuditEvent.objects.filter(action="enforcement.case_file_review.rectification_issued").exists()


# --- scope ------------------------------------------------------------------------------------------------


def test_scope_other_county_is_404_and_officer_sees_own_body_results() -> None:
    campaign, review = _one_review()
    other = actor_for("county")
    with pytest.raises(NotFound):
        selectors.campaign_for(actor_for("officer"), campaign.pk)  # another body's campaign
    county_campaign = drawn(make_campaign(other.org, sample_size=1))  # the demo body of 富阳 (officer's own)
    officer = actor_for("officer")
    assert selectors.campaign_for(officer, county_campaign.pk).pk == county_campaign.pk
    assert selectors.reviews_visible_to(officer, campaign=county_campaign).count() == 1
    with pytest.raises(NotFound):  # a reviewed body sees but does not run the campaign
        services.publish_campaign(actor=officer, campaign=county_campaign) if officer.has_perm(
            services.MANAGE) else (_ for _ in ()).throw(NotFound())
    foreign_body = make_body(child_org(other_county_org()))
    closed_case(foreign_body.org, body=foreign_body)
    foreign = drawn(make_campaign(foreign_body.org.parent or foreign_body.org, [foreign_body], sample_size=1))
    with pytest.raises(NotFound):
        selectors.campaign_for(other, foreign.pk)
    with pytest.raises(NotFound):
        selectors.review_for(other, foreign.reviews.get().pk)
    client = Client()
    client.force_login(other.user)  # type: ignore[arg-type]
    assert client.get(f"/enforcement/reviews/{foreign.pk}/").status_code == 404


def test_pages_render_for_county_and_case_panel() -> None:
    campaign, review = _one_review()
    county = actor_for("county")
    services.score_review(actor=county, review=review, items=full_marks(campaign))
    client = Client()
    client.force_login(county.user)  # type: ignore[arg-type]
    for url in ("/enforcement/reviews/", "/enforcement/reviews/new/", f"/enforcement/reviews/{campaign.pk}/",
                f"/enforcement/reviews/files/{review.pk}/", "/enforcement/reviews/results/"):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(f"/enforcement/reviews/files/{review.pk}/").content.decode()
    assert "AP-14" in page and "逐项得分" in page
    export = client.get(f"/enforcement/reviews/results.xlsx?campaign={campaign.pk}")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    assert client.get(f"/cases/{review.case.case_id}/", follow=True).content.decode().count("review-panel") >= 1

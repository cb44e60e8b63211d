"""案卷评查 end to end in Chromium, through the pages only (AP-39, 《行政处罚法》第七十五条; AP-40).

``county`` (局业务人员 at 富阳区司法局, holds ``enforcement.reviews.manage``) opens 行政执法 → 案卷评查 and creates
a campaign over 杭州市富阳区综合行政执法局's cases closed since 2025-01-01 (a fixed sample of 3). The draft page
lists the pool (case numbers only) and the count to draw; publishing commits the draw. The draw needs a ledger
entry written after the commitment (docs/engines/draws.md): county publishes the demo's second campaign (still a
draft under the test settings, ``SIFA_DEMO_DRAWS=False``), whose commitment is that entry. Then the draw; the
campaign page links the draw, whose public page re-derives it ("按公开数据重新推导，结果一致").

County opens the first sampled file, scores it: the automatic checks (review_checks.py) deduct points, each with
its rule id (AP-14 … AP-28); the reviewer deducts 2 points on B.4 (裁量基准) with a note. The file is finished and a
整改通知 is issued (AP-40): the alert ``enforcement.rectification`` appears in 预警 for the enforcement department
(``officer`` sees it). The campaign's results per body show the score. The review page has no horizontal scroll
at 390 px.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils import timezone

from sifa.modules.enforcement.review_models import CampaignState, CaseFileReview, ReviewCampaign, ReviewState
from tests.e2e.conftest import DESKTOP, E2E, PHONE

BODY = "杭州市富阳区综合行政执法局"
TITLE = "行政处罚案卷评查（端到端测试）"
NOTE_B4 = "罚款数额接近裁量上限，未说明从重理由"
NOTICE = "请于三十日内补充从重处罚理由说明并完善证据目录，整改情况报区司法局。"


def _option_value(e2e: E2E, select: str, text: str) -> str:
    option = e2e.page.locator(f"{select} option", has_text=text).first
    return option.get_attribute("value") or ""


def _state(e2e: E2E) -> str:
    return e2e.page.locator("#campaign-state").inner_text().strip()


def test_review_campaign_draw_score_rectify(e2e: E2E) -> None:
    page = e2e.page
    today = timezone.localdate()

    # --- 1. a campaign through 行政执法 → 案卷评查 ----------------------------------------------------------
    e2e.login("county")
    e2e.menu("案卷评查")
    e2e.submit("#campaign-create")
    page.fill("#title", TITLE)
    page.fill("#period_start", "2025-01-01")
    page.fill("#period_end", today.isoformat())
    page.select_option("#bodies", [_option_value(e2e, "#bodies", BODY)])
    page.fill("#sample_size", "3")
    e2e.shot("review-campaign-new", phone=True)
    response = e2e.submit(".page-body form button[type=submit]")
    assert response.status == 200, page.locator("#form-error").all_inner_texts()
    campaign = ReviewCampaign.objects.get(title=TITLE)
    campaign_url = f"/enforcement/reviews/{campaign.pk}/"
    assert page.url.endswith(campaign_url)
    assert _state(e2e) == CampaignState.DRAFT.label
    pool_title = page.locator(".card-title", has_text="可抽取案卷").inner_text()
    match = re.search(r"（(\d+) 件，将抽取 (\d+) 件）", pool_title)
    assert match and int(match.group(1)) >= 3 and match.group(2) == "3", pool_title

    # --- 2. publish (commitment), a ledger entry after it, draw -------------------------------------------
    e2e.submit("#campaign-publish")
    assert _state(e2e) == CampaignState.PUBLISHED.label, page.locator(".alert").all_inner_texts()
    # the ledger entry after the commitment: county publishes the demo's second campaign (a draft here)
    second = ReviewCampaign.objects.get(number=f"PC-{today.year}-0002")
    assert second.state == CampaignState.DRAFT
    e2e.goto(f"/enforcement/reviews/{second.pk}/")
    e2e.submit("#campaign-publish")
    assert _state(e2e) == CampaignState.PUBLISHED.label, page.locator(".alert").all_inner_texts()

    e2e.goto(campaign_url)
    e2e.submit("#campaign-draw")
    assert _state(e2e) == CampaignState.SAMPLED.label, page.locator(".alert").all_inner_texts()
    links = page.locator("#review-table tbody a")
    assert links.count() == 3
    e2e.shot("review-campaign-drawn", phone=True)

    # verifiable: the campaign page links the draw, which re-derives
    e2e.submit("#draw-link")
    assert page.url.endswith(f"/draws/{campaign.number}/")
    assert "按公开数据重新推导，结果一致" in page.locator("#draw-verification").inner_text()
    pools = page.locator(".card", has_text="公开名单").inner_text()
    assert "当事人" not in pools  # labels are case numbers only

    # --- 3. one sampled file: automatic deductions with rule ids, a reviewer item with a note ---------------
    e2e.goto(campaign_url)
    e2e.submit("#review-table tbody tr:first-child a")
    review = CaseFileReview.objects.select_related("case__case").get(campaign=campaign, order=1)
    review_url = f"/enforcement/reviews/files/{review.pk}/"
    assert page.url.endswith(review_url)
    assert review.case.case.number in page.locator(".page-title").inner_text()
    page.fill('[id="points_B.4"]', "5")
    page.fill('[id="note_B.4"]', NOTE_B4)
    page.fill("#findings", "卷宗基本齐全，裁量理由说明不足。")
    response = e2e.submit("#review-score")
    assert response.status == 200 and page.url.endswith(review_url), page.locator("#review-error").all_inner_texts()
    review.refresh_from_db()
    assert review.state == ReviewState.SCORED and review.total is not None
    assert page.locator("#review-total").inner_text().startswith(f"{review.total} 分")

    checks = page.locator("#review-checks .list-group-item")
    assert checks.count() == len(review.checks) >= 10
    failed = [c for c in review.checks if c["result"] == "fail"]
    assert failed, "the sampled demo case passes every automatic check"
    for c in failed:  # each failing check names its rule
        item = page.locator("#review-checks .list-group-item", has_text=c["label"]).first
        assert c["rule"] in item.inner_text() and re.search(r"AP-\d+", c["rule"]), item.inner_text()
    deductions = page.locator("#review-lines .text-danger").all_inner_texts()
    assert deductions and all(re.search(r"AP-\d+", d) for d in deductions), deductions
    b4 = page.locator('[id="line-B.4"]').inner_text()
    assert NOTE_B4 in b4 and "5 / 7" in b4.replace(".00", ""), b4
    e2e.shot("review-scored", phone=True)

    # --- 4. finish; a 整改通知 opens the rectification alert (AP-40) ----------------------------------------
    e2e.submit("#review-finish")
    assert page.locator("#review-score").count() == 0  # finished: no more scoring
    page.select_option("#notice_type", "rectification")
    page.fill("#notice-text", NOTICE)
    e2e.submit("#rectify")
    issued = page.locator("#notice-issued").inner_text()
    assert NOTICE in issued, page.locator(".alert").all_inner_texts()
    review.refresh_from_db()
    assert review.state == ReviewState.FINISHED and review.notice_alert_id

    # the review page at 390 px: no horizontal scroll
    page.set_viewport_size(PHONE)
    e2e.goto(review_url)
    e2e.no_horizontal_overflow()
    e2e.shot("review-detail-390")
    page.set_viewport_size(DESKTOP)

    # --- 5. results per body show the score ------------------------------------------------------------------
    e2e.goto(campaign_url)
    row = page.locator("#results-body tbody tr", has_text=BODY)
    cells = row.locator("td").all_inner_texts()
    assert cells[1].strip() == "1" and Decimal(cells[2].strip()) == review.total, cells
    e2e.shot("review-campaign-results")

    # --- 6. the enforcement department sees the alert in 预警 ---------------------------------------------------
    page.context.clear_cookies()
    e2e.login("officer")
    e2e.menu("预警")
    alert_row = page.locator('#alert-list tr[data-rule="enforcement.rectification"]', has_text=review.case.case.number)
    assert alert_row.count() == 1
    e2e.submit(f'#alert-list tr[data-rule="enforcement.rectification"] a:has-text("{review.case.case.number}")')
    assert page.url.endswith(f"/alerts/{review.notice_alert_id}/")
    assert NOTICE in page.locator(".page-body").inner_text()
    e2e.shot("review-rectification-alert", phone=True)

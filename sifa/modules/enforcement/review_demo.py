"""Demo 案卷评查 (``registry.demo_generators`` key ``enforcement_review``, after the penalty cases): a campaign of
富阳区司法局 over 富阳区综合行政执法局's closed demo cases. With demo draws enabled (not in the test session, see
``inspection_demo.demo_draws_enabled``) it is published and drawn (a second campaign's commitment is the ledger
entry after the first's), and the first drawn files are scored; otherwise both stay drafts."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.modules.enforcement.inspection_demo import demo_draws_enabled
from sifa.modules.enforcement.models import EnforcementBody
from sifa.modules.enforcement.review_models import CampaignState, ReviewCampaign, ReviewState

BODY_NAME = "杭州市富阳区综合行政执法局"
SCORED = 3


def _campaign(body: EnforcementBody, number: str, title: str, start: datetime.date, end: datetime.date,
              **sampling: Any) -> ReviewCampaign:
    from sifa.modules.enforcement.review_services import rubric_snapshot

    org = body.org.parent or body.org
    rubric = rubric_snapshot()
    campaign = ReviewCampaign.objects.create(number=number, org=org, title=title, period_start=start, period_end=end,
                                             rubric=rubric, rubric_name=rubric["name"], created_by_name="演示数据",
                                             **sampling)
    campaign.bodies.set([body])
    return campaign


def generate_reviews(*, actor: Actor, structure: dict[str, Any], scale: Any, seed: int) -> dict[str, int]:
    from sifa.modules.enforcement import review_services as services

    body = EnforcementBody.objects.select_related("org", "org__parent").filter(name=BODY_NAME).first()
    if body is None:
        return {}
    year = timezone.localdate().year
    start, end = datetime.date(2025, 1, 1), timezone.localdate()
    first = _campaign(body, f"PC-{year}-0001", f"{year} 年度行政处罚案卷评查（富阳区综合行政执法局）", start, end,
                      sample_size=6)
    second = _campaign(body, f"PC-{year}-0002", "行政处罚案卷专项评查（按比例抽取）", start, end,
                       sample_ratio=Decimal("20"))
    reviews = 0
    if demo_draws_enabled() and services.pool_cases(first).exists():
        services.publish_campaign_in(actor, first)
        services.publish_campaign_in(actor, second)
        first.refresh_from_db()
        services.draw_campaign_in(actor, first)
        for review in first.reviews.select_related("case").order_by("order")[:SCORED]:
            manual = {i.code: {"points": str(i.base), "note": ""} for i in services.manual_items(first)}
            if review.order == 2:
                manual["B.4"] = {"points": "4", "note": "罚款数额接近上限，未说明从重理由"}
            result, results = services.compute_review(first, review.case, manual, "演示数据")
            review.manual, review.total = manual, result.total
            review.lines = [services._line_data(line) for line in result.lines]
            review.checks = [r.to_data() for r in results]
            review.grade = services.grade_for(result.total, first.rubric)
            review.state, review.reviewer_name, review.scored_at = ReviewState.SCORED, "演示数据", timezone.now()
            review.save()
        ReviewCampaign.objects.filter(pk=first.pk).update(state=CampaignState.REVIEWING)
        reviews = first.reviews.count()
    return {"enforcement_review_campaigns": 2, "enforcement_case_file_reviews": reviews}

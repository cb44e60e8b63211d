"""Test helpers of 案卷评查: closed penalty cases and campaigns written straight to the tables (no audit rows), the
authorization matrix's objects (``review_campaign``, ``case_file_review``) and the audit-coverage recipes."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction

from sifa.core.accounts.actor import Actor
from sifa.core.draws.tests.factories import ledger_tick
from sifa.core.orgs.models import Org
from sifa.core.testing import actor_for
from sifa.modules.enforcement.models import EnforcementBody
from sifa.modules.enforcement.penalty_models import PenaltyCase
from sifa.modules.enforcement.review_models import CampaignState, CaseFileReview, ReviewCampaign
from sifa.modules.enforcement.review_services import (
    draw_campaign_in,
    manual_items,
    publish_campaign_in,
    rubric_snapshot,
)
from sifa.modules.enforcement.tests.factories import child_org, make_body, make_officer
from sifa.modules.enforcement.tests.penalty_factories import body_of, matrix_case, valid_officers

D = datetime.date
_seq = itertools.count(1)
PERIOD = (D(2025, 1, 1), D(2026, 12, 31))
CLOSED_ON = D(2025, 10, 20)


def closed_case(org: Org | None = None, *, body: EnforcementBody | None = None, state: str = "closed",
                closed_on: D | None = CLOSED_ON, **fields: Any) -> PenaltyCase:
    """A clean closed ordinary-procedure case of ``body`` (default the demo 富阳区综合行政执法局) on ``org``: two
    valid officers, notice served, decided within 九十日, served in time, closed; override fields to break rules."""
    body = body or body_of()
    detail = matrix_case(org or body.org)
    if body.pk != detail.body_id:
        detail.body = body
    filed = (closed_on or CLOSED_ON) - datetime.timedelta(days=60)
    values: dict[str, Any] = {
        "filed_on": filed, "discovered_on": filed - datetime.timedelta(days=3), "act_date": filed - datetime.timedelta(days=5),
        "cited_articles": "《城市道路管理条例》第二十七条", "facts": "当事人擅自占用城市道路堆放物料。",
        "proposed_types": ["fine"], "proposed_amount": Decimal("500"), "notice_served_on": filed + datetime.timedelta(days=30),
        "decision_types": ["fine"], "decision_amount": Decimal("500"), "decided_on": filed + datetime.timedelta(days=45),
        "decision_number": f"测试罚决字〔2025〕{next(_seq)}号", "served_on": filed + datetime.timedelta(days=47),
        "service_method": "direct", "closed_on": closed_on,
    }
    values.update(fields)
    for key, value in values.items():
        setattr(detail, key, value)
    detail.save()
    detail.case.state = state
    detail.case.save(update_fields=["state"])
    officers = valid_officers(body) if body.pk == body_of().pk else [make_officer(body, valid_from=D(2024, 1, 1)) for _ in range(2)]
    detail.officers.set(officers)
    return detail


def make_campaign(org: Org | None = None, bodies: list[EnforcementBody] | None = None, *, sample_size: int | None = 2,
                  sample_ratio: Decimal | None = None, period: tuple[D, D] = PERIOD) -> ReviewCampaign:
    bodies = bodies or [body_of()]
    rubric = rubric_snapshot()
    campaign = ReviewCampaign.objects.create(
        number=f"PC-T-{next(_seq):05d}", org=org or bodies[0].org.parent or bodies[0].org, title="测试评查活动",
        period_start=period[0], period_end=period[1], sample_size=sample_size, sample_ratio=sample_ratio,
        rubric=rubric, rubric_name=rubric["name"])
    campaign.bodies.set(bodies)
    return campaign


def published(campaign: ReviewCampaign, *, tick: bool = True) -> ReviewCampaign:
    with transaction.atomic():
        campaign, _ = publish_campaign_in(Actor.system("review-tests"), campaign)
    if tick:
        ledger_tick()
    return campaign


def drawn(campaign: ReviewCampaign) -> ReviewCampaign:
    campaign = published(campaign)
    with transaction.atomic():
        campaign, _ = draw_campaign_in(Actor.system("review-tests"), ReviewCampaign.objects.get(pk=campaign.pk))
    return campaign


def full_marks(campaign: ReviewCampaign, **overrides: dict[str, str]) -> dict[str, dict[str, str]]:
    """The reviewer's items at full points, with ``overrides`` (code with dots as underscores → {points, note})."""
    items = {i.code: {"points": str(i.base), "note": ""} for i in manual_items(campaign)}
    for key, value in overrides.items():
        items[key.replace("_", ".")] = value
    return items


def matrix_body(org: Org) -> EnforcementBody:
    """A body on a new child org of the anchor org (its closed case is the pool)."""
    name = f"矩阵评查机构{org.pk}"
    existing = EnforcementBody.objects.filter(org__name=name).first()
    if existing is not None:
        return existing
    body = make_body(child_org(org, name))
    return body


def _matrix_campaign(org: Org) -> ReviewCampaign:
    body = matrix_body(org)
    existing = ReviewCampaign.objects.filter(bodies=body, state=CampaignState.SAMPLED).first()
    if existing is not None:
        return existing
    closed_case(body.org, body=body)
    return drawn(make_campaign(org, [body], sample_size=1))


_MAKERS: dict[str, Callable[[Org], Any]] = {
    "review_campaign": lambda o: _matrix_campaign(o).pk,
    "case_file_review": lambda o: CaseFileReview.objects.filter(campaign=_matrix_campaign(o)).first().pk,  # type: ignore[union-attr]
}


def matrix_objects(kind: str, actor_org: Org, orgs: list[Org]) -> tuple[list[Any], list[Any]]:
    """(inside ids, outside ids): one drawn campaign (with one review) per anchor org, made on demand."""
    make = _MAKERS[kind]
    keys = {o.pk: make(o) for o in orgs}
    outside = [o for o in orgs if not o.path.startswith(actor_org.path)]
    return [keys[actor_org.pk]], [keys[o.pk] for o in outside]


# --- audit-coverage recipes (tests/test_audit_coverage.py) ----------------------------------------------


def _services() -> Any:
    from sifa.modules.enforcement import review_services

    return review_services


def _county_campaign() -> ReviewCampaign:
    closed_case()
    return make_campaign(actor_for("county").org, sample_size=1)


def _scored_review() -> CaseFileReview:
    campaign = drawn(_county_campaign())
    review = campaign.reviews.first()
    assert review is not None
    review.state, review.total, review.grade = "scored", Decimal("60"), "fail"
    review.save(update_fields=["state", "total", "grade"])
    return review


def cover_create(actor: Actor) -> Any:
    return _services().create_campaign(actor=actor, title="覆盖评查", period_start=PERIOD[0], period_end=D(2025, 12, 31),
                                       bodies=[body_of()], sample_size=1)


def cover_publish(actor: Actor) -> Any:
    return _services().publish_campaign(actor=actor, campaign=_county_campaign())


def cover_draw(actor: Actor) -> Any:
    return _services().draw_campaign(actor=actor, campaign=published(_county_campaign()))


def cover_score(actor: Actor) -> Any:
    campaign = drawn(_county_campaign())
    return _services().score_review(actor=actor, review=campaign.reviews.first(), items=full_marks(campaign))


def cover_finish(actor: Actor) -> Any:
    return _services().finish_review(actor=actor, review=_scored_review())


def cover_rectify(actor: Actor) -> Any:
    return _services().issue_rectification(actor=actor, review=_scored_review(), text="覆盖整改")


def cover_export(actor: Actor) -> Any:
    return _services().export_results(actor=actor, description="覆盖导出", row_count=1)


_S = "sifa.modules.enforcement.review_services."
RECIPES: dict[str, tuple[str, Callable[[Actor], Any]]] = {
    _S + "create_campaign": ("county", cover_create),
    _S + "publish_campaign": ("county", cover_publish),
    _S + "draw_campaign": ("county", cover_draw),
    _S + "score_review": ("county", cover_score),
    _S + "finish_review": ("county", cover_finish),
    _S + "issue_rectification": ("county", cover_rectify),
    _S + "export_results": ("county", cover_export),
}

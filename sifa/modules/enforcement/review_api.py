"""/api/v1/enforcement/reviews: 案卷评查 campaigns (list, create, detail, publish, draw), reviews (list, detail with
lines and checks, score, finish, rectification) and results per body and per officer. Scope-checked like the pages.
Points are decimal strings ("92.50")."""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from sifa.core.api import PagePagination, actor_of
from sifa.core.errors import ValidationFailed
from sifa.modules.enforcement import review_selectors as selectors
from sifa.modules.enforcement import review_services as services
from sifa.modules.enforcement.models import EnforcementBody
from sifa.modules.enforcement.review_models import CaseFileReview, ReviewCampaign

router = Router(tags=["行政执法监督 · 案卷评查"])


class ReviewCampaignOut(Schema):
    id: int
    number: str
    org_id: int
    title: str
    period_start: datetime.date
    period_end: datetime.date
    body_ids: list[int]
    sample_size: int | None
    sample_ratio: str | None = Field(..., description="抽取比例（%），与 sample_size 二选一")
    state: str = Field(..., description="draft 草稿 / published 已公布 / sampled 已抽取 / reviewing 评查中 / finished 已完成")
    state_label: str
    draw_number: str | None = Field(..., description="随机抽取编号（= 评查编号），sifa verify-draw 可核验")
    rubric_name: str
    progress: dict[str, int]

    @staticmethod
    def resolve_body_ids(obj: ReviewCampaign) -> list[int]:
        return [b.pk for b in obj.bodies.all()]

    @staticmethod
    def resolve_sample_ratio(obj: ReviewCampaign) -> str | None:
        return str(obj.sample_ratio) if obj.sample_ratio is not None else None

    @staticmethod
    def resolve_state_label(obj: ReviewCampaign) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_draw_number(obj: ReviewCampaign) -> str | None:
        return obj.draw.number if obj.draw_id and obj.draw else None

    @staticmethod
    def resolve_progress(obj: ReviewCampaign) -> dict[str, int]:
        return selectors.progress(obj)


class ReviewCampaignIn(Schema):
    title: str = Field(..., max_length=200)
    period_start: datetime.date
    period_end: datetime.date
    body_ids: list[int] = Field(..., description="被评查执法主体")
    sample_size: int | None = None
    sample_ratio: str | None = Field(None, description="抽取比例（%），如 \"20\"")
    notes: str = Field("", max_length=2000)


class ReviewCheckOut(Schema):
    code: str
    label: str
    rule: str
    result: str = Field(..., description="pass / fail / na")
    result_label: str
    reason: str


class ReviewLineFactOut(Schema):
    label: str
    points: str


class ReviewLineAdjustmentOut(Schema):
    points: str
    reason: str
    by: str


class ReviewLineOut(Schema):
    code: str
    label: str
    depth: int
    points: str
    max: str
    manual: bool
    notes: list[str]
    facts: list[ReviewLineFactOut] = Field(..., description="自动检查发现的问题（扣分理由）")
    adjustments: list[ReviewLineAdjustmentOut] = Field(..., description="评查人员评分（扣分理由）")


class CaseFileReviewOut(Schema):
    id: int
    campaign_id: int
    campaign_number: str
    case_id: int
    case_number: str
    body_id: int
    body_name: str
    order: int
    state: str = Field(..., description="pending 待评查 / scored 已评分 / finished 已完成")
    total: str | None
    grade: str = Field(..., description="excellent 优秀 / pass 合格 / fail 不合格；空表示未评分")
    grade_label: str
    reviewer_name: str
    notice_alert_id: int | None

    @staticmethod
    def resolve_campaign_number(obj: CaseFileReview) -> str:
        return obj.campaign.number

    @staticmethod
    def resolve_case_number(obj: CaseFileReview) -> str:
        return obj.case.case.number

    @staticmethod
    def resolve_body_name(obj: CaseFileReview) -> str:
        return obj.body.name

    @staticmethod
    def resolve_total(obj: CaseFileReview) -> str | None:
        return str(obj.total) if obj.total is not None else None

    @staticmethod
    def resolve_grade_label(obj: CaseFileReview) -> str:
        return obj.get_grade_display() if obj.grade else ""


class CaseFileReviewDetailOut(CaseFileReviewOut):
    findings: str
    checks: list[ReviewCheckOut]
    lines: list[ReviewLineOut]
    manual: dict[str, dict[str, str]] = Field(..., description="人工评分项：code → {points, note}")


class ReviewItemIn(Schema):
    points: str
    note: str = Field("", max_length=500)


class ReviewScoreIn(Schema):
    items: dict[str, ReviewItemIn] = Field(..., description="每个人工评分项：code → {points, note}；扣分须写理由")
    findings: str = Field("", max_length=4000)


class ReviewRectificationIn(Schema):
    text: str = Field(..., max_length=2000)
    notice_type: str = Field("rectification", description="rectification 整改通知书 / supervision_opinion 监督意见书（[V-local]）")


class ReviewResultRowOut(Schema):
    id: int
    name: str
    body_name: str
    count: int
    mean: str | None
    excellent: int
    passed: int
    failed: int


class ReviewResultsOut(Schema):
    by_body: list[ReviewResultRowOut]
    by_officer: list[ReviewResultRowOut]


def _row(r: Any) -> dict[str, Any]:
    return {"id": r.key, "name": r.name, "body_name": r.body_name, "count": r.count,
            "mean": str(r.mean) if r.mean is not None else None, "excellent": r.excellent, "passed": r.passed,
            "failed": r.failed}


@router.get("/campaigns", response=list[ReviewCampaignOut], summary="评查活动列表")
@paginate(PagePagination)
def list_review_campaigns(request: HttpRequest, state: str = "", q: str = ""):  # type: ignore[no-untyped-def]
    return selectors.campaigns_visible_to(actor_of(request), state=state, q=q).prefetch_related("bodies")


@router.post("/campaigns", response={201: ReviewCampaignOut}, summary="新建评查活动（草稿）")
def create_review_campaign(request: HttpRequest, payload: ReviewCampaignIn) -> Status[ReviewCampaign]:
    actor = actor_of(request)
    actor.require(services.MANAGE)
    bodies = list(EnforcementBody.objects.visible_to(actor).filter(pk__in=payload.body_ids))
    if len(bodies) != len(set(payload.body_ids)):
        raise ValidationFailed("执法主体不存在或无权访问", field="body_ids")
    campaign = services.create_campaign(actor=actor, title=payload.title, period_start=payload.period_start,
                                        period_end=payload.period_end, bodies=bodies, sample_size=payload.sample_size,
                                        sample_ratio=payload.sample_ratio, notes=payload.notes)
    return Status(201, selectors.campaign_for(actor, campaign.pk))


@router.get("/campaigns/{campaign_id}", response=ReviewCampaignOut, summary="评查活动详情")
def get_review_campaign(request: HttpRequest, campaign_id: int) -> ReviewCampaign:
    return selectors.campaign_for(actor_of(request), campaign_id)


@router.post("/campaigns/{campaign_id}/publish", response=ReviewCampaignOut,
             summary="公布：冻结可抽取案卷名单（仅案号）并承诺随机种子")
def publish_review_campaign(request: HttpRequest, campaign_id: int) -> ReviewCampaign:
    actor = actor_of(request)
    actor.require(services.MANAGE)
    campaign = services.publish_campaign(actor=actor, campaign=selectors.campaign_for(actor, campaign_id))
    return selectors.campaign_for(actor, campaign.pk)


@router.post("/campaigns/{campaign_id}/draw", response=ReviewCampaignOut, summary="执行随机抽取，生成待评查案卷")
def draw_review_campaign(request: HttpRequest, campaign_id: int) -> ReviewCampaign:
    actor = actor_of(request)
    actor.require(services.MANAGE)
    campaign = services.draw_campaign(actor=actor, campaign=selectors.campaign_for(actor, campaign_id))
    return selectors.campaign_for(actor, campaign.pk)


@router.get("/files", response=list[CaseFileReviewOut], summary="评查案卷列表")
@paginate(PagePagination)
def list_case_file_reviews(request: HttpRequest, campaign: int | None = None, state: str = "",  # type: ignore[no-untyped-def]
                           grade: str = ""):
    actor = actor_of(request)
    found = selectors.campaign_for(actor, campaign) if campaign is not None else None
    return selectors.reviews_visible_to(actor, campaign=found, state=state, grade=grade)


@router.get("/files/{review_id}", response=CaseFileReviewDetailOut, summary="评查案卷详情（逐项得分与理由）")
def get_case_file_review(request: HttpRequest, review_id: int) -> CaseFileReview:
    return selectors.review_for(actor_of(request), review_id)


@router.post("/files/{review_id}/score", response=CaseFileReviewDetailOut, summary="评分（自动检查 + 人工评分项）")
def score_case_file_review(request: HttpRequest, review_id: int, payload: ReviewScoreIn) -> CaseFileReview:
    actor = actor_of(request)
    actor.require(services.MANAGE)
    review = services.score_review(actor=actor, review=selectors.review_for(actor, review_id),
                                   items={k: v.dict() for k, v in payload.items.items()}, findings=payload.findings)
    return selectors.review_for(actor, review.pk)


@router.post("/files/{review_id}/finish", response=CaseFileReviewDetailOut, summary="完成评查")
def finish_case_file_review(request: HttpRequest, review_id: int) -> CaseFileReview:
    actor = actor_of(request)
    actor.require(services.MANAGE)
    review = services.finish_review(actor=actor, review=selectors.review_for(actor, review_id))
    return selectors.review_for(actor, review.pk)


@router.post("/files/{review_id}/rectification", response=CaseFileReviewDetailOut,
             summary="发出整改通知（执法主体的整改预警）")
def rectify_case_file_review(request: HttpRequest, review_id: int, payload: ReviewRectificationIn) -> CaseFileReview:
    actor = actor_of(request)
    actor.require(services.MANAGE)
    review = services.issue_rectification(actor=actor, review=selectors.review_for(actor, review_id),
                                          text=payload.text, notice_type=payload.notice_type)
    return selectors.review_for(actor, review.pk)


@router.get("/results", response=ReviewResultsOut, summary="评查结果：按执法主体、按执法人员")
def review_results(request: HttpRequest, campaign: int | None = None) -> dict[str, Any]:
    actor = actor_of(request)
    actor.require(services.VIEW)
    found = selectors.campaign_for(actor, campaign) if campaign is not None else None
    reviews = selectors.reviews_visible_to(actor, campaign=found)
    return {"by_body": [_row(r) for r in selectors.results_by_body(reviews)],
            "by_officer": [_row(r) for r in selectors.results_by_officer(reviews)]}

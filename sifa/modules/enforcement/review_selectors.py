"""Reads of 案卷评查: campaigns and reviews in scope, the sampling pool, and results per body and per officer.

Scope: a campaign is visible in its organising org's subtree and to the bodies it covers; a review in the case's
org subtree or the campaign org's subtree (``visible_to``); an out-of-scope object answers 404 like a missing one.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet

from sifa.core.accounts.actor import Actor
from sifa.core.errors import NotFound
from sifa.modules.enforcement.penalty_models import PenaltyCase
from sifa.modules.enforcement.review_models import CaseFileReview, ReviewCampaign, ReviewGrade, ReviewState

POOL_STATES = ("closed", "no_penalty")  # 结案 / 不予行政处罚: the closed cases a campaign samples
REVIEW_PURPOSE = "enforcement.case_file_review"
VIEW = "enforcement.reviews.view"


def campaigns_visible_to(actor: Actor, *, state: str = "", q: str = "") -> QuerySet[ReviewCampaign]:
    actor.require(VIEW)
    qs = ReviewCampaign.objects.visible_to(actor).select_related("org", "draw")
    if state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(title__icontains=q))
    return qs


def campaign_for(actor: Actor, pk: int | str) -> ReviewCampaign:
    found = campaigns_visible_to(actor).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound("评查活动不存在或无权访问")
    return found


def reviews_visible_to(actor: Actor, *, campaign: ReviewCampaign | None = None, state: str = "",
                       grade: str = "") -> QuerySet[CaseFileReview]:
    actor.require(VIEW)
    qs = (CaseFileReview.objects.visible_to(actor)
          .select_related("campaign", "case", "case__case", "body"))
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if state:
        qs = qs.filter(state=state)
    if grade:
        qs = qs.filter(grade=grade)
    return qs


def review_for(actor: Actor, pk: int | str) -> CaseFileReview:
    found = reviews_visible_to(actor).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound("案卷评查不存在或无权访问")
    return found


def reviews_of_case(actor: Actor, case_id: int) -> list[CaseFileReview]:
    return list(reviews_visible_to(actor).filter(case_id=case_id).order_by("-campaign__created_at"))


def pool_cases(campaign: ReviewCampaign) -> QuerySet[PenaltyCase]:
    """The closed cases (结案 or 不予处罚) of the campaign's bodies whose 结案日期 (or, without one, 决定日期) lies in
    the period: the pool the sample is drawn from (AP-39)."""
    start, end = campaign.period_start, campaign.period_end
    in_period = Q(closed_on__range=(start, end)) | Q(closed_on__isnull=True, decided_on__range=(start, end))
    return (PenaltyCase.objects.filter(body__in=campaign.bodies.all(), case__state__in=POOL_STATES)
            .filter(in_period).select_related("case").order_by("case__number"))


def sample_count(campaign: ReviewCampaign, available: int) -> int:
    """How many cases to draw: the fixed size, or the ratio of the pool rounded up (at least one)."""
    if campaign.sample_size:
        return min(campaign.sample_size, available)
    ratio = campaign.sample_ratio or Decimal(0)
    return min(available, max(1, math.ceil(available * ratio / 100))) if available else 0


# --- results ---------------------------------------------------------------------------------------------


@dataclass
class ResultRow:
    key: int
    name: str
    body_name: str = ""
    scores: list[Decimal] = field(default_factory=list)
    grades: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def count(self) -> int:
        return len(self.scores)

    @property
    def mean(self) -> Decimal | None:
        if not self.scores:
            return None
        return (sum(self.scores, Decimal(0)) / len(self.scores)).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def excellent(self) -> int:
        return self.grades.get(ReviewGrade.EXCELLENT, 0)

    @property
    def passed(self) -> int:
        return self.grades.get(ReviewGrade.PASS, 0)

    @property
    def failed(self) -> int:
        return self.grades.get(ReviewGrade.FAIL, 0)


def _scored(reviews: Iterable[CaseFileReview]) -> list[CaseFileReview]:
    return [r for r in reviews if r.state in (ReviewState.SCORED, ReviewState.FINISHED) and r.total is not None]


def results_by_body(reviews: QuerySet[CaseFileReview]) -> list[ResultRow]:
    """Per 执法主体: the scored reviews' count, mean score and grades, best mean first."""
    rows: dict[int, ResultRow] = {}
    for r in _scored(reviews.select_related("body")):
        row = rows.setdefault(r.body_id, ResultRow(r.body_id, r.body.name))
        assert r.total is not None
        row.scores.append(r.total)
        row.grades[r.grade] += 1
    return sorted(rows.values(), key=lambda x: (-(x.mean or 0), x.name))


def results_by_officer(reviews: QuerySet[CaseFileReview]) -> list[ResultRow]:
    """Per 执法人员: the mean of the reviews of the cases they handled (the case's officers)."""
    rows: dict[int, ResultRow] = {}
    for r in _scored(reviews.select_related("body").prefetch_related("case__officers__person")):
        assert r.total is not None
        for officer in r.case.officers.all():
            row = rows.setdefault(officer.pk, ResultRow(officer.pk, f"{officer.person.name}（{officer.certificate_number}）",
                                                        r.body.name))
            row.scores.append(r.total)
            row.grades[r.grade] += 1
    return sorted(rows.values(), key=lambda x: (-(x.mean or 0), x.name))


def progress(campaign: ReviewCampaign) -> dict[str, int]:
    counts = {s: 0 for s in ReviewState.values}
    for state in campaign.reviews.values_list("state", flat=True):
        counts[state] += 1
    counts["total"] = sum(counts.values())
    return counts

"""Pages of 案卷评查: campaigns (list, create, detail with the verifiable sample, progress and results; publish,
draw), a review (lines with reasons, the reviewer's form, finish, rectification), results per body and per
officer with an Excel export, and the case-page panel. Thin: parse a form, call one service or selector, render."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sifa.core.errors import SifaError, ValidationFailed
from sifa.core.ui.decorators import require_perm
from sifa.core.ui.pagination import paginate
from sifa.modules.enforcement import review_selectors as selectors
from sifa.modules.enforcement import review_services as services
from sifa.modules.enforcement.models import EnforcementBody
from sifa.modules.enforcement.review_models import CampaignState, ReviewGrade, ReviewNoticeType, ReviewState

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MANAGE, VIEW = services.MANAGE, services.VIEW


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def _date(value: str, label: str, field: str) -> datetime.date | None:
    if not (value or "").strip():
        return None
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValidationFailed(f"「{label}」应为日期（YYYY-MM-DD）", field=field) from exc


@login_required
@require_perm(VIEW)
def review_campaign_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.campaigns_visible_to(_actor(request), state=request.GET.get("state", ""),
                                        q=request.GET.get("q", ""))
    page, querystring = paginate(request, qs)
    return render(request, "enforcement/review/campaign_list.html", {
        "page": page, "querystring": querystring, "params": request.GET, "states": CampaignState.choices,
        "can_manage": _actor(request).has_perm(MANAGE)})


@login_required
@require_perm(MANAGE)
def review_campaign_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    bodies = list(EnforcementBody.objects.visible_to(actor).filter(active=True).order_by("name"))
    error, values = "", request.POST
    if request.method == "POST":
        try:
            chosen = [b for b in bodies if str(b.pk) in request.POST.getlist("bodies")]
            size = request.POST.get("sample_size", "").strip()
            campaign = services.create_campaign(
                actor=actor, title=request.POST.get("title", ""), bodies=chosen,
                period_start=_date(request.POST.get("period_start", ""), "办结日期起", "period_start"),  # type: ignore[arg-type]
                period_end=_date(request.POST.get("period_end", ""), "办结日期止", "period_end"),  # type: ignore[arg-type]
                sample_size=int(size) if size.isdigit() else None,
                sample_ratio=request.POST.get("sample_ratio", "").strip() or None,
                notes=request.POST.get("notes", ""))
        except SifaError as exc:
            error = str(exc)
        else:
            messages.success(request, f"已新建评查活动 {campaign.number}，请核对案卷名单后公布")
            return redirect("enforcement:review_campaign_detail", pk=campaign.pk)
    return render(request, "enforcement/review/campaign_form.html", {"bodies": bodies, "error": error,
                                                                      "values": values},
                  status=400 if error else 200)


@login_required
@require_perm(VIEW)
def review_campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    campaign = selectors.campaign_for(actor, pk)
    reviews = selectors.reviews_visible_to(actor, campaign=campaign)
    pool = list(selectors.pool_cases(campaign)) if campaign.state == CampaignState.DRAFT else []
    return render(request, "enforcement/review/campaign_detail.html", {
        "campaign": campaign, "reviews": reviews, "progress": selectors.progress(campaign),
        "pool": pool, "pick": selectors.sample_count(campaign, len(pool)) if pool else 0,
        "by_body": selectors.results_by_body(reviews), "by_officer": selectors.results_by_officer(reviews),
        "can_manage": actor.has_perm(MANAGE) and services._manages(actor, campaign)})


def _campaign_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = _actor(request)
    campaign = selectors.campaign_for(actor, pk)
    try:
        if action == "publish":
            services.publish_campaign(actor=actor, campaign=campaign)
            messages.success(request, "已公布：案卷名单已冻结，随机种子承诺值已写入存证账本")
        else:
            campaign = services.draw_campaign(actor=actor, campaign=campaign)
            messages.success(request, f"已抽取 {campaign.reviews.count()} 件案卷")
    except SifaError as exc:
        messages.error(request, str(exc))
    return redirect("enforcement:review_campaign_detail", pk=pk)


@login_required
@require_perm(MANAGE)
@require_POST
def review_campaign_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _campaign_action(request, pk, "publish")


@login_required
@require_perm(MANAGE)
@require_POST
def review_campaign_draw(request: HttpRequest, pk: int) -> HttpResponse:
    return _campaign_action(request, pk, "draw")


@login_required
@require_perm(VIEW)
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    review = selectors.review_for(actor, pk)
    return _render_review(request, review)


def _render_review(request: HttpRequest, review: Any, *, error: str = "", status: int = 200) -> HttpResponse:
    actor = _actor(request)
    items = []
    for ind in services.manual_items(review.campaign):
        given = review.manual.get(ind.code, {})
        posted = request.POST if request.method == "POST" else {}
        items.append({"code": ind.code, "label": ind.label, "max": ind.base, "note_text": ind.note,
                      "points": posted.get(f"points_{ind.code}", given.get("points", ind.base)),
                      "note": posted.get(f"note_{ind.code}", given.get("note", ""))})
    can_manage = actor.has_perm(MANAGE) and services._manages(actor, review.campaign)
    return render(request, "enforcement/review/review_detail.html", {
        "review": review, "items": items, "error": error, "can_manage": can_manage,
        "editable": can_manage and review.state != ReviewState.FINISHED
        and review.campaign.state in (CampaignState.SAMPLED, CampaignState.REVIEWING),
        "suggest_rectification": review.grade == ReviewGrade.FAIL and not review.notice_alert_id,
        "notice_types": ReviewNoticeType.choices}, status=status)


@login_required
@require_perm(MANAGE)
@require_POST
def review_score(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    review = selectors.review_for(actor, pk)
    items = {i.code: {"points": request.POST.get(f"points_{i.code}", ""), "note": request.POST.get(f"note_{i.code}", "")}
             for i in services.manual_items(review.campaign)}
    try:
        review = services.score_review(actor=actor, review=review, items=items,
                                       findings=request.POST.get("findings", ""))
    except SifaError as exc:
        return _render_review(request, review, error=str(exc), status=400)
    messages.success(request, f"已评分：{review.total} 分，{review.get_grade_display()}")
    return redirect("enforcement:review_detail", pk=pk)


@login_required
@require_perm(MANAGE)
@require_POST
def review_finish(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    review = selectors.review_for(actor, pk)
    try:
        services.finish_review(actor=actor, review=review)
        messages.success(request, "案卷评查已完成")
    except SifaError as exc:
        messages.error(request, str(exc))
    return redirect("enforcement:review_detail", pk=pk)


@login_required
@require_perm(MANAGE)
@require_POST
def review_rectify(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    review = selectors.review_for(actor, pk)
    try:
        services.issue_rectification(actor=actor, review=review, text=request.POST.get("text", ""),
                                     notice_type=request.POST.get("notice_type", ReviewNoticeType.RECTIFICATION))
        messages.success(request, "已发出整改通知，执法主体将在预警中签收、处置，整改后由司法局核查")
    except SifaError as exc:
        messages.error(request, str(exc))
    return redirect("enforcement:review_detail", pk=pk)


def _results_scope(request: HttpRequest) -> tuple[Any, Any]:
    actor = _actor(request)
    campaign = selectors.campaign_for(actor, request.GET["campaign"]) if request.GET.get("campaign") else None
    return campaign, selectors.reviews_visible_to(actor, campaign=campaign)


@login_required
@require_perm(VIEW)
def review_results(request: HttpRequest) -> HttpResponse:
    campaign, reviews = _results_scope(request)
    return render(request, "enforcement/review/results.html", {
        "campaign": campaign, "by_body": selectors.results_by_body(reviews),
        "by_officer": selectors.results_by_officer(reviews), "params": request.GET})


@login_required
@require_perm(VIEW)
def review_results_export(request: HttpRequest) -> HttpResponse:
    campaign, reviews = _results_scope(request)
    label = f"{campaign.number} {campaign.title}" if campaign else "全部评查活动"
    rows = list(reviews.prefetch_related("case__officers__person"))
    content = services.results_workbook(label, selectors.results_by_body(reviews),
                                        selectors.results_by_officer(reviews), rows)
    services.export_results(actor=_actor(request), description=f"案卷评查结果：{label}", row_count=len(rows))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''review-results.xlsx"
    return response


def panel_context(request: HttpRequest, case: Any) -> dict[str, Any]:
    """The case panel (registry.case_panels): the reviews of a 行政处罚 case in the viewer's scope."""
    if getattr(case, "case_type", "") != "penalty":
        return {}
    reviews = selectors.reviews_of_case(_actor(request), case.pk)
    return {"reviews": reviews, "shown": True} if reviews else {}


def total_label(value: Decimal | None) -> str:
    return "" if value is None else f"{value:g}"

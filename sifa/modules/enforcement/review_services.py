"""Writes of 案卷评查 (AP-39, 《行政处罚法》第七十五条第一款): campaigns, their sample on the core draw engine,
scoring on the core scoring engine, and rectification notices on the core alert loop.

One public service = one durable transaction = one audit event. Permission ``enforcement.reviews.manage``;
every object is re-read through ``visible_to(actor)`` (out of scope answers like missing). The draw is committed
in ``publish_campaign`` and performed in ``draw_campaign``, a later transaction (docs/engines/draws.md: a ledger
entry must come in between).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from openpyxl import Workbook

from sifa.core.accounts.actor import Actor
from sifa.core.alerts.choices import AlertLevel
from sifa.core.alerts.models import Alert
from sifa.core.alerts.rules import AlertCondition, AlertRule
from sifa.core.alerts.services import open_alert_in_transaction
from sifa.core.audit.recorder import record
from sifa.core.draws.models import DrawState, RandomDraw
from sifa.core.draws.selectors import draw_ids
from sifa.core.draws.services import commit_draw_in, perform_draw_in
from sifa.core.errors import Conflict, NotFound, ValidationFailed
from sifa.core.orgs.models import Org
from sifa.core.scoring import engine
from sifa.core.scoring.engine import PointAdjustment, SchemeInvalid, fmt
from sifa.core.services import service
from sifa.modules.enforcement import review_checks as checks
from sifa.modules.enforcement.models import EnforcementBody
from sifa.modules.enforcement.penalty_models import PenaltyCase
from sifa.modules.enforcement.review_models import (
    CampaignState,
    CaseFileReview,
    ReviewCampaign,
    ReviewGrade,
    ReviewNoticeType,
    ReviewState,
)
from sifa.modules.enforcement.review_selectors import REVIEW_PURPOSE, pool_cases, sample_count

MANAGE = "enforcement.reviews.manage"
VIEW = "enforcement.reviews.view"
NUMBER_PREFIX = "PC"
MAX_SAMPLE = 1000

AUDIT_ACTIONS: list[tuple[str, str, bool]] = [
    ("enforcement.review_campaign.created", "新建案卷评查活动", False),
    ("enforcement.review_campaign.published", "公布案卷评查抽取（案卷名单与种子承诺）", False),
    ("enforcement.review_campaign.drawn", "随机抽取评查案卷", False),
    ("enforcement.case_file_review.scored", "案卷评查评分", False),
    ("enforcement.case_file_review.finished", "完成案卷评查", False),
    ("enforcement.case_file_review.rectification_issued", "发出案卷评查整改通知", False),
    ("enforcement.review_results.exported", "导出案卷评查结果", False),
]

RECTIFICATION = AlertRule(
    code="enforcement.rectification", label="案卷评查整改", level=AlertLevel.ORANGE,
    description="案卷评查发现问题（不合格案卷等），组织评查的司法局向执法主体发出整改通知，执法主体整改后报核查",
    legal_basis="AP-39、AP-40：《行政处罚法》第七十五条（评议、考核，发现错误主动改正）、第七十六条",
    evaluate=None, sign_hours=48, handle_hours=24 * 30, permission=VIEW)

SUPERVISION_OPINION_BASIS = "AP-41 [V-local]：《山东省行政执法监督条例》第二十八条（收到监督意见书之日起三十日内自行纠正）"


# --- helpers -----------------------------------------------------------------------------------------------


def _today() -> datetime.date:
    return timezone.localdate()


def _next_number(year: int) -> str:
    prefix = f"{NUMBER_PREFIX}-{year}-"
    taken = set(ReviewCampaign.objects.filter(number__startswith=prefix).values_list("number", flat=True))
    taken |= set(RandomDraw.objects.filter(number__startswith=prefix).values_list("number", flat=True))
    n = len(taken) + 1
    while f"{prefix}{n:04d}" in taken:
        n += 1
    return f"{prefix}{n:04d}"


def rubric_snapshot(data: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The rubric a campaign keeps: the scheme validated by the scoring engine (its registered sources), the tree
    as stored data, and the grade thresholds."""
    from sifa.core.scoring.services import known_sources

    raw = dict(data or checks.default_rubric())
    try:
        spec = engine.parse_scheme(raw.get("scheme", {}), sources=known_sources())
    except SchemeInvalid as exc:
        summary = "；".join(f"{where}：{message}" for where, message in exc.errors[:5])
        raise ValidationFailed(f"评查标准有误：{summary}", field="rubric") from exc
    grades = raw.get("grades") or {}
    try:
        excellent, passing = Decimal(str(grades["excellent"])), Decimal(str(grades["pass"]))
    except (KeyError, InvalidOperation) as exc:
        raise ValidationFailed("评查标准须给出等次分数线 grades.excellent 与 grades.pass", field="rubric") from exc
    if not 0 < passing <= excellent <= spec.tree.total:
        raise ValidationFailed("等次分数线须满足 0 < 合格线 ≤ 优秀线 ≤ 总分", field="rubric")
    return {"code": spec.code, "name": spec.name, "valid_from": spec.valid_from.isoformat(),
            "total": str(spec.tree.total), "indicators": spec.tree.to_data(),
            "grades": {"excellent": str(excellent), "pass": str(passing)}}


def tree_of(campaign: ReviewCampaign) -> engine.SchemeTree:
    return engine.parse_indicators(campaign.rubric["indicators"], Decimal(campaign.rubric["total"]))


def grade_for(total: Decimal, rubric: Mapping[str, Any]) -> str:
    """优秀 / 合格 / 不合格 by the rubric's thresholds (优秀 ≥ excellent, 合格 ≥ pass)."""
    if total >= Decimal(rubric["grades"]["excellent"]):
        return ReviewGrade.EXCELLENT
    if total >= Decimal(rubric["grades"]["pass"]):
        return ReviewGrade.PASS
    return ReviewGrade.FAIL


def manual_items(campaign: ReviewCampaign) -> list[engine.Indicator]:
    """The rubric's leaves scored by the reviewer (no source), in tree order."""
    return [n.indicator for n in tree_of(campaign).walk() if n.indicator.is_manual]


def _line_data(line: engine.Line) -> dict[str, Any]:
    most = engine.max_points(line.indicator)
    return {"code": line.code, "label": line.indicator.label, "depth": line.depth, "parent": line.parent_code,
            "points": str(line.points), "max": str(most) if most is not None else "",
            "manual": line.indicator.is_manual, "deduction": line.indicator.deduction, "note": line.indicator.note,
            "notes": list(line.notes),
            "facts": [{"label": f.fact.ref.label, "points": str(f.points)} for f in line.facts],
            "adjustments": [{"points": str(a.points), "reason": a.reason, "by": a.made_by} for a in line.adjustments]}


def compute_review(campaign: ReviewCampaign, detail: PenaltyCase, manual: Mapping[str, Mapping[str, str]],
                   reviewer: str = "") -> tuple[engine.Result, list[checks.CheckResult]]:
    """The engine's result for one case: automatic checks as defect facts, the reviewer's items as adjustments
    (points − base, with the note as the reason)."""
    results = checks.run_checks(detail)
    tree = tree_of(campaign)
    adjustments = []
    for ind in (n.indicator for n in tree.walk() if n.indicator.is_manual):
        given = manual.get(ind.code)
        if given is None:
            continue
        delta = Decimal(given["points"]) - ind.base
        if delta:
            adjustments.append(PointAdjustment(ind.code, delta, given.get("note", ""), reviewer))
    return engine.compute(tree, checks.facts_of(detail, results), adjustments), results


def _locked_campaign(actor: Actor, campaign: ReviewCampaign) -> ReviewCampaign:
    found = ReviewCampaign.objects.visible_to(actor).filter(pk=campaign.pk).first()
    if found is None or not _manages(actor, found):
        raise NotFound("评查活动不存在或无权访问")
    locked = ReviewCampaign.objects.select_for_update().get(pk=found.pk)
    return ReviewCampaign.objects.select_related("org", "draw").get(pk=locked.pk)


def _manages(actor: Actor, campaign: ReviewCampaign) -> bool:
    """Only the organising org's subtree runs a campaign (a reviewed body sees it but does not run it)."""
    return actor.is_system or any(campaign.org.path.startswith(p) for p in actor.scope_paths)


def _locked_review(actor: Actor, review: CaseFileReview) -> CaseFileReview:
    found = CaseFileReview.objects.visible_to(actor).select_related("campaign__org").filter(pk=review.pk).first()
    if found is None or not _manages(actor, found.campaign):
        raise NotFound("案卷评查不存在或无权访问")
    CaseFileReview.objects.select_for_update().filter(pk=found.pk).first()
    return (CaseFileReview.objects.select_related("campaign", "campaign__org", "case", "case__case", "case__body",
                                                  "case__power_item", "body", "body__org")
            .prefetch_related("case__officers__person").get(pk=found.pk))


# --- campaigns ---------------------------------------------------------------------------------------------


@service("enforcement.review_campaign.created")
def create_campaign(*, actor: Actor, title: str, period_start: datetime.date, period_end: datetime.date,
                    bodies: Sequence[EnforcementBody], sample_size: int | None = None,
                    sample_ratio: Decimal | str | float | None = None, org: Org | None = None,
                    notes: str = "", rubric: Mapping[str, Any] | None = None) -> ReviewCampaign:
    """A draft 评查活动 (AP-39) of ``org`` (default the actor's org) over the closed cases of ``bodies`` (in the
    org's subtree) within the period; a fixed sample size or a percentage of the pool. The rubric (default
    data/review_rubric.json) is validated by the scoring engine and copied into the campaign."""
    actor.require(MANAGE)
    org = org or actor.org
    if org is None or not (actor.is_system or any(org.path.startswith(p) for p in actor.scope_paths)):
        raise ValidationFailed("组织机构不存在或不在管辖范围内", field="org")
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("评查活动名称不能为空", field="title")
    if len(title) > 200:
        raise ValidationFailed("评查活动名称不能超过 200 个字符", field="title")
    if period_start is None:
        raise ValidationFailed("请填写办结日期起", field="period_start")
    if period_end is None or period_end < period_start:
        raise ValidationFailed("办结日期止不能早于办结日期起", field="period_end")
    if period_start > _today():
        raise ValidationFailed("办结日期起不能晚于今天", field="period_start")
    chosen = list({b.pk: b for b in bodies}.values())
    if not chosen:
        raise ValidationFailed("请选择至少一个被评查的执法主体", field="bodies")
    visible = set(EnforcementBody.objects.visible_to(actor).filter(org__path__startswith=org.path)
                  .values_list("pk", flat=True))
    for body in chosen:
        if body.pk not in visible:
            raise ValidationFailed(f"执法主体「{body.name}」不在组织机构的管辖范围内", field="bodies")
    ratio: Decimal | None = None
    if sample_size is not None:
        if not isinstance(sample_size, int) or not 1 <= sample_size <= MAX_SAMPLE:
            raise ValidationFailed(f"抽取案卷数须为 1 至 {MAX_SAMPLE} 的整数", field="sample_size")
    elif sample_ratio not in (None, ""):
        try:
            ratio = Decimal(str(sample_ratio)).quantize(Decimal("0.01"))
        except InvalidOperation as exc:
            raise ValidationFailed("抽取比例须为 0 至 100 的数", field="sample_ratio") from exc
        if not 0 < ratio <= 100:
            raise ValidationFailed("抽取比例须大于 0、不超过 100", field="sample_ratio")
    else:
        raise ValidationFailed("请填写抽取案卷数或抽取比例", field="sample_size")
    snapshot = rubric_snapshot(rubric)
    campaign = ReviewCampaign.objects.create(
        number=_next_number(_today().year), org=org, title=title, period_start=period_start, period_end=period_end,
        sample_size=sample_size, sample_ratio=ratio, rubric=snapshot, rubric_name=snapshot["name"][:200],
        notes=(notes or "").strip(), created_by_name=actor.name[:150])
    campaign.bodies.set(chosen)
    record(actor=actor, action="enforcement.review_campaign.created", obj=campaign, org_override=org,
           changes={"number": campaign.number, "bodies": [b.pk for b in chosen], "rubric": snapshot["code"],
                    "rubric_valid_from": snapshot["valid_from"]})
    return campaign


def publish_campaign_in(actor: Actor, campaign: ReviewCampaign) -> tuple[ReviewCampaign, dict[str, Any]]:
    """Publish without an audit event of its own (for ``publish_campaign`` and the demo)."""
    if campaign.state != CampaignState.DRAFT:
        raise Conflict(f"评查活动「{campaign.number}」{campaign.get_state_display()}，只有草稿可以公布")
    pool = list(pool_cases(campaign))
    if not pool:
        raise ValidationFailed("评查期间内被评查执法主体没有已办结的行政处罚案件，无法抽取", field="pool")
    pick = sample_count(campaign, len(pool))
    draw = commit_draw_in(actor, purpose=REVIEW_PURPOSE, title=campaign.title, org=campaign.org,
                          number=campaign.number,
                          pools={"cases": [{"id": str(d.case_id), "label": d.case.number} for d in pool]},
                          steps=[{"pool": "cases", "pick": pick, "as": "cases"}], exclusions={})
    campaign.draw = draw
    campaign.state = CampaignState.PUBLISHED
    campaign.published_at = timezone.now()
    campaign.save(update_fields=["draw", "state", "published_at"])
    return campaign, {"pool": len(pool), "to_draw": pick, "pools_hash": draw.pools_hash,
                      "commitment": draw.commitment}


@service("enforcement.review_campaign.published")
def publish_campaign(*, actor: Actor, campaign: ReviewCampaign) -> ReviewCampaign:
    """Publish: freeze the pool of closed cases (labels: case numbers only) and commit the draw's seed (ledgered).
    The draw number is the campaign number, so ``sifa verify-draw <number>`` verifies the sample."""
    actor.require(MANAGE)
    campaign, facts = publish_campaign_in(actor, _locked_campaign(actor, campaign))
    record(actor=actor, action="enforcement.review_campaign.published", obj=campaign, org_override=campaign.org,
           changes=facts)
    return campaign


def draw_campaign_in(actor: Actor, campaign: ReviewCampaign) -> tuple[ReviewCampaign, dict[str, Any]]:
    """Draw without an audit event of its own (for ``draw_campaign`` and the demo)."""
    if campaign.state != CampaignState.PUBLISHED or campaign.draw is None:
        raise Conflict(f"评查活动「{campaign.number}」{campaign.get_state_display()}，只有已公布的活动可以抽取")
    draw = campaign.draw if campaign.draw.state == DrawState.DRAWN else perform_draw_in(actor, campaign.draw)
    details = {d.case_id: d for d in PenaltyCase.objects.filter(case_id__in=[int(i) for i in draw_ids(draw, "cases")])}
    order = 0
    for case_id in draw_ids(draw, "cases"):
        detail = details[int(case_id)]
        order += 1
        CaseFileReview.objects.create(campaign=campaign, case=detail, body_id=detail.body_id, order=order)
    campaign.draw = draw
    campaign.state = CampaignState.SAMPLED
    campaign.drawn_at = timezone.now()
    campaign.save(update_fields=["state", "drawn_at"])
    return campaign, {"reviews": order, "tree_size": draw.tree_size, "root_hash": draw.root_hash}


@service("enforcement.review_campaign.drawn")
def draw_campaign(*, actor: Actor, campaign: ReviewCampaign) -> ReviewCampaign:
    """Perform the committed draw (seed revealed, mixed with a later ledger root) and create one
    ``CaseFileReview`` per drawn case, in drawn order."""
    actor.require(MANAGE)
    campaign, facts = draw_campaign_in(actor, _locked_campaign(actor, campaign))
    record(actor=actor, action="enforcement.review_campaign.drawn", obj=campaign, org_override=campaign.org,
           changes=facts)
    return campaign


# --- reviews -----------------------------------------------------------------------------------------------


def _manual_input(campaign: ReviewCampaign, items: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """Check the reviewer's items: every manual item scored between 0 and its points; a deduction needs a note."""
    known = {i.code: i for i in manual_items(campaign)}
    unknown = sorted(set(items) - set(known))
    if unknown:
        raise ValidationFailed(f"评查标准中没有人工评分项 {'、'.join(unknown)}", field=f"items.{unknown[0]}")
    result: dict[str, dict[str, str]] = {}
    for code, ind in known.items():
        raw = items.get(code)
        if raw is None:
            raise ValidationFailed(f"请为「{code} {ind.label}」评分", field=f"items.{code}")
        value, note = (raw.get("points"), raw.get("note", "")) if isinstance(raw, Mapping) else (raw, "")
        most = engine.max_points(ind) or ind.base
        try:
            points = Decimal(str(value).strip())
        except (InvalidOperation, ValueError) as exc:
            raise ValidationFailed(f"「{code} {ind.label}」的得分须为数字", field=f"items.{code}") from exc
        if not 0 <= points <= most or points != points.quantize(Decimal("0.01")):
            raise ValidationFailed(f"「{code} {ind.label}」的得分须在 0 至 {fmt(most)} 分之间（最多两位小数）",
                                   field=f"items.{code}")
        note = str(note or "").strip()
        if points < most and not note:
            raise ValidationFailed(f"「{code} {ind.label}」扣 {fmt(most - points)} 分，须写明扣分理由",
                                   field=f"items.{code}")
        if len(note) > 500:
            raise ValidationFailed(f"「{code} {ind.label}」的扣分理由不能超过 500 个字符", field=f"items.{code}")
        result[code] = {"points": str(points), "note": note}
    return result


@service("enforcement.case_file_review.scored")
def score_review(*, actor: Actor, review: CaseFileReview, items: Mapping[str, Any],
                 findings: str = "") -> CaseFileReview:
    """Score a drawn case file on the campaign's rubric: the automatic checks (AP-12, AP-14, AP-22 … AP-28; each
    lost point names its reason) plus the reviewer's items (``items``: code → {points, note}; a deduction needs a
    note). Gives the total and the grade by the rubric's thresholds; may be repeated until finished."""
    actor.require(MANAGE)
    review = _locked_review(actor, review)
    campaign = review.campaign
    if review.state == ReviewState.FINISHED:
        raise Conflict("该案卷评查已完成，不能再评分")
    if campaign.state not in (CampaignState.SAMPLED, CampaignState.REVIEWING):
        raise Conflict(f"评查活动「{campaign.number}」{campaign.get_state_display()}，不能评分")
    manual = _manual_input(campaign, items)
    findings = (findings or "").strip()
    if len(findings) > 4000:
        raise ValidationFailed("评查意见不能超过 4000 个字符", field="findings")
    result, results = compute_review(campaign, review.case, manual, actor.name[:64])
    review.manual, review.findings = manual, findings
    review.lines = [_line_data(line) for line in result.lines]
    review.checks = [r.to_data() for r in results]
    review.total = result.total
    review.grade = grade_for(result.total, campaign.rubric)
    review.state = ReviewState.SCORED
    review.reviewer_name, review.scored_at = actor.name[:150], timezone.now()
    review.save()
    if campaign.state == CampaignState.SAMPLED:
        ReviewCampaign.objects.filter(pk=campaign.pk).update(state=CampaignState.REVIEWING)
    record(actor=actor, action="enforcement.case_file_review.scored", obj=review, org_override=campaign.org,
           changes={"total": str(result.total), "grade": review.grade,
                    "failed_checks": [r.code for r in results if r.result == checks.FAIL]})
    return review


@service("enforcement.case_file_review.finished")
def finish_review(*, actor: Actor, review: CaseFileReview) -> CaseFileReview:
    """Close a scored review; when every review of the campaign is finished the campaign is finished."""
    actor.require(MANAGE)
    review = _locked_review(actor, review)
    if review.state != ReviewState.SCORED:
        raise Conflict(f"案卷评查{review.get_state_display()}，只有已评分的可以完成")
    review.state, review.finished_at = ReviewState.FINISHED, timezone.now()
    review.save(update_fields=["state", "finished_at"])
    campaign = review.campaign
    done = not campaign.reviews.exclude(state=ReviewState.FINISHED).exists()
    if done:
        ReviewCampaign.objects.filter(pk=campaign.pk).update(state=CampaignState.FINISHED, finished_at=timezone.now())
    record(actor=actor, action="enforcement.case_file_review.finished", obj=review, org_override=campaign.org,
           changes={"total": str(review.total), "grade": review.grade, "campaign_finished": done})
    return review


@service("enforcement.case_file_review.rectification_issued")
def issue_rectification(*, actor: Actor, review: CaseFileReview, text: str,
                        notice_type: str = ReviewNoticeType.RECTIFICATION) -> CaseFileReview:
    """整改通知 (AP-40: the superior orders correction): opens the alert ``enforcement.rectification`` for the body's
    org on the core alert loop (签收 → 处置 → 核查 → 办结), once per review while it is open. ``notice_type``
    ``supervision_opinion`` is the 山东 监督意见书 (AP-41 [V-local], 《山东省行政执法监督条例》第二十八条: 三十日内纠正).
    Suggested for 不合格 reviews; allowed for any scored review."""
    actor.require(MANAGE)
    review = _locked_review(actor, review)
    if review.state == ReviewState.PENDING:
        raise Conflict("案卷尚未评分，不能发出整改通知")
    if notice_type not in ReviewNoticeType.values:
        raise ValidationFailed("整改文书须为整改通知书或行政执法监督意见书", field="notice_type")
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("请填写整改要求", field="text")
    if len(text) > 2000:
        raise ValidationFailed("整改要求不能超过 2000 个字符", field="text")
    if review.notice_alert_id and Alert.objects.filter(pk=review.notice_alert_id).exclude(state="closed").exists():
        raise Conflict("该案卷已发出整改通知，整改预警尚未办结")
    label = ReviewNoticeType(notice_type).label
    basis = SUPERVISION_OPINION_BASIS if notice_type == ReviewNoticeType.SUPERVISION_OPINION else ""
    alert = open_alert_in_transaction(rule=RECTIFICATION, actor_name=actor.name, condition=AlertCondition(
        object_type="enforcement.casefilereview", object_id=str(review.pk), org_id=review.body.org_id,
        case_id=review.case.case_id, legal_basis=basis,
        title=f"案卷评查整改：{review.case.case.number}（{review.get_grade_display()}，{fmt(review.total or Decimal(0))} 分）",
        detail=f"{review.campaign.number} {review.campaign.title} · {label}：{text}"))
    if alert is None:
        raise Conflict("该案卷已有未办结的整改预警")
    review.notice_type, review.notice_text = notice_type, text
    review.notice_alert_id, review.notice_issued_at = alert.pk, timezone.now()
    review.save(update_fields=["notice_type", "notice_text", "notice_alert_id", "notice_issued_at"])
    record(actor=actor, action="enforcement.case_file_review.rectification_issued", obj=review,
           org_override=review.campaign.org, changes={"alert": alert.pk, "notice_type": notice_type,
                                                       "grade": review.grade})
    return review


# --- results export ----------------------------------------------------------------------------------------


def results_workbook(campaign_label: str, body_rows: Sequence[Any], officer_rows: Sequence[Any],
                     reviews: Sequence[CaseFileReview]) -> bytes:
    """评查结果: sheets per body, per officer and per case file."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("按执法主体")
    ws.append([campaign_label])
    ws.append(["执法主体", "评查案卷数", "平均分", "优秀", "合格", "不合格"])
    for r in body_rows:
        ws.append([r.name, r.count, float(r.mean) if r.mean is not None else None, r.excellent, r.passed, r.failed])
    ws = wb.create_sheet("按执法人员")
    ws.append(["执法人员（执法证号）", "执法主体", "评查案卷数", "平均分", "优秀", "合格", "不合格"])
    for r in officer_rows:
        ws.append([r.name, r.body_name, r.count, float(r.mean) if r.mean is not None else None, r.excellent,
                   r.passed, r.failed])
    ws = wb.create_sheet("案卷明细")
    ws.append(["评查编号", "案号", "执法主体", "状态", "得分", "等次", "评查人员", "评查意见"])
    for v in reviews:
        ws.append([v.campaign.number, v.case.case.number, v.body.name, v.get_state_display(),
                   float(v.total) if v.total is not None else None, v.get_grade_display() if v.grade else "",
                   v.reviewer_name, v.findings])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@service("enforcement.review_results.exported")
def export_results(*, actor: Actor, description: str, row_count: int) -> None:
    """Record an export of 评查结果 (case numbers, scores, officers' names and 执法证号: no identity numbers)."""
    actor.require(VIEW)
    record(actor=actor, action="enforcement.review_results.exported", object_type="enforcement.casefilereview",
           object_repr=description[:255], changes={"rows": row_count})

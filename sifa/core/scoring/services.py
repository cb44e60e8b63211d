"""Scoring writes: importing a scheme version, computing scores, adjusting a score, exporting a ranking.

Each public service is one durable transaction with one audit event. Computing is split into
private steps (collect facts per source once for all subjects, run the pure engine per subject,
store a new current score and keep the old one as history) shared by ``compute_scores`` and
``adjust_score``; ``sifa.core.scoring.jobs`` runs the same service from a background task.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from sifa.core import registry
from sifa.core.accounts.actor import Actor
from sifa.core.audit.recorder import record
from sifa.core.errors import Conflict, NotFound, ValidationFailed
from sifa.core.orgs.models import Org
from sifa.core.scoring import engine
from sifa.core.scoring.engine import CENT, Fact, PointAdjustment, Result, SchemeInvalid, SchemeTree
from sifa.core.scoring.models import Adjustment, Scheme, SchemeVersion, Score, ScoreLine
from sifa.core.scoring.periods import Period
from sifa.core.scoring.selectors import version_in_force
from sifa.core.scoring.subjects import Subject, subjects_for
from sifa.core.services import service

# --- importing a scheme --------------------------------------------------------------------------


def known_sources() -> dict[str, str]:
    """Registered fact sources: key → subject kind (what ``parse_scheme`` checks indicators against)."""
    return {key: source.subject_kind for key, source in registry.score_sources.items()}


def _invalid(exc: SchemeInvalid) -> ValidationFailed:
    errors = [{"field": where, "message": message} for where, message in exc.errors]
    summary = "；".join(e["message"] for e in errors[:5]) + ("……" if len(errors) > 5 else "")
    return ValidationFailed(f"考核方案有 {len(errors)} 处错误：{summary}", errors=errors)


@service("scoring.scheme.imported")
def import_scheme(*, actor: Actor, data: Mapping[str, Any], owner: Org | None = None,
                  source_name: str = "") -> SchemeVersion:
    """Import one version of a scheme from a scheme file's content (docs/engines/scoring.md).

    A new code creates the scheme, owned by ``owner`` (default: the actor's org); a known code
    adds a version, which must start after the latest one, and closes the latest one on its
    ``valid_from``. Nothing is written when the tree has an error; every error names its
    indicator code.
    """
    actor.require("scoring.manage")
    try:
        spec = engine.parse_scheme(data, sources=known_sources())
    except SchemeInvalid as exc:
        raise _invalid(exc) from exc
    scheme = (Scheme.objects.select_for_update(of=("self",)).filter(code=spec.code).select_related("owner", "base")
              .first())
    if scheme is not None:
        _check_same_scheme(actor, scheme, spec, owner or scheme.owner)
    owner = owner or (scheme.owner if scheme else actor.org)
    if owner is None:
        raise ValidationFailed("请指定方案所属机构", field="owner")
    if not Org.objects.visible_to(actor).filter(pk=owner.pk).exists():
        raise NotFound("所属机构不存在或无权访问")
    if scheme is None:
        scheme = _new_scheme(actor, spec, owner)
    latest = scheme.versions.order_by("-number").first()
    if latest is not None:
        if spec.valid_from <= latest.valid_from:
            raise ValidationFailed(f"生效日期 valid_from 须晚于现行第 {latest.number} 版的生效日期 {latest.valid_from}",
                                   field="valid_from")
        if latest.valid_to is None or latest.valid_to > spec.valid_from:
            latest.valid_to = spec.valid_from
            latest.save(update_fields=["valid_to"])
    if scheme.name != spec.name:
        scheme.name = spec.name
        scheme.save(update_fields=["name"])
    version = SchemeVersion.objects.create(
        scheme=scheme, number=(latest.number + 1) if latest else 1, valid_from=spec.valid_from, valid_to=spec.valid_to,
        total=spec.tree.total, indicators=spec.tree.to_data(), note=spec.note, source_name=source_name[:255],
        imported_by=actor.name[:150])
    record(actor=actor, action="scoring.scheme.imported", obj=version, org_override=scheme.owner,
           changes={"scheme": scheme.code, "version": version.number, "valid_from": str(version.valid_from),
                    "total": str(version.total), "indicators": sum(1 for _ in spec.tree.walk()), "file": source_name,
                    "closed_version": latest.number if latest else None})
    return version


def _new_scheme(actor: Actor, spec: engine.SchemeSpec, owner: Org) -> Scheme:
    base = None
    if spec.base:
        base = Scheme.objects.visible_to(actor).filter(code=spec.base).select_related("owner").first()
        if base is None:
            raise ValidationFailed(f"所依据的方案 {spec.base} 不存在或无权访问", field="base")
        if base.subject_kind != spec.subject_kind:
            raise ValidationFailed(f"方案的考核对象类型须与所依据的方案 {base.code} 相同", field="subject_kind")
        if owner.pk == base.owner_id or not owner.path.startswith(base.owner.path):
            raise ValidationFailed(f"调整方案的所属机构须在方案 {base.code} 所属机构（{base.owner.name}）的下级",
                                   field="owner")
    return Scheme.objects.create(code=spec.code, name=spec.name, subject_kind=spec.subject_kind,
                                 subject_type=spec.subject_type, owner=owner, base=base, note=spec.note)


def _check_same_scheme(actor: Actor, scheme: Scheme, spec: engine.SchemeSpec, owner: Org) -> None:
    if not Scheme.objects.visible_to(actor).filter(pk=scheme.pk, owner__path__startswith=_own_path(actor)).exists():
        raise Conflict(f"方案编码 {spec.code} 已被其他机构使用", field="code")
    if scheme.owner_id != owner.pk:
        raise Conflict(f"方案 {spec.code} 属于{scheme.owner.name}，新版本不能改变所属机构", field="owner")
    fixed = {"subject_kind": scheme.subject_kind, "subject_type": scheme.subject_type,
             "base": scheme.base.code if scheme.base else ""}
    for key, value in fixed.items():
        if getattr(spec, key) != value:
            raise ValidationFailed(f"方案 {spec.code} 的 {key} 为「{value}」，新版本不能改变", field=key)


def _own_path(actor: Actor) -> str:
    """The actor's subtree for writes ("" for a system actor, who may import for any org)."""
    return "" if actor.is_system or actor.org is None else actor.org.path


# --- computing -----------------------------------------------------------------------------------


def _facts(tree: SchemeTree, subjects: Sequence[Subject], period: Period) -> dict[int, list[Fact]]:
    """Collect each source the tree uses once for all subjects, grouped by subject id."""
    ids = [s.id for s in subjects]
    wanted = set(ids)
    by_subject: dict[int, list[Fact]] = defaultdict(list)
    if not ids:
        return by_subject
    for key in sorted(tree.sources()):
        if key not in registry.score_sources:
            raise Conflict(f"事实来源 {key} 未注册（提供它的模块未启用），不能计算得分")
        for fact in registry.score_sources[key].collect(ids, period.start, period.end):
            if fact.source != key:
                raise RuntimeError(f"score source {key} returned a fact of source {fact.source}")
            if fact.subject in wanted:
                by_subject[fact.subject].append(fact)
    return by_subject


def _adjustments(version: SchemeVersion, subject: Subject, period: Period) -> list[PointAdjustment]:
    rows = Adjustment.objects.filter(version=version, subject_kind=subject.kind, subject_id=subject.id,
                                     period_start=period.start, period_end=period.end)
    return [PointAdjustment(a.code, a.points, a.reason, a.made_by) for a in rows]


def _fact_data(counted: engine.CountedFact) -> dict[str, Any]:
    fact = counted.fact
    return {"source": fact.source, "on": fact.on.isoformat(), "units": str(counted.units),
            "points": str(counted.points.quantize(CENT)), "attrs": dict(fact.attrs),
            "ref": {"kind": fact.ref.kind, "id": fact.ref.id, "label": fact.ref.label, "url_name": fact.ref.url_name,
                    "url_args": list(fact.ref.url_args)}}


def _store(actor: Actor, scheme: Scheme, version: SchemeVersion, subject: Subject, period: Period, result: Result,
           now: datetime.datetime) -> tuple[Score, list[ScoreLine]]:
    """Mark the subject's current score for the period as history and add the new current one."""
    Score.objects.filter(scheme=scheme, subject_kind=subject.kind, subject_id=subject.id, period_start=period.start,
                         period_end=period.end, is_current=True).update(is_current=False)
    score = Score.objects.create(
        scheme=scheme, version=version, subject_kind=subject.kind, subject_id=subject.id, subject_label=subject.label,
        org=subject.org, period_kind=period.kind, period_start=period.start, period_end=period.end,
        period_label=period.label, total=result.total, computed_at=now, computed_by=actor.name[:150])
    lines = [ScoreLine(score=score, position=i, code=line.code, label=line.indicator.label[:255],
                       kind=line.indicator.kind, parent_code=line.parent_code, depth=line.depth, units=line.units,
                       raw=line.raw, adjustment=line.adjustment, points=line.points, notes=line.notes,
                       facts=[_fact_data(f) for f in line.facts])
             for i, line in enumerate(result.lines)]
    return score, lines


def _version_for(scheme: Scheme, period: Period) -> SchemeVersion:
    version = version_in_force(scheme, period.start)
    if version is None:
        raise ValidationFailed(f"方案「{scheme.name}」在 {period.start} 没有生效的版本，不能计算{period.label}的得分",
                               field="period")
    return version


def _locked_scheme(actor: Actor, scheme_id: int) -> Scheme:
    """The scheme, locked so computations of one scheme run one at a time (NotFound out of scope)."""
    locked = Scheme.objects.visible_to(actor).select_for_update(of=("self",)).filter(pk=scheme_id).first()
    if locked is None:
        raise NotFound("考核方案不存在或无权访问")
    return locked


@service("scoring.scores.computed")
def compute_scores(*, actor: Actor, scheme: Scheme, period: Period,
                   subjects: Sequence[int] | None = None) -> list[Score]:
    """Compute (or recompute) the scores of ``scheme`` for ``period``, against the version in force at
    the period start, for ``subjects`` (ids) or every subject of the scheme in the actor's subtree.

    Any past period can be recomputed: the previous result of each subject stays as history and
    the new one becomes current. Adjustments made for the period are counted.
    """
    actor.require("scoring.compute")
    locked = _locked_scheme(actor, scheme.pk)
    if period.start > timezone.localdate():
        raise ValidationFailed(f"{period.label}尚未开始，不能计算得分", field="period")
    version = _version_for(locked, period)
    targets = subjects_for(actor, locked, period, subjects)
    facts = _facts(version.tree, targets, period)
    now = timezone.now()
    scores: list[Score] = []
    lines: list[ScoreLine] = []
    for subject in targets:
        result = engine.compute(version.tree, facts.get(subject.id, []), _adjustments(version, subject, period),
                                start=period.start, end=period.end)
        score, score_lines = _store(actor, locked, version, subject, period, result, now)
        scores.append(score)
        lines += score_lines
    ScoreLine.objects.bulk_create(lines, batch_size=1000)
    record(actor=actor, action="scoring.scores.computed", obj=version, org_override=actor.org or locked.owner,
           changes={"scheme": locked.code, "version": version.number, "period": period.key,
                    "period_label": period.label, "subjects": len(scores),
                    "subject_ids": [s.subject_id for s in scores][:200]})
    return scores


def _points(value: Decimal | str | int) -> Decimal:
    try:
        points = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValidationFailed("调整分值应为数字，如 5 或 -2.5", field="points") from exc
    if not points.is_finite() or points != points.quantize(CENT):
        raise ValidationFailed("调整分值应为数字，最多两位小数", field="points")
    if points == 0:
        raise ValidationFailed("调整分值不能为 0", field="points")
    return points


@service("scoring.adjustment.made")
def adjust_score(*, actor: Actor, score: Score, indicator: str, points: Decimal | str | int, reason: str) -> Score:
    """Adjust one indicator of a current score by ``points`` (±), with a required reason; returns the new
    current score (the adjusted one stays as history).

    The adjustment is refused when the indicator's cap (or full marks, or the floor at 0, or a
    bound of a node above it) would swallow any of it, so an accepted adjustment always changes
    the total by exactly its points. It is kept for the subject and period and counted again in
    every later recomputation.
    """
    actor.require("scoring.adjust")
    scheme = _locked_scheme(actor, score.scheme_id)
    locked = (Score.objects.visible_to(actor).select_for_update(of=("self",)).filter(pk=score.pk)
              .select_related("version").first())
    if locked is None:
        raise NotFound("得分记录不存在或无权访问")
    if not locked.is_current:
        raise Conflict("该得分已被重新计算，请在最新结果上调整")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写调整理由", field="reason")
    amount = _points(points)
    version = locked.version
    tree = version.tree
    code = (indicator or "").strip()
    if tree.find(code) is None:
        raise ValidationFailed(f"指标 {code or '（空）'} 不在方案第 {version.number} 版中", field="indicator")
    period = locked.period
    [subject] = subjects_for(actor, scheme, period, [locked.subject_id])
    facts = _facts(tree, [subject], period).get(subject.id, [])
    existing = _adjustments(version, subject, period)
    new = PointAdjustment(code, amount, reason, actor.name)
    problem = engine.check_adjustment(tree, facts, existing, new, start=period.start, end=period.end)
    if problem:
        raise ValidationFailed(problem, field="points")
    now = timezone.now()
    adjustment = Adjustment.objects.create(
        scheme=scheme, version=version, subject_kind=subject.kind, subject_id=subject.id, org=subject.org,
        period_start=period.start, period_end=period.end, code=code, points=amount, reason=reason[:2000],
        made_by=actor.name[:150], made_at=now, score=locked)
    result = engine.compute(tree, facts, [*existing, new], start=period.start, end=period.end)
    new_score, lines = _store(actor, scheme, version, subject, period, result, now)
    ScoreLine.objects.bulk_create(lines)
    record(actor=actor, action="scoring.adjustment.made", obj=adjustment, org_override=subject.org,
           changes={"scheme": scheme.code, "subject": subject.label, "period": period.key, "indicator": code,
                    "points": str(amount), "reason": reason[:200], "total": [str(locked.total), str(new_score.total)],
                    "score": [locked.pk, new_score.pk]})
    return new_score


@service("scoring.ranking.exported")
def export_ranking(*, actor: Actor, scheme: Scheme, period: Period, row_count: int, within: str = "") -> None:
    """Record an export of a ranking (the rows are the actor's scope only). ``within`` names a narrower
    set of rows a module exported (e.g. "富阳区司法局下属司法所")."""
    actor.require("scoring.view")
    changes: dict[str, Any] = {"period": period.key, "period_label": period.label, "rows": row_count}
    if within:
        changes["within"] = within[:200]
    record(actor=actor, action="scoring.ranking.exported", obj=scheme, changes=changes)


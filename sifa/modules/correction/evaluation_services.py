"""Writes of the monthly evaluation: computing a month (through the engine's audited ``compute_scores``)
and the audited Excel export of a month's results."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

from sifa.core.accounts.actor import Actor
from sifa.core.audit.recorder import record
from sifa.core.errors import NotFound, ValidationFailed
from sifa.core.orgs.models import Org
from sifa.core.scoring import periods
from sifa.core.scoring.models import Score
from sifa.core.services import service
from sifa.modules.correction import evaluation_selectors as sel


def compute_month(*, actor: Actor, org: Org, period: periods.Period) -> list[Score]:
    """Compute the month's scores of the correction subjects of ``org``'s subtree (CC-15, CC-36), through
    the engine's service (its own transaction and audit event ``scoring.scores.computed``)."""
    from sifa.core.scoring.services import compute_scores
    from sifa.core.scoring.subjects import subjects_for

    actor.require("scoring.compute")
    scheme = sel.scheme_for_org(org, period)
    if scheme is None:
        raise ValidationFailed(f"{period.label}开始时没有适用于{org.name}的社区矫正对象月度考核方案", field="period")
    ids = [s.id for s in subjects_for(actor, scheme, period) if s.org.path.startswith(org.path)]
    if not ids:
        raise ValidationFailed(f"{org.name}在{period.label}没有在矫的社区矫正对象", field="period")
    return compute_scores(actor=actor, scheme=scheme, period=period, subjects=ids)


HEADERS = ["序号", "案号", "社区矫正对象", "矫正类别", "执行地", "遵守监督管理规定", "教育学习和公益活动", "奖惩情况",
           "负面清单", "总分", "计算时间"]


def workbook(rows: list[sel.MonthRow], *, org: Org, period: periods.Period) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = period.key
    sheet.append([f"{org.name} 社区矫正对象月度考核 {period.label}"])
    sheet.append(HEADERS)
    for n, row in enumerate(rows, 1):
        score = row.score
        parts: list[Any] = [str(row.parts[c]) if c in row.parts else "" for c in ("A", "B", "C", "D")]
        sheet.append([n, row.detail.case.number, row.detail.subject.person.name, row.detail.get_sentence_type_display(),
                      row.detail.case.org.name, *parts, str(score.total) if score else "未计算",
                      score.computed_at.strftime("%Y-%m-%d %H:%M") if score else ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@service("correction.evaluations.exported")
def export_evaluations(*, actor: Actor, org: Org, period: periods.Period) -> bytes:
    """The month's evaluations of ``org``'s subtree as an Excel workbook (personal data: audited)."""
    actor.require("correction.view")
    if not Org.objects.visible_to(actor).filter(pk=org.pk).exists():
        raise NotFound()
    rows = sel.month_rows(actor, org, period)
    content = workbook(rows, org=org, period=period)
    record(actor=actor, action="correction.evaluations.exported", obj=org,
           changes={"period": period.key, "rows": len(rows)})
    return content

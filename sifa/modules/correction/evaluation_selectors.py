"""Reads of the monthly evaluation: the schemes in force, a month's scores of an org's subjects, a
subject's trend, and the cumulative summary (累计考核结果) used as evidence for 减刑 (CC-23, CC-36)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from sifa.core.errors import ValidationFailed
from sifa.core.orgs.models import Org
from sifa.core.scoring import periods
from sifa.core.scoring.models import Scheme, Score
from sifa.core.scoring.selectors import version_in_force
from sifa.modules.correction.evaluation import SCHEME_CODE
from sifa.modules.correction.models import CorrectionCase

if TYPE_CHECKING:
    from sifa.core.accounts.actor import Actor

CENT = Decimal("0.01")


def family() -> list[Scheme]:
    """The default scheme and its adaptations (a county's own version, ``base`` = the default)."""
    return list(Scheme.objects.filter(Q(code=SCHEME_CODE) | Q(base__code=SCHEME_CODE)).select_related("owner"))


def scheme_for_org(org: Org, period: periods.Period) -> Scheme | None:
    """The scheme that scores ``org``'s subjects in ``period``: the deepest one owning an ancestor of the
    org with a version in force at the period start."""
    found = [s for s in family() if org.path.startswith(s.owner.path) and version_in_force(s, period.start)]
    return max(found, key=lambda s: len(s.owner.path)) if found else None


def month(text: str | None) -> periods.Period:
    """A month from ``YYYY-MM`` (default: this month); other period kinds are refused."""
    if not text:
        return periods.containing(periods.MONTH, timezone.localdate())
    period = periods.parse_period(text)
    if period.kind != periods.MONTH:
        raise ValidationFailed("考核期间应为月份，如 2026-11", field="period")
    return period


def cases_in(actor: Actor, org: Org, period: periods.Period) -> list[CorrectionCase]:
    """The correction cases of ``org``'s subtree (in scope) under supervision at some time in the month."""
    rows = (CorrectionCase.objects.visible_to(actor).filter(org_path__startswith=org.path,
                                                            case__opened_at__date__lte=period.end)
            .filter(Q(case__closed_at__isnull=True) | Q(case__closed_at__date__gte=period.start))
            .select_related("case", "subject__person").order_by("org_path", "pk"))
    return list(rows)


@dataclass
class MonthRow:
    detail: CorrectionCase
    score: Score | None
    parts: dict[str, Decimal] = field(default_factory=dict)


def month_rows(actor: Actor, org: Org, period: periods.Period) -> list[MonthRow]:
    """Each subject of the org's subtree with its current score of the month (None: not computed yet)."""
    details = cases_in(actor, org, period)
    scores = {s.subject_id: s for s in Score.objects.visible_to(actor).current().filter(
        scheme__in=family(), subject_kind="case", subject_id__in=[d.pk for d in details],
        period_start=period.start, period_end=period.end).select_related("scheme").order_by("computed_at", "pk")}
    rows = []
    for detail in details:
        score = scores.get(detail.pk)
        parts = {line.code: line.points for line in score.lines.filter(depth=0)} if score else {}
        rows.append(MonthRow(detail, score, parts))
    return rows


def trend(detail: CorrectionCase, months: int = 6, *, actor: Actor | None = None) -> list[tuple[periods.Period, Score | None]]:
    """The subject's current score in each of the last ``months`` months (oldest first)."""
    current = periods.containing(periods.MONTH, timezone.localdate())
    wanted = [current]
    while len(wanted) < months:
        wanted.append(periods.previous(wanted[-1]))
    wanted.reverse()
    schemes = Scheme.objects.filter(Q(code=SCHEME_CODE) | Q(base__code=SCHEME_CODE)).values("pk")  # family(), inline
    rows = Score.objects.current().filter(scheme__in=schemes, subject_kind="case", subject_id=detail.pk,
                                          period_kind=periods.MONTH, period_start__gte=wanted[0].start)
    if actor is not None:
        rows = rows.filter(pk__in=Score.objects.visible_to(actor).values("pk"))
    by_start = {s.period_start: s for s in rows.order_by("computed_at", "pk")}
    return [(p, by_start.get(p.start)) for p in wanted]


@dataclass(frozen=True)
class EvaluationSummary:
    """累计考核结果: the monthly results of the last months, as evidence of 确有悔改表现 or of a serious
    violation (CC-15, CC-36; RULES.md CC-23 减刑 proposals)."""

    months: int
    scored: int
    average: Decimal | None
    lowest: Decimal | None
    highest: Decimal | None
    below_pass: int
    commendations: int
    admonitions: int
    warnings: int
    pass_mark: Decimal
    rows: list[tuple[str, Decimal]]

    @property
    def text(self) -> str:
        if not self.scored:
            return f"近 {self.months} 个月尚无月度考核结果"
        return (f"近 {self.months} 个月考核 {self.scored} 次，平均 {self.average} 分（最低 {self.lowest}、最高 {self.highest}），"
                f"低于 {self.pass_mark} 分 {self.below_pass} 次；其间表扬 {self.commendations} 次、训诫 {self.admonitions} 次、"
                f"警告 {self.warnings} 次")


PASS_MARK = Decimal(60)


def evaluation_summary(detail: CorrectionCase, months: int = 12, *,
                       points: list[tuple[periods.Period, Score | None]] | None = None) -> EvaluationSummary:
    """The cumulative evaluation of a case over the last ``months`` months (RULES.md CC-23, CC-36:
    assessment results feed 减刑 and revocation). Read by the sanctions/lifecycle parts for a proposal;
    the caller has already checked the case is in scope."""
    from sifa.modules.correction.choices import SanctionKind, SanctionStatus
    from sifa.modules.correction.selectors import sanctions_of

    if months < 1:
        raise ValidationFailed("月数应不少于 1", field="months")
    points = points if points is not None and len(points) == months else trend(detail, months)
    scored = [(p.label, s.total) for p, s in points if s is not None]
    totals = [t for _, t in scored]
    start = points[0][0].start
    decided = [s for s in sanctions_of(detail)
               if s.status == SanctionStatus.DECIDED and s.decided_on is not None and s.decided_on >= start]
    counts = {k: sum(1 for s in decided if s.kind == k)
              for k in (SanctionKind.COMMENDATION, SanctionKind.ADMONITION, SanctionKind.WARNING)}
    average = (sum(totals, Decimal(0)) / len(totals)).quantize(CENT, ROUND_HALF_UP) if totals else None
    return EvaluationSummary(
        months=months, scored=len(totals), average=average, lowest=min(totals) if totals else None,
        highest=max(totals) if totals else None, below_pass=sum(1 for t in totals if t < PASS_MARK),
        commendations=counts[SanctionKind.COMMENDATION], admonitions=counts[SanctionKind.ADMONITION],
        warnings=counts[SanctionKind.WARNING], pass_mark=PASS_MARK, rows=scored)

"""Reads of the field-report part (富春微矫正): who may be reported on, reports, suggestions, rules.

Every read starts from ``visible_to(actor)`` (the office sees its own subjects, the county agency its
offices'). Minors' files are left out for roles without ``correction.minor_files`` (CC-35, 《社区矫正法》
第五十四条: a minor's file is not provided except for judicial needs), in the picker, the lists, the
suggestion queue and the subject card alike, so a missing permission reads as "not found".

Reporter scope (the rule chosen for 网格员 and volunteers): a reporter may report on every subject
under correction in their own 司法所's subtree (``visible_to``), not only the subjects whose 矫正小组
lists them. Grid workers are assigned to a 司法所 and often report on a neighbour's subject they meet
on their rounds; the 矫正小组 list is kept up to date less often than the grid.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.errors import NotFound, ValidationFailed
from sifa.core.orgs.scope import org_subtree_q
from sifa.modules.correction.choices import SuggestionStatus
from sifa.modules.correction.models import CorrectionCase, CorrectionSuggestion, FieldReport, KeywordRule

#: Case states in which a subject is supervised and can be reported on (from reception to the end).
REPORTABLE_STATES = ("received", "under_correction", "lost_contact", "revocation_proposed", "recommitment_proposed")
MINOR_PERMISSION = "correction.minor_files"


def sees_minors(actor: Actor) -> bool:
    return actor.has_perm(MINOR_PERMISSION)


def _without_minors(actor: Actor, qs: QuerySet[Any], lookup: str) -> QuerySet[Any]:
    return qs if sees_minors(actor) else qs.exclude(**{lookup: True})


def reportable_cases(actor: Actor, *, q: str = "") -> QuerySet[CorrectionCase]:
    """The supervised subjects the actor may file a report on (the picker of the phone page)."""
    qs: QuerySet[CorrectionCase] = CorrectionCase.objects.visible_to(actor).filter(case__state__in=REPORTABLE_STATES)
    qs = _without_minors(actor, qs, "subject__is_minor")
    q = q.strip()
    if q:
        qs = qs.filter(Q(subject__person__name__contains=q) | Q(case__number__contains=q))
    return qs.select_related("subject__person", "case__org").order_by("subject__person__name", "case_id")


def reportable_case_for(actor: Actor, case_id: Any) -> CorrectionCase:
    try:
        found = reportable_cases(actor).filter(pk=int(case_id)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise NotFound("社区矫正对象不存在、不在本机构辖区或不在矫正期间")
    return found


@dataclass(frozen=True)
class ReportFilters:
    """List filters of reports (page and API alike)."""

    org: int | None = None
    case: int | None = None
    category: str = ""
    reporter: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    @classmethod
    def parse(cls, params: Any) -> ReportFilters:
        """From a query dict; a malformed value is a ValidationFailed naming its field."""

        def number(name: str) -> int | None:
            raw = str(params.get(name) or "").strip()
            if not raw:
                return None
            if not raw.isdigit():
                raise ValidationFailed(f"{name} 应为数字", field=name)
            return int(raw)

        def day(name: str) -> datetime.date | None:
            raw = str(params.get(name) or "").strip()
            if not raw:
                return None
            try:
                return datetime.date.fromisoformat(raw)
            except ValueError as exc:
                raise ValidationFailed("日期应为 YYYY-MM-DD", field=name) from exc

        filters = cls(org=number("org"), case=number("case"), category=str(params.get("category") or "").strip(),
                      reporter=number("reporter"), date_from=day("date_from"), date_to=day("date_to"))
        if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
            raise ValidationFailed("起始日期不能晚于截止日期", field="date_from")
        return filters

    def describe(self) -> str:
        parts = [f"{k}={v}" for k, v in (("org", self.org), ("case", self.case), ("category", self.category),
                                          ("reporter", self.reporter), ("date_from", self.date_from),
                                          ("date_to", self.date_to)) if v]
        return "现场报告 " + ("，".join(parts) if parts else "全部")


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def reports_visible_to(actor: Actor, *, filters: ReportFilters | None = None) -> QuerySet[FieldReport]:
    """Field reports in the actor's scope, newest first, narrowed by ``filters``."""
    qs = _without_minors(actor, FieldReport.objects.visible_to(actor), "correction_case__subject__is_minor")
    f = filters or ReportFilters()
    if f.org:
        qs = qs.filter(org_subtree_q(f.org, path_lookup="correction_case__org_path"))
    if f.case:
        qs = qs.filter(correction_case_id=f.case)
    if f.category:
        qs = qs.filter(pk__in=CorrectionSuggestion.objects.filter(category=f.category).values("field_report_id"))
    if f.reporter:
        qs = qs.filter(reporter_id=f.reporter)
    if f.date_from:
        qs = qs.filter(received_at__gte=_day_start(f.date_from))
    if f.date_to:
        qs = qs.filter(received_at__lt=_day_start(f.date_to + datetime.timedelta(days=1)))
    return qs.select_related("correction_case__subject__person", "correction_case__case__org", "photo").annotate(
        pending_count=Count("suggestions", filter=Q(suggestions__status=SuggestionStatus.PENDING))
    ).order_by("-received_at", "-id")


def report_for(actor: Actor, pk: Any) -> FieldReport:
    try:
        found = reports_visible_to(actor).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise NotFound()
    return found


def own_recent_reports(actor: Actor, *, limit: int = 10) -> list[FieldReport]:
    """The actor's own latest reports (the receipt list on the phone page), in scope."""
    if actor.user is None:
        return []
    qs = _without_minors(actor, FieldReport.objects.visible_to(actor), "correction_case__subject__is_minor")
    return list(qs.filter(reporter=actor.user).select_related("correction_case__subject__person")[:limit])


def reporters_in_scope(actor: Actor) -> list[tuple[int, str]]:
    """(user id, name) of everyone who reported in the actor's scope, for the list filter."""
    rows = reports_visible_to(actor).order_by().values_list("reporter_id", "reporter_name").distinct()
    return sorted(set(rows), key=lambda r: r[1])


def suggestions_visible_to(actor: Actor, *, status: str = SuggestionStatus.PENDING, org: int | None = None,
                           case: int | None = None) -> QuerySet[CorrectionSuggestion]:
    """精准矫正建议 in the actor's scope (pending by default; ``status=""`` for all), oldest pending first."""
    qs = _without_minors(actor, CorrectionSuggestion.objects.visible_to(actor), "correction_case__subject__is_minor")
    if status:
        qs = qs.filter(status=status)
    if org:
        qs = qs.filter(org_subtree_q(org, path_lookup="correction_case__org_path"))
    if case:
        qs = qs.filter(correction_case_id=case)
    order = ["field_report__received_at", "id"] if status == SuggestionStatus.PENDING else ["-id"]
    return qs.select_related("correction_case__subject__person", "correction_case__case__org",
                             "field_report").order_by(*order)


def suggestion_for(actor: Actor, pk: Any) -> CorrectionSuggestion:
    try:
        found = suggestions_visible_to(actor, status="").filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise NotFound()
    return found


def keyword_rules() -> QuerySet[KeywordRule]:
    """All rules (they are platform data, not scoped), active first, in their order."""
    return KeywordRule.objects.order_by("-active", "order", "code")


def categories() -> list[str]:
    """Category names of every rule (for filters), in rule order, each once."""
    out: list[str] = []
    for name in KeywordRule.objects.order_by("order", "code").values_list("category", flat=True):
        if name not in out:
            out.append(name)
    return out


def subject_card(actor: Actor, detail: CorrectionCase, *, limit: int = 5) -> dict[str, Any]:
    """The subject page's card: latest reports (with categories) and pending suggestions of one case."""
    reports = list(reports_visible_to(actor, filters=ReportFilters(case=detail.pk))[:limit])
    pending = list(suggestions_visible_to(actor, case=detail.pk)[:limit])
    # counted only when a list is full (fewer rows than the limit are all the rows)
    return {"reports": reports, "pending": pending,
            "report_count": len(reports) if len(reports) < limit else
            reports_visible_to(actor, filters=ReportFilters(case=detail.pk)).count(),
            "pending_count": len(pending) if len(pending) < limit else
            suggestions_visible_to(actor, case=detail.pk).count()}

"""Reads of 行政处罚 cases: every page, API call and export starts from ``penalty_cases_visible_to``
(the actor's org subtree; out of scope looks like not found, CONVENTIONS §4.7)."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from ninja import FilterSchema

from sifa.core.accounts.actor import Actor
from sifa.core.cases.models import CaseDeadline, DeadlineStatus
from sifa.core.errors import NotFound
from sifa.modules.enforcement.penalty_models import PenaltyCase


class PenaltyFilter(FilterSchema):
    """The list filter shared by the page, the API and the Excel export."""

    state: str = ""
    body: int | None = None
    overdue: bool = False
    procedure: str = ""
    q: str = ""
    # drill-through from the 执法监督驾驶舱 (dashboard.py): org subtree, state group, item, dates, rate flags
    org: int | None = None
    group: str = ""
    power_item: int | None = None
    opened_from: datetime.date | None = None
    opened_to: datetime.date | None = None
    decided_from: datetime.date | None = None
    decided_to: datetime.date | None = None
    flag: str = ""


def penalty_cases_visible_to(actor: Actor, *, filters: PenaltyFilter | None = None) -> QuerySet[PenaltyCase]:
    """Cases of the actor's subtree (``enforcement.cases.view``), newest first, filtered.

    ``overdue``: a statutory deadline of the case is running past its due date (AP-27 decision,
    AP-31 payment …) or the case is in the 逾期未缴纳 state.
    """
    actor.require("enforcement.cases.view")
    qs = (PenaltyCase.objects.visible_to(actor)
          .select_related("case", "case__org", "body", "power_item")
          .order_by("-case__opened_at", "-case_id"))
    f = filters or PenaltyFilter()
    if f.state:
        qs = qs.filter(case__state=f.state)
    if f.body:
        qs = qs.filter(body_id=f.body)
    if f.procedure:
        qs = qs.filter(procedure=f.procedure)
    if f.q:
        qs = qs.filter(party_name__icontains=f.q.strip()) | qs.filter(case__number__icontains=f.q.strip())
    if f.org or f.group or f.power_item or f.opened_from or f.opened_to or f.decided_from or f.decided_to or f.flag:
        from sifa.modules.enforcement.dashboard_filters import drill_filter

        qs = drill_filter(qs, f)
    if f.overdue:
        late = CaseDeadline.objects.filter(case_id=OuterRef("case_id"), status=DeadlineStatus.RUNNING,
                                           due_date__lt=timezone.localdate())
        qs = qs.filter(Exists(late)) | qs.filter(case__state="overdue")
    return qs


def penalty_case_for(actor: Actor, case_id: int | str) -> PenaltyCase:
    """One case in scope, or ``NotFound`` (also for another county's case)."""
    actor.require("enforcement.cases.view")
    try:
        pk = int(case_id)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    found = (PenaltyCase.objects.visible_to(actor)
             .select_related("case", "case__org", "body", "body__org", "power_item", "person", "entity")
             .filter(pk=pk).first())
    if found is None:
        raise NotFound()
    return found


def late_fee_today(detail: PenaltyCase, on: datetime.date | None = None) -> str:
    """The 加处罚款 shown on an overdue case (AP-32/AP-33), as text in 元."""
    fee = detail.late_fee_on(on or timezone.localdate())
    return f"{fee:,.2f}"

"""Reads of the sanctions part: scoped rows, the county agency of an office, the facts and grounds of a
case (``grounds.py`` over the records), the subject-page card and the alert rules' conditions."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from typing import Any, cast

from django.db.models import QuerySet
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.alerts.rules import AlertCondition
from sifa.core.cases.models import CaseDeadline, DeadlineStatus
from sifa.core.errors import NotFound
from sifa.core.orgs.choices import OrgType, RegionLevel
from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import get_visible_or_404
from sifa.modules.correction import config, grounds
from sifa.modules.correction.choices import RequestStatus, SanctionKind, SanctionStatus, TaskStatus
from sifa.modules.correction.models import (
    CommutationProposal,
    CorrectionCase,
    LeaveRequest,
    RevocationProposal,
    Sanction,
    SupervisionTask,
)
from sifa.modules.correction.sanction_choices import ProposalStatus

AGENCY_ORG_TYPES = (OrgType.JUSTICE_BUREAU, OrgType.CORRECTION_AGENCY)
# states in which grounds are looked for (a proposal already made, or a terminal state, ends the search)
WATCHED_STATES = ("awaiting_report", "under_correction", "lost_contact")
# deadlines of this part shown on the card
DEADLINE_KEYS = ("ruling", "recommit_decision", "arrest_decision", "custody", "commutation_ruling")


# --- the county agency -------------------------------------------------------------------------------

def is_county_agency(org: Org | None) -> bool:
    """A county-level 司法局 or 社区矫正机构: the body that decides 训诫/警告 and proposes to courts."""
    return org is not None and org.type in AGENCY_ORG_TYPES and org.region.level == RegionLevel.COUNTY


def county_agency_of(org: Org) -> Org:
    """The county agency above (or at) ``org``: the nearest county-level 司法局/社区矫正机构 on its path."""
    for ancestor in reversed(list(org.ancestors().select_related("region"))):
        if is_county_agency(ancestor):
            return ancestor
    return org


# --- scoped rows ---------------------------------------------------------------------------------------

def _one(qs: QuerySet[Any], pk: Any) -> Any:
    try:
        found = qs.filter(pk=int(pk)).first()
    except (ValueError, TypeError):
        found = None
    if found is None:
        raise NotFound()
    return found


def case_for(actor: Actor, pk: int) -> CorrectionCase:
    """The correction case ``pk`` (its ``case`` id) in the actor's scope, else 404."""
    qs = CorrectionCase.objects.visible_to(actor).select_related("case__org__region", "subject__person")
    return cast(CorrectionCase, _one(qs, pk))


def sanctions_visible_to(actor: Actor) -> QuerySet[Sanction]:
    return cast("QuerySet[Sanction]", Sanction.objects.visible_to(actor)
            .select_related("correction_case__case", "correction_case__subject__person", "document"))


def sanction_for(actor: Actor, pk: int) -> Sanction:
    return cast(Sanction, _one(sanctions_visible_to(actor), pk))


def awaiting_decision(actor: Actor) -> QuerySet[Sanction]:
    """The county queue: proposed sanctions in scope, oldest first."""
    return sanctions_visible_to(actor).filter(status=SanctionStatus.PROPOSED).order_by("proposed_at", "id")


def proposals_visible_to(actor: Actor) -> QuerySet[RevocationProposal]:
    return cast("QuerySet[RevocationProposal]", RevocationProposal.objects.visible_to(actor)
            .select_related("correction_case__case", "correction_case__subject__person", "document",
                            "arrest_document"))


def proposal_for(actor: Actor, pk: int) -> RevocationProposal:
    return cast(RevocationProposal, _one(proposals_visible_to(actor), pk))


def commutation_for(actor: Actor, pk: int) -> CommutationProposal:
    return get_visible_or_404(CommutationProposal, actor, pk=pk)


def pending_proposals(actor: Actor) -> QuerySet[RevocationProposal]:
    return proposals_visible_to(actor).filter(status=ProposalStatus.PENDING).order_by("court_received_at")


# --- dates from the deadlines engine --------------------------------------------------------------------

def report_due(detail: CorrectionCase) -> datetime.date:
    """The CC-06 reporting deadline (十日 from the judgment's effect, rolled over per GEN-04: C-37)."""
    from sifa.core.deadlines.rules import compute_rule
    from sifa.core.deadlines.selectors import working_calendar

    due = compute_rule("CC-06", detail.effective_date, working_calendar(), explain=False).due
    return due.date() if isinstance(due, datetime.datetime) else due


def absence_exceeded_on(start: datetime.date) -> datetime.date:
    """The first day of "超过一个月" from ``start`` (rule CC-25.absence; C-36, C-48)."""
    from sifa.core.deadlines.rules import compute_rule
    from sifa.core.deadlines.selectors import working_calendar

    due = compute_rule("CC-25.absence", start, working_calendar(), explain=False).due
    return due if not isinstance(due, datetime.datetime) else due.date()


def absence_start(detail: CorrectionCase, today: datetime.date) -> tuple[datetime.date | None, str]:
    """Where an absence is counted from: the report due date of a subject who never reported (after it
    passed), else the day contact was lost (while lost)."""
    if detail.received_on is None and detail.sentence_type != "temporary_execution" and detail.case.state in (
            "awaiting_report", "lost_contact"):
        due = report_due(detail)
        if due < today:
            return due, "应当报到期限届满"
    if detail.case.state == "lost_contact" and detail.lost_contact_since is not None:
        return detail.lost_contact_since, "失去联系（脱离监管）"
    return None, ""


# --- facts and grounds -----------------------------------------------------------------------------------

def _sanction_fact(s: Sanction) -> grounds.SanctionFact:
    return grounds.SanctionFact(
        id=s.pk, kind=s.kind, status=s.status, ground=s.ground, proposed_on=timezone.localdate(s.proposed_at),
        occurred_on=s.occurred_on, decided_on=s.decided_on, number=s.document.number if s.document is not None else "")


def case_facts(detail: CorrectionCase, today: datetime.date) -> grounds.CaseFacts:
    """The snapshot ``grounds.detect`` reads: sanctions, missed tasks, overdue leaves, the absence."""
    from sifa.modules.correction.selectors import sanctions_of

    sanctions = [_sanction_fact(cast(Sanction, s)) for s in sanctions_of(detail)]
    violations: list[grounds.Violation] = []
    # the subject page's task and movement cards have read these rows already (read here otherwise)
    missed = detail.__dict__.get("_missed_tasks")
    if missed is None:
        missed = list(SupervisionTask.objects.filter(correction_case=detail, status=TaskStatus.MISSED))
    overdue = detail.__dict__.get("_overdue_leaves")
    if overdue is None:
        overdue = list(LeaveRequest.objects.filter(correction_case=detail, status=RequestStatus.OVERDUE))
    for task in cast("list[SupervisionTask]", missed):
        violations.append(grounds.Violation(task.due_date, f"逾期未完成{task.get_kind_display()}（应于 {task.due_date:%Y-%m-%d} 完成）",
                                            f"task:{task.pk}"))
    for leave in cast("list[LeaveRequest]", overdue):
        violations.append(grounds.Violation(leave.end_date, f"外出逾期未归（应于 {leave.end_date:%Y-%m-%d} 返回）",
                                            f"leave:{leave.pk}"))
    start, label = absence_start(detail, today)
    return grounds.CaseFacts(
        case_id=detail.pk, sentence_type=detail.sentence_type, sanctions=sanctions, violations=violations,
        absence_start=start, absence_label=label,
        absence_exceeded_on=absence_exceeded_on(start) if start is not None else None)


def grounds_for(detail: CorrectionCase, today: datetime.date | None = None) -> list[grounds.Ground]:
    """The grounds that hold for ``detail`` now (none once a proposal is pending or the case has ended)."""
    today = today or timezone.localdate()
    if detail.case.state not in WATCHED_STATES:
        return []
    settings = config.section("sanctions")
    return grounds.detect(case_facts(detail, today), today, warnings_needed=int(settings["warnings_before_revocation"]),
                          admonitions_needed=int(settings["admonitions_before_warning"]))


def ground_conditions(today: datetime.date, actions: Iterable[str]) -> Iterator[AlertCondition]:
    """Alert conditions, one per (case, ground) whose action is in ``actions``. The detail lists the facts
    and where the proposal form is; nothing is proposed automatically."""
    from django.urls import reverse

    wanted = set(actions)
    cases = (CorrectionCase.objects.filter(case__state__in=WATCHED_STATES)
             .select_related("case", "subject__person").order_by("pk"))
    for detail in cases.iterator(chunk_size=200):
        for ground in grounds_for(detail, today):
            if ground.action not in wanted:
                continue
            if ground.action == "warning":
                form = reverse("correction:sanction_new", args=[detail.pk]) + f"?kind={SanctionKind.WARNING}&ground=CC-17.5"
            else:
                form = reverse("correction:proposal_new", args=[detail.pk]) + f"?ground={ground.code}"
            yield AlertCondition(
                object_type="correction.ground", object_id=f"{detail.pk}:{ground.code}", org_id=detail.case.org_id,
                case_id=detail.pk,
                title=f"{detail.case.number} {detail.subject}：{ground.label}，可{ground.action_label}",
                detail="；".join(ground.facts) + f"。{ground.flag + '。' if ground.flag else ''}"
                       f"是否{ground.action_label}由县级社区矫正机构决定，系统不自动提请。提请表单：{form}",
                legal_basis=f"{ground.code} {ground.article}")


# --- the card on the subject page -----------------------------------------------------------------------

def running_deadlines(detail: CorrectionCase) -> list[CaseDeadline]:
    from sifa.modules.correction.selectors import deadlines_of

    return sorted((d for d in deadlines_of(detail.case) if d.key in DEADLINE_KEYS), key=lambda d: (d.status, d.due_date))


def deadline_alert_on(deadline: CaseDeadline) -> datetime.date | None:
    """The alert day the deadlines engine gives (CC-29 在押: the last working day before, C-41)."""
    if deadline.status != DeadlineStatus.RUNNING:
        return None
    from sifa.core.deadlines.rules import compute_rule
    from sifa.core.deadlines.selectors import working_calendar

    try:
        return compute_rule(deadline.rule_id, deadline.start_date, working_calendar(),
                            variant=deadline.variant or None, explain=False).alert_on
    except Exception:  # noqa: BLE001 (a display hint only; the due date itself is stored)
        return None


def panel_context(request: Any, detail: CorrectionCase) -> dict[str, Any]:
    """奖惩与提请: sanctions with documents, open grounds, proposals and their deadlines."""
    from sifa.modules.correction.selectors import sanctions_of

    settings = config.section("sanctions")
    deadlines = [(d, deadline_alert_on(d)) for d in running_deadlines(detail)]
    return {
        "sanctions": sanctions_of(detail),
        "grounds": grounds_for(detail),
        "proposals": list(detail.revocation_proposals.select_related("document", "arrest_document").all()),
        "commutations": list(detail.commutation_proposals.select_related("document").all()),
        "deadlines": deadlines,
        "flag": settings["flag"],
        "detail": detail,
    }

"""Reads of the 社区矫正 lifecycle: subject lists, one subject's file, 调查评估 (CONVENTIONS §4.2).

Every read starts from ``visible_to(actor)`` (the case's 司法所 path in the actor's subtree; the
county agency sees its offices). Minors (CC-35, 《社区矫正法》第五十四条第二款): a subject with
``is_minor`` is left out of every list and search for roles without ``correction.minor_files``,
and opening the file answers 404 exactly like a missing one; a role with it sees the row with the
identity hidden and opens the file only after stating the judicial need (``services.open_minor_file``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from ninja import FilterSchema
from pydantic import Field

from sifa.core.accounts.actor import Actor
from sifa.core.cases.models import Case, CaseDeadline
from sifa.core.cases.selectors import AvailableStep, allowed_steps, timeline
from sifa.core.errors import NotFound
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import org_subtree_q
from sifa.modules.correction import config
from sifa.modules.correction.models import CorrectionCase, PreSentenceAssessment
from sifa.modules.correction.workflow import ASSESSMENT_WORKFLOW, CORRECTION_WORKFLOW

MINOR_PERMISSION = "correction.minor_files"
MINOR_NAME = "未成年社区矫正对象（身份保密）"

# The transitions this part takes (the others belong to supervision, movement and sanctions).
LIFECYCLE_TRANSITIONS = ("notify", "expect_report", "expect_transfer", "receive", "announce", "lose_contact",
                         "regain_contact", "discharge", "record_death")
ACTIVE_STATES = ("received", "under_correction", "lost_contact", "revocation_proposed", "recommitment_proposed")


class CorrectionFilter(FilterSchema):
    """One filter for the subject list: the page, the API list and the Excel export (CONVENTIONS §4.11)."""

    q: str | None = Field(None, max_length=64, description="姓名或案号（未成年对象不参与姓名检索）")
    state: str | None = Field(None, max_length=32, description="状态，如 under_correction；active = 在矫（已接收至终止前）")
    sentence_type: str | None = Field(None, pattern="^(control|probation|parole|temporary_execution)$",
                                      description="矫正类别：control 管制 / probation 缓刑 / parole 假释 / temporary_execution 暂予监外执行")
    level: str | None = Field(None, max_length=16, description="管理等级编码（配置 levels.level.code）")
    office: int | None = Field(None, description="机构 ID：该司法所或该机构下的全部司法所")

    def filter_q(self, value: str | None) -> Q:
        if not value or not value.strip():
            return Q()
        value = value.strip()
        return (Q(subject__person__name__icontains=value, subject__is_minor=False)
                | Q(case__number__icontains=value))

    def filter_state(self, value: str | None) -> Q:
        if not value:
            return Q()
        if value == "active":
            return Q(case__state__in=ACTIVE_STATES)
        return Q(case__state=value)

    def filter_sentence_type(self, value: str | None) -> Q:
        return Q(sentence_type=value) if value else Q()

    def filter_level(self, value: str | None) -> Q:
        return Q(level=value) if value else Q()

    def filter_office(self, value: int | None) -> Q:
        return org_subtree_q(value, path_lookup="case__org__path")


class AssessmentFilter(FilterSchema):
    q: str | None = Field(None, max_length=64, description="被评估人姓名、委托机关或案号")
    state: str | None = Field(None, max_length=32, description="状态：commissioned / investigating / submitted / closed / withdrawn")

    def filter_q(self, value: str | None) -> Q:
        if not value or not value.strip():
            return Q()
        value = value.strip()
        return (Q(person_name__icontains=value) | Q(commissioner_name__icontains=value)
                | Q(case__number__icontains=value))

    def filter_state(self, value: str | None) -> Q:
        return Q(case__state=value) if value else Q()


def may_see_minors(actor: Actor) -> bool:
    return actor.has_perm(MINOR_PERMISSION)


def correction_cases_visible_to(actor: Actor, *, filters: CorrectionFilter | None = None) -> QuerySet[CorrectionCase]:
    """The correction cases in the actor's scope, newest first; minors only for ``correction.minor_files``."""
    actor.require("correction.view")
    qs = (CorrectionCase.objects.visible_to(actor)
          .select_related("case", "case__org", "subject", "subject__person")
          .order_by("-case__opened_at", "-case_id"))
    if not may_see_minors(actor):
        qs = qs.filter(subject__is_minor=False)
    return filters.filter(qs) if filters is not None else qs


def correction_for(actor: Actor, case_id: int) -> CorrectionCase:
    """One correction case in scope; a minor's file is NotFound for roles without ``correction.minor_files``
    (CC-35: do not reveal that it exists). Holders must still state a reason before it is shown (views/API)."""
    actor.require("correction.view")
    detail = (CorrectionCase.objects.visible_to(actor)
              .select_related("case", "case__org", "subject", "subject__person", "subject__org", "officer")
              .filter(pk=case_id).first())
    if detail is None or (detail.subject.is_minor and not may_see_minors(actor)):
        raise NotFound()
    return detail


def offices_for(actor: Actor) -> QuerySet[Org]:
    """The current 司法所 in the actor's scope (where a subject may be placed), by path."""
    return Org.objects.visible_to(actor).current().filter(type=OrgType.JUDICIAL_OFFICE).order_by("path")


def display_name(detail: CorrectionCase) -> str:
    return MINOR_NAME if detail.subject.is_minor else detail.subject.person.name


def days_left(detail: CorrectionCase, today: datetime.date | None = None) -> int | None:
    """Days from today to the last day of the term (negative once it has passed)."""
    if detail.term_end is None:
        return None
    return (detail.term_end - (today or timezone.localdate())).days


@dataclass(frozen=True)
class Badge:
    label: str
    colour: str


def overlay_badges(detail: CorrectionCase) -> list[Badge]:
    """The overlay flags of RULES.md §2.6 that hold now (失联, 电子定位, 限制人身自由, 在押, 受过处罚)."""
    out = []
    if detail.lost_contact:
        since = f"（{detail.lost_contact_since:%Y-%m-%d} 起）" if detail.lost_contact_since else ""
        out.append(Badge(f"失去联系{since}", "red"))
    if detail.em_active:
        out.append(Badge("电子定位中", "orange"))
    if detail.liberty_restricted:
        out.append(Badge("被依法限制人身自由", "orange"))
    if detail.in_custody:
        out.append(Badge("被逮捕在押", "red"))
    sanctioned = _sanction_labels(detail)
    if sanctioned:
        out.append(Badge("受过" + "、".join(sanctioned), "yellow"))
    if detail.subject.is_minor:
        out.append(Badge("未成年人（CC-35）", "purple"))
    return out


def sanctions_of(detail: CorrectionCase) -> list[Any]:
    """The case's sanctions with their documents, newest first, read once per ``detail`` object (the header
    badges, the 奖惩与提请 card and its ground check all show them on one page)."""
    cached = detail.__dict__.get("_sanctions_of")
    if cached is None:
        cached = list(detail.sanctions.select_related("document").order_by("-proposed_at", "-id"))
        detail.__dict__["_sanctions_of"] = cached
    return cached


def _sanction_labels(detail: CorrectionCase) -> list[str]:
    from sifa.modules.correction.choices import SanctionKind, SanctionStatus

    kinds = {s.kind for s in sanctions_of(detail)
             if s.status == SanctionStatus.DECIDED and s.kind != SanctionKind.COMMENDATION}
    return [label for value, label in SanctionKind.choices if value in kinds]


def state_label(detail: CorrectionCase) -> str:
    return CORRECTION_WORKFLOW.state(detail.case.state).label


def lifecycle_steps(detail: CorrectionCase, actor: Actor) -> list[AvailableStep]:
    """The steps of this part the actor may take now, with their required fields (the others' parts offer theirs)."""
    if not actor.has_perm("correction.manage"):
        return []
    return [s for s in allowed_steps(detail.case, actor) if s.transition.name in LIFECYCLE_TRANSITIONS]


def deadlines_of(case: Case) -> list[CaseDeadline]:
    """The case's deadlines by due date, read once per ``case`` object (the page's list and the sanctions card)."""
    cached = case.__dict__.get("_deadlines_of")
    if cached is None:
        cached = list(case.deadlines.order_by("due_date", "key"))
        case.__dict__["_deadlines_of"] = cached
    return cached


def timeline_of(case: Case, actor: Actor) -> list[Any]:
    return timeline(case, actor)


def subject_row(detail: CorrectionCase) -> dict[str, Any]:
    """What a list row and the export show: identity masked, a minor's identity hidden."""
    person = detail.subject.person
    minor = detail.subject.is_minor
    return {
        "id": detail.pk, "number": detail.case.number, "name": display_name(detail),
        "id_number_masked": "" if minor else person.id_number_masked,
        "gender": "" if minor else person.get_gender_display(),
        "sentence_type": detail.sentence_type, "sentence_type_label": detail.get_sentence_type_display(),
        "term": detail.term, "term_start": detail.term_start, "term_end": detail.term_end,
        "state": detail.case.state, "state_label": state_label(detail),
        "level": detail.level, "level_label": config.level_label(detail.level),
        "office": detail.case.org.name, "is_minor": minor, "lost_contact": detail.lost_contact,
        "received_on": detail.received_on,
    }


# --- 调查评估 -----------------------------------------------------------------------------------


def assessments_visible_to(actor: Actor, *, filters: AssessmentFilter | None = None) -> QuerySet[PreSentenceAssessment]:
    actor.require("correction.view")
    qs = (PreSentenceAssessment.objects.visible_to(actor).select_related("case", "case__org")
          .order_by("-received_on", "-case_id"))
    return filters.filter(qs) if filters is not None else qs


def assessment_for(actor: Actor, case_id: int) -> PreSentenceAssessment:
    actor.require("correction.view")
    found = (PreSentenceAssessment.objects.visible_to(actor).select_related("case", "case__org")
             .filter(pk=case_id).first())
    if found is None:
        raise NotFound()
    return found


def assessment_steps(assessment: PreSentenceAssessment, actor: Actor) -> list[AvailableStep]:
    if not actor.has_perm("correction.manage"):
        return []
    return allowed_steps(assessment.case, actor)


def assessment_state_label(assessment: PreSentenceAssessment) -> str:
    return ASSESSMENT_WORKFLOW.state(assessment.case.state).label


def assessment_offices_for(actor: Actor) -> QuerySet[Org]:
    """Where an assessment may be handled: the actor's own org and the current 司法所 below it."""
    own = Q(pk=actor.org.pk) if actor.org is not None else Q(pk__in=[])
    return (Org.objects.visible_to(actor).current()
            .filter(own | Q(type=OrgType.JUDICIAL_OFFICE)).order_by("path"))

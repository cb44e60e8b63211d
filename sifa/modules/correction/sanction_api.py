"""/api/v1/correction/sanctions: the sanction ladder, court proposals with the arrest request and outcomes,
减刑建议, a case's grounds, and evidence packages. Scope-checked like the pages (out of scope = 404)."""

import datetime
import tempfile
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sifa.core.api import PagePagination, actor_of
from sifa.core.attachments.models import Attachment
from sifa.core.errors import ValidationFailed
from sifa.modules.correction import sanction_selectors as selectors
from sifa.modules.correction import sanction_services as services
from sifa.modules.correction.models import CommutationProposal, CorrectionCase, RevocationProposal, Sanction

router = Router(tags=["社区矫正 · 奖惩与提请"])


# --- schemas --------------------------------------------------------------------------------------------

class SanctionOut(Schema):
    id: int
    case_id: int
    case_number: str
    subject_name: str
    kind: str = Field(..., description="commendation 表扬 / admonition 训诫 / warning_sanction 警告 / security_penalty_request 提请治安管理处罚")
    kind_label: str
    ground: str = Field(..., description="情形编码，如 CC-16.1、CC-17.5")
    facts: str
    occurred_on: datetime.date | None
    status: str = Field(..., description="proposed 待决定 / decided 已决定 / rejected 不予决定")
    status_label: str
    basis: dict[str, Any] = Field(..., description="提出时的核验：报到期限、迟到天数、档次、此前训诫，及 [NV] 提示")
    recipient: str
    proposed_by: str
    proposed_at: datetime.datetime
    decided_by: str
    decided_on: datetime.date | None
    decision_note: str
    document_number: str
    document_file_id: int | None
    evidence_ids: list[int]

    @staticmethod
    def resolve_case_id(obj: Sanction) -> int:
        return obj.correction_case_id

    @staticmethod
    def resolve_case_number(obj: Sanction) -> str:
        return obj.correction_case.case.number

    @staticmethod
    def resolve_subject_name(obj: Sanction) -> str:
        return obj.correction_case.subject.person.name

    @staticmethod
    def resolve_kind_label(obj: Sanction) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj: Sanction) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_document_number(obj: Sanction) -> str:
        return obj.document.number if obj.document is not None else ""

    @staticmethod
    def resolve_document_file_id(obj: Sanction) -> int | None:
        return obj.document.file_id if obj.document is not None else None

    @staticmethod
    def resolve_evidence_ids(obj: Sanction) -> list[int]:
        return [a.pk for a in obj.evidence.all()]


class SanctionIn(Schema):
    kind: str = Field(..., pattern="^(commendation|admonition|warning_sanction|security_penalty_request)$")
    ground: str = Field(..., max_length=32, description="情形编码（CC-15、CC-16.1…CC-16.4、CC-17.1…CC-17.6、CC-18）")
    facts: str = Field(..., min_length=1, max_length=4000)
    occurred_on: datetime.date | None = None
    reported_on: datetime.date | None = Field(None, description="CC-16.1/CC-17.2：报到（回到监管）日期")
    absence_from: datetime.date | None = Field(None, description="CC-16.1/CC-17.2：脱离监管起始日（不填按报到期限）")
    recipient: str = Field("", max_length=128, description="提请治安管理处罚：受理的公安机关")
    evidence_ids: list[int] = Field(default_factory=list, description="本案已上传的证据附件 ID")


class SanctionDecisionIn(Schema):
    approve: bool = Field(..., description="true 决定（制作决定书）；false 不予决定（须写 note）")
    decided_on: datetime.date | None = None
    note: str = Field("", max_length=2000)


class SanctionFilter(Schema):
    status: str | None = Field(None, pattern="^(proposed|decided|rejected)$")
    kind: str | None = Field(None, pattern="^(commendation|admonition|warning_sanction|security_penalty_request)$")
    case_id: int | None = None


class SanctionGroundOut(Schema):
    code: str
    label: str
    article: str
    action: str = Field(..., description="revocation 提请撤销 / recommitment 提请收监执行 / warning 给予警告")
    since: datetime.date = Field(..., description="情形具备之日")
    facts: list[str]
    flag: str


class SanctionDeadlineOut(Schema):
    key: str
    label: str
    rule_id: str
    variant: str
    start_date: datetime.date
    due_date: datetime.date
    alert_on: datetime.date | None
    status: str


class ProposalOut(Schema):
    id: int
    case_id: int
    kind: str = Field(..., description="revocation 提请撤销缓刑（假释）/ recommitment 提请收监执行")
    kind_label: str
    grounds: list[str]
    facts: str
    court: str
    court_received_at: datetime.datetime
    procuratorate: str
    procuratorate_copied_on: datetime.date
    status: str = Field(..., description="pending / granted / rejected")
    status_label: str
    arrest_requested: bool
    arrest_status: str = Field(..., description="none / requested / arrested / refused / released")
    arrest_decision_due: datetime.datetime | None
    arrested_on: datetime.date | None
    released_on: datetime.date | None
    ruling_date: datetime.date | None
    ruling_number: str
    credited_custody_days: int | None
    document_number: str
    arrest_document_number: str
    evidence_ids: list[int]

    @staticmethod
    def resolve_case_id(obj: RevocationProposal) -> int:
        return obj.correction_case_id

    @staticmethod
    def resolve_kind_label(obj: RevocationProposal) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj: RevocationProposal) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_document_number(obj: RevocationProposal) -> str:
        return obj.document.number if obj.document is not None else ""

    @staticmethod
    def resolve_arrest_document_number(obj: RevocationProposal) -> str:
        return obj.arrest_document.number if obj.arrest_document is not None else ""

    @staticmethod
    def resolve_evidence_ids(obj: RevocationProposal) -> list[int]:
        return [a.pk for a in obj.evidence.all()]


class ProposalIn(Schema):
    grounds: list[str] = Field(..., min_length=1, description="事由编码，如 CC-25(2)4、CC-30(4)")
    facts: str = Field(..., min_length=1, max_length=8000)
    court: str = Field(..., min_length=1, max_length=128)
    court_received_at: datetime.datetime = Field(..., description="法院（决定机关）收到建议书的时刻，如 2025-12-19T10:00")
    procuratorate: str = Field(..., min_length=1, max_length=128, description="抄送的人民检察院（CC-27）")
    procuratorate_copied_on: datetime.date
    arrest_requested: bool = Field(False, description="同时提请逮捕（仅撤销缓刑、假释，CC-28）")
    arrest_reason: str = Field("", max_length=2000)
    evidence_ids: list[int] = Field(default_factory=list)


class ProposalArrestIn(Schema):
    arrested: bool
    arrested_on: datetime.date | None = None
    note: str = Field("", max_length=500)


class ProposalRulingIn(Schema):
    granted: bool = Field(..., description="true 裁定撤销（决定收监执行）；false 不予撤销、收监")
    ruling_date: datetime.date
    ruling_number: str = Field("", max_length=64)
    note: str = Field("", max_length=500)


class CommutationOut(Schema):
    id: int
    case_id: int
    facts: str
    proposed_reduction: str
    court: str
    court_received_on: datetime.date
    procuratorate: str
    status: str = Field(..., description="pending / granted / rejected")
    ruling_date: datetime.date | None
    ruling_number: str
    granted_reduction: str
    document_number: str

    @staticmethod
    def resolve_case_id(obj: CommutationProposal) -> int:
        return obj.correction_case_id

    @staticmethod
    def resolve_document_number(obj: CommutationProposal) -> str:
        return obj.document.number if obj.document is not None else ""


class CommutationIn(Schema):
    facts: str = Field(..., min_length=1, max_length=8000)
    proposed_reduction: str = Field(..., min_length=1, max_length=64)
    court: str = Field(..., min_length=1, max_length=128)
    court_received_on: datetime.date
    procuratorate: str = Field(..., min_length=1, max_length=128)


class CommutationRulingIn(Schema):
    granted: bool
    ruling_date: datetime.date
    ruling_number: str = Field(..., min_length=1, max_length=64)
    granted_reduction: str = Field("", max_length=64)


class CaseSanctionsOut(Schema):
    case_id: int
    sentence_type: str
    state: str
    in_custody: bool
    flag: str = Field(..., description="[NV] 提示：训诫、警告的情形与界限为配置值")
    grounds: list[SanctionGroundOut] = Field(..., description="当前具备的情形及认定事实（系统只提示，不自动提请）")
    sanctions: list[SanctionOut]
    proposals: list[ProposalOut]
    commutations: list[CommutationOut]
    deadlines: list[SanctionDeadlineOut]


# --- helpers ----------------------------------------------------------------------------------------------

def _attachments(detail: CorrectionCase, ids: list[int]) -> list[Attachment]:
    found = {a.pk: a for a in Attachment.objects.filter(pk__in=ids, case_id=detail.pk)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationFailed(f"附件 {missing} 不是本案的文件", field="evidence_ids")
    return [found[i] for i in ids]


def _zip(request: HttpRequest, detail: CorrectionCase, ids: list[int], what: str, filename: str) -> FileResponse:
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 — closed by FileResponse
    try:
        services.write_evidence_package(actor_of(request), detail, ids, out, what=what)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=filename, content_type="application/zip")


# --- sanctions ---------------------------------------------------------------------------------------------

@router.get("", response=list[SanctionOut], summary="奖惩列表（可按状态、类型、案件筛选）")
@paginate(PagePagination)
def list_sanctions(request: HttpRequest, filters: Query[SanctionFilter]):  # type: ignore[no-untyped-def]
    actor = actor_of(request)
    actor.require("correction.view")
    qs = selectors.sanctions_visible_to(actor).prefetch_related("evidence").order_by("-proposed_at", "-id")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.case_id:
        qs = qs.filter(correction_case_id=filters.case_id)
    return qs


@router.post("/cases/{case_id}/sanctions", response={201: SanctionOut}, summary="提出奖惩（司法所核实后提出，CC-15…CC-18）")
def create_sanction(request: HttpRequest, case_id: int, payload: SanctionIn) -> Status[Sanction]:
    actor = actor_of(request)
    actor.require("correction.manage")
    detail = selectors.case_for(actor, case_id)
    sanction = services.propose_sanction(
        actor=actor, detail=detail, kind=payload.kind, ground=payload.ground, facts=payload.facts,
        occurred_on=payload.occurred_on, reported_on=payload.reported_on, absence_from=payload.absence_from,
        recipient=payload.recipient, evidence=_attachments(detail, payload.evidence_ids))
    return Status(201, selectors.sanction_for(actor, sanction.pk))


@router.get("/cases/{case_id}", response=CaseSanctionsOut, summary="一名对象的奖惩、当前情形、提请与期限")
def case_sanctions(request: HttpRequest, case_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    actor.require("correction.view")
    detail = selectors.case_for(actor, case_id)
    ctx = selectors.panel_context(request, detail)
    return {
        "case_id": detail.pk, "sentence_type": detail.sentence_type, "state": detail.case.state,
        "in_custody": detail.in_custody, "flag": ctx["flag"],
        "grounds": [{"code": g.code, "label": g.label, "article": g.article, "action": g.action, "since": g.since,
                     "facts": list(g.facts), "flag": g.flag} for g in ctx["grounds"]],
        "sanctions": ctx["sanctions"], "proposals": ctx["proposals"], "commutations": ctx["commutations"],
        "deadlines": [{"key": d.key, "label": d.label, "rule_id": d.rule_id, "variant": d.variant,
                       "start_date": d.start_date, "due_date": d.due_date, "alert_on": alert_on, "status": d.status}
                      for d, alert_on in ctx["deadlines"]],
    }


@router.get("/{sanction_id}", response=SanctionOut, summary="奖惩详情")
def get_sanction(request: HttpRequest, sanction_id: int) -> Sanction:
    actor = actor_of(request)
    actor.require("correction.view")
    return selectors.sanction_for(actor, sanction_id)


@router.post("/{sanction_id}/decision", response=SanctionOut,
             summary="县级社区矫正机构决定或不予决定（决定时制作决定书）")
def decide(request: HttpRequest, sanction_id: int, payload: SanctionDecisionIn) -> Sanction:
    actor = actor_of(request)
    services.require_county_agency(actor)
    sanction = selectors.sanction_for(actor, sanction_id)
    if payload.approve:
        services.decide_sanction(actor=actor, sanction=sanction, decided_on=payload.decided_on, note=payload.note)
    else:
        services.reject_sanction(actor=actor, sanction=sanction, note=payload.note)
    return selectors.sanction_for(actor, sanction_id)


@router.get("/{sanction_id}/package", summary="奖惩证据包（ZIP：决定书与证据、存证证明）", response={200: None})
def sanction_package(request: HttpRequest, sanction_id: int) -> FileResponse:
    actor = actor_of(request)
    actor.require("correction.view")
    sanction = selectors.sanction_for(actor, sanction_id)
    ids = services.package_files([sanction.document], list(sanction.evidence.all()))
    return _zip(request, sanction.correction_case, ids, f"sanction:{sanction.pk}", f"sanction-{sanction.pk}.zip")


# --- proposals -----------------------------------------------------------------------------------------

@router.post("/cases/{case_id}/proposals", response={201: ProposalOut},
             summary="提请撤销缓刑（假释）或收监执行（按矫正类别），可同时提请逮捕")
def create_proposal(request: HttpRequest, case_id: int, payload: ProposalIn) -> Status[RevocationProposal]:
    actor = actor_of(request)
    services.require_county_agency(actor)
    detail = selectors.case_for(actor, case_id)
    common: dict[str, Any] = {
        "actor": actor, "detail": detail, "grounds": payload.grounds, "facts": payload.facts, "court": payload.court,
        "court_received_at": payload.court_received_at, "procuratorate": payload.procuratorate,
        "procuratorate_copied_on": payload.procuratorate_copied_on,
        "evidence": _attachments(detail, payload.evidence_ids)}
    if detail.sentence_type == "temporary_execution":
        if payload.arrest_requested:
            raise ValidationFailed("提请逮捕只适用于撤销缓刑、假释建议（CC-28）", field="arrest_requested")
        proposal = services.propose_recommitment(**common)
    else:
        proposal = services.propose_revocation(**common, arrest_requested=payload.arrest_requested,
                                               arrest_reason=payload.arrest_reason)
    return Status(201, selectors.proposal_for(actor, proposal.pk))


@router.get("/proposals/{proposal_id}", response=ProposalOut, summary="提请详情")
def get_proposal(request: HttpRequest, proposal_id: int) -> RevocationProposal:
    actor = actor_of(request)
    actor.require("correction.view")
    return selectors.proposal_for(actor, proposal_id)


@router.post("/proposals/{proposal_id}/arrest", response=ProposalOut, summary="登记法院的逮捕决定（CC-28）")
def arrest(request: HttpRequest, proposal_id: int, payload: ProposalArrestIn) -> RevocationProposal:
    actor = actor_of(request)
    services.require_county_agency(actor)
    proposal = selectors.proposal_for(actor, proposal_id)
    services.record_arrest(actor=actor, proposal=proposal, arrested=payload.arrested, arrested_on=payload.arrested_on,
                           note=payload.note)
    return selectors.proposal_for(actor, proposal_id)


@router.post("/proposals/{proposal_id}/ruling", response=ProposalOut, summary="登记裁定（决定）结果（CC-29、CC-30）")
def ruling(request: HttpRequest, proposal_id: int, payload: ProposalRulingIn) -> RevocationProposal:
    actor = actor_of(request)
    services.require_county_agency(actor)
    proposal = selectors.proposal_for(actor, proposal_id)
    services.record_ruling(actor=actor, proposal=proposal, granted=payload.granted, ruling_date=payload.ruling_date,
                           ruling_number=payload.ruling_number, note=payload.note)
    return selectors.proposal_for(actor, proposal_id)


@router.get("/proposals/{proposal_id}/package", summary="提请证据包（ZIP：建议书与证据、存证证明）", response={200: None})
def proposal_package(request: HttpRequest, proposal_id: int) -> FileResponse:
    actor = actor_of(request)
    actor.require("correction.view")
    proposal = selectors.proposal_for(actor, proposal_id)
    ids = services.package_files([proposal.document, proposal.arrest_document], list(proposal.evidence.all()))
    return _zip(request, proposal.correction_case, ids, f"proposal:{proposal.pk}", f"proposal-{proposal.pk}.zip")


# --- 减刑建议 -----------------------------------------------------------------------------------------

@router.post("/cases/{case_id}/commutations", response={201: CommutationOut}, summary="提请减刑（CC-23）")
def create_commutation(request: HttpRequest, case_id: int, payload: CommutationIn) -> Status[CommutationProposal]:
    actor = actor_of(request)
    services.require_county_agency(actor)
    detail = selectors.case_for(actor, case_id)
    proposal = services.propose_commutation(
        actor=actor, detail=detail, facts=payload.facts, proposed_reduction=payload.proposed_reduction,
        court=payload.court, court_received_on=payload.court_received_on, procuratorate=payload.procuratorate)
    return Status(201, proposal)


@router.post("/commutations/{commutation_id}/ruling", response=CommutationOut, summary="登记减刑裁定结果")
def commutation_ruling(request: HttpRequest, commutation_id: int, payload: CommutationRulingIn) -> CommutationProposal:
    actor = actor_of(request)
    services.require_county_agency(actor)
    commutation = selectors.commutation_for(actor, commutation_id)
    return services.record_commutation_ruling(
        actor=actor, commutation=commutation, granted=payload.granted, ruling_date=payload.ruling_date,
        ruling_number=payload.ruling_number, granted_reduction=payload.granted_reduction)



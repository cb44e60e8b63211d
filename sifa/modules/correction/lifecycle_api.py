"""/api/v1/correction: correction cases (subjects' files) and 调查评估. Scope-checked like the pages.

Minors (CC-35): left out of the list for roles without ``correction.minor_files``; their file answers
404 to those roles, and to a holder only with ``?reason=`` (the judicial need, recorded). Every read of a
file records ``correction.subject.viewed`` (or ``correction.minor_file.opened`` with the reason).
"""


import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sifa.core.api import PagePagination, actor_of
from sifa.core.errors import ValidationFailed
from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import get_visible_or_404
from sifa.core.persons.models import Person
from sifa.modules.correction import config, selectors, services
from sifa.modules.correction.models import CorrectionCase, PreSentenceAssessment
from sifa.modules.correction.selectors import AssessmentFilter, CorrectionFilter

router = Router(tags=["社区矫正"])


class CorrectionCaseOut(Schema):
    id: int = Field(..., description="案件 ID（与核心案件相同）")
    number: str
    name: str = Field(..., description="姓名；未成年对象显示为“未成年社区矫正对象（身份保密）”")
    id_number_masked: str = Field(..., description="身份证号（脱敏；未成年对象为空）")
    sentence_type: str
    sentence_type_label: str
    term: str
    term_start: datetime.date | None
    term_end: datetime.date | None
    days_left: int | None = Field(..., description="距矫正期满的天数（期满后为负）")
    state: str
    state_label: str
    level: str
    level_label: str
    office_id: int
    office_name: str
    is_minor: bool
    lost_contact: bool
    received_on: datetime.date | None

    @staticmethod
    def resolve_id(obj: CorrectionCase) -> int:
        return obj.pk

    @staticmethod
    def resolve_number(obj: CorrectionCase) -> str:
        return obj.case.number

    @staticmethod
    def resolve_name(obj: CorrectionCase) -> str:
        return selectors.display_name(obj)

    @staticmethod
    def resolve_id_number_masked(obj: CorrectionCase) -> str:
        return "" if obj.subject.is_minor else obj.subject.person.id_number_masked

    @staticmethod
    def resolve_sentence_type_label(obj: CorrectionCase) -> str:
        return obj.get_sentence_type_display()

    @staticmethod
    def resolve_days_left(obj: CorrectionCase) -> int | None:
        return selectors.days_left(obj)

    @staticmethod
    def resolve_state(obj: CorrectionCase) -> str:
        return obj.case.state

    @staticmethod
    def resolve_state_label(obj: CorrectionCase) -> str:
        return selectors.state_label(obj)

    @staticmethod
    def resolve_level_label(obj: CorrectionCase) -> str:
        return config.level_label(obj.level)

    @staticmethod
    def resolve_office_id(obj: CorrectionCase) -> int:
        return obj.case.org_id

    @staticmethod
    def resolve_office_name(obj: CorrectionCase) -> str:
        return obj.case.org.name

    @staticmethod
    def resolve_is_minor(obj: CorrectionCase) -> bool:
        return obj.subject.is_minor


class CorrectionDeadlineOut(Schema):
    key: str
    label: str
    rule_id: str
    article: str
    flag: str = Field(..., description="[NV]/[INT] 等待确认标注")
    start_date: datetime.date
    due_date: datetime.date
    status: str
    status_label: str


class CorrectionTransitionLogOut(Schema):
    name: str
    label: str
    from_state: str
    to_state: str
    actor_name: str
    created_at: datetime.datetime
    data: dict[str, Any]


class CorrectionAllowedStepOut(Schema):
    name: str
    label: str
    required_fields: list[str]
    blocked_reason: str | None


class CorrectionDocumentOut(Schema):
    id: int
    doc_type: str
    label: str
    number: str
    file_id: int


class CorrectionCaseDetailOut(CorrectionCaseOut):
    gender: str
    birth_date: datetime.date | None
    decision_org_type: str
    decision_org_name: str
    judgment_number: str
    crimes: str
    original_sentence: str
    custody_days: int
    prohibition_order: str
    medical_parole: bool
    effective_date: datetime.date
    execution_address: str
    lost_contact_since: datetime.date | None
    em_active: bool
    liberty_restricted: bool
    in_custody: bool
    ended_on: datetime.date | None
    ended_reason: str
    deadlines: list[CorrectionDeadlineOut]
    transitions: list[CorrectionTransitionLogOut]
    allowed_transitions: list[CorrectionAllowedStepOut] = Field(..., description="本部分当前可办理的环节（其余环节由监督管理、奖惩等接口办理）")

    @staticmethod
    def resolve_name(obj: CorrectionCase) -> str:
        return obj.subject.person.name  # the file itself (a minor's only after the reason was given)

    @staticmethod
    def resolve_id_number_masked(obj: CorrectionCase) -> str:
        return obj.subject.person.id_number_masked

    @staticmethod
    def resolve_gender(obj: CorrectionCase) -> str:
        return obj.subject.person.get_gender_display()

    @staticmethod
    def resolve_birth_date(obj: CorrectionCase) -> datetime.date | None:
        return obj.subject.person.birth_date

    @staticmethod
    def resolve_deadlines(obj: CorrectionCase) -> list[dict[str, Any]]:
        return [_deadline(d) for d in selectors.deadlines_of(obj.case)]

    @staticmethod
    def resolve_transitions(obj: CorrectionCase) -> list[Any]:
        return list(obj.case.transitions.order_by("created_at", "id"))

    @staticmethod
    def resolve_allowed_transitions(obj: CorrectionCase, context: Any) -> list[dict[str, Any]]:
        return [_step(s) for s in selectors.lifecycle_steps(obj, actor_of(context["request"]))]


def _deadline(d: Any) -> dict[str, Any]:
    return {"key": d.key, "label": d.label, "rule_id": d.rule_id, "article": d.article, "flag": d.flagged,
            "start_date": d.start_date, "due_date": d.due_date, "status": d.status, "status_label": d.get_status_display()}


def _step(s: Any) -> dict[str, Any]:
    return {"name": s.transition.name, "label": s.transition.label,
            "required_fields": [f for f, _ in s.fields], "blocked_reason": s.blocked_reason}


class CorrectionCaseIn(Schema):
    person_id: int | None = Field(None, description="人员库中已登记的人员；不填时按姓名与身份证号登记（已登记的身份证号使用该人员）")
    name: str = Field("", max_length=64)
    id_number: str = Field("", max_length=32)
    phone: str = Field("", max_length=32)
    address: str = Field("", max_length=255)
    office_id: int | None = Field(None, description="执行地司法所（司法所工作人员默认本所；县级社区矫正机构须选择）")
    sentence_type: str = Field(..., description="control 管制 / probation 缓刑 / parole 假释 / temporary_execution 暂予监外执行")
    decision_org_type: str = Field("court", description="court 人民法院 / prison_admin 监狱管理机关 / police 公安机关")
    decision_org_name: str = Field(..., max_length=128)
    judgment_number: str = Field(..., max_length=64)
    crimes: str = Field(..., max_length=255)
    original_sentence: str = Field(..., max_length=64, description="如 有期徒刑一年、拘役三个月")
    term: str = Field(..., max_length=32, description="矫正期限，如 1年、1年6个月（CC-34）")
    custody_days: int = Field(0, ge=0, le=3650, description="管制：判决执行前先行羁押天数（一日折抵二日）")
    prohibition_order: str = Field("", max_length=2000)
    medical_parole: bool = False
    effective_date: datetime.date = Field(..., description="判决（裁定、决定）生效日")
    decision_received_on: datetime.date | None = Field(None, description="暂予监外执行：收到决定（批准）之日（CC-07）")
    execution_address: str = Field(..., max_length=255)


class CorrectionTransitionIn(Schema):
    name: str = Field(..., description="notify / expect_report / expect_transfer / receive / announce / lose_contact / "
                                       "regain_contact / discharge / record_death")
    data: dict[str, str | int | float | bool | None] = Field(default_factory=dict,
                                                             description="环节所需字段，如 {\"received_on\": \"2026-03-02\"}")


class CorrectionStepOut(Schema):
    case: CorrectionCaseDetailOut
    documents: list[CorrectionDocumentOut]
    warnings: list[str]


def _documents(result: services.StepResult) -> list[dict[str, Any]]:
    return [{"id": d.pk, "doc_type": d.doc_type, "label": d.label, "number": d.number, "file_id": d.file_id}
            for d in result.documents]


@router.get("/cases", response=list[CorrectionCaseOut], summary="社区矫正对象列表（筛选：状态、类别、等级、司法所、姓名）")
@paginate(PagePagination)
def list_cases(request: HttpRequest, filters: Query[CorrectionFilter]):  # type: ignore[no-untyped-def]
    return selectors.correction_cases_visible_to(actor_of(request), filters=filters)


@router.post("/cases", response={201: CorrectionCaseDetailOut}, summary="登记社区矫正案件（接收判决、裁定、决定）")
def open_case(request: HttpRequest, payload: CorrectionCaseIn) -> Status[CorrectionCase]:
    actor = actor_of(request)
    actor.require("correction.manage")
    person = get_visible_or_404(Person, actor, pk=payload.person_id) if payload.person_id else None
    office = get_visible_or_404(Org, actor, pk=payload.office_id) if payload.office_id else None
    values = payload.dict(exclude={"person_id", "office_id"})
    detail = services.open_correction(actor=actor, person=person, office=office, **values)
    services.record_subject_view(actor=actor, detail=detail, via="api")
    return Status(201, selectors.correction_for(actor, detail.pk))


def _file(request: HttpRequest, case_id: int, reason: str | None) -> CorrectionCase:
    actor = actor_of(request)
    detail = selectors.correction_for(actor, case_id)
    if detail.subject.is_minor:
        if not (reason or "").strip():
            raise ValidationFailed("查阅未成年社区矫正对象档案须说明司法需要或依规查询的依据（参数 reason，CC-35）",
                                   field="reason")
        services.open_minor_file(actor=actor, detail=detail, reason=reason or "", via="api")
    else:
        services.record_subject_view(actor=actor, detail=detail, via="api")
    return detail


@router.get("/cases/{case_id}", response=CorrectionCaseDetailOut, summary="社区矫正对象档案（查看留痕）")
def get_case(request: HttpRequest, case_id: int, reason: str | None = None) -> CorrectionCase:
    detail = _file(request, case_id, reason)
    return detail


@router.post("/cases/{case_id}/transitions", response=CorrectionStepOut, summary="办理社区矫正环节（本部分环节）")
def move_case(request: HttpRequest, case_id: int, payload: CorrectionTransitionIn, reason: str | None = None) -> dict[str, Any]:
    actor = actor_of(request)
    actor.require("correction.manage")
    detail = selectors.correction_for(actor, case_id)
    if detail.subject.is_minor and not (reason or "").strip():
        raise ValidationFailed("办理未成年社区矫正对象事项须说明司法需要（参数 reason，CC-35）", field="reason")
    result = services.take_step(actor=actor, detail=detail, transition=payload.name, data=payload.data)
    return {"case": selectors.correction_for(actor, case_id), "documents": _documents(result),
            "warnings": result.warnings}


# --- 调查评估 -------------------------------------------------------------------------------------


class PreSentenceAssessmentOut(Schema):
    id: int
    number: str
    org_id: int
    org_name: str
    state: str
    state_label: str
    commissioner_type: str
    commissioner_name: str
    commission_number: str
    received_on: datetime.date
    urgent: bool
    person_name: str
    person_id: int | None
    proposed_sentence_type: str
    crimes: str
    conclusion: str
    submitted_on: datetime.date | None
    due_date: datetime.date | None = Field(..., description="完成期限（CC-03 [NV]，期间取自配置）")

    @staticmethod
    def resolve_id(obj: PreSentenceAssessment) -> int:
        return obj.pk

    @staticmethod
    def resolve_number(obj: PreSentenceAssessment) -> str:
        return obj.case.number

    @staticmethod
    def resolve_org_id(obj: PreSentenceAssessment) -> int:
        return obj.case.org_id

    @staticmethod
    def resolve_org_name(obj: PreSentenceAssessment) -> str:
        return obj.case.org.name

    @staticmethod
    def resolve_state(obj: PreSentenceAssessment) -> str:
        return obj.case.state

    @staticmethod
    def resolve_state_label(obj: PreSentenceAssessment) -> str:
        return selectors.assessment_state_label(obj)

    @staticmethod
    def resolve_due_date(obj: PreSentenceAssessment) -> datetime.date | None:
        deadline = obj.case.deadlines.filter(key="assessment").first()
        return deadline.due_date if deadline else None


class PreSentenceAssessmentDetailOut(PreSentenceAssessmentOut):
    findings: str
    flag: str = Field(..., description="完成时限的 [NV] 标注")
    deadlines: list[CorrectionDeadlineOut]
    transitions: list[CorrectionTransitionLogOut]
    allowed_transitions: list[CorrectionAllowedStepOut]

    @staticmethod
    def resolve_flag(obj: PreSentenceAssessment) -> str:
        return config.flag("assessment")

    @staticmethod
    def resolve_deadlines(obj: PreSentenceAssessment) -> list[dict[str, Any]]:
        return [_deadline(d) for d in selectors.deadlines_of(obj.case)]

    @staticmethod
    def resolve_transitions(obj: PreSentenceAssessment) -> list[Any]:
        return list(obj.case.transitions.order_by("created_at", "id"))

    @staticmethod
    def resolve_allowed_transitions(obj: PreSentenceAssessment, context: Any) -> list[dict[str, Any]]:
        return [_step(s) for s in selectors.assessment_steps(obj, actor_of(context["request"]))]


class PreSentenceAssessmentIn(Schema):
    commissioner_type: str = Field(..., description="court 人民法院 / procuratorate 人民检察院 / police 公安机关 / prison 监狱")
    commissioner_name: str = Field(..., max_length=128)
    commission_number: str = Field("", max_length=64)
    received_on: datetime.date
    urgent: bool = False
    person_name: str = Field(..., max_length=64)
    person_id: int | None = None
    proposed_sentence_type: str = Field(..., description="control / probation / parole / temporary_execution")
    crimes: str = Field("", max_length=255)
    org_id: int | None = Field(None, description="承办机构（默认本机构；可为辖区司法所）")


class PreSentenceAssessmentStepOut(Schema):
    assessment: PreSentenceAssessmentDetailOut
    documents: list[CorrectionDocumentOut]
    warnings: list[str]


@router.get("/assessments", response=list[PreSentenceAssessmentOut], summary="调查评估列表")
@paginate(PagePagination)
def list_assessments(request: HttpRequest, filters: Query[AssessmentFilter]):  # type: ignore[no-untyped-def]
    return selectors.assessments_visible_to(actor_of(request), filters=filters)


@router.post("/assessments", response={201: PreSentenceAssessmentDetailOut}, summary="登记调查评估委托（CC-03）")
def open_assessment(request: HttpRequest, payload: PreSentenceAssessmentIn) -> Status[PreSentenceAssessment]:
    actor = actor_of(request)
    actor.require("correction.manage")
    person = get_visible_or_404(Person, actor, pk=payload.person_id) if payload.person_id else None
    org = get_visible_or_404(Org, actor, pk=payload.org_id) if payload.org_id else None
    assessment = services.open_assessment(actor=actor, person=person, org=org,
                                          **payload.dict(exclude={"person_id", "org_id"}))
    return Status(201, selectors.assessment_for(actor, assessment.pk))


@router.get("/assessments/{case_id}", response=PreSentenceAssessmentDetailOut, summary="调查评估详情")
def get_assessment(request: HttpRequest, case_id: int) -> PreSentenceAssessment:
    actor = actor_of(request)
    return selectors.assessment_for(actor, case_id)


@router.post("/assessments/{case_id}/transitions", response=PreSentenceAssessmentStepOut, summary="办理调查评估环节")
def move_assessment(request: HttpRequest, case_id: int, payload: CorrectionTransitionIn) -> dict[str, Any]:
    actor = actor_of(request)
    actor.require("correction.manage")
    assessment = selectors.assessment_for(actor, case_id)
    result = services.take_assessment_step(actor=actor, assessment=assessment, transition=payload.name,
                                           data=payload.data)
    return {"assessment": selectors.assessment_for(actor, case_id),
            "documents": _documents(result), "warnings": result.warnings}


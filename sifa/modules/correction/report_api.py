"""/api/v1/correction/field-reports: submit (multipart), list, detail, suggestions, keyword rules.

Scope, the minors rule (CC-35) and permissions are those of the pages: reporters need
``correction.field_report``; reading reports and suggestions ``correction.view``; deciding
``correction.manage``; rules ``correction.rules.manage``. Out of scope answers 404 like missing.
"""

import datetime
from typing import Any, cast

from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from sifa.core.api import PagePagination, actor_of
from sifa.core.errors import NotFound, ValidationFailed
from sifa.modules.correction import report_selectors as selectors
from sifa.modules.correction import report_services as services
from sifa.modules.correction.choices import SuggestionStatus
from sifa.modules.correction.classify import level_label
from sifa.modules.correction.models import CorrectionCase, CorrectionSuggestion, FieldReport, KeywordRule
from sifa.modules.correction.report_views import location_text

router = Router(tags=["社区矫正 · 现场报告"])


class ReportableSubjectOut(Schema):
    case_id: int = Field(..., description="社区矫正案件 ID（提交报告时的 case_id）")
    name: str
    case_number: str
    org_id: int
    org_name: str
    is_minor: bool

    @staticmethod
    def resolve_case_id(obj: CorrectionCase) -> int:
        return obj.pk

    @staticmethod
    def resolve_name(obj: CorrectionCase) -> str:
        return obj.subject.person.name

    @staticmethod
    def resolve_case_number(obj: CorrectionCase) -> str:
        return obj.case.number

    @staticmethod
    def resolve_org_id(obj: CorrectionCase) -> int:
        return obj.case.org_id

    @staticmethod
    def resolve_org_name(obj: CorrectionCase) -> str:
        return obj.case.org.name

    @staticmethod
    def resolve_is_minor(obj: CorrectionCase) -> bool:
        return obj.subject.is_minor


class ClassificationOut(Schema):
    category: str
    keywords: list[str]
    rules: list[str] = Field(..., description="命中的分类规则编码")
    alert_level: str = Field(..., description="red / orange / yellow / blue，空 = 不预警")
    suggestion: str
    explanation: str = Field(..., description="如：因包含关键词「喝酒」「酒后」归入「饮酒」")


class FieldReportOut(Schema):
    id: int
    case_id: int
    case_number: str
    subject_name: str
    org_id: int
    org_name: str
    reporter_id: int
    reporter_name: str
    note: str
    photo_id: int | None = Field(..., description="现场照片附件 ID（/api/v1/attachments/{id}/content 下载）")
    photo_sha256: str | None
    photo_sm3: str | None
    photo_ledger_index: int | None = Field(..., description="照片入库的存证序号（attachment.added）")
    latitude: str | None
    longitude: str | None
    accuracy_m: int | None
    location_text: str = Field(..., description="无地图的定位说明；未定位时为「未获取定位」")
    captured_at: datetime.datetime | None
    received_at: datetime.datetime
    ledger_seq: int | None = Field(..., description="现场报告存证序号（correction.field_report：照片哈希、"
                                                    "情况说明哈希、接收/拍摄时间、定位、报告人、案件）")
    categories: list[str]
    classification: list[ClassificationOut]
    status: str
    status_label: str
    pending_suggestions: int

    @staticmethod
    def resolve_case_id(obj: FieldReport) -> int:
        return obj.correction_case_id

    @staticmethod
    def resolve_case_number(obj: FieldReport) -> str:
        return obj.correction_case.case.number

    @staticmethod
    def resolve_subject_name(obj: FieldReport) -> str:
        return obj.correction_case.subject.person.name

    @staticmethod
    def resolve_org_id(obj: FieldReport) -> int:
        return obj.correction_case.case.org_id

    @staticmethod
    def resolve_org_name(obj: FieldReport) -> str:
        return obj.correction_case.case.org.name

    @staticmethod
    def resolve_photo_sha256(obj: FieldReport) -> str | None:
        return obj.photo.sha256 if obj.photo else None

    @staticmethod
    def resolve_photo_sm3(obj: FieldReport) -> str | None:
        return obj.photo.sm3 if obj.photo else None

    @staticmethod
    def resolve_photo_ledger_index(obj: FieldReport) -> int | None:
        return obj.photo.ledger_index if obj.photo else None

    @staticmethod
    def resolve_latitude(obj: FieldReport) -> str | None:
        return None if obj.latitude is None else f"{obj.latitude:.6f}"

    @staticmethod
    def resolve_longitude(obj: FieldReport) -> str | None:
        return None if obj.longitude is None else f"{obj.longitude:.6f}"

    @staticmethod
    def resolve_location_text(obj: FieldReport) -> str:
        return location_text(obj)

    @staticmethod
    def resolve_status_label(obj: FieldReport) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_pending_suggestions(obj: FieldReport) -> int:
        pending = getattr(obj, "pending_count", None)
        if pending is None:
            pending = obj.suggestions.filter(status=SuggestionStatus.PENDING).count()
        return int(pending)


class SuggestionOut(Schema):
    id: int
    report_id: int
    case_id: int
    subject_name: str
    org_name: str
    category: str
    text: str
    explanation: str
    status: str = Field(..., description="pending 待处理 / accepted 已采纳 / dismissed 不采纳")
    status_label: str
    decided_by: str
    decided_at: datetime.datetime | None
    reason: str

    @staticmethod
    def resolve_report_id(obj: CorrectionSuggestion) -> int:
        return obj.field_report_id

    @staticmethod
    def resolve_case_id(obj: CorrectionSuggestion) -> int:
        return obj.correction_case_id

    @staticmethod
    def resolve_subject_name(obj: CorrectionSuggestion) -> str:
        return obj.correction_case.subject.person.name

    @staticmethod
    def resolve_org_name(obj: CorrectionSuggestion) -> str:
        return obj.correction_case.case.org.name

    @staticmethod
    def resolve_explanation(obj: CorrectionSuggestion) -> str:
        for item in obj.field_report.classification or []:
            if item.get("category") == obj.category:
                return str(item.get("explanation", ""))
        return ""

    @staticmethod
    def resolve_status_label(obj: CorrectionSuggestion) -> str:
        return obj.get_status_display()


class DecisionIn(Schema):
    accept: bool = Field(..., description="true 采纳 / false 不采纳")
    reason: str = Field("", max_length=1000, description="理由（不采纳时必填）")


class KeywordRuleOut(Schema):
    id: int
    code: str
    category: str
    keywords: list[str]
    alert_level: str
    alert_level_label: str
    suggestion: str
    order: int
    active: bool

    @staticmethod
    def resolve_alert_level_label(obj: KeywordRule) -> str:
        return level_label(obj.alert_level)


class KeywordRuleIn(Schema):
    code: str = Field(..., description="编码：英文字母、数字、连字符、下划线（唯一）")
    category: str = Field(..., description="类别，如 饮酒")
    keywords: list[str] = Field(..., description="关键词（至少一个）")
    alert_level: str = Field("", description="预警等级 red / orange / yellow / blue；空 = 不预警")
    suggestion: str = Field("", description="归入该类别时的精准矫正建议")
    order: int = Field(100, ge=0, le=32767)
    active: bool = True

    def to_input(self) -> services.RuleInput:
        return services.RuleInput(code=self.code, category=self.category, keywords=list(self.keywords),
                                  alert_level=self.alert_level, suggestion=self.suggestion, order=self.order,
                                  active=self.active)


def _rule(rule_id: int) -> KeywordRule:
    rule = KeywordRule.objects.filter(pk=rule_id).first()
    if rule is None:
        raise NotFound()
    return rule


@router.get("/subjects", response=list[ReportableSubjectOut],
            summary="可报告的社区矫正对象（本机构辖区、在矫期间；未成年人须有查阅权限）")
@paginate(PagePagination)
def list_reportable_subjects(request: HttpRequest,
                             q: str = Query("", description="按姓名或案号筛选")) -> Any:  # noqa: B008
    actor = actor_of(request)
    actor.require("correction.field_report")
    return selectors.reportable_cases(actor, q=q)


@router.post("", response={201: FieldReportOut},
             summary="提交现场报告（multipart/form-data：case_id、note 必填；photo、定位可选），照片与定位即时存证")
def submit_report(
    request: HttpRequest,
    case_id: int | None = Form(None, description="社区矫正案件 ID（见 /subjects）"),  # noqa: B008
    note: str = Form("", description="情况说明（必填，至多 2000 字）"),  # noqa: B008
    latitude: str = Form("", description="纬度（-90～90），与经度同时提供"),  # noqa: B008
    longitude: str = Form("", description="经度（-180～180）"),  # noqa: B008
    accuracy_m: str = Form("", description="定位精度（米）"),  # noqa: B008
    captured_at: str = Form("", description="拍摄时间，ISO 8601（如 2026-03-01T08:30:00+08:00）"),  # noqa: B008
    photo: UploadedFile | None = File(None, description="现场照片（JPEG/PNG/GIF/WebP/HEIC）"),  # noqa: B008
) -> Status[FieldReport]:
    actor = actor_of(request)
    actor.require("correction.field_report")
    if case_id is None:
        raise ValidationFailed("请指定社区矫正对象（case_id）", field="case_id")
    detail = selectors.reportable_case_for(actor, case_id)
    report = services.submit_field_report(actor=actor, correction_case=detail, note=note, photo=photo,
                                          latitude=latitude, longitude=longitude, accuracy_m=accuracy_m,
                                          captured_at=captured_at)
    if not actor.has_perm("correction.view"):  # a reporter sees their report through their own receipt
        receipt = FieldReport.objects.select_related(
            "correction_case__subject__person", "correction_case__case__org", "photo").get(pk=report.pk)
        return Status(201, cast(FieldReport, receipt))
    return Status(201, selectors.report_for(actor, report.pk))


@router.get("", response=list[FieldReportOut], summary="现场报告列表（按司法所、对象、类别、报告人、日期筛选）")
@paginate(PagePagination)
def list_reports(
    request: HttpRequest,
    org: int | None = Query(None, description="司法所（含下级）"),  # noqa: B008
    case: int | None = Query(None, description="社区矫正案件 ID"),  # noqa: B008
    category: str = Query("", description="类别"),  # noqa: B008
    reporter: int | None = Query(None, description="报告人用户 ID"),  # noqa: B008
    date_from: datetime.date | None = Query(None, description="接收日期起"),  # noqa: B008
    date_to: datetime.date | None = Query(None, description="接收日期止"),  # noqa: B008
) -> Any:
    actor = actor_of(request)
    actor.require("correction.view")
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed("起始日期不能晚于截止日期", field="date_from")
    filters = selectors.ReportFilters(org=org, case=case, category=category.strip(), reporter=reporter,
                                      date_from=date_from, date_to=date_to)
    return selectors.reports_visible_to(actor, filters=filters)


@router.get("/suggestions", response=list[SuggestionOut], summary="精准矫正建议（默认待处理）")
@paginate(PagePagination)
def list_suggestions(
    request: HttpRequest,
    status: str = Query("pending", description="pending / accepted / dismissed / all"),  # noqa: B008
    org: int | None = Query(None, description="司法所（含下级）"),  # noqa: B008
    case: int | None = Query(None, description="社区矫正案件 ID"),  # noqa: B008
) -> Any:
    actor = actor_of(request)
    actor.require("correction.view")
    if status != "all" and status not in SuggestionStatus.values:
        raise ValidationFailed("status 应为 pending、accepted、dismissed 或 all", field="status")
    return selectors.suggestions_visible_to(actor, status="" if status == "all" else status, org=org, case=case)


@router.post("/suggestions/{suggestion_id}/decision", response=SuggestionOut,
             summary="采纳或不采纳一条矫正建议（不采纳须填写理由）")
def decide(request: HttpRequest, suggestion_id: int, payload: DecisionIn) -> CorrectionSuggestion:
    actor = actor_of(request)
    actor.require("correction.manage")
    suggestion = selectors.suggestion_for(actor, suggestion_id)
    services.decide_suggestion(actor=actor, suggestion=suggestion, accept=payload.accept, reason=payload.reason)
    return selectors.suggestion_for(actor, suggestion_id)


@router.get("/rules", response=list[KeywordRuleOut], summary="现场报告分类规则")
def list_rules(request: HttpRequest) -> Any:
    actor_of(request).require("correction.rules.manage")
    return list(selectors.keyword_rules())


@router.post("/rules", response={201: KeywordRuleOut}, summary="新增分类规则")
def create_rule(request: HttpRequest, payload: KeywordRuleIn) -> Status[KeywordRule]:
    actor = actor_of(request)
    actor.require("correction.rules.manage")
    return Status(201, services.save_keyword_rule(actor=actor, data=payload.to_input()))


@router.get("/rules/{rule_id}", response=KeywordRuleOut, summary="分类规则详情")
def get_rule(request: HttpRequest, rule_id: int) -> KeywordRule:
    actor_of(request).require("correction.rules.manage")
    return _rule(rule_id)


@router.put("/rules/{rule_id}", response=KeywordRuleOut, summary="修改分类规则（含启用/停用）")
def update_rule(request: HttpRequest, rule_id: int, payload: KeywordRuleIn) -> KeywordRule:
    actor = actor_of(request)
    actor.require("correction.rules.manage")
    return services.save_keyword_rule(actor=actor, data=payload.to_input(), rule=_rule(rule_id))


@router.post("/rules/{rule_id}/deactivate", response=KeywordRuleOut, summary="停用分类规则（规则不删除，已分类的报告仍引用它）")
def deactivate_rule(request: HttpRequest, rule_id: int) -> KeywordRule:
    actor = actor_of(request)
    actor.require("correction.rules.manage")
    return services.deactivate_keyword_rule(actor=actor, rule=_rule(rule_id))


@router.get("/{report_id}", response=FieldReportOut, summary="现场报告详情（分类依据、存证）")
def get_report(request: HttpRequest, report_id: int) -> FieldReport:
    actor = actor_of(request)
    actor.require("correction.view")
    return selectors.report_for(actor, report_id)


@router.post("/{report_id}/reviewed", response=FieldReportOut, summary="标记现场报告为已查看")
def mark_reviewed(request: HttpRequest, report_id: int) -> FieldReport:
    actor = actor_of(request)
    actor.require("correction.manage")
    services.mark_report_reviewed(actor=actor, report=selectors.report_for(actor, report_id))
    return selectors.report_for(actor, report_id)

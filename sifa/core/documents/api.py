"""The documents API: a case's documents (/cases/{case_id}/documents), org reports (/documents), document types and, for
administrators, template versions (/documents/...). Errors are problem+json (sifa.project.api)."""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Path, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from sifa.core import registry
from sifa.core.api import PagePagination, actor_of
from sifa.core.cases.selectors import case_in_scope
from sifa.core.documents import selectors, services
from sifa.core.documents.models import DocumentTemplate, GeneratedDocument
from sifa.core.documents.selectors import TemplateOverview
from sifa.core.errors import ValidationFailed
from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import get_visible_or_404

router = Router(tags=["文书"])
case_router = Router(tags=["文书"])


class DocumentOut(Schema):
    id: int
    org_id: int = Field(..., description="制发机构")
    case_id: int | None = Field(..., description="案件；机构制发的报表、函、单、书为 null")
    period: str = Field(..., description="报表所属期间（如 2026-10）；无则为空")
    doc_type: str
    label: str
    number: str = Field(..., description="文书编号，如 浙0111司告〔2026〕3号")
    template_version: int = Field(..., description="所用模板版本，0 为内置模板")
    extra: dict[str, Any]
    file_attachment_id: int = Field(..., description="文书文件附件（.docx 或 .xlsx；/api/v1/attachments/{id}/content 下载）")
    file_format: str = Field(..., description="docx / xlsx")
    pdf_attachment_id: int | None = Field(..., description="PDF 附件；未安装 LibreOffice 或不转换时为 null")
    pdf_status: str = Field(..., description="converted / unavailable / failed / not_wanted")
    generated_by: str
    generated_at: datetime.datetime

    @staticmethod
    def resolve_file_attachment_id(obj: GeneratedDocument) -> int:
        return obj.file_id

    @staticmethod
    def resolve_pdf_attachment_id(obj: GeneratedDocument) -> int | None:
        return obj.pdf_id


class DocumentIn(Schema):
    doc_type: str = Field(..., min_length=1, max_length=64, description="文书类型代码（GET /documents/types）")
    extra: dict[str, Any] = Field(default_factory=dict, description="补充内容：模板中以 extra.名称 引用的文字或数字")


class DocumentTypeOut(Schema):
    code: str
    label: str
    number_word: str = Field(..., description="文书编号中的代字")
    case_types: list[str] = Field(..., description="适用的案件类型；空表示所有案件类型")
    pdf: bool
    subject: str = Field(..., description="case：针对案件制作；org：机构制发的报表、函、单、书")
    file_format: str = Field(..., description="docx / xlsx")
    params: dict[str, str] = Field(..., description="机构文书的参数：名称 → 说明（如 period → 月份）")


class OrgDocumentIn(Schema):
    org_id: int = Field(..., description="制发机构（须在本人管辖范围内）")
    doc_type: str = Field(..., min_length=1, max_length=64, description="机构文书类型（subject=org）")
    params: dict[str, Any] = Field(default_factory=dict, description="参数，如 {\"period\": \"2026-10\"}")
    extra: dict[str, Any] = Field(default_factory=dict, description="补充内容")


class TemplateVersionOut(Schema):
    version: int
    active: bool
    original_name: str
    size: int
    sha256: str
    note: str
    uploaded_by: str
    uploaded_at: datetime.datetime


class TemplateTypeOut(Schema):
    doc_type: str
    label: str
    active_version: int = Field(..., description="当前使用的版本，0 为内置模板")
    versions: list[TemplateVersionOut] = Field(..., description="上传的版本，新版在前（内置版本 0 不列出）")


class ActivateIn(Schema):
    doc_type: str = Field(..., min_length=1, max_length=64)
    version: int = Field(..., ge=0, description="要启用的版本；0 恢复内置模板")


def _type_out(t: registry.DocumentType) -> dict[str, Any]:
    return {"code": t.code, "label": t.label, "number_word": t.number_word, "case_types": list(t.case_types),
            "pdf": t.pdf, "subject": t.subject, "file_format": t.file_format, "params": dict(t.params)}


def _overview_out(o: TemplateOverview) -> dict[str, Any]:
    return {"doc_type": o.doc_type.code, "label": o.doc_type.label, "active_version": o.active_version,
            "versions": o.versions}


@case_router.get("", response=list[DocumentOut], summary="案件的文书列表")
def list_case_documents(request: HttpRequest, case_id: Path[int]) -> Any:
    actor = actor_of(request)
    return list(selectors.documents_of_case(actor, case_in_scope(actor, case_id)))


@case_router.post("", response={201: DocumentOut}, summary="制作文书（填充模板、编号、存证）")
def generate_case_document(request: HttpRequest, case_id: Path[int], payload: DocumentIn) -> Status[GeneratedDocument]:
    actor = actor_of(request)
    actor.require("documents.generate")
    case = case_in_scope(actor, case_id)
    document = services.generate_document(actor=actor, case=case, doc_type=payload.doc_type, extra=payload.extra)
    return Status(201, document)


@router.get("", response=list[DocumentOut], summary="机构制发的报表、函、单、书（管辖范围内）")
@paginate(PagePagination)
def list_org_documents(request: HttpRequest, org_id: int | None = None, doc_type: str = "", period: str = "") -> Any:
    return selectors.org_documents(actor_of(request), org_id=org_id, doc_type=doc_type, period=period)


@router.post("", response={201: DocumentOut}, summary="机构制发报表、函、单、书（编号、存证）")
def generate_org_document(request: HttpRequest, payload: OrgDocumentIn) -> Status[GeneratedDocument]:
    actor = actor_of(request)
    actor.require("documents.generate")
    org = get_visible_or_404(Org, actor, pk=payload.org_id)
    document = services.generate_org_document(actor=actor, org=org, doc_type=payload.doc_type,
                                              params=payload.params, extra=payload.extra)
    return Status(201, document)


@router.get("/types", response=list[DocumentTypeOut], summary="文书类型")
def list_document_types(request: HttpRequest) -> list[dict[str, Any]]:
    return [_type_out(t) for _, t in sorted(registry.document_types.items())]


@router.get("/templates", response=list[TemplateTypeOut], summary="文书模板及其版本（系统管理员）")
def list_templates(request: HttpRequest) -> list[dict[str, Any]]:
    return [_overview_out(o) for o in selectors.template_overview(actor_of(request))]


@router.post("/templates", response={201: TemplateVersionOut},
             summary="上传文书模板新版本（multipart/form-data：doc_type、file 必填，note 可选；上传后即启用）")
def upload_template(
    request: HttpRequest,
    doc_type: str = Form("", description="文书类型代码"),  # noqa: B008
    file: UploadedFile | None = File(None, description=".docx 模板（docxtpl/Jinja 占位符）"),  # noqa: B008
    note: str = Form("", description="版本说明（至多 255 字）"),  # noqa: B008
) -> Status[DocumentTemplate]:
    actor = actor_of(request)
    actor.require("documents.templates.manage")
    if file is None:
        raise ValidationFailed("请选择模板文件（.docx）", field="file")
    template = services.upload_template(actor=actor, doc_type=doc_type, content=file.read(),
                                        filename=file.name or "", note=note)
    return Status(201, template)


@router.post("/templates/activate", response=TemplateTypeOut, summary="启用文书模板的某一版本（0 为内置模板）")
def activate_template(request: HttpRequest, payload: ActivateIn) -> dict[str, Any]:
    actor = actor_of(request)
    services.activate_template(actor=actor, doc_type=payload.doc_type, version=payload.version)
    return next(_overview_out(o) for o in selectors.template_overview(actor) if o.doc_type.code == payload.doc_type)

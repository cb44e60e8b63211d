"""The attachments API: a case's files (/cases/{case_id}/attachments) and one file (/attachments/{id}).

Uploads are multipart (``file``, ``kind``, ``note``). Reading metadata needs only the file in scope;
downloading its content is audited like on the pages. Errors are problem+json (sifa.project.api).
"""

import datetime
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Field, File, Form, Path, Router, Schema, Status, UploadedFile

from sifa.core.api import actor_of
from sifa.core.attachments import selectors, services
from sifa.core.attachments.filetypes import label_of
from sifa.core.attachments.models import Attachment, AttachmentKind
from sifa.core.attachments.views import content_response
from sifa.core.cases.selectors import case_in_scope

router = Router(tags=["证据材料"])
case_router = Router(tags=["证据材料"])

_BINARY = {"responses": {200: {"description": "文件内容（按检测到的类型，Content-Disposition: attachment）",
                               "content": {"application/octet-stream": {"schema": {"type": "string",
                                                                                   "format": "binary"}}}}}}


class AttachmentOut(Schema):
    id: int
    case_id: int | None
    org_id: int
    kind: str = Field(..., description="evidence 证据材料 / document 文书 / photo 现场照片 / other 其他")
    kind_label: str
    name: str = Field(..., description="上传时的原始文件名")
    content_type: str = Field(..., description="按文件内容检测的 MIME 类型")
    type_label: str
    size: int = Field(..., description="字节数")
    sha256: str = Field(..., description="SHA-256，十六进制小写")
    sm3: str = Field(..., description="SM3（GB/T 32905），十六进制小写")
    ledger_index: int | None = Field(..., description="存证账本中的序号")
    has_thumbnail: bool
    note: str
    uploaded_by_name: str
    uploaded_at: datetime.datetime

    @staticmethod
    def resolve_kind_label(obj: Attachment) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_type_label(obj: Attachment) -> str:
        return label_of(obj.content_type)

    @staticmethod
    def resolve_has_thumbnail(obj: Attachment) -> bool:
        return bool(obj.thumbnail)

    @staticmethod
    def resolve_note(obj: Attachment) -> str:
        return str(obj.metadata.get("note", ""))


@case_router.get("", response=list[AttachmentOut], summary="案件的证据材料列表")
def list_case_attachments(request: HttpRequest, case_id: Path[int]) -> Any:
    actor = actor_of(request)
    return list(selectors.attachments_of_case(actor, case_in_scope(actor, case_id)))


@case_router.post("", response={201: AttachmentOut},
                  summary="上传证据材料（multipart/form-data：file 必填，kind、note 可选）")
def upload_case_attachment(
    request: HttpRequest,
    case_id: Path[int],
    file: UploadedFile | None = File(None, description="文件（必填）；类型按内容识别，大小上限见 SIFA_UPLOAD_MAX_BYTES"),  # noqa: B008
    kind: str = Form(AttachmentKind.EVIDENCE.value, description="evidence / document / photo / other"),  # noqa: B008
    note: str = Form("", description="说明（至多 500 字）"),  # noqa: B008
) -> Status[Attachment]:
    actor = actor_of(request)
    actor.require("attachments.upload")
    case = case_in_scope(actor, case_id)
    attachment = services.upload_attachment(actor=actor, case=case, file=file, kind=kind, note=note)
    return Status(201, attachment)


@router.get("/{attachment_id}", response=AttachmentOut, summary="证据材料详情（含哈希与存证序号）")
def get_attachment(request: HttpRequest, attachment_id: int) -> Attachment:
    return selectors.attachment_for(actor_of(request), attachment_id)


@router.get("/{attachment_id}/content", summary="下载证据材料原文件（记入审计日志）", openapi_extra=_BINARY)
def get_attachment_content(request: HttpRequest, attachment_id: int) -> FileResponse:
    actor = actor_of(request)
    attachment = selectors.attachment_for(actor, attachment_id)
    services.record_download(actor=actor, attachment=attachment)
    return content_response(attachment)

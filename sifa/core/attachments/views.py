"""Attachment pages: the "证据材料" card on the case page, upload, scoped and audited download, thumbnails."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from sifa.core.attachments import selectors, services
from sifa.core.attachments.filetypes import ALLOWED_TYPES, accept_attribute, allowed_labels
from sifa.core.attachments.models import Attachment, AttachmentKind
from sifa.core.attachments.store import open_file, open_thumbnail, upload_limit
from sifa.core.cases.models import Case
from sifa.core.cases.selectors import case_in_scope, module_page_of
from sifa.core.cases.views import case_detail
from sifa.core.errors import NotFound, SifaError, ValidationFailed
from sifa.core.ui.decorators import require_perm

# Set on the request by a failed upload, so the re-rendered case page shows the error in the card.
_ERROR_ATTR = "attachments_upload_error"
_POSTED_ATTR = "attachments_upload_posted"


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def case_panel_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    """Context of the "证据材料" card (registry.case_panels): the case's files and the upload form."""
    actor = _actor(request)
    limit = upload_limit()
    return {
        "rows": selectors.rows(selectors.attachments_of_case(actor, case)),
        "can_upload": actor.has_perm("attachments.upload"),
        "accept": accept_attribute(),
        "kinds": AttachmentKind.choices,
        "allowed_labels": allowed_labels(ALLOWED_TYPES),
        "limit_mb": f"{limit / (1024 * 1024):g}",
        "error": getattr(request, _ERROR_ATTR, None),
        "posted": getattr(request, _POSTED_ATTR, {}),
    }


@login_required
@require_perm("attachments.upload")
@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload one file to a case (form fields file, kind, note); back to the case page with a message,
    or the case page again with the error in the card."""
    actor = _actor(request)
    case = case_in_scope(actor, pk)
    files = request.FILES.getlist("file")
    kind = request.POST.get("kind", AttachmentKind.EVIDENCE)
    note = request.POST.get("note", "")
    try:
        if len(files) > 1:
            raise ValidationFailed("一次只能上传一个文件：请只选择文件或只拍一张照片", field="file")
        attachment = services.upload_attachment(actor=actor, case=case, file=files[0] if files else None,
                                                kind=kind, note=note)
    except SifaError as exc:
        if module_page_of(actor, pk):  # a module's own case page: back there with the error as a message
            messages.error(request, f"未能上传：{exc.message}")
            return redirect(reverse("cases:detail", args=[case.pk]) + "#attachments")
        setattr(request, _ERROR_ATTR, exc)
        setattr(request, _POSTED_ATTR, {"kind": kind, "note": note})
        response = case_detail(request, pk)
        response.status_code = exc.status
        return response
    messages.success(request, f"已上传「{attachment.name}」，已存证 #{attachment.ledger_index}")
    return redirect(reverse("cases:detail", args=[case.pk]) + "#attachments")


def content_response(attachment: Attachment, *, thumbnail: bool = False) -> FileResponse:
    """The stored bytes (or the thumbnail) as a download: the detected content type, the original name
    (RFC 5987 ``filename*`` when not ASCII), ``nosniff`` and no caching."""
    if thumbnail:
        if not attachment.thumbnail:
            raise NotFound("该附件没有缩略图")
        stem = attachment.name.rsplit(".", 1)[0] if "." in attachment.name else attachment.name
        response = FileResponse(open_thumbnail(attachment), as_attachment=True, filename=f"{stem}-缩略图.jpg",
                                content_type="image/jpeg")
    else:
        response = FileResponse(open_file(attachment), as_attachment=True, filename=attachment.name,
                                content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    """The file itself, to anyone who can see it; every download is an audit event."""
    actor = _actor(request)
    attachment = selectors.attachment_for(actor, pk)
    services.record_download(actor=actor, attachment=attachment)
    return content_response(attachment)


@login_required
@require_GET
def thumbnail(request: HttpRequest, pk: int) -> FileResponse:
    """The small JPEG preview of an image (not audited: it is not the evidence itself)."""
    attachment = selectors.attachment_for(_actor(request), pk)
    return content_response(attachment, thumbnail=True)

"""Attachment writes: upload evidence to a case, and the audit of every download of a file's content."""

from __future__ import annotations

from typing import Any

from django.core.files import File

from sifa.core.accounts.actor import Actor
from sifa.core.attachments.models import Attachment, AttachmentKind
from sifa.core.attachments.store import store_attachment
from sifa.core.audit.recorder import record
from sifa.core.cases.models import Case
from sifa.core.errors import NotFound, ValidationFailed
from sifa.core.services import service

NOTE_MAX = 500


@service("attachments.attachment.uploaded")
def upload_attachment(*, actor: Actor, case: Case, file: File | None, kind: str = AttachmentKind.EVIDENCE,
                      note: str = "") -> Attachment:
    """Add an uploaded file to a case as evidence (证据材料): stored byte-for-byte, hashed (SM3 and
    SHA-256) and logged to the evidence ledger in this transaction. Needs ``attachments.upload`` and the
    case in the actor's scope; the file belongs to the case's org."""
    actor.require("attachments.upload")
    if not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
        raise NotFound()
    if file is None:
        raise ValidationFailed("请选择要上传的文件", field="file")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationFailed(f"说明不能超过 {NOTE_MAX} 字", field="note")
    attachment = store_attachment(actor=actor, org=case.org, name=file.name or "", content=file, case=case, kind=kind,
                                  metadata={"note": note} if note else None)
    record(actor=actor, action="attachments.attachment.uploaded", obj=attachment, changes={
        "case": case.number, "name": attachment.name, "kind": attachment.kind, "content_type": attachment.content_type,
        "size": attachment.size, "sha256": attachment.sha256, "sm3": attachment.sm3,
        "ledger_index": attachment.ledger_index})
    return attachment


@service("attachments.attachment.downloaded")
def record_download(*, actor: Actor, attachment: Attachment) -> Attachment:
    """Audit one download of a file's content (evidence often holds personal data). The attachment
    must be in the actor's scope."""
    if not Attachment.objects.visible_to(actor).filter(pk=attachment.pk).exists():
        raise NotFound()
    changes: dict[str, Any] = {"name": attachment.name, "sha256": attachment.sha256, "size": attachment.size}
    if attachment.case_id is not None:
        changes["case_id"] = attachment.case_id
    record(actor=actor, action="attachments.attachment.downloaded", obj=attachment, changes=changes)
    return attachment

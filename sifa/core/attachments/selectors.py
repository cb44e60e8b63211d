"""Attachment reads: a case's files and one file, always within the actor's scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from sifa.core.accounts.actor import Actor
from sifa.core.attachments.filetypes import ALLOWED_TYPES, label_of
from sifa.core.attachments.models import Attachment
from sifa.core.cases.models import Case
from sifa.core.orgs.scope import get_visible_or_404


def attachments_of_case(actor: Actor, case: Case) -> QuerySet[Attachment]:
    """The case's attachments the actor may see, oldest first."""
    return Attachment.objects.visible_to(actor).filter(case=case).order_by("uploaded_at", "pk")


def attachment_for(actor: Actor, pk: int) -> Attachment:
    """One attachment in the actor's scope; out of scope answers like missing (NotFound)."""
    return get_visible_or_404(Attachment, actor, pk=pk)


def human_size(size: int) -> str:
    """``512 字节``, ``12.3 KB``, ``4.5 MB`` (1 KB = 1024 bytes)."""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


@dataclass(frozen=True)
class AttachmentRow:
    """An attachment with what a list shows about it."""

    attachment: Attachment
    type_label: str
    size_label: str
    short_label: str  # e.g. "PDF", "DOCX": shown where an image has its thumbnail


def short_label(content_type: str) -> str:
    known = ALLOWED_TYPES.get(content_type)
    return known.extensions[0].lstrip(".").upper() if known else "文件"


def rows(attachments: QuerySet[Attachment]) -> list[AttachmentRow]:
    return [AttachmentRow(a, label_of(a.content_type), human_size(a.size), short_label(a.content_type))
            for a in attachments]

"""Document writes: generate a numbered document for a case; upload and activate template versions."""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Callable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.attachments.store import store_attachment
from sifa.core.audit.recorder import record
from sifa.core.cases.models import Case
from sifa.core.cases.numbering import next_counter_value, number_prefix
from sifa.core.cases.services import case_type_of
from sifa.core.documents import pdf, rendering
from sifa.core.documents.models import (
    BUILT_IN_VERSION,
    DocumentNumberCounter,
    DocumentTemplate,
    GeneratedDocument,
    PdfStatus,
)
from sifa.core.errors import Conflict, NotFound, ValidationFailed
from sifa.core.orgs.models import Org
from sifa.core.registry import DocumentType
from sifa.core.services import service

logger = logging.getLogger(__name__)

MAX_EXTRA_KEYS = 50
MAX_EXTRA_TEXT = 2000


def format_document_number(*, prefix: str, word: str, year: int, sequence: int) -> str:
    """发文字号 in the official style: 机关代字 + 〔年份〕 in 六角括号 + 序号 (GB/T 9704-2012 §7.2.4),
    e.g. 浙0111司告〔2026〕3号. The prefix is the case number's (province abbreviation + region code)."""
    return f"{prefix}{word}〔{year}〕{sequence}号"


def _clean_extra(extra: Mapping[str, Any] | None) -> dict[str, Any]:
    """Extra template variables from the user: flat, short, JSON-safe values."""
    out: dict[str, Any] = {}
    for key, value in (extra or {}).items():
        if not isinstance(key, str) or not key.isidentifier():
            raise ValidationFailed(f"补充内容的名称「{key}」须为字母、数字或下划线组成的标识符", field="extra")
        if value is not None and not isinstance(value, str | int | float | bool):
            raise ValidationFailed(f"补充内容「{key}」须为文字或数字", field="extra")
        if isinstance(value, str) and len(value) > MAX_EXTRA_TEXT:
            raise ValidationFailed(f"补充内容「{key}」不能超过 {MAX_EXTRA_TEXT} 字", field="extra")
        out[key] = value
    if len(out) > MAX_EXTRA_KEYS:
        raise ValidationFailed(f"补充内容最多 {MAX_EXTRA_KEYS} 项", field="extra")
    return out


def _pdf_copy(doc_type: DocumentType, docx: bytes) -> tuple[bytes | None, str]:
    """(PDF bytes or None, PdfStatus). A missing LibreOffice or a failed conversion never stops the document."""
    if not doc_type.pdf:
        return None, PdfStatus.NOT_WANTED
    binary = pdf.soffice_path()
    if binary is None:
        return None, PdfStatus.UNAVAILABLE
    try:
        return pdf.convert_to_pdf(docx, binary=binary), PdfStatus.CONVERTED
    except pdf.PdfConversionFailed as exc:
        logger.warning("文书 PDF 转换失败（%s）：%s", doc_type.code, exc)
        return None, PdfStatus.FAILED


@service("documents.document.generated")
def generate_document(*, actor: Actor, case: Case, doc_type: str, extra: Mapping[str, Any] | None = None
                      ) -> GeneratedDocument:
    """Fill ``doc_type``'s active template from ``case``, number it and store it as evidence.

    Checks: permission ``documents.generate`` (403), the case in the actor's scope (404), the type
    known and applicable to the case type (400 on ``doc_type``), the extra values (400 on ``extra``).
    The number comes from a counter (see ``_issue``). The .docx (and the
    PDF, when LibreOffice is installed) are stored through the attachments engine, which appends a
    ``document.generated`` ledger entry for each file.
    """
    return _case_document(actor=actor, case=case, doc_type=doc_type, extra=extra, audit=True)


def issue_case_document(*, actor: Actor, case: Case, doc_type: str, extra: Mapping[str, Any] | None = None
                        ) -> GeneratedDocument:
    """``generate_document`` without its audit event, for a module service whose act includes the
    document (a 警告 decision and its 决定书, a discharge and its 解除证明书): same checks, number,
    files and ledger entries, inside the caller's transaction; the caller records its own event."""
    return _case_document(actor=actor, case=case, doc_type=doc_type, extra=extra, audit=False)


def _case_document(*, actor: Actor, case: Case, doc_type: str, extra: Mapping[str, Any] | None,
                   audit: bool) -> GeneratedDocument:
    actor.require("documents.generate")
    visible = Case.objects.visible_to(actor).select_related("org__region").filter(pk=case.pk).first()
    if visible is None:
        raise NotFound()
    spec = rendering.document_type(doc_type)
    if spec.subject != "case":
        raise ValidationFailed(f"「{spec.label}」由机构制发，不针对案件", field="doc_type")
    if not rendering.applies_to(spec, visible.case_type):
        raise ValidationFailed(f"文书「{spec.label}」不适用于「{case_type_of(visible.case_type).label}」案件",
                               field="doc_type")
    values = _clean_extra(extra)

    def context(number: str, today: datetime.date) -> dict[str, Any]:
        return rendering.document_context(visible, spec, number=number, today=today, extra=values)

    return _issue(actor=actor, spec=spec, org=visible.org, case=visible, period="", extra=values, context=context,
                  audit=audit)


@service("documents.report.generated")
def generate_org_document(*, actor: Actor, org: Org, doc_type: str, params: Mapping[str, Any] | None = None,
                          extra: Mapping[str, Any] | None = None) -> GeneratedDocument:
    """Issue an org's report, letter or notice (``subject="org"`` types: 统计表, 分析报告, 督办函 …).

    Checks: permission ``documents.generate`` (403), ``org`` in the actor's scope (404), the type known
    and issued by orgs (400 on ``doc_type``); the type's ``context(org, params)`` checks ``params`` and
    raises naming the bad one. Numbered, stored and ledgered like a case document; ``params["period"]``
    (when the type has one) is kept as the document's ``period``.
    """
    actor.require("documents.generate")
    visible = Org.objects.visible_to(actor).select_related("region").filter(pk=org.pk).first()
    if visible is None:
        raise NotFound()
    spec = rendering.document_type(doc_type)
    if spec.subject != "org":
        raise ValidationFailed(f"「{spec.label}」须针对案件制作", field="doc_type")
    values = _clean_extra(extra)
    clean_params = _clean_extra(params)
    period = str(clean_params.get("period", ""))[:32]

    def context(number: str, today: datetime.date) -> dict[str, Any]:
        return rendering.org_document_context(visible, spec, params=clean_params, number=number, today=today,
                                              extra=values)

    return _issue(actor=actor, spec=spec, org=visible, case=None, period=period, extra={**values, **clean_params},
                  context=context)


def _issue(*, actor: Actor, spec: DocumentType, org: Org, case: Case | None, period: str, extra: dict[str, Any],
           context: Callable[[str, datetime.date], dict[str, Any]], audit: bool = True) -> GeneratedDocument:
    """Number, fill, convert, store and record one document (inside the calling service's transaction).

    The number comes from a counter per (type, prefix, year) visible until commit, so a failure
    anywhere (a template that cannot be filled included) gives the number back.
    """
    if spec.render is None:
        version, template = rendering.active_template(spec)
    else:
        version, template = BUILT_IN_VERSION, b""
    today = timezone.localdate()
    prefix = number_prefix(org)
    sequence = next_counter_value(DocumentNumberCounter, doc_type=spec.code, prefix=prefix, year=today.year)
    number = format_document_number(prefix=prefix, word=spec.number_word, year=today.year, sequence=sequence)
    filled = context(number, today)
    if spec.render is None:
        content = rendering.render(template, filled)
        pdf_bytes, pdf_status = _pdf_copy(spec, content)  # before the ledger is visible: conversion takes seconds
    else:
        content = spec.render(filled)
        pdf_bytes, pdf_status = None, PdfStatus.NOT_WANTED

    metadata = {"doc_type": spec.code, "number": number, "template_version": version}
    if period:
        metadata["period"] = period
    main_file = store_attachment(actor=actor, org=org, case=case, name=f"{spec.label}（{number}）.{spec.file_format}",
                                 content=content, kind="document", metadata={**metadata, "format": spec.file_format},
                                 entry_type="document.generated")
    pdf_file = None
    if pdf_bytes is not None:
        pdf_file = store_attachment(actor=actor, org=org, case=case, name=f"{spec.label}（{number}）.pdf",
                                    content=pdf_bytes, kind="document", metadata={**metadata, "format": "pdf"},
                                    entry_type="document.generated")
    document = GeneratedDocument.objects.create(
        org=org, case=case, period=period, doc_type=spec.code, label=spec.label, number=number, year=today.year,
        sequence=sequence, template_version=version, extra=extra, file=main_file, pdf=pdf_file, pdf_status=pdf_status,
        generated_by=actor.name, generated_by_user=actor.user,
    )
    if not audit:
        return document
    action = "documents.document.generated" if case is not None else "documents.report.generated"
    record(actor=actor, action=action, obj=document,
           changes={"case": case.pk if case else None, "org": org.pk, "period": period, "doc_type": spec.code,
                    "number": number, "template_version": version, "file": main_file.pk,
                    "pdf": pdf_file.pk if pdf_file else None, "pdf_status": pdf_status})
    return document


@service("documents.template.uploaded")
def upload_template(*, actor: Actor, doc_type: str, content: bytes, filename: str = "", note: str = ""
                    ) -> DocumentTemplate:
    """Add the next version of ``doc_type``'s template and make it the active one.

    The file must be a .docx that docxtpl can fill with a sample context; a Jinja syntax error is
    refused with its message (400 on ``file``) and nothing is saved.
    """
    actor.require("documents.templates.manage")
    spec = rendering.document_type(doc_type)
    note = note.strip()
    if len(note) > 255:
        raise ValidationFailed("说明不能超过 255 字", field="note")
    if filename and not filename.lower().endswith(".docx"):
        raise ValidationFailed("模板须为 .docx 文件", field="file")
    rendering.check_template(content, spec)
    versions = DocumentTemplate.objects.select_for_update().filter(doc_type=spec.code).only("version", "active")
    latest = max((t.version for t in versions), default=BUILT_IN_VERSION)
    versions.filter(active=True).update(active=False)
    try:
        with transaction.atomic():
            template = DocumentTemplate.objects.create(
                doc_type=spec.code, version=latest + 1, content=content, original_name=filename[:255],
                size=len(content), sha256=hashlib.sha256(content).hexdigest(), note=note, active=True,
                uploaded_by=actor.name, uploaded_by_user=actor.user)
    except IntegrityError as exc:  # another administrator uploaded the first version at the same moment
        raise Conflict("另一位管理员刚刚上传了该文书的模板，请刷新后重试") from exc
    record(actor=actor, action="documents.template.uploaded", obj=template,
           changes={"doc_type": spec.code, "version": template.version, "sha256": template.sha256, "note": note})
    return template


@service("documents.template.activated")
def activate_template(*, actor: Actor, doc_type: str, version: int) -> DocumentTemplate | None:
    """Make ``version`` of ``doc_type``'s template the one in use; 0 returns to the shipped template
    (and returns ``None``)."""
    actor.require("documents.templates.manage")
    spec = rendering.document_type(doc_type)
    versions = DocumentTemplate.objects.select_for_update().filter(doc_type=spec.code).only("version", "active")
    before = next((t.version for t in versions if t.active), BUILT_IN_VERSION)
    chosen = None
    if version != BUILT_IN_VERSION:
        chosen = next((t for t in versions if t.version == version), None)
        if chosen is None:
            raise ValidationFailed(f"「{spec.label}」没有第{version}版模板", field="version")
    versions.filter(active=True).exclude(version=version).update(active=False)
    if chosen is not None and not chosen.active:
        chosen.active = True
        chosen.save(update_fields=["active"])
    label = "内置" if chosen is None else f"第{version}版"
    record(actor=actor, action="documents.template.activated", obj=chosen,
           object_type="documents.documenttemplate", object_id=f"{spec.code}:{version}",
           object_repr=f"{spec.label} {label}", changes={"doc_type": spec.code, "version": [before, version]})
    return chosen

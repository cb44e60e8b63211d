"""Filling a .docx template from a case or for an org: document types, template versions, the context, docxtpl.

Templates are Jinja inside Word (docxtpl). They run in Jinja's sandbox with autoescaping (a case
title with "<" or "&" cannot break the document XML, and an uploaded template cannot reach Python
internals). A variable a template names but the context lacks renders as empty text, so an
optional value left blank does not stop a document.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import jinja2
from django.utils import timezone
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from sifa.core import registry
from sifa.core.cases.models import Case
from sifa.core.cases.services import case_type_of
from sifa.core.documents.models import BUILT_IN_VERSION, DocumentTemplate
from sifa.core.documents.numerals import arabic_date, chinese_date
from sifa.core.errors import ValidationFailed
from sifa.core.orgs.models import Org
from sifa.core.registry import DocumentType

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


class TemplateRenderError(ValidationFailed):
    """A template that cannot be filled (Jinja syntax, a failing expression, broken Word XML)."""

    code = "template_error"
    title = "文书模板有误"


# --- document types ---

def document_type(code: str) -> DocumentType:
    if code not in registry.document_types:
        raise ValidationFailed(f"未知的文书类型：{code}", field="doc_type")
    return registry.document_types[code]


def applies_to(doc_type: DocumentType, case_type: str) -> bool:
    if doc_type.subject != "case":
        return False
    return not doc_type.case_types or case_type in doc_type.case_types


def org_types() -> list[DocumentType]:
    """The document types an org issues (reports, letters, notices), by code."""
    return sorted((t for t in registry.document_types.values() if t.subject == "org"), key=lambda t: t.code)


def applicable_types(case: Case) -> list[DocumentType]:
    return sorted((t for t in registry.document_types.values() if applies_to(t, case.case_type)), key=lambda t: t.code)


def shipped_template(doc_type: DocumentType) -> Traversable:
    """The shipped .docx named by ``template`` ("package:relative/path.docx")."""
    package, sep, relative = doc_type.template.partition(":")
    if not sep or not relative:
        raise ValueError(f"{doc_type.code}: template must be 'package:relative/path.docx', got {doc_type.template!r}")
    return resources.files(package).joinpath(relative)


def shipped_spec(doc_type: DocumentType) -> Traversable:
    """The layout spec (TOML) the shipped template is built from: same path, ``.toml`` suffix."""
    package, _, relative = doc_type.template.partition(":")
    return resources.files(package).joinpath(relative.removesuffix(".docx") + ".toml")


def active_template(doc_type: DocumentType) -> tuple[int, bytes]:
    """(version, bytes) of the template in use: the active upload, else the shipped one (version 0)."""
    row = DocumentTemplate.objects.filter(doc_type=doc_type.code, active=True).first()
    if row is not None:
        return row.version, bytes(row.content)
    return BUILT_IN_VERSION, shipped_template(doc_type).read_bytes()


def template_bytes(doc_type: DocumentType, version: int) -> bytes:
    if version == BUILT_IN_VERSION:
        return shipped_template(doc_type).read_bytes()
    row = DocumentTemplate.objects.filter(doc_type=doc_type.code, version=version).first()
    if row is None:
        raise ValidationFailed(f"「{doc_type.label}」没有第{version}版模板", field="version")
    return bytes(row.content)


# --- the context ---

def _date_text(day: datetime.date | None) -> dict[str, str]:
    if day is None:
        return {"iso": "", "cn": "", "arabic": ""}
    return {"iso": day.isoformat(), "cn": chinese_date(day), "arabic": arabic_date(day)}


def case_context(case: Case, *, today: datetime.date) -> dict[str, Any]:
    """Case facts for templates. Parties carry masked identity numbers only (never the full number)."""
    spec = case_type_of(case.case_type)
    opened = timezone.localtime(case.opened_at)
    opened_on = _date_text(opened.date())
    parties = []
    for p in case.parties.select_related("person", "entity").order_by("id"):
        parties.append({
            "name": p.name, "role": p.role, "role_label": p.get_role_display(),
            "id_number_masked": p.person.id_number_masked if p.person else "",
            "credit_code": p.entity.credit_code if p.entity else "",  # published by law (GB 32100), not personal data
        })
    handlers = [{"name": h.user.display_name or h.user.username, "is_lead": h.is_lead}
                for h in case.handlers.select_related("user").order_by("-is_lead", "id")]
    deadlines = []
    for d in case.deadlines.order_by("due_date", "id"):
        due = _date_text(d.due_date)
        deadlines.append({
            "label": d.label, "rule_id": d.rule_id, "article": d.article, "status": d.status,
            "status_label": d.get_status_display(), "start_date": d.start_date.isoformat(),
            "due_date": due["iso"], "due_date_cn": due["cn"], "due_date_arabic": due["arabic"],
        })
    day = _date_text(today)
    return {
        "case": {
            "id": case.pk, "number": case.number, "title": case.title, "type": case.case_type, "type_label": spec.label,
            "state": case.state, "state_label": spec.workflow.state(case.state).label,
            "opened_at": opened.strftime("%Y-%m-%d %H:%M"), "opened_on": opened_on["cn"],
            "opened_on_arabic": opened_on["arabic"], "org": case.org.name, "data": dict(case.data),
        },
        "parties": parties,
        "handlers": handlers,
        "deadlines": deadlines,
        "issuing_org": case.org.name,
        "today": day["cn"], "today_arabic": day["arabic"], "today_iso": day["iso"],
    }


def document_context(case: Case, doc_type: DocumentType, *, number: str, today: datetime.date,
                     extra: Mapping[str, Any]) -> dict[str, Any]:
    """Everything a template sees: the case facts, ``number``, ``doc``, ``extra``, plus the type's
    ``context(case)`` (which may add keys but not replace the ones above)."""
    base = case_context(case, today=today)
    base.update({"number": number, "doc": {"code": doc_type.code, "label": doc_type.label}, "extra": dict(extra)})
    added = doc_type.context(case) if doc_type.context is not None else {}
    return {**added, **base}


def org_document_context(org: Org, doc_type: DocumentType, *, params: Mapping[str, Any], number: str,
                         today: datetime.date, extra: Mapping[str, Any]) -> dict[str, Any]:
    """What an org document's template sees: the issuing org, ``number``, ``doc``, ``params``, ``extra``,
    the dates, plus the type's ``context(org, params)`` (which may add keys but not replace these)."""
    day = _date_text(today)
    base = {
        "org": {"id": org.pk, "name": org.name, "type": org.type, "region": org.region.name,
                "address": org.address, "phone": org.phone},
        "issuing_org": org.name, "number": number, "doc": {"code": doc_type.code, "label": doc_type.label},
        "params": dict(params), "extra": dict(extra),
        "today": day["cn"], "today_arabic": day["arabic"], "today_iso": day["iso"],
    }
    added = doc_type.context(org, params) if doc_type.context is not None else {}
    return {**added, **base}


def sample_context(doc_type: DocumentType) -> dict[str, Any]:
    """Made-up values used to try an uploaded template before it is accepted."""
    today = datetime.date(2026, 11, 21)
    return {
        "case": {"id": 1, "number": "（2026）浙0111示字第1号", "title": "示例案件", "type": "sample", "type_label": "示例",
                 "state": "registered", "state_label": "登记", "opened_at": "2026-11-20 09:30",
                 "opened_on": chinese_date(today), "opened_on_arabic": arabic_date(today), "org": "示例司法局", "data": {}},
        "parties": [{"name": "张三", "role": "applicant", "role_label": "申请人", "id_number_masked": "330111********123X",
                     "credit_code": ""}],
        "handlers": [{"name": "李四", "is_lead": True}],
        "deadlines": [{"label": "示例期限", "rule_id": "AR-29", "article": "《中华人民共和国行政复议法》第六十二条",
                       "status": "running", "status_label": "计时中", "start_date": "2026-11-20", "due_date": "2027-01-19",
                       "due_date_cn": chinese_date(datetime.date(2027, 1, 19)), "due_date_arabic": "2027年1月19日"}],
        "issuing_org": "示例司法局", "today": chinese_date(today), "today_arabic": arabic_date(today),
        "today_iso": today.isoformat(), "number": f"浙0111{doc_type.number_word}〔2026〕1号",
        "doc": {"code": doc_type.code, "label": doc_type.label}, "extra": {},
    }


# --- rendering ---

def _environment() -> jinja2.Environment:
    return SandboxedEnvironment(undefined=jinja2.ChainableUndefined, autoescape=True)


def _syntax_message(exc: jinja2.TemplateSyntaxError) -> str:
    near = "".join(getattr(exc, "docx_context", None) or []).strip()
    where = f"；出错处附近的文字：「{near[:60]}」" if near else ""
    return f"模板中的 Jinja 语法有误：{exc.message}{where}"


def open_template(content: bytes) -> DocxTemplate:
    """A docxtpl template from bytes; refuses anything that is not a Word .docx package."""
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise TemplateRenderError("不是有效的 .docx 文件（Word 2007 及以后的格式）", field="file")
    try:
        template = DocxTemplate(io.BytesIO(content))
        template.init_docx()
    except Exception as exc:  # python-docx raises several unrelated types for a non-Word zip
        raise TemplateRenderError(f"不是有效的 .docx 文件：{exc}", field="file") from exc
    return template


@dataclass(frozen=True)
class DocImage:
    """A picture (PNG or JPEG bytes) a context puts where a template writes ``{{ name }}`` (a chart in a
    report); ``width_mm`` is its printed width. Turned into a docxtpl ``InlineImage`` at render time."""

    data: bytes
    width_mm: float = 150


def _with_images(template: DocxTemplate, value: Any) -> Any:
    if isinstance(value, DocImage):
        return InlineImage(template, io.BytesIO(value.data), width=Mm(value.width_mm))
    if isinstance(value, dict):
        return {k: _with_images(template, v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_with_images(template, v) for v in value]
    return value


def render(content: bytes, context: Mapping[str, Any], *, field: str = "doc_type") -> bytes:
    """Fill the template ``content`` with ``context`` and return the .docx bytes."""
    template = open_template(content)
    try:
        template.render(_with_images(template, dict(context)), _environment(), autoescape=True)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateRenderError(_syntax_message(exc), field=field) from exc
    except jinja2.TemplateError as exc:
        raise TemplateRenderError(f"模板无法填充：{exc}", field=field) from exc
    except (etree.XMLSyntaxError, TypeError, ValueError, KeyError, AttributeError, IndexError, ZeroDivisionError) as exc:
        raise TemplateRenderError(f"模板无法填充（{type(exc).__name__}）：{exc}", field=field) from exc
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def check_template(content: bytes, doc_type: DocumentType) -> None:
    """Refuse an upload that is not a .docx docxtpl can fill with the sample context (``field="file"``)."""
    if not content:
        raise ValidationFailed("请选择模板文件（.docx）", field="file")
    if len(content) > MAX_TEMPLATE_BYTES:
        raise ValidationFailed(f"模板文件不能超过 {MAX_TEMPLATE_BYTES // (1024 * 1024)} MB", field="file")
    render(content, sample_context(doc_type), field="file")

"""Document reads: a case's documents, the types an actor may generate, template versions per type."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from sifa.core import registry
from sifa.core.accounts.actor import Actor
from sifa.core.cases.models import Case
from sifa.core.documents import rendering
from sifa.core.documents.models import BUILT_IN_VERSION, DocumentTemplate, GeneratedDocument
from sifa.core.registry import DocumentType


def documents_of_case(actor: Actor, case: Case) -> QuerySet[GeneratedDocument]:
    """Documents of ``case`` (already fetched in scope), newest first, through the scoped queryset."""
    return GeneratedDocument.objects.visible_to(actor).filter(case=case).select_related("docx", "pdf")


def generatable_types(actor: Actor, case: Case) -> list[DocumentType]:
    """Types applicable to the case, when the actor may generate documents at all."""
    return rendering.applicable_types(case) if actor.has_perm("documents.generate") else []


@dataclass(frozen=True)
class TemplateOverview:
    """One document type on the template admin page: its uploaded versions and the one in use."""

    doc_type: DocumentType
    versions: list[DocumentTemplate]
    active_version: int


def template_overview(actor: Actor) -> list[TemplateOverview]:
    actor.require("documents.templates.manage")
    rows: dict[str, list[DocumentTemplate]] = {}
    for t in DocumentTemplate.objects.defer("content").order_by("doc_type", "-version"):
        rows.setdefault(t.doc_type, []).append(t)
    out = []
    for code, spec in sorted(registry.document_types.items()):
        versions = rows.get(code, [])
        active = next((t.version for t in versions if t.active), BUILT_IN_VERSION)
        out.append(TemplateOverview(spec, versions, active))
    return out

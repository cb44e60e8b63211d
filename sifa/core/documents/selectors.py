"""Document reads: a case's documents, the types an actor may generate, template versions per type."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from sifa.core import registry
from sifa.core.accounts.actor import Actor
from sifa.core.cases.models import Case
from sifa.core.documents import rendering
from sifa.core.documents.models import BUILT_IN_VERSION, DocumentTemplate, GeneratedDocument
from sifa.core.orgs.scope import org_subtree_q
from sifa.core.registry import DocumentType


def documents_of_case(actor: Actor, case: Case) -> QuerySet[GeneratedDocument]:
    """Documents of ``case`` (already fetched in scope), newest first, through the scoped queryset."""
    return GeneratedDocument.objects.visible_to(actor).filter(case=case).select_related("file", "pdf")


def org_documents(actor: Actor, *, org_id: int | None = None, doc_type: str = "", period: str = ""
                  ) -> QuerySet[GeneratedDocument]:
    """Reports, letters and notices issued by orgs in the actor's scope (no case), newest first;
    ``org_id`` narrows to that org's subtree."""
    qs = GeneratedDocument.objects.visible_to(actor).filter(case__isnull=True)
    qs = qs.filter(org_subtree_q(org_id))
    if doc_type:
        qs = qs.filter(doc_type=doc_type)
    if period:
        qs = qs.filter(period=period)
    return qs.select_related("file", "pdf", "org")


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
        if spec.render is not None:  # made by code (an .xlsx table): no template to manage
            continue
        versions = rows.get(code, [])
        active = next((t.version for t in versions if t.active), BUILT_IN_VERSION)
        out.append(TemplateOverview(spec, versions, active))
    return out

"""Document pages: the 文书 card on a case, generating a document, org reports (报表文书), the template admin page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sifa.core.cases.models import Case
from sifa.core.cases.selectors import case_in_scope
from sifa.core.documents import pdf, rendering, selectors, services
from sifa.core.documents.models import BUILT_IN_VERSION
from sifa.core.errors import SifaError, ValidationFailed
from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import get_visible_or_404
from sifa.core.ui.decorators import require_perm


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def case_panel_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    """The 文书 card: the case's documents and, for roles that may generate, the applicable types."""
    actor = _actor(request)
    return {
        "documents": list(selectors.documents_of_case(actor, case)),
        "types": selectors.generatable_types(actor, case),
        "pdf_available": pdf.soffice_path() is not None,
    }


@login_required
@require_POST
@require_perm("documents.generate")
def generate(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    case = case_in_scope(actor, pk)
    extra = {k[len("extra_"):]: v for k, v in request.POST.dict().items() if k.startswith("extra_") and v.strip()}
    try:
        document = services.generate_document(actor=actor, case=case, doc_type=request.POST.get("doc_type", ""),
                                              extra=extra)
    except ValidationFailed as exc:
        messages.error(request, f"未能制作文书：{exc.message}")
        return redirect("cases:detail", pk=case.pk)
    note = "" if document.pdf_id else "（未生成 PDF）"
    messages.success(request, f"已制作「{document.label}」{document.number}{note}")
    return redirect("cases:detail", pk=case.pk)


def _templates_page(request: HttpRequest, *, error: SifaError | None = None, form: str = "",
                    posted: dict[str, str] | None = None) -> HttpResponse:
    return render(request, "documents/template_list.html", {
        "overview": selectors.template_overview(_actor(request)), "error": error, "error_form": form,
        "posted": posted or {}, "built_in": BUILT_IN_VERSION,
    }, status=error.status if error else 200)


@login_required
@require_perm("documents.templates.manage")
def template_list(request: HttpRequest) -> HttpResponse:
    return _templates_page(request)


@login_required
@require_POST
@require_perm("documents.templates.manage")
def template_upload(request: HttpRequest) -> HttpResponse:
    doc_type = request.POST.get("doc_type", "")
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationFailed("请选择模板文件（.docx）", field="file")
        template = services.upload_template(actor=_actor(request), doc_type=doc_type, content=upload.read(),
                                            filename=upload.name or "", note=request.POST.get("note", ""))
    except SifaError as exc:
        return _templates_page(request, error=exc, form=doc_type, posted={"note": request.POST.get("note", "")})
    messages.success(request, f"已上传「{rendering.document_type(doc_type).label}」模板第{template.version}版并启用")
    return redirect("documents:templates")


@login_required
@require_POST
@require_perm("documents.templates.manage")
def template_activate(request: HttpRequest) -> HttpResponse:
    doc_type = request.POST.get("doc_type", "")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        return _templates_page(request, error=ValidationFailed("版本应为整数", field="version"), form=doc_type)
    try:
        services.activate_template(actor=_actor(request), doc_type=doc_type, version=version)
    except SifaError as exc:
        return _templates_page(request, error=exc, form=doc_type)
    label = "内置模板" if version == BUILT_IN_VERSION else f"第{version}版模板"
    messages.success(request, f"「{rendering.document_type(doc_type).label}」已改用{label}")
    return redirect("documents:templates")


@login_required
@require_perm("documents.templates.manage")
def template_download(request: HttpRequest) -> HttpResponse:
    """A template version's .docx (``?doc_type=…&version=…``), to edit it in Word and upload it back."""
    spec = rendering.document_type(request.GET.get("doc_type", ""))
    try:
        version = int(request.GET.get("version", str(BUILT_IN_VERSION)))
    except ValueError as exc:
        raise ValidationFailed("版本应为整数", field="version") from exc
    content = rendering.template_bytes(spec, version)
    response = HttpResponse(content, content_type=rendering.DOCX_CONTENT_TYPE)
    filename = f"{spec.code}-v{version}.docx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _org_page(request: HttpRequest, *, error: SifaError | None = None, posted: dict[str, str] | None = None
              ) -> HttpResponse:
    actor = _actor(request)
    org_id = _int_or_none(request.GET.get("org"))
    doc_type = request.GET.get("doc_type", "")
    period = request.GET.get("period", "").strip()
    page = Paginator(selectors.org_documents(actor, org_id=org_id, doc_type=doc_type, period=period), 30)
    orgs = Org.objects.visible_to(actor).order_by("path").only("id", "name", "depth")[:500]
    types = rendering.org_types()
    fields: dict[str, str] = {}
    for t in types:
        for name, label in t.params:
            fields.setdefault(name, label)
    param_fields = [(name, label, (posted or {}).get(f"param_{name}", "")) for name, label in fields.items()]
    return render(request, "documents/org_list.html", {
        "page": page.get_page(request.GET.get("page")), "types": types, "orgs": orgs, "param_fields": param_fields,
        "filters": {"org": org_id, "doc_type": doc_type, "period": period},
        "can_generate": actor.has_perm("documents.generate"), "error": error, "posted": posted or {},
        "own_org_id": actor.org.pk if actor.org else None,
    }, status=error.status if error else 200)


@login_required
def org_list(request: HttpRequest) -> HttpResponse:
    """报表文书: the reports, letters and notices issued by orgs in scope, with a form to issue one."""
    return _org_page(request)


@login_required
@require_POST
@require_perm("documents.generate")
def org_generate(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    posted = request.POST.dict()
    org_id = _int_or_none(posted.get("org"))
    params = {k[len("param_"):]: v.strip() for k, v in posted.items() if k.startswith("param_") and v.strip()}
    try:
        org = get_visible_or_404(Org, actor, pk=org_id) if org_id else None
        if org is None:
            raise ValidationFailed("请选择制发机构", field="org")
        document = services.generate_org_document(actor=actor, org=org, doc_type=posted.get("doc_type", ""),
                                                  params=params)
    except ValidationFailed as exc:
        return _org_page(request, error=exc, posted=posted)
    messages.success(request, f"已制发「{document.label}」{document.number}")
    return redirect(f"{reverse('documents:org_list')}?org={org.pk}")

"""Pages of 行政执法监督 (bodies, officers, power items, discretion rules). Thin: parse a form, call one
service or selector, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from sifa.core.errors import SifaError, ValidationFailed
from sifa.core.persons.idnumbers import mask_id_number, normalize_id_number
from sifa.core.ui.decorators import require_perm
from sifa.core.ui.filters import filters_from_query
from sifa.core.ui.forms import attach_error
from sifa.core.ui.pagination import paginate
from sifa.modules.enforcement import config, exports, imports, selectors, services
from sifa.modules.enforcement.choices import (
    CERTIFICATE_STATUS_BADGES,
    CertificateStatus,
    EnforcementField,
    PowerKind,
)
from sifa.modules.enforcement.filters import EnforcementBodyFilter, EnforcementOfficerFilter, PowerItemFilter
from sifa.modules.enforcement.forms import (
    BodyCreateForm,
    BodyEditForm,
    DiscretionRuleEditForm,
    DiscretionRuleForm,
    ImportForm,
    OfficerCreateForm,
    OfficerEditForm,
    PowerItemCreateForm,
    PowerItemEditForm,
)
from sifa.modules.enforcement.models import EnforcementOfficer
from sifa.modules.enforcement.rules import assignment_problems

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_LIMIT = 20_000


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _form_page(request: HttpRequest, form: forms.Form, *, title: str, cancel: str, multipart: bool = False,
               submit: str = "保存") -> HttpResponse:
    return render(request, "enforcement/form.html", {"form": form, "title": title, "cancel": cancel,
                                                     "submit": submit, "multipart": multipart},
                  status=400 if form.errors else 200)


def _handle(request: HttpRequest, form: forms.Form, call: Callable[..., Any], *, title: str, cancel: str,
            done: Callable[[Any], tuple[str, HttpResponse]], **fixed: Any) -> HttpResponse:
    """POST: the service with the form's data (and ``fixed`` arguments); GET or errors: the form page."""
    if request.method == "POST" and form.is_valid():
        try:
            result = call(actor=_actor(request), **fixed, **form.cleaned_data)
        except SifaError as exc:
            attach_error(form, exc)
        else:
            message, response = done(result)
            messages.success(request, message)
            return response
    return _form_page(request, form, title=title, cancel=cancel)


# --- bodies ---------------------------------------------------------------------------------------


@login_required
@require_perm("enforcement.view")
def body_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    filters, error = filters_from_query(EnforcementBodyFilter, request.GET.dict())
    qs = selectors.bodies_visible_to(actor, filters=filters) if filters else selectors.bodies_visible_to(actor).none()
    page, querystring = paginate(request, qs)
    return render(request, "enforcement/body_list.html", {"page": page, "querystring": querystring,
                                                          "filter_error": error, "params": request.GET})


@login_required
@require_perm("enforcement.view")
def body_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    body = selectors.body_for(actor, pk)
    return render(request, "enforcement/body_detail.html", {
        "body": body, "officers": selectors.officers_visible_to(actor).filter(body=body)[:200],
        "items": selectors.power_items_visible_to(actor).filter(body=body)[:200],
        "entrusted": body.entrusted_bodies.all(), "today": timezone.localdate()})


@login_required
@require_perm("enforcement.manage")
def body_create(request: HttpRequest) -> HttpResponse:
    form = BodyCreateForm(request.POST or None, actor=_actor(request))
    return _handle(request, form, services.create_body, title="登记执法主体", cancel="enforcement:body_list",
                   done=lambda b: (f"已登记执法主体：{b.name}", redirect("enforcement:body_detail", pk=b.pk)))


@login_required
@require_perm("enforcement.manage")
def body_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    body = selectors.body_for(actor, pk)
    initial = {"name": body.name, "kind": body.kind, "legal_basis": body.legal_basis,
               "entrusted_by": body.entrusted_by_id, "entrustment_scope": body.entrustment_scope,
               "entrustment_until": body.entrustment_until, "active": body.active,
               "area_codes": ",".join(r.code for r in body.areas.all())}
    form = BodyEditForm(request.POST or None, actor=actor, initial=initial)
    return _handle(request, form, services.update_body, title=f"修改执法主体：{body.name}",
                   cancel="enforcement:body_list", body=body,
                   done=lambda b: ("已保存", redirect("enforcement:body_detail", pk=b.pk)))


# --- officers -------------------------------------------------------------------------------------


@login_required
@require_perm("enforcement.view")
def officer_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    filters, error = filters_from_query(EnforcementOfficerFilter, request.GET.dict())
    qs = selectors.officers_visible_to(actor, filters=filters) if filters else EnforcementOfficer.objects.none()
    page, querystring = paginate(request, qs)
    today = timezone.localdate()
    rows = [(o, CERTIFICATE_STATUS_BADGES[o.status], assignment_problems(o, on=today)) for o in page]
    context = {"page": page, "rows": rows, "querystring": querystring, "filter_error": error, "params": request.GET,
               "bodies": selectors.active_bodies_for(actor)[:200], "statuses": CertificateStatus.choices,
               "expiring_days": config.expiring_days()}
    template = "enforcement/_officer_table.html" if request.headers.get("HX-Request") else "enforcement/officer_list.html"
    return render(request, template, context)


@login_required
@require_perm("enforcement.view")
def officer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    officer = selectors.officer_for(_actor(request), pk)
    today = timezone.localdate()
    return render(request, "enforcement/officer_detail.html", {
        "officer": officer, "badge": CERTIFICATE_STATUS_BADGES[officer.status],
        "problems": assignment_problems(officer, on=today), "today": today, "flag": config.flag("certificates")})


def _officer_done(o: EnforcementOfficer) -> tuple[str, HttpResponse]:
    return f"已保存执法人员：{o.person.name}", redirect("enforcement:officer_detail", pk=o.pk)


@login_required
@require_perm("enforcement.manage")
def officer_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    own = selectors.active_bodies_for(actor).filter(org=actor.org).first() if actor.org else None
    form = OfficerCreateForm(request.POST or None, actor=actor, initial={"body": own.pk if own else None})
    return _handle(request, form, services.create_officer, title="登记执法人员", cancel="enforcement:officer_list",
                   done=_officer_done)


@login_required
@require_perm("enforcement.manage")
def officer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    officer = selectors.officer_for(actor, pk)
    initial = {f: getattr(officer, f) for f in ("certificate_number", "certificate_scope", "valid_from", "valid_until",
                                                 "status", "is_auxiliary", "has_legal_qualification", "phone", "notes")}
    initial |= {"body": officer.body_id, "user": officer.user_id}
    form = OfficerEditForm(request.POST or None, actor=actor, initial=initial)
    return _handle(request, form, services.update_officer, title=f"修改执法人员：{officer.person.name}",
                   cancel="enforcement:officer_list", officer=officer, done=_officer_done)


def _describe_filter(request: HttpRequest) -> str:
    """The export's filter for the audit log; a full identity number searched for is masked."""
    params = request.GET.copy()
    q = normalize_id_number(params.get("q", ""))
    if len(q) == 18 and "*" not in q:
        params["q"] = mask_id_number(q)
    return params.urlencode(safe="*")


@login_required
@require_perm("enforcement.export")
def officer_export(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    filters, error = filters_from_query(EnforcementOfficerFilter, request.GET.dict())
    if filters is None:
        messages.error(request, error or "筛选条件不正确")
        return redirect("enforcement:officer_list")
    rows = list(selectors.officers_visible_to(actor, filters=filters)[:EXPORT_LIMIT])
    services.export_officers(actor=actor, description=f"执法人员导出 {_describe_filter(request)}", row_count=len(rows))
    return _xlsx(exports.officers_workbook(rows), "enforcement-officers.xlsx")


@login_required
@require_perm("enforcement.manage")
def officer_import(request: HttpRequest) -> HttpResponse:
    """Upload a roster: all rows imported, or none and every bad row listed."""
    actor = _actor(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > imports.MAX_BYTES:
                    raise ValidationFailed(f"文件过大：名册不能超过 {imports.MAX_BYTES // (1024 * 1024)} MB", field="file")
                result = services.import_officers(actor=actor, content=upload.read(), filename=upload.name or "")
            except SifaError as exc:
                if exc.errors and all(e.get("field", "").startswith("rows[") for e in exc.errors):
                    row_errors = exc.errors
                    form.add_error(None, exc.message)
                else:
                    attach_error(form, exc)
                status = 400
            else:
                messages.success(request, f"已导入 {result.created} 名执法人员（其中 {result.persons_created} 人新登记到人员库）")
                return redirect("enforcement:officer_list")
        else:
            status = 400
    return render(request, "enforcement/import.html", {"form": form, "row_errors": row_errors,
                                                       "fields": EnforcementField.labels}, status=status)


@login_required
@require_perm("enforcement.manage")
def officer_import_template(request: HttpRequest) -> HttpResponse:
    return _xlsx(imports.roster_template(), "enforcement-officer-roster-template.xlsx")


# --- power items and discretion rules ---------------------------------------------------------------


@login_required
@require_perm("enforcement.view")
def item_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    filters, error = filters_from_query(PowerItemFilter, request.GET.dict())
    qs = selectors.power_items_visible_to(actor, filters=filters) if filters else \
        selectors.power_items_visible_to(actor).none()
    page, querystring = paginate(request, qs)
    context = {"page": page, "querystring": querystring, "filter_error": error, "params": request.GET,
               "bodies": selectors.active_bodies_for(actor)[:200], "kinds": PowerKind.choices,
               "fields": EnforcementField.choices}
    template = "enforcement/_item_table.html" if request.headers.get("HX-Request") else "enforcement/item_list.html"
    return render(request, template, context)


@login_required
@require_perm("enforcement.view")
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.power_item_for(_actor(request), pk)
    return render(request, "enforcement/item_detail.html", {
        "item": item, "articles": item.articles.all(), "rules": item.discretion_rules.all(),
        "is_penalty": item.kind == PowerKind.PENALTY, "rule_form": DiscretionRuleForm(prefix="rule")})


def _item_done(item: Any) -> tuple[str, HttpResponse]:
    return f"已保存执法事项：{item.name}", redirect("enforcement:item_detail", pk=item.pk)


@login_required
@require_perm("enforcement.manage")
def item_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    own = selectors.active_bodies_for(actor).filter(org=actor.org).first() if actor.org else None
    form = PowerItemCreateForm(request.POST or None, actor=actor, initial={"body": own.pk if own else None})
    return _handle(request, form, services.create_power_item, title="新增执法事项", cancel="enforcement:item_list",
                   done=_item_done)


@login_required
@require_perm("enforcement.manage")
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.power_item_for(_actor(request), pk)
    initial = {f: getattr(item, f) for f in ("code", "name", "kind", "field", "penalty_types", "basis_text", "active")}
    form = PowerItemEditForm(request.POST or None, initial=initial)
    return _handle(request, form, services.update_power_item, title=f"修改执法事项：{item.name}",
                   cancel="enforcement:item_list", item=item, done=_item_done)


def _rule_done(rule: Any) -> tuple[str, HttpResponse]:
    return "已保存裁量基准", redirect("enforcement:item_detail", pk=rule.item_id)


@login_required
@require_perm("enforcement.manage")
def rule_create(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.power_item_for(_actor(request), pk)
    form = DiscretionRuleForm(request.POST or None, prefix="rule")
    return _handle(request, form, services.create_discretion_rule, title=f"新增裁量基准：{item.name}",
                   cancel="enforcement:item_list", item=item, done=_rule_done)


@login_required
@require_perm("enforcement.manage")
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = selectors.discretion_rule_for(_actor(request), pk)
    initial = {f: getattr(rule, f) for f in ("circumstance", "conditions", "penalty_type", "party_type", "min_amount",
                                              "max_amount", "unit_note", "basis_text", "order", "active")}
    form = DiscretionRuleEditForm(request.POST or None, prefix="rule", initial=initial)
    return _handle(request, form, services.update_discretion_rule, title=f"修改裁量基准：{rule.item.name}",
                   cancel="enforcement:item_list", rule=rule, done=_rule_done)

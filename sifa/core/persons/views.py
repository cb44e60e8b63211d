from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sifa.core.errors import SifaError
from sifa.core.orgs.scope import get_visible_or_404
from sifa.core.persons import exports, selectors, services
from sifa.core.persons.filters import PersonFilter
from sifa.core.persons.forms import EntityForm, PersonEditForm, PersonForm
from sifa.core.persons.idnumbers import mask_id_number, mask_phone, normalize_id_number
from sifa.core.persons.models import Entity, Person
from sifa.core.ui.decorators import require_perm
from sifa.core.ui.filters import filters_from_query
from sifa.core.ui.forms import attach_error
from sifa.core.ui.pagination import paginate


def _filters(request: HttpRequest) -> tuple[PersonFilter | None, str | None]:
    return filters_from_query(PersonFilter, request.GET.dict())


@login_required
@require_perm("persons.view")
def person_list(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    filters, error = _filters(request)
    qs = selectors.persons_visible_to(actor, filters=filters) if filters else Person.objects.none()
    page, querystring = paginate(request, qs)
    context = {"page": page, "querystring": querystring, "filter_error": error, "params": request.GET}
    template = "persons/_person_table.html" if request.headers.get("HX-Request") else "persons/person_list.html"
    return render(request, template, context)


def _describe_filter(params: QueryDict) -> str:
    """The export's filter for the audit log; a full identity number searched for is masked (never stored in clear)."""
    params = params.copy()
    q = normalize_id_number(params.get("q", ""))
    if len(q) == 18 and "*" not in q:
        params["q"] = mask_id_number(q)
    return params.urlencode(safe="*")


@login_required
@require_perm("persons.export")
def person_export(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    filters, error = _filters(request)
    if filters is None:
        messages.error(request, error or "筛选条件不正确")
        return redirect("persons:list")
    qs = selectors.persons_visible_to(actor, filters=filters)
    rows = list(qs[:50000])
    services.export_persons(actor=actor, description=f"人员导出 {_describe_filter(request.GET)}", row_count=len(rows))
    response = HttpResponse(exports.persons_workbook(rows),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''persons.xlsx"
    return response


@login_required
@require_perm("persons.view")
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_visible_or_404(Person, request.actor, pk=pk)  # type: ignore[attr-defined]
    return render(request, "persons/person_detail.html", {"person": person, "masked_phone": mask_phone(person.phone)})


@login_required
@require_POST
@require_perm("persons.reveal")
def person_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    person = get_visible_or_404(Person, actor, pk=pk)
    number = services.reveal_person_id_number(actor=actor, person=person, reason=request.POST.get("reason", ""))
    if request.headers.get("HX-Request"):
        return render(request, "persons/_revealed.html", {"number": number, "phone": person.phone})
    return render(request, "persons/person_detail.html",
                  {"person": person, "revealed": number, "masked_phone": mask_phone(person.phone)})


@login_required
@require_perm("persons.manage")
def person_create(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.register_person(actor=actor, **form.cleaned_data)
        except SifaError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"已登记：{person}")
            return redirect("persons:detail", pk=person.pk)
    return render(request, "persons/person_form.html", {"form": form, "title": "登记自然人"}, status=400 if form.errors else 200)


@login_required
@require_perm("persons.manage")
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    person = get_visible_or_404(Person, actor, pk=pk)
    initial = {"name": person.name, "phone": person.phone, "address": person.address,
               "region": person.region.code if person.region else ""}
    form = PersonEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(actor=actor, person=person, **form.cleaned_data)
        except SifaError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("persons:detail", pk=person.pk)
    return render(request, "persons/person_form.html", {"form": form, "title": f"修改：{person}"}, status=400 if form.errors else 200)


@login_required
@require_perm("persons.view")
def entity_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.entities_visible_to(request.actor, q=request.GET.get("q", ""))  # type: ignore[attr-defined]
    page, querystring = paginate(request, qs)
    return render(request, "persons/entity_list.html", {"page": page, "querystring": querystring, "params": request.GET})


@login_required
@require_perm("persons.view")
def entity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_visible_or_404(Entity, request.actor, pk=pk)  # type: ignore[attr-defined]
    return render(request, "persons/entity_detail.html", {"entity": entity})


@login_required
@require_perm("persons.manage")
def entity_create(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    form = EntityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entity = services.register_entity(actor=actor, **form.cleaned_data)
        except SifaError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"已登记：{entity}")
            return redirect("persons:entity_detail", pk=entity.pk)
    return render(request, "persons/person_form.html", {"form": form, "title": "登记法人和其他组织"}, status=400 if form.errors else 200)

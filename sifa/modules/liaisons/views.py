"""Pages of the 法律明白人 registry. Thin: parse a form, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from sifa.core.errors import SifaError, ValidationFailed
from sifa.core.orgs.models import Org
from sifa.core.orgs.scope import get_visible_or_404
from sifa.core.persons.idnumbers import mask_id_number, mask_phone, normalize_id_number
from sifa.core.ui.decorators import require_perm
from sifa.core.ui.filters import filters_from_query
from sifa.core.ui.forms import attach_error
from sifa.core.ui.pagination import paginate
from sifa.modules.liaisons import exports, imports, selectors, services
from sifa.modules.liaisons.choices import STATUS_BADGES, LiaisonStatus
from sifa.modules.liaisons.filters import LiaisonFilter
from sifa.modules.liaisons.forms import (
    ActivityForm,
    ImportForm,
    LiaisonEditForm,
    LiaisonForm,
    RemoveForm,
    RewardForm,
    TrainingForm,
)
from sifa.modules.liaisons.models import LegalLiaison
from sifa.modules.liaisons.rules import current_rules

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_LIMIT = 50_000
OFFICE_SELECT_LIMIT = 300  # above this, the list's 司法所 filter is the text search (q matches office names)


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _office_choices(actor: Any) -> list[Any]:
    offices = list(selectors.offices_for(actor).order_by("path")[:OFFICE_SELECT_LIMIT + 1])
    return offices if len(offices) <= OFFICE_SELECT_LIMIT else []


@login_required
@require_perm("liaisons.view")
def liaison_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    filters, error = filters_from_query(LiaisonFilter, request.GET.dict())
    qs = selectors.liaisons_visible_to(actor, filters=filters) if filters else LegalLiaison.objects.none()
    page, querystring = paginate(request, qs)
    year = timezone.localdate().year
    points = selectors.points_by_liaison([liaison.pk for liaison in page], year)
    rows = [(liaison, points[liaison.pk], STATUS_BADGES[liaison.status]) for liaison in page]
    context = {"page": page, "rows": rows, "querystring": querystring, "filter_error": error, "params": request.GET,
               "year": year, "offices": _office_choices(actor),
               "statuses": LiaisonStatus.choices}
    template = "liaisons/_liaison_table.html" if request.headers.get("HX-Request") else "liaisons/liaison_list.html"
    return render(request, template, context)


def _describe_filter(request: HttpRequest) -> str:
    """The export's filter for the audit log; a full identity number searched for is masked."""
    params = request.GET.copy()
    q = normalize_id_number(params.get("q", ""))
    if len(q) == 18 and "*" not in q:
        params["q"] = mask_id_number(q)
    return params.urlencode(safe="*")


@login_required
@require_perm("liaisons.export")
def liaison_export(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    filters, error = filters_from_query(LiaisonFilter, request.GET.dict())
    if filters is None:
        messages.error(request, error or "筛选条件不正确")
        return redirect("liaisons:list")
    qs = selectors.liaisons_visible_to(actor, filters=filters)
    rows = list(qs[:EXPORT_LIMIT])
    year = timezone.localdate().year
    points = selectors.points_by_liaison(qs, year)
    services.export_liaisons(actor=actor, description=f"法律明白人导出 {_describe_filter(request)}", row_count=len(rows))
    return _xlsx(exports.liaisons_workbook(rows, points, year), "liaisons.xlsx")


def _form_page(request: HttpRequest, form: forms.Form, *, title: str, cancel: str, submit: str = "保存",
               liaison: LegalLiaison | None = None, multipart: bool = False) -> HttpResponse:
    return render(request, "liaisons/form.html",
                  {"form": form, "title": title, "cancel": cancel, "submit": submit, "liaison": liaison,
                   "multipart": multipart}, status=400 if form.errors else 200)


@login_required
@require_perm("liaisons.manage")
def liaison_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = LiaisonForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            liaison = services.register_liaison(actor=actor, **form.cleaned_data)
        except SifaError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"已登记法律明白人：{liaison}")
            return redirect("liaisons:detail", pk=liaison.pk)
    return _form_page(request, form, title="登记法律明白人", cancel="liaisons:list", submit="登记")


@login_required
@require_perm("liaisons.view")
def liaison_detail(request: HttpRequest, pk: int) -> HttpResponse:
    liaison = selectors.liaison_for(_actor(request), pk)
    rules = current_rules()
    years = selectors.year_points(liaison, rules=rules)
    return render(request, "liaisons/liaison_detail.html", {
        "liaison": liaison, "years": years, "rules": rules, "badge": STATUS_BADGES[liaison.status],
        "masked_phone": mask_phone(liaison.contact_phone), "person_visible": selectors.person_visible(_actor(request), liaison),
        "activities": liaison.activities.all(), "trainings": liaison.trainings.all(), "rewards": liaison.rewards.all(),
    })


def _liaison_form(request: HttpRequest, pk: int, form_class: type[forms.Form], *, title: str, submit: str,
                  call: Any, done: str, initial: dict[str, Any] | None = None, multipart: bool = False,
                  with_actor: bool = False) -> HttpResponse:
    """GET: the form for one liaison; POST: the service, then back to the liaison with a message."""
    actor = _actor(request)
    liaison = selectors.liaison_for(actor, pk)
    extra: dict[str, Any] = {"actor": actor} if with_actor else {}
    posted = request.method == "POST"
    form = form_class(data=request.POST if posted else None, files=request.FILES if posted else None,
                      initial=initial or {}, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            call(actor=actor, liaison=liaison, **form.cleaned_data)
        except SifaError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("liaisons:detail", pk=liaison.pk)
    return _form_page(request, form, title=f"{title}：{liaison.person.name}", cancel="liaisons:list", submit=submit,
                      liaison=liaison, multipart=multipart)


@login_required
@require_perm("liaisons.manage")
def liaison_edit(request: HttpRequest, pk: int) -> HttpResponse:
    liaison = selectors.liaison_for(_actor(request), pk)
    initial = {"org": liaison.org_id, "community": liaison.community, "phone": liaison.phone,
               "appointed_on": liaison.appointed_on, "notes": liaison.notes}
    return _liaison_form(request, pk, LiaisonEditForm, title="修改", submit="保存", call=services.update_liaison,
                         done="已保存", initial=initial, with_actor=True)


@login_required
@require_perm("liaisons.manage")
def training_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _liaison_form(request, pk, TrainingForm, title="登记培训", submit="登记", call=services.record_training,
                         done="已登记培训")


@login_required
@require_perm("liaisons.manage")
def activity_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _liaison_form(request, pk, ActivityForm, title="登记活动", submit="登记", call=services.record_activity,
                         done="已登记活动", multipart=True)


@login_required
@require_perm("liaisons.manage")
def reward_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _liaison_form(request, pk, RewardForm, title="登记奖励", submit="登记", call=services.grant_reward,
                         done="已登记奖励")


@login_required
@require_perm("liaisons.manage")
def liaison_remove(request: HttpRequest, pk: int) -> HttpResponse:
    return _liaison_form(request, pk, RemoveForm, title="除名", submit="确认除名", call=services.remove_liaison,
                         done="已除名")


@login_required
@require_perm("liaisons.manage")
def liaison_import(request: HttpRequest) -> HttpResponse:
    """Upload a roster: all rows imported, or none and every bad row listed."""
    actor = _actor(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > imports.MAX_BYTES:  # refused before the file is read into memory
                    raise ValidationFailed(f"文件过大：名册不能超过 {imports.MAX_BYTES // (1024 * 1024)} MB", field="file")
                result = services.import_liaisons(actor=actor, content=upload.read(), filename=upload.name or "")
            except SifaError as exc:
                if exc.errors and all(e.get("field", "").startswith("rows[") for e in exc.errors):
                    row_errors = exc.errors
                    form.add_error(None, exc.message)
                else:
                    attach_error(form, exc)
                status = 400
            else:
                messages.success(request, f"已导入 {result.created} 名法律明白人（其中 {result.persons_created} 人新登记到人员库）")
                return redirect("liaisons:list")
        else:
            status = 400
    return render(request, "liaisons/import.html", {"form": form, "row_errors": row_errors}, status=status)


@login_required
@require_perm("liaisons.manage")
def import_template(request: HttpRequest) -> HttpResponse:
    return _xlsx(imports.roster_template(), "liaison-roster-template.xlsx")


@login_required
@require_perm("liaisons.view")
def statistics(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    year = selectors.parse_year(request.GET.get("year"))
    raw_county = request.GET.get("county", "")
    county = get_visible_or_404(Org, actor, pk=raw_county).pk if raw_county else None
    stats = selectors.statistics(actor, year=year, county=county)
    this_year = timezone.localdate().year
    return render(request, "liaisons/statistics.html", {
        "stats": stats, "years": list(range(this_year, max(selectors.FIRST_YEAR, this_year - 9) - 1, -1)),
        "rules": current_rules(),
    })

"""数字法务地图 pages: the public map and list (/map/), a place's public page, its photos; and the
management pages (list in scope, create/edit, publish/unpublish, photos, Excel import and export)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from sifa.core.attachments.store import open_file, open_thumbnail
from sifa.core.errors import NotFound, SifaError, ValidationFailed
from sifa.core.orgs.choices import RegionLevel
from sifa.core.orgs.models import Region
from sifa.core.ui.decorators import require_perm
from sifa.core.ui.filters import filters_from_query
from sifa.core.ui.forms import attach_error
from sifa.core.ui.pagination import paginate
from sifa.modules.legal_services import selectors, services
from sifa.modules.legal_services.choices import TYPE_COLOURS, PlaceType
from sifa.modules.legal_services.filters import ManagedPlaceFilter, PlaceFilter
from sifa.modules.legal_services.forms import ImportForm, PlaceForm
from sifa.modules.legal_services.geo import csp_with_tiles, map_config
from sifa.modules.legal_services.models import PlacePhoto, ServicePlace
from sifa.modules.legal_services.selectors import MANAGE, PUBLIC_LIST_LIMIT
from sifa.modules.legal_services.spreadsheet import COLUMNS, places_workbook
from sifa.modules.legal_services.validation import service_tags, tel_number, township_prefix

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_MAX_BYTES = 10 * 1024 * 1024


def _actor(request: HttpRequest) -> Any:
    return request.actor  # type: ignore[attr-defined]


def _with_tiles_csp(response: HttpResponse) -> HttpResponse:
    """Map pages only: allow the configured tile hosts in img-src (the other pages keep the strict policy)."""
    response["Content-Security-Policy"] = csp_with_tiles(settings.SIFA_CSP, map_config())
    return response


def _marker(place: ServicePlace) -> dict[str, Any]:
    return {"id": place.pk, "name": place.name, "type": place.type, "type_label": place.get_type_display(),
            "colour": place.marker_colour, "lat": float(place.latitude), "lng": float(place.longitude),
            "address": place.address, "url": reverse("legal_services:place", args=[place.pk])}


# --- public -----------------------------------------------------------------------------------------------


@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    """Public (no sign-in): filters by type, service and township as GET parameters (the list works
    without JavaScript), the Leaflet map of the listed places when tiles are configured, and 离我最近
    (the browser's position sorts the list in the browser; it is never sent to the server)."""
    filters, error = filters_from_query(PlaceFilter, request.GET.dict())
    places = list(selectors.published_places(filters=filters).order_by("type", "name", "pk")[:PUBLIC_LIST_LIMIT + 1]) \
        if filters is not None else []
    truncated = len(places) > PUBLIC_LIST_LIMIT
    places = places[:PUBLIC_LIST_LIMIT]
    config = map_config()
    total = selectors.published_places().count()
    response = render(request, "legal_services/map.html", {
        "places": places, "markers": [_marker(p) for p in places], "truncated": truncated, "limit": PUBLIC_LIST_LIMIT,
        "filter_error": error, "params": request.GET, "types": PlaceType.choices, "services": service_tags(),
        "townships": selectors.public_townships(), "map": config.as_json() if config.enabled else None,
        "total": total, "filtered": any(request.GET.get(k) for k in ("type", "service", "township", "q")),
        "legend": [(label, TYPE_COLOURS[value][1]) for value, label in PlaceType.choices],
    }, status=400 if error else 200)
    return _with_tiles_csp(response)


@require_GET
def place_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A published place's public page: everything about it, its position (a small map when tiles are
    configured, and the coordinates with a geo: link for phone map apps), a tel: link, photos."""
    place = selectors.published_place(pk)
    config = map_config()
    response = render(request, "legal_services/place_detail.html", {
        "place": place, "photos": list(place.place_photos.all()), "tel": tel_number(place.phone),
        "marker": _marker(place), "map": config.as_json() if config.enabled else None,
    })
    return _with_tiles_csp(response)


def _image_response(photo: PlacePhoto, *, thumbnail: bool) -> FileResponse:
    attachment = photo.attachment
    if thumbnail:
        if not attachment.thumbnail:
            raise NotFound("该照片没有缩略图")
        response = FileResponse(open_thumbnail(attachment), content_type="image/jpeg")
    else:
        response = FileResponse(open_file(attachment), content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """A photo of a published place (public, shown inline)."""
    return _image_response(selectors.public_photo(pk), thumbnail=False)


@require_GET
def photo_thumbnail(request: HttpRequest, pk: int) -> FileResponse:
    return _image_response(selectors.public_photo(pk), thumbnail=True)


# --- management -------------------------------------------------------------------------------------------


@login_required
@require_perm(MANAGE)
def manage_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    filters, error = filters_from_query(ManagedPlaceFilter, request.GET.dict())
    qs = selectors.managed_places(actor, filters=filters) if filters is not None else ServicePlace.objects.none()
    page, querystring = paginate(request, qs)
    return render(request, "legal_services/manage_list.html", {
        "page": page, "querystring": querystring, "filter_error": error, "params": request.GET,
        "types": PlaceType.choices, "services": service_tags(),
    }, status=400 if error else 200)


@login_required
@require_perm(MANAGE)
def manage_export(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    filters, error = filters_from_query(ManagedPlaceFilter, request.GET.dict())
    if filters is None:
        messages.error(request, error or "筛选条件不正确")
        return redirect("legal_services:manage_list")
    rows = list(selectors.managed_places(actor, filters=filters)[:50000])
    services.export_places(actor=actor, description=request.GET.urlencode(), row_count=len(rows))
    response = HttpResponse(places_workbook(rows), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''service-places.xlsx"
    return response


def _townships_for(request: HttpRequest) -> list[Region]:
    """The township suggestions of the form: under the actor's county (or region, when higher)."""
    org = _actor(request).org
    qs = Region.objects.current().filter(level=RegionLevel.TOWNSHIP)
    if org is not None:
        qs = qs.filter(code__startswith=township_prefix(org))
    return list(qs.order_by("code")[:2000])


def _form_page(request: HttpRequest, form: PlaceForm, place: ServicePlace | None, status: int = 200) -> HttpResponse:
    return render(request, "legal_services/place_form.html", {
        "form": form, "place": place, "townships": _townships_for(request),
        "photos": selectors.photos_of(place) if place else [],
        "title": f"编辑：{place.name}" if place else "新增服务场所",
        "photo_error": getattr(request, "_photo_error", None),
    }, status=status)


@login_required
@require_perm(MANAGE)
def manage_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = PlaceForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            place = services.create_place(actor=actor, values=form.values())
        except SifaError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"已新增：{place.name}")
            return redirect("legal_services:manage_edit", pk=place.pk)
    return _form_page(request, form, None, status=400 if form.errors else 200)


@login_required
@require_perm(MANAGE)
def manage_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    place = selectors.managed_place(actor, pk)
    form = PlaceForm(request.POST or None, actor=actor, place=place)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_place(actor=actor, place=place, values=form.values())
        except SifaError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("legal_services:manage_edit", pk=place.pk)
    return _form_page(request, form, place, status=400 if form.errors else 200)


@login_required
@require_POST
@require_perm(MANAGE)
def manage_publication(request: HttpRequest, pk: int) -> HttpResponse:
    """Form field ``action``: publish (公开发布) or unpublish (停止公开)."""
    actor = _actor(request)
    place = selectors.managed_place(actor, pk)
    action = request.POST.get("action", "")
    try:
        if action == "publish":
            services.publish_place(actor=actor, place=place)
            messages.success(request, f"已公开发布：{place.name}")
        elif action == "unpublish":
            services.unpublish_place(actor=actor, place=place)
            messages.success(request, f"已停止公开：{place.name}（仍保留在管理列表中）")
        else:
            raise ValidationFailed("操作应为 publish 或 unpublish", field="action")
    except SifaError as exc:
        messages.error(request, exc.message)
    return redirect("legal_services:manage_edit", pk=place.pk)


@login_required
@require_POST
@require_perm(MANAGE)
def manage_photo_upload(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    place = selectors.managed_place(actor, pk)
    files = request.FILES.getlist("file")
    try:
        if len(files) > 1:
            raise ValidationFailed("一次只能上传一张照片", field="file")
        services.add_place_photo(actor=actor, place=place, file=files[0] if files else None,
                                 caption=request.POST.get("caption", ""))
    except SifaError as exc:
        request._photo_error = exc  # type: ignore[attr-defined]
        return _form_page(request, PlaceForm(actor=actor, place=place), place, status=exc.status)
    messages.success(request, "已上传照片")
    return redirect(reverse("legal_services:manage_edit", args=[place.pk]) + "#photos")


@login_required
@require_POST
@require_perm(MANAGE)
def manage_photo_remove(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    photo = selectors.managed_photo(actor, pk)
    place = services.remove_place_photo(actor=actor, photo=photo)
    messages.success(request, "已移除照片")
    return redirect(reverse("legal_services:manage_edit", args=[place.pk]) + "#photos")


@login_required
@require_perm(MANAGE)
def manage_import(request: HttpRequest) -> HttpResponse:
    """Upload an .xlsx (the export's layout); all or nothing, every bad cell listed."""
    actor = _actor(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[dict[str, str]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > IMPORT_MAX_BYTES:
                raise ValidationFailed(f"文件过大：导入文件不能超过 {IMPORT_MAX_BYTES // (1024 * 1024)} MB", field="file")
            result = services.import_places(actor=actor, content=upload.read(), filename=upload.name or "")
        except SifaError as exc:
            errors = exc.errors or [{"field": exc.field or "file", "message": exc.message}]
        else:
            messages.success(request, f"导入完成：共 {result.rows} 行，新增 {result.created} 个，更新 {result.updated} 个")
            return redirect("legal_services:manage_list")
    return render(request, "legal_services/import.html", {
        "form": form, "errors": errors, "columns": [h for h, _ in COLUMNS], "services": service_tags(),
        "types": PlaceType.labels,
    }, status=400 if (errors or form.errors) else 200)

"""Place writes: create, edit, publish/unpublish, photos, Excel import (all-or-nothing) and the audited export.

Every public service needs ``legal_services.places.manage`` and works only on places of the actor's
org subtree (checked again here, whatever the caller did), runs in one durable transaction and
writes exactly one audit event.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction

from sifa.core.accounts.actor import Actor
from sifa.core.attachments.filetypes import JPEG, PNG, WEBP
from sifa.core.attachments.models import AttachmentKind
from sifa.core.attachments.store import store_attachment
from sifa.core.audit.recorder import diff, record
from sifa.core.errors import Conflict, NotFound, ValidationFailed
from sifa.core.services import service
from sifa.modules.legal_services.choices import PlaceType
from sifa.modules.legal_services.models import PlacePhoto, ServicePlace, service_index_of
from sifa.modules.legal_services.selectors import MANAGE
from sifa.modules.legal_services.spreadsheet import HEADER_LABEL, SheetRow, read_rows
from sifa.modules.legal_services.validation import (
    FIELD_LABELS,
    PLACE_FIELDS,
    check_place,
    raise_problems,
    resolve_org,
    resolve_township,
    type_from_text,
)

PHOTO_TYPES = (JPEG, PNG, WEBP)
MAX_PHOTOS = 12
CAPTION_MAX = 100


def _snapshot(place: ServicePlace) -> dict[str, Any]:
    return {"type": place.type, "name": place.name, "org": place.org_id, "township": place.township_id,
            "address": place.address, "longitude": str(place.longitude), "latitude": str(place.latitude),
            "opening_hours": place.opening_hours, "services": list(place.services), "description": place.description,
            "contact_person": place.contact_person, "phone": place.phone, "panorama_url": place.panorama_url,
            "published": place.published}


def _locked(actor: Actor, place: ServicePlace) -> ServicePlace:
    """The place re-read in the actor's scope and locked for this transaction (NotFound out of scope)."""
    locked = ServicePlace.objects.visible_to(actor).select_for_update(of=("self",)).filter(pk=place.pk).first()
    if locked is None:
        raise NotFound("该服务场所不存在或无权访问")
    return locked


def _write(place: ServicePlace, clean: Mapping[str, Any], *, new: bool) -> ServicePlace:
    """Apply clean values and save (private: in the caller's transaction)."""
    for key in PLACE_FIELDS:
        setattr(place, key, clean[key])
    place.service_index = service_index_of(list(clean["services"]))
    try:
        with transaction.atomic():  # a savepoint: a unique-name race becomes a message, not a 500
            if new:
                place.save()
            else:
                place.save(update_fields=[*PLACE_FIELDS, "service_index", "updated_at"])
    except IntegrityError as exc:
        raise Conflict(f"{clean['org'].name}已有同名的{PlaceType(clean['type']).label}「{clean['name']}」",
                       field="name") from exc
    return place


@service("legal_services.place.created")
def create_place(*, actor: Actor, values: Mapping[str, Any]) -> ServicePlace:
    """Add a place. ``values`` holds the fields of ``validation.PLACE_FIELDS`` (``org`` an Org in scope,
    ``township`` a township Region or None); every bad field is reported at once (``ValidationFailed``)."""
    actor.require(MANAGE)
    clean, problems = check_place(actor, values)
    raise_problems(problems)
    place = _write(ServicePlace(), clean, new=True)
    record(actor=actor, action="legal_services.place.created", obj=place, org_override=place.org,
           changes=_snapshot(place))
    return place


@service("legal_services.place.updated")
def update_place(*, actor: Actor, place: ServicePlace, values: Mapping[str, Any]) -> ServicePlace:
    """Edit a place in scope; ``values`` may hold only some fields (the others keep their value). Moving it
    to another org needs that org in scope too."""
    actor.require(MANAGE)
    locked = _locked(actor, place)
    before = _snapshot(locked)
    merged = {key: getattr(locked, key) for key in PLACE_FIELDS} | dict(values)
    clean, problems = check_place(actor, merged, place=locked)
    raise_problems(problems)
    _write(locked, clean, new=False)
    record(actor=actor, action="legal_services.place.updated", obj=locked, org_override=locked.org,
           changes=diff(before, _snapshot(locked)))
    return locked


def _set_published(actor: Actor, place: ServicePlace, published: bool) -> ServicePlace:
    locked = _locked(actor, place)
    if locked.published == published:
        raise Conflict("该场所已公开发布" if published else "该场所已停止公开")
    locked.published = published
    locked.save(update_fields=["published", "updated_at"])
    return locked


@service("legal_services.place.published")
def publish_place(*, actor: Actor, place: ServicePlace) -> ServicePlace:
    """Show a place on the public map and API again."""
    actor.require(MANAGE)
    locked = _set_published(actor, place, True)
    record(actor=actor, action="legal_services.place.published", obj=locked, org_override=locked.org)
    return locked


@service("legal_services.place.unpublished")
def unpublish_place(*, actor: Actor, place: ServicePlace) -> ServicePlace:
    """Take a place off the public map and API (it stays in the management list; nothing is deleted)."""
    actor.require(MANAGE)
    locked = _set_published(actor, place, False)
    record(actor=actor, action="legal_services.place.unpublished", obj=locked, org_override=locked.org)
    return locked


@service("legal_services.photo.added")
def add_place_photo(*, actor: Actor, place: ServicePlace, file: File | None, caption: str = "") -> PlacePhoto:
    """Add a photo (JPEG, PNG or WebP by content) to a place: stored and hashed like any attachment (kind
    现场照片, owned by the place's org, logged to the evidence ledger as ``place_photo.added``). Photos of a
    published place are public."""
    actor.require(MANAGE)
    locked = _locked(actor, place)
    if file is None:
        raise ValidationFailed("请选择要上传的照片", field="file")
    caption = (caption or "").strip()
    if len(caption) > CAPTION_MAX:
        raise ValidationFailed(f"照片说明不能超过 {CAPTION_MAX} 个字符", field="caption")
    count = locked.place_photos.count()
    if count >= MAX_PHOTOS:
        raise ValidationFailed(f"每个场所最多 {MAX_PHOTOS} 张照片，请先删除不用的照片", field="file")
    attachment = store_attachment(actor=actor, org=locked.org, name=file.name or "", content=file,
                                  kind=AttachmentKind.PHOTO, metadata={"service_place": locked.pk},
                                  entry_type="place_photo.added", allowed_types=PHOTO_TYPES)
    photo = PlacePhoto.objects.create(place=locked, attachment=attachment, caption=caption, position=count)
    record(actor=actor, action="legal_services.photo.added", obj=photo, org_override=locked.org,
           changes={"place": locked.pk, "name": attachment.name, "sha256": attachment.sha256,
                    "ledger_index": attachment.ledger_index, "caption": caption})
    return photo


@service("legal_services.photo.removed")
def remove_place_photo(*, actor: Actor, photo: PlacePhoto) -> ServicePlace:
    """Take a photo off a place (the stored file and its ledger entry stay, like all attachments)."""
    actor.require(MANAGE)
    found = PlacePhoto.objects.visible_to(actor).select_related("place", "attachment").filter(pk=photo.pk).first()
    if found is None:
        raise NotFound("照片不存在或无权访问")
    place = _locked(actor, found.place)
    changes = {"place": place.pk, "attachment": found.attachment_id, "name": found.attachment.name}
    found.delete()
    record(actor=actor, action="legal_services.photo.removed", obj=place, org_override=place.org, changes=changes)
    return place


# --- Excel import -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int
    updated: int


@dataclass
class _Plan:
    row: SheetRow
    place: ServicePlace | None  # None: a new place
    clean: dict[str, Any]


_YES = {"", "是", "公开", "y", "yes", "true", "1"}
_NO = {"否", "不公开", "n", "no", "false", "0"}


def _plan_row(actor: Actor, row: SheetRow, problems: list[tuple[str, str]]) -> _Plan | None:
    v = row.values
    place: ServicePlace | None = None
    if v.get("id"):
        text = v["id"].removesuffix(".0")
        place = ServicePlace.objects.visible_to(actor).filter(pk=int(text)).first() if text.isdigit() else None
        if place is None:
            problems.append(("id", f"编号 {v['id']} 的场所不存在或无权访问（新增场所请留空编号）"))
            return None
    values: dict[str, Any] = {}
    place_type = type_from_text(v.get("type", ""))
    values["type"] = place_type or v.get("type", "")
    for key in ("name", "address", "longitude", "latitude", "opening_hours", "services", "contact_person", "phone",
                "panorama_url", "description"):
        values[key] = v.get(key, "")
    published = v.get("published", "").strip().lower()
    if published not in _YES | _NO:
        problems.append(("published", f"「公开」应为 是 或 否（当前为「{v.get('published')}」）"))
    values["published"] = published not in _NO
    org = None
    if place is not None and not v.get("org"):
        org = place.org  # an update keeps its org unless the row names another
    else:
        try:
            org = resolve_org(actor, v.get("org", ""))
        except ValidationFailed as exc:
            problems.append(("org", exc.message))
    values["org"] = org
    try:
        values["township"] = resolve_township(v.get("township", ""), org)
    except ValidationFailed as exc:
        problems.append(("township", exc.message))
        values["township"] = None
    clean, found = check_place(actor, values, place=place)
    problems += [p for p in found if not (p[0] == "org" and org is None)]
    return _Plan(row, place, clean)


def _row_message(line: int, field: str, message: str) -> dict[str, str]:
    label = HEADER_LABEL.get(field) or FIELD_LABELS.get(field, field)
    return {"field": f"row {line}.{field}", "message": f"第 {line} 行 {label}：{message}"}


@service("legal_services.places.imported")
def import_places(*, actor: Actor, content: bytes, filename: str = "") -> ImportResult:
    """Import places from an .xlsx (layout in ``spreadsheet.COLUMNS``), all or nothing.

    Every bad row is named with each bad cell ("第 3 行 经度：…"): an unknown type, coordinates missing or
    outside China, a missing name or address, an unknown township, an org out of scope, a service not on
    the list, and duplicates (two rows, or a new row and an existing place, with the same org, type and
    name). Nothing is written unless every row is good.
    """
    actor.require(MANAGE)
    rows = read_rows(content)
    if not rows:
        raise ValidationFailed("表格中没有数据行（第 1 行为表头，从第 2 行起每行一个场所）", field="file")
    errors: list[dict[str, str]] = []
    plans: list[_Plan] = []
    seen: dict[tuple[int, str, str], int] = {}
    seen_ids: dict[int, int] = {}
    for row in rows:
        problems: list[tuple[str, str]] = []
        plan = _plan_row(actor, row, problems)
        if plan is not None:
            clean = plan.clean
            if clean["org"] is not None and clean["type"] and clean["name"]:
                key = (clean["org"].pk, clean["type"], clean["name"])
                if key in seen:
                    problems.append(("name", f"与第 {seen[key]} 行重复（同一维护机构下同类场所不能同名）"))
                seen.setdefault(key, row.line)
            if plan.place is not None:
                if plan.place.pk in seen_ids:
                    problems.append(("id", f"编号 {plan.place.pk} 与第 {seen_ids[plan.place.pk]} 行重复"))
                seen_ids.setdefault(plan.place.pk, row.line)
            plans.append(plan)
        errors += [_row_message(row.line, f, m) for f, m in problems]
    if errors:
        raise ValidationFailed(f"导入失败，共 {len(errors)} 处错误，未写入任何数据；{errors[0]['message']}", errors=errors)
    created = updated = 0
    for plan in plans:
        if plan.place is None:
            _write(ServicePlace(), plan.clean, new=True)
            created += 1
        else:
            _write(ServicePlace.objects.select_for_update().get(pk=plan.place.pk), plan.clean, new=False)
            updated += 1
    result = ImportResult(rows=len(rows), created=created, updated=updated)
    record(actor=actor, action="legal_services.places.imported", object_type="legal_services.serviceplace",
           object_repr=f"服务场所导入 {filename}"[:255],
           changes={"file": filename, "rows": result.rows, "created": created, "updated": updated})
    return result


@service("legal_services.places.exported")
def export_places(*, actor: Actor, description: str, row_count: int) -> None:
    """Record an Excel export of places (the rows are the actor's scope only)."""
    actor.require(MANAGE)
    record(actor=actor, action="legal_services.places.exported", object_type="legal_services.serviceplace",
           object_repr="服务场所导出", changes={"filter": description[:500], "rows": row_count})

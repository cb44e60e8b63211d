"""Test helpers for the 数字法务地图: places and photos written straight to the tables (no audit rows),
values for the services, workbooks for the import, and the authorization matrix's objects."""

from __future__ import annotations

import io
import itertools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from openpyxl import Workbook

from sifa.core.accounts.actor import Actor
from sifa.core.attachments.store import store_attachment
from sifa.core.attachments.tests.factories import png_bytes
from sifa.core.orgs.models import Org, Region
from sifa.modules.legal_services.models import PlacePhoto, ServicePlace, service_index_of
from sifa.modules.legal_services.spreadsheet import COLUMNS

_seq = itertools.count(1)


def fuyang() -> Org:
    return Org.objects.get(name="杭州市富阳区司法局")


def township(code: str = "330111001") -> Region:
    return Region.objects.get(code=code, valid_to=None)


def make_place(org: Org, *, name: str = "", type: str = "law_firm", published: bool = True,  # noqa: A002
               lat: str = "30.050000", lng: str = "119.950000", services: Sequence[str] = ("法律咨询",),
               township_code: str | None = None, **fields: Any) -> ServicePlace:
    """A place written without the services (so without an audit row)."""
    n = next(_seq)
    tags = list(services)
    return ServicePlace.objects.create(
        type=type, name=name or f"测试场所{n}号", org=org,
        township=township(township_code) if township_code else None,
        address=fields.pop("address", f"富阳区测试路{n}号"), latitude=Decimal(lat), longitude=Decimal(lng),
        services=tags, service_index=service_index_of(tags), published=published, **fields)


def place_values(org: Org, **changes: Any) -> dict[str, Any]:
    """Complete, valid ``values`` for create_place/update_place."""
    values: dict[str, Any] = {
        "type": "legal_service_station", "name": "测试公共法律服务工作站", "org": org, "township": None,
        "address": "杭州市富阳区富春街道测试路 1 号", "longitude": "119.960123", "latitude": "30.049871",
        "opening_hours": "周一至周五 9:00–17:00", "services": ["法律咨询", "人民调解"], "description": "",
        "contact_person": "王主任", "phone": "0571-63300000", "panorama_url": "", "published": True,
    }
    values.update(changes)
    return values


def make_photo(place: ServicePlace, *, caption: str = "") -> PlacePhoto:
    """A PNG photo stored the real way (storage, hashes, ledger entry) but without a service."""
    with transaction.atomic():
        attachment = store_attachment(actor=Actor.system("test"), org=place.org, name="照片.png",
                                      content=png_bytes(tag=f"place-{place.pk}-{next(_seq)}"), kind="photo")
    return PlacePhoto.objects.create(place=place, attachment=attachment, caption=caption)


def workbook(rows: Sequence[Sequence[Any]], header: Sequence[str] | None = None) -> bytes:
    """An .xlsx with the import header (or ``header``) and ``rows``."""
    wb = Workbook()
    ws = wb.active
    ws.append(list(header) if header is not None else [h for h, _ in COLUMNS])
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def sheet_row(**cells: Any) -> list[Any]:
    """One import row by column key (id, type, name, org, township, address, longitude, latitude, …)."""
    return [cells.get(key, "") for _, key in COLUMNS]


# --- the authorization matrix's objects (tests/test_authz_matrix.py) ---------------------------------


def matrix_place(org: Org) -> ServicePlace:
    place, _ = ServicePlace.objects.get_or_create(
        org=org, type="legal_service_room", name=f"矩阵场所{org.pk}",
        defaults={"address": "矩阵路 1 号", "latitude": Decimal("30.05"), "longitude": Decimal("119.95"),
                  "published": True})
    return place


def matrix_objects(kind: str, actor_org: Org, orgs: list[Org]) -> tuple[list[int], list[int]]:
    """(inside ids, outside ids) for kinds "service_place" and "place_photo" (managed: in the actor's
    subtree or not) and "public_place" and "public_photo" (published: everyone sees every one).

    One published place per org of the matrix world; photos are made anew on each call (a photo the
    matrix removes as one user is gone for the next)."""
    places = {o.pk: matrix_place(o) for o in orgs}
    # Re-publish: a publication route earlier in the matrix may have unpublished it.
    ServicePlace.objects.filter(pk__in=[p.pk for p in places.values()]).update(published=True)
    own = places[actor_org.pk]
    others = [places[o.pk] for o in orgs if not o.path.startswith(actor_org.path)]
    if kind == "service_place":
        return [own.pk], [p.pk for p in others]
    if kind == "public_place":
        return [own.pk], [p.pk for p in others]
    if kind == "place_photo":
        return [make_photo(own).pk], [make_photo(p).pk for p in others]
    if kind == "public_photo":
        def photo_of(place: ServicePlace) -> int:
            existing = place.place_photos.first()
            return existing.pk if existing is not None else make_photo(place).pk

        return [photo_of(own)], [photo_of(p) for p in others]
    raise KeyError(kind)

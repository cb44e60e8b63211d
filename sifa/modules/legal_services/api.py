"""Public API of the 数字法务地图 (/api/v1/public/places): published places only, no sign-in, no personal data.

Places carry GeoJSON-style ``geometry`` (``{"type": "Point", "coordinates": [lng, lat]}``, WGS-84 /
CGCS2000) besides plain ``longitude``/``latitude``. ``?near=lat,lng`` sorts nearest first and adds
``distance_m``.
"""


import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from sifa.modules.legal_services import selectors
from sifa.modules.legal_services.filters import PlaceFilter
from sifa.modules.legal_services.geo import parse_near
from sifa.modules.legal_services.models import ServicePlace

router = Router(tags=["数字法务地图（公开）"], auth=None)


class PointOut(Schema):
    type: str = Field("Point", description="GeoJSON 几何类型，恒为 Point")
    coordinates: list[float] = Field(..., description="[经度, 纬度]，WGS-84 / CGCS2000")


class PhotoOut(Schema):
    id: int
    caption: str
    url: str = Field(..., description="原图地址")
    thumbnail_url: str | None = Field(..., description="缩略图地址（没有缩略图时为 null）")


class PlaceOut(Schema):
    id: int
    type: str
    type_label: str
    name: str
    township_code: str | None
    township_name: str | None
    address: str
    longitude: Decimal = Field(..., description="经度（WGS-84 / CGCS2000，十进制度）")
    latitude: Decimal = Field(..., description="纬度（WGS-84 / CGCS2000，十进制度）")
    geometry: PointOut
    opening_hours: str
    services: list[str]
    description: str
    contact_person: str
    phone: str
    panorama_url: str
    photos: list[PhotoOut]
    url: str = Field(..., description="公开详情页地址")
    distance_m: float | None = Field(None, description="与 near 的球面距离（米），未给 near 时为 null")
    updated_at: datetime.datetime


def place_out(place: ServicePlace, distance_m: float | None = None) -> dict[str, Any]:
    return {
        "id": place.pk, "type": place.type, "type_label": place.get_type_display(), "name": place.name,
        "township_code": place.township.code if place.township else None,
        "township_name": place.township.name if place.township else None,
        "address": place.address, "longitude": place.longitude, "latitude": place.latitude,
        "geometry": {"type": "Point", "coordinates": [float(place.longitude), float(place.latitude)]},
        "opening_hours": place.opening_hours, "services": list(place.services), "description": place.description,
        "contact_person": place.contact_person, "phone": place.phone, "panorama_url": place.panorama_url,
        "photos": [{"id": ph.pk, "caption": ph.caption, "url": reverse("legal_services:photo", args=[ph.pk]),
                    "thumbnail_url": reverse("legal_services:photo_thumbnail", args=[ph.pk])
                    if ph.attachment.thumbnail else None}
                   for ph in place.place_photos.all()],
        "url": reverse("legal_services:place", args=[place.pk]),
        "distance_m": None if distance_m is None else round(distance_m, 1),
        "updated_at": place.updated_at,
    }


class PlacePageOut(Schema):
    items: list[PlaceOut]
    count: int
    page: int
    page_size: int


@router.get("", response=PlacePageOut, summary="公开的服务场所（可筛选；near=纬度,经度 按距离排序）")
def list_places(request: HttpRequest, filters: Query[PlaceFilter],
                near: str | None = Query(None, description="纬度,经度（WGS-84），如 30.05,119.95：按距离由近到远排序"),
                page: int = Query(1, ge=1, description="页码，从 1 开始"),
                page_size: int = Query(50, ge=1, le=200, description="每页条数（最多 200）")) -> dict[str, Any]:
    places = selectors.published_places(filters=filters)
    start = (page - 1) * page_size
    if near:
        lat, lng = parse_near(near)
        ranked = selectors.nearest_first(places, lat, lng)
        items = [place_out(d.place, d.metres) for d in ranked[start:start + page_size]]
        count = len(ranked)
    else:
        ordered = places.order_by("type", "name", "pk")
        items = [place_out(p) for p in ordered[start:start + page_size]]
        count = ordered.count()
    return {"items": items, "count": count, "page": page, "page_size": page_size}


@router.get("/{place_id}", response=PlaceOut, summary="一个公开的服务场所")
def get_place(request: HttpRequest, place_id: int) -> dict[str, Any]:
    return place_out(selectors.published_place(place_id))

"""The public API: published places only, GeoJSON-style geometry, filters, ?near= sorting, the contract."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from sifa.core.testing.openapi import assert_matches_openapi
from sifa.modules.legal_services.models import ServicePlace
from sifa.modules.legal_services.tests.factories import fuyang, make_photo, make_place

URL = "/api/v1/public/places"


def _get(path: str, **params: Any) -> tuple[int, Any]:
    response = Client().get(path, params)
    body = response.json()
    query = "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
    assert_matches_openapi("GET", path + query, response.status_code, response["Content-Type"], body)
    return response.status_code, body


def test_list_needs_no_sign_in_and_shows_published_places_only(db: Any) -> None:
    # given
    hidden = make_place(fuyang(), name="接口未公开", published=False)
    # when
    status, body = _get(URL, page_size=200)
    # then
    assert status == 200
    ids = {item["id"] for item in body["items"]}
    assert body["count"] == ServicePlace.objects.filter(published=True).count() == len(ids)
    assert hidden.pk not in ids
    item = body["items"][0]
    assert item["geometry"] == {"type": "Point", "coordinates": [float(item["longitude"]), float(item["latitude"])]}
    assert item["distance_m"] is None and item["url"] == f"/map/places/{item['id']}/"


def test_filters_match_the_page(db: Any) -> None:
    make_place(fuyang(), type="forensic_institution", services=["司法鉴定"])
    _, body = _get(URL, type="forensic_institution", page_size=200)
    assert body["count"] == ServicePlace.objects.filter(published=True, type="forensic_institution").count()
    assert {i["type"] for i in body["items"]} == {"forensic_institution"}
    page = Client().get("/map/", {"type": "forensic_institution"}).content.decode()
    assert all(f'data-id="{i["id"]}"' in page for i in body["items"])
    _, by_service = _get(URL, service="司法鉴定", page_size=200)
    assert by_service["count"] and all("司法鉴定" in i["services"] for i in by_service["items"])


def test_near_sorts_nearest_first_with_distances(db: Any) -> None:
    # given a place right at the point asked for
    here = make_place(fuyang(), name="就在这里", lat="29.500000", lng="119.500000")
    # when
    status, body = _get(URL, near="29.5,119.5", page_size=200)
    # then
    assert status == 200
    distances = [i["distance_m"] for i in body["items"]]
    assert body["items"][0]["id"] == here.pk and distances[0] == 0
    assert distances == sorted(distances)
    _, second_page = _get(URL, near="29.5,119.5", page=2, page_size=5)
    assert [i["id"] for i in second_page["items"]] == [i["id"] for i in body["items"][5:10]]


def test_bad_near_is_a_problem_naming_the_field(db: Any) -> None:
    status, body = _get(URL, near="north")
    assert status == 400 and body["code"] == "validation_failed" and body["errors"][0]["field"] == "near"


def test_detail_with_photos_and_unpublished_is_404(db: Any) -> None:
    place = make_place(fuyang(), name="接口详情")
    photo = make_photo(place, caption="外景")
    status, body = _get(f"{URL}/{place.pk}")
    assert status == 200 and body["name"] == "接口详情"
    assert body["photos"] == [{"id": photo.pk, "caption": "外景", "url": f"/map/photos/{photo.pk}/",
                               "thumbnail_url": f"/map/photos/{photo.pk}/thumbnail/"}]
    hidden = make_place(fuyang(), published=False)
    status, body = _get(f"{URL}/{hidden.pk}")
    assert status == 404 and body["code"] == "not_found"
    assert json.dumps(body, ensure_ascii=False).count(hidden.name) == 0

"""Pages through the test client: the public map and list (filters without JavaScript, tiles or not), a
place's public page, photos, and the management pages in the actor's scope."""

from __future__ import annotations

import io
import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from openpyxl import load_workbook

from sifa.core.attachments.tests.factories import png_bytes
from sifa.core.audit.models import AuditEvent
from sifa.core.testing import client_for, membership_of
from sifa.modules.legal_services.models import PlacePhoto, ServicePlace
from sifa.modules.legal_services.tests.factories import fuyang, make_photo, make_place, sheet_row, workbook

MAP = reverse("legal_services:map")
TILES = "http://127.0.0.1:9/{z}/{x}/{y}.png"


def listed_ids(html: str) -> set[int]:
    return {int(i) for i in re.findall(r'class="list-group-item place-item" data-id="(\d+)"', html)}


def test_map_lists_published_places_to_anyone(db: Any) -> None:
    # given
    shown = make_place(fuyang(), name="公开的场所")
    hidden = make_place(fuyang(), name="未公开的场所", published=False)
    # when
    response = Client().get(MAP)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    ids = listed_ids(html)
    assert shown.pk in ids and hidden.pk not in ids
    assert ids == set(ServicePlace.objects.filter(published=True).values_list("pk", flat=True))


def test_filters_work_as_plain_get_parameters(db: Any) -> None:
    # given
    room = make_place(fuyang(), type="legal_service_room", services=["法律援助"], township_code="330111002")
    firm = make_place(fuyang(), type="law_firm", services=["律师服务"], township_code="330111002")
    # when / then
    by_type = listed_ids(Client().get(MAP, {"type": "legal_service_room"}).content.decode())
    assert room.pk in by_type and firm.pk not in by_type
    assert by_type == set(ServicePlace.objects.filter(published=True, type="legal_service_room").values_list("pk", flat=True))
    by_service = listed_ids(Client().get(MAP, {"service": "律师服务"}).content.decode())
    assert firm.pk in by_service and room.pk not in by_service
    by_township = listed_ids(Client().get(MAP, {"township": "330111002"}).content.decode())
    assert {room.pk, firm.pk} <= by_township
    assert not ServicePlace.objects.filter(pk__in=by_township).exclude(township__code="330111002").exists()
    bad = Client().get(MAP, {"township": "春江"})
    assert bad.status_code == 400 and "筛选条件 township 格式不正确" in bad.content.decode()


@override_settings(SIFA_MAP_TILE_URL="")
def test_without_tiles_the_page_is_a_list_with_a_note(db: Any) -> None:
    response = Client().get(MAP)
    html = response.content.decode()
    assert 'id="no-tiles-note"' in html and "SIFA_MAP_TILE_URL" in html
    assert "leaflet.js" not in html and 'id="place-map"' not in html
    assert "127.0.0.1:9" not in response["Content-Security-Policy"]


@override_settings(SIFA_MAP_TILE_URL=TILES, SIFA_MAP_TILE_ATTRIBUTION="测试底图")
def test_with_tiles_the_page_has_the_map_and_allows_the_tile_host(db: Any) -> None:
    response = Client().get(MAP)
    html = response.content.decode()
    assert 'id="place-map"' in html and "vendor/leaflet/leaflet.js" in html and 'id="map-config"' in html
    assert "img-src 'self' data: blob: http://127.0.0.1:9;" in response["Content-Security-Policy"]
    # other pages keep the strict policy
    assert "127.0.0.1:9" not in Client().get(reverse("accounts:login"))["Content-Security-Policy"]


def test_place_page_shows_everything_with_a_tel_link(db: Any) -> None:
    # given
    place = make_place(fuyang(), name="详情场所", phone="0571-6330 1234、13800000000", opening_hours="周一至周五",
                       contact_person="李主任", panorama_url="https://vr.example.cn/p/1", township_code="330111001")
    photo = make_photo(place, caption="服务窗口")
    # when
    response = Client().get(reverse("legal_services:place", args=[place.pk]))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("详情场所", "富春街道", "周一至周五", "李主任", 'href="tel:057163301234"', "https://vr.example.cn/p/1",
                 "经度 119.950000，纬度 30.050000", "geo:30.050000,119.950000", "服务窗口",
                 reverse("legal_services:photo_thumbnail", args=[photo.pk])):
        assert text in html, text


def test_unpublished_place_and_its_photos_are_not_found(db: Any) -> None:
    place = make_place(fuyang(), published=False)
    photo = make_photo(place)
    assert Client().get(reverse("legal_services:place", args=[place.pk])).status_code == 404
    assert Client().get(reverse("legal_services:photo", args=[photo.pk])).status_code == 404


def test_photos_of_published_places_are_served_inline(db: Any) -> None:
    photo = make_photo(make_place(fuyang()))
    full = Client().get(reverse("legal_services:photo", args=[photo.pk]))
    thumb = Client().get(reverse("legal_services:photo_thumbnail", args=[photo.pk]))
    assert full.status_code == 200 and full["Content-Type"] == "image/png"
    assert b"".join(full.streaming_content).startswith(b"\x89PNG")
    assert thumb["Content-Type"] == "image/jpeg" and "attachment" not in thumb.get("Content-Disposition", "")


def test_management_list_is_scoped(db: Any) -> None:
    # given
    mine = make_place(membership_of("office1").org, name="甲所的场所")
    theirs = make_place(membership_of("office2").org, name="乙所的场所")
    # when
    page = client_for("office1").get(reverse("legal_services:manage_list")).content.decode()
    # then
    assert "甲所的场所" in page and "乙所的场所" not in page
    assert client_for("office1").get(reverse("legal_services:manage_edit", args=[theirs.pk])).status_code == 404
    assert client_for("office1").get(reverse("legal_services:manage_edit", args=[mine.pk])).status_code == 200
    assert client_for("officer").get(reverse("legal_services:manage_list")).status_code == 403
    assert "法务地图管理" in client_for("county").get("/").content.decode()
    assert "法务地图管理" not in client_for("officer").get("/").content.decode()


def _form(**changes: Any) -> dict[str, Any]:
    data = {"type": "legal_service_station", "name": "页面新增工作站", "org": str(membership_of("office1").org.pk),
            "township": "", "address": "富阳区页面路 1 号", "longitude": "119.95", "latitude": "30.05",
            "services": ["法律咨询"], "published": "on"}
    data.update(changes)
    return data


def test_create_from_the_page_and_errors_beside_fields(db: Any) -> None:
    client = client_for("office1")
    url = reverse("legal_services:manage_create")
    # an error: coordinates swapped, township unknown
    before = (ServicePlace.objects.count(), AuditEvent.objects.count())
    bad = client.post(url, _form(longitude="30.05", latitude="119.95", township="不存在镇"))
    html = bad.content.decode()
    assert bad.status_code == 400
    assert 'id="id_township-error"' in html and "没有名为「不存在镇」的乡镇（街道）" in html
    assert (ServicePlace.objects.count(), AuditEvent.objects.count()) == before
    swapped = client.post(url, _form(longitude="30.05", latitude="119.95"))
    assert swapped.status_code == 400 and "经度与纬度似乎填反了" in swapped.content.decode()
    # then a good one
    ok = client.post(url, _form(township="富春街道"))
    place = ServicePlace.objects.get(name="页面新增工作站")
    assert ok.status_code == 302 and ok["Location"] == reverse("legal_services:manage_edit", args=[place.pk])
    assert place.township.code == "330111001" and place.services == ["法律咨询"]


def test_edit_unpublish_and_photo_from_the_page(db: Any) -> None:
    # given
    client = client_for("office1")
    place = make_place(membership_of("office1").org, name="页面编辑场所", type="legal_service_room")
    # when
    edited = client.post(reverse("legal_services:manage_edit", args=[place.pk]),
                         _form(type="legal_service_room", name="页面编辑场所", opening_hours="全天"))
    unpublished = client.post(reverse("legal_services:manage_publication", args=[place.pk]), {"action": "unpublish"})
    no_file = client.post(reverse("legal_services:manage_photo_upload", args=[place.pk]), {"caption": "无文件"})
    uploaded = client.post(reverse("legal_services:manage_photo_upload", args=[place.pk]),
                           {"file": SimpleUploadedFile("门头.png", png_bytes()), "caption": "门头"})
    # then
    place.refresh_from_db()
    assert edited.status_code == 302 and place.opening_hours == "全天"
    assert unpublished.status_code == 302 and not place.published
    assert no_file.status_code == 400 and "请选择要上传的照片" in no_file.content.decode()
    assert uploaded.status_code == 302 and PlacePhoto.objects.filter(place=place, caption="门头").exists()


def test_export_is_audited_and_scoped(db: Any) -> None:
    make_place(membership_of("office2").org, name="乙所导出场所")
    mine = make_place(membership_of("office1").org, name="甲所导出场所")
    response = client_for("office1").get(reverse("legal_services:manage_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert mine.name in names and "乙所导出场所" not in names
    event = AuditEvent.objects.filter(action="legal_services.places.exported").latest("pk")
    assert event.changes["rows"] == len(names)


def test_import_page_lists_every_error(db: Any) -> None:
    client = client_for("county")
    content = workbook([sheet_row(type="律师事务所", name="", address="甲路", longitude="119.95", latitude="30.05"),
                        sheet_row(type="律师事务所", name="乙所", address="乙路", longitude="0", latitude="0")])
    before = (ServicePlace.objects.count(), AuditEvent.objects.count())
    response = client.post(reverse("legal_services:manage_import"),
                           {"file": SimpleUploadedFile("x.xlsx", content)})
    html = response.content.decode()
    assert response.status_code == 400
    assert "第 2 行 名称：请填写名称" in html and "第 3 行 经度：" in html
    assert (ServicePlace.objects.count(), AuditEvent.objects.count()) == before
    ok = client.post(reverse("legal_services:manage_import"), {"file": SimpleUploadedFile("y.xlsx", workbook([
        sheet_row(type="律师事务所", name="页面导入律所", address="甲路", longitude="119.95", latitude="30.05")]))})
    assert ok.status_code == 302 and ServicePlace.objects.filter(name="页面导入律所").exists()

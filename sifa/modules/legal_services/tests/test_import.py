"""Excel import (all or nothing, every bad cell named by row) and the export it round-trips with."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from sifa.core.audit.models import AuditEvent
from sifa.core.errors import ValidationFailed
from sifa.core.testing import actor_for, membership_of
from sifa.modules.legal_services import selectors, services
from sifa.modules.legal_services.models import ServicePlace
from sifa.modules.legal_services.spreadsheet import places_workbook
from sifa.modules.legal_services.tests.factories import fuyang, make_place, sheet_row, workbook


def good(**cells: Any) -> list[Any]:
    base = {"type": "律师事务所", "name": "浙江导入律师事务所", "township": "富春街道", "address": "富阳区导入路 1 号",
            "longitude": 119.951234, "latitude": 30.051234, "services": "律师服务、法律咨询", "phone": "0571-61234567"}
    base.update(cells)
    return sheet_row(**base)


def _snapshot() -> tuple[int, int, list[tuple[Any, ...]]]:
    return (ServicePlace.objects.count(), AuditEvent.objects.count(),
            list(ServicePlace.objects.order_by("pk").values_list("pk", "name", "updated_at")))


def test_import_creates_places_in_the_actors_org(db: Any) -> None:
    # given
    content = workbook([good(), good(type="公证处", name="导入公证处", services="公证服务", published="否"),
                        good(type="legal_aid_station", name="导入法律援助工作站", org="富春街道司法所", services="")])
    # when
    result = services.import_places(actor=actor_for("county"), content=content, filename="场所.xlsx")
    # then
    assert (result.rows, result.created, result.updated) == (3, 3, 0)
    firm = ServicePlace.objects.get(name="浙江导入律师事务所")
    assert firm.org == fuyang() and firm.township.code == "330111001" and firm.published
    assert firm.latitude == Decimal("30.051234") and firm.services == ["律师服务", "法律咨询"]
    assert not ServicePlace.objects.get(name="导入公证处").published
    assert ServicePlace.objects.get(name="导入法律援助工作站").org.name == "富春街道司法所"
    event = AuditEvent.objects.get(action="legal_services.places.imported")
    assert event.changes == {"file": "场所.xlsx", "rows": 3, "created": 3, "updated": 0}


def test_every_bad_row_is_named_and_nothing_is_written(db: Any) -> None:
    # given one good row and one row per kind of error
    existing = make_place(fuyang(), name="已有律师事务所", type="law_firm")
    rows = [
        good(name="好的一行"),
        good(type="赌场", name="类型错误"),
        good(name="坐标在境外", longitude="2.35", latitude="48.85"),
        good(name="", address=""),
        good(name="乡镇不存在", township="不存在镇"),
        good(name="好的一行"),
        good(name="已有律师事务所"),
        good(name="机构越权", org="宁波市司法局"),
        good(name="服务不在清单", services="算命"),
        good(name="没有坐标", longitude="", latitude=""),
    ]
    before = _snapshot()
    # when
    with pytest.raises(ValidationFailed) as caught:
        services.import_places(actor=actor_for("county"), content=workbook(rows))
    # then
    messages = [e["message"] for e in caught.value.errors]
    expected = [
        "第 3 行 场所类型：场所类型「赌场」无效",
        "第 4 行 经度：坐标（经度 2.350000，纬度 48.850000）不在中国范围内",
        "第 5 行 名称：请填写名称",
        "第 5 行 地址：请填写地址",
        "第 6 行 乡镇（街道）：富阳区辖区内没有名为「不存在镇」的乡镇（街道）",
        "第 7 行 名称：与第 2 行重复",
        f"第 8 行 名称：杭州市富阳区司法局已有同名的律师事务所「已有律师事务所」（编号 {existing.pk}）",
        "第 9 行 维护机构：维护机构「宁波市司法局」不存在或不在本机构范围内",
        "第 10 行 服务事项：服务事项「算命」不在清单中",
        "第 11 行 经度：请填写经度",
    ]
    for text in expected:
        assert any(m.startswith(text) for m in messages), (text, messages)
    assert len(messages) == len(expected)
    assert caught.value.message.startswith(f"导入失败，共 {len(expected)} 处错误，未写入任何数据")
    assert caught.value.errors[0]["field"] == "row 3.type"
    assert _snapshot() == before


def test_rows_with_an_id_update_places_in_scope_only(db: Any) -> None:
    # given
    mine = make_place(membership_of("office1").org, name="甲所场所", type="legal_service_room")
    theirs = make_place(membership_of("office2").org, name="乙所场所", type="legal_service_room")
    before = _snapshot()
    # when a row names office2's place
    with pytest.raises(ValidationFailed) as caught:
        services.import_places(actor=actor_for("office1"), content=workbook([
            good(id=mine.pk, type="公共法律服务室", name="甲所场所（新）"),
            good(id=theirs.pk, type="公共法律服务室", name="越权修改")]))
    # then
    assert [e["message"] for e in caught.value.errors] == [
        f"第 3 行 编号：编号 {theirs.pk} 的场所不存在或无权访问（新增场所请留空编号）"]
    assert _snapshot() == before
    # and without it the update goes through, keeping the org
    result = services.import_places(actor=actor_for("office1"), content=workbook([
        good(id=mine.pk, type="公共法律服务室", name="甲所场所（新）")]))
    mine.refresh_from_db()
    assert (result.created, result.updated) == (0, 1)
    assert mine.name == "甲所场所（新）" and mine.org == membership_of("office1").org


def test_export_imports_back_unchanged(db: Any) -> None:
    # given every place the county maintains, exported
    actor = actor_for("county")
    places = list(selectors.managed_places(actor))
    content = places_workbook(places)
    before = {p.pk: (p.name, p.type, p.org_id, p.township_id, p.latitude, p.longitude, p.services, p.published)
              for p in places}
    # when
    result = services.import_places(actor=actor, content=content)
    # then
    assert (result.created, result.updated) == (0, len(places))
    after = {p.pk: (p.name, p.type, p.org_id, p.township_id, p.latitude, p.longitude, p.services, p.published)
             for p in selectors.managed_places(actor)}
    assert after == before
    header = [c.value for c in next(load_workbook(io.BytesIO(content)).active.iter_rows(max_row=1))]
    assert header[:3] == ["编号", "场所类型", "名称"]


@pytest.mark.parametrize(("content", "text"), [
    (b"not a workbook", "无法读取该文件"),
    (workbook([["x"]], header=["名称", "地址"]), "表头缺少列：场所类型、经度、纬度"),
    (workbook([]), "表格中没有数据行"),
])
def test_unreadable_or_empty_files_are_refused(db: Any, content: bytes, text: str) -> None:
    before = _snapshot()
    with pytest.raises(ValidationFailed) as caught:
        services.import_places(actor=actor_for("county"), content=content)
    assert text in caught.value.message and caught.value.field == "file"
    assert _snapshot() == before

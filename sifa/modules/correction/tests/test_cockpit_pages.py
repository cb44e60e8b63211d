"""矫正驾驶舱 pages and API: drill-down scope (an office sees only itself, the county its offices, 404
outside), the audited export, and no minor's identity anywhere (CC-35, 《社区矫正法》第五十四条; CASES C-85)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.cache import cache
from openpyxl import load_workbook

from sifa.core.audit.models import AuditEvent
from sifa.core.orgs.models import Org
from sifa.core.testing import client_for, membership_of
from sifa.modules.correction.tests.cockpit_factories import World, build_world
from sifa.modules.correction.tests.factories import make_correction, make_person, office_of


@pytest.fixture(autouse=True)
def _no_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def _page(username: str, org: Org | None = None, query: str = "") -> Any:
    url = f"/correction/cockpit/org/{org.pk}/" if org else "/correction/cockpit/"
    return client_for(username).get(url + (f"?{query}" if query else ""))


def test_office_sees_its_own_cockpit_only(db: Any) -> None:
    # given
    office1, office2 = office_of("office1"), office_of("office2")
    # when / then
    home = _page("office1")
    assert home.status_code == 200 and office1.name in home.content.decode()
    assert _page("office1", office1).status_code == 200
    assert _page("office1", office2).status_code == 404
    assert _page("office1", office1.parent).status_code == 404


def test_county_drills_down_to_its_offices_and_not_outside(db: Any) -> None:
    # given the correction staff of 富阳区司法局
    county = membership_of("corr").org
    # when
    page = _page("corr", county).content.decode()
    # then the children table links each office; an office of the county opens, 宁波 and 杭州 do not
    for office in Org.objects.filter(parent=county, type="judicial_office")[:3]:
        assert f"/correction/cockpit/org/{office.pk}/" in page
    assert _page("corr", office_of("office2")).status_code == 200
    assert _page("corr", Org.objects.get(name="宁波市司法局")).status_code == 404
    assert _page("corr", county.parent).status_code == 404
    assert client_for("corr").get("/correction/cockpit/org/999999999/").status_code == 404


def test_province_drills_through_city_and_county_with_breadcrumb(db: Any) -> None:
    # given
    office = office_of("office1")
    # when
    html = _page("province", office).content.decode()
    # then the breadcrumb goes up to the province, each step a link keeping the period
    assert 'id="cockpit-breadcrumb"' in html
    for name in ("浙江省司法厅", "杭州市司法局", "杭州市富阳区司法局"):
        assert name in html
    assert "?period=month" in html


def test_breadcrumb_stops_at_the_actors_scope(db: Any) -> None:
    html = _page("corr", office_of("office1")).content.decode()
    crumbs = html.split('id="cockpit-breadcrumb"', 1)[1].split("</ol>", 1)[0]
    assert "杭州市富阳区司法局" in crumbs and "杭州市司法局" not in crumbs and "浙江省司法厅" not in crumbs


def test_roles_without_correction_view_are_refused(db: Any) -> None:
    assert _page("county").status_code == 403  # 区局业务人员: no correction.view
    assert client_for("county").get(f"/api/v1/correction/cockpit/{office_of('office1').pk}").status_code == 403


def test_bad_period_names_the_field_and_falls_back_to_this_month(db: Any) -> None:
    response = _page("corr", query="start=2026-13-01&end=2026-01-01")
    assert response.status_code == 400
    assert "开始日期" in response.content.decode() and 'id="period-error"' in response.content.decode()


def test_export_is_audited_and_has_every_child(db: Any) -> None:
    # given
    county = membership_of("corr").org
    before = AuditEvent.objects.filter(action="correction.cockpit.exported").count()
    # when
    response = client_for("corr").get(f"/correction/cockpit/org/{county.pk}/export.xlsx?period=year&table=children")
    # then
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    offices = Org.objects.filter(parent=county, type="judicial_office").count()
    assert rows[1][0] == "机构" and rows[-1][0] == "合计" and len(rows) == 2 + offices + 1
    event = AuditEvent.objects.filter(action="correction.cockpit.exported").latest("id")
    assert AuditEvent.objects.filter(action="correction.cockpit.exported").count() == before + 1
    assert event.changes["table"] == "children" and event.changes["rows"] == offices + 1


def test_export_of_an_unknown_table_is_refused_without_audit(db: Any) -> None:
    county = membership_of("corr").org
    before = AuditEvent.objects.filter(action="correction.cockpit.exported").count()
    response = client_for("corr").get(f"/correction/cockpit/org/{county.pk}/export.xlsx?table=persons")
    assert response.status_code == 400
    assert AuditEvent.objects.filter(action="correction.cockpit.exported").count() == before


def test_export_outside_scope_is_404(db: Any) -> None:
    response = client_for("office1").get(f"/correction/cockpit/org/{office_of('office2').pk}/export.xlsx")
    assert response.status_code == 404


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


def test_api_gives_the_page_figures(world: World) -> None:
    # when
    response = client_for("city").get(f"/api/v1/correction/cockpit/{world.county.pk}?start="
                                      f"{world.today.replace(day=1).isoformat()}&end={world.today.isoformat()}")
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["org"]["id"] == world.county.pk and body["totals"]["active"] == 5
    assert body["totals"]["pending"] == 1 and body["totals"]["monitored"] == 2
    assert {c["name"] for c in body["children"]} == {world.a.name, world.b.name}
    assert [b["name"] for b in body["breadcrumb"]][-1] == world.county.name
    assert len(body["trend"]) == 12 and body["alerts"]["open"] == 2


def test_api_outside_scope_is_404_and_bad_period_400(world: World) -> None:
    assert client_for("office1").get(f"/api/v1/correction/cockpit/{world.county.pk}").status_code == 404
    response = client_for("city").get(f"/api/v1/correction/cockpit/{world.county.pk}?period=decade")
    assert response.status_code == 400 and "period" in response.content.decode()


def test_minors_identity_never_appears(world: World) -> None:
    # given a minor in office B (c8) and one in office1's office
    minor = make_person(office_of("office1"), name="未成年驾驶舱乙")
    make_correction(office_of("office1"), minor=True, person=minor)
    names = (world.minor_name, minor.name, minor.id_number_masked)
    # when: every page, table export and the API that cover them
    bodies = [client_for("city").get(f"/correction/cockpit/org/{org.pk}/?period=year").content.decode()
              for org in (world.county, world.b)]
    bodies.append(client_for("office1").get("/correction/cockpit/").content.decode())
    bodies.append(client_for("city").get(f"/api/v1/correction/cockpit/{world.b.pk}").content.decode())
    for table in ("children", "sentence", "level", "state", "trend", "alerts"):
        content = client_for("city").get(f"/correction/cockpit/org/{world.county.pk}/export.xlsx?table={table}").content
        sheet = load_workbook(io.BytesIO(content)).active
        bodies.append(" ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row))
    # then
    for body in bodies:
        assert not any(name in body for name in names)

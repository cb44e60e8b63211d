"""执法监督驾驶舱 pages and API: drill down (city → county → body), scope (404 outside), Excel export audited."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from sifa.core.audit.models import AuditEvent
from sifa.core.testing import client_for, membership_of
from sifa.modules.enforcement.tests.dashboard_factories import small_world
from sifa.modules.enforcement.tests.penalty_factories import body_of

pytestmark = pytest.mark.django_db
PERIOD = "start=2025-12-01&end=2026-11-30"


def test_city_drills_down_to_county_and_body() -> None:
    small_world()
    county = membership_of("county").org
    body = body_of()
    city = client_for("city")
    page = city.get(f"/enforcement/dashboard/?{PERIOD}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "执法监督驾驶舱" in html and f"/enforcement/dashboard/org/{county.pk}/?{PERIOD}".replace("&", "&amp;") in html
    down = city.get(f"/enforcement/dashboard/org/{county.pk}/?{PERIOD}").content.decode()
    assert county.name in down and f"/enforcement/dashboard/org/{body.org_id}/" in down
    assert "dashboard-breadcrumb" in down and "听证告知率" in down and "法制审核率" in down
    # each figure links to the scoped case list
    assert f"/enforcement/cases/?org={county.pk}&amp;group=handling" in down
    listing = city.get(f"/enforcement/cases/?org={county.pk}&group=transfer&opened_from=2025-12-01")
    assert listing.status_code == 200


def test_officer_sees_only_its_body_and_out_of_scope_is_404() -> None:
    officer = client_for("officer")
    own = officer.get("/enforcement/dashboard/")
    assert own.status_code == 200 and body_of().name in own.content.decode()
    county = membership_of("county").org
    assert officer.get(f"/enforcement/dashboard/org/{county.pk}/").status_code == 404
    assert officer.get(f"/api/v1/enforcement/dashboard?org={county.pk}").status_code == 404
    city = membership_of("city").org
    assert client_for("county").get(f"/enforcement/dashboard/org/{city.pk}/").status_code == 404
    assert client_for("office1").get("/enforcement/dashboard/").status_code == 403


def test_api_returns_the_figures() -> None:
    small_world()
    county = membership_of("county").org
    response = client_for("county").get(f"/api/v1/enforcement/dashboard?org={county.pk}&{PERIOD}")
    assert response.status_code == 200
    body = response.json()
    assert body["org"]["id"] == county.pk and body["period"]["start"] == "2025-12-01"
    assert body["totals"]["cases"] >= 7 and set(body["totals"]["groups"]) == {
        "handling", "decided", "enforcing", "closed", "no_penalty", "transfer"}
    assert any(r["id"] == body_of().org_id for r in body["children"])
    bad = client_for("county").get("/api/v1/enforcement/dashboard?period=decade")
    assert bad.status_code in (400, 422) and "统计期间" in bad.content.decode()


def test_excel_export_is_audited() -> None:
    small_world()
    county = membership_of("county").org
    before = AuditEvent.objects.filter(action="enforcement.dashboard.exported").count()
    response = client_for("county").get(f"/enforcement/dashboard/org/{county.pk}/export.xlsx?{PERIOD}&table=bodies")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[1][0] == "执法主体" and rows[-1][0] == "合计"
    assert any(r[0] == body_of().name for r in rows[2:])
    event = AuditEvent.objects.filter(action="enforcement.dashboard.exported").latest("id")
    assert AuditEvent.objects.filter(action="enforcement.dashboard.exported").count() == before + 1
    assert event.changes["table"] == "bodies"
    for table in ("children", "groups", "overdue", "outcomes", "loss_body", "loss_item"):
        assert client_for("county").get(
            f"/enforcement/dashboard/org/{county.pk}/export.xlsx?{PERIOD}&table={table}").status_code == 200
    bad = client_for("county").get(f"/enforcement/dashboard/org/{county.pk}/export.xlsx?table=nope")
    assert bad.status_code == 400 and "未知的表格" in bad.content.decode()

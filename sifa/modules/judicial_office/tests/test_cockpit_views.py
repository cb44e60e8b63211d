"""Cockpit pages: drill down and through, scope at each step, period errors, audited Excel export, query budget."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sifa.core.audit.models import AuditEvent
from sifa.core.testing import client_for
from sifa.modules.judicial_office.tests import cockpit_factories as f

MARCH = "start=2026-03-01&end=2026-03-31"


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    f.clean_slate()
    a, b = f.office_of("office1"), f.office_of("office2")
    xihu = f.xihu_office()
    f.total(a, datetime.date(2026, 3, 2), "mediation", manual=2, auto=1)
    f.total(a, datetime.date(2026, 3, 3), "legal_consultation", manual=5)
    f.total(b, datetime.date(2026, 3, 2), "mediation", manual=3)
    f.total(xihu, datetime.date(2026, 3, 31), "publicity_event", manual=1)
    f.log(a, datetime.date(2026, 3, 2))
    return {"a": a, "b": b, "xihu": xihu}


def _url(org_id: int, query: str = MARCH) -> str:
    return f"{reverse('cockpit:org', args=[org_id])}?{query}"


def _kpi(html: str, name: str) -> str:
    match = re.search(rf'data-kpi="{name}">(?:<a href="[^"]*">)?([^<]+)<', html)
    assert match, name
    return match.group(1).strip()


def test_province_drills_down_to_an_office_through_the_same_page(world: dict[str, Any]) -> None:
    client = client_for("province")
    # province: the city row links to the city's cockpit, keeping the period
    page = client.get(_url(f.province().pk)).content.decode()
    assert _kpi(page, "total") == "12"
    city_link = f'href="{_url(f.hangzhou().pk)}"'.replace("&", "&amp;")
    assert city_link in page
    # city → county → office
    page = client.get(_url(f.hangzhou().pk)).content.decode()
    assert f'href="{_url(f.fuyang().pk)}"'.replace("&", "&amp;") in page
    page = client.get(_url(f.fuyang().pk)).content.decode()
    assert _kpi(page, "total") == "11"
    assert f'data-child="{world["a"].pk}"' in page and f'data-child="{world["xihu"].pk}"' not in page
    response = client.get(_url(world["a"].pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert _kpi(page, "total") == "8"
    # the breadcrumb runs from the actor's org down, each step a link with the period
    crumbs = page[page.index('id="cockpit-breadcrumb"'):page.index("</ol>", page.index('id="cockpit-breadcrumb"'))]
    assert [n for n in ("浙江省司法厅", "杭州市司法局", "杭州市富阳区司法局", world["a"].name) if n in crumbs] == [
        "浙江省司法厅", "杭州市司法局", "杭州市富阳区司法局", world["a"].name]


def test_breadcrumb_starts_at_the_actor_org(world: dict[str, Any]) -> None:
    page = client_for("county").get(_url(world["a"].pk)).content.decode()
    crumbs = page[page.index('id="cockpit-breadcrumb"'):page.index("</ol>", page.index('id="cockpit-breadcrumb"'))]
    assert "杭州市富阳区司法局" in crumbs and "杭州市司法局" not in crumbs and "浙江省司法厅" not in crumbs


def test_items_drill_through_to_the_submitted_logs(world: dict[str, Any]) -> None:
    client = client_for("county")
    page = client.get(_url(f.fuyang().pk)).content.decode()
    logs = reverse("judicial_office:log_list")
    link = f'{logs}?org={f.fuyang().pk}&amp;since=2026-03-01&amp;until=2026-03-31&amp;status=submitted&amp;item=mediation'
    assert link in page
    # the link opens the office's log (the work-log list checks scope again)
    response = client.get(link.replace("&amp;", "&"))
    assert response.status_code == 200
    assert world["a"].name in response.content.decode()


def test_own_cockpit_is_the_home_page(world: dict[str, Any]) -> None:
    response = client_for("office1").get(reverse("cockpit:home") + "?" + MARCH)
    page = response.content.decode()
    assert response.status_code == 200
    assert f"{world['a'].name} · 驾驶舱" in page
    assert _kpi(page, "total") == "8"
    assert 'id="cockpit-children"' not in page  # an office has no children to drill into


@pytest.mark.parametrize(("username", "target"), [
    ("office1", "county"), ("office1", "office2"), ("county", "xihu"), ("city", "foreign"), ("province", "foreign"),
])
def test_outside_the_scope_is_not_found(world: dict[str, Any], username: str, target: str) -> None:
    org = {"county": f.fuyang, "office2": lambda: world["b"], "xihu": lambda: world["xihu"],
           "foreign": f.foreign_office}[target]()
    client = client_for(username)
    assert client.get(_url(org.pk)).status_code == 404
    assert client.get(reverse("cockpit:export", args=[org.pk]) + "?table=items").status_code == 404
    assert client.get(f"/api/v1/cockpit/{org.pk}").status_code == 404


def test_roles_without_the_permission_are_refused(world: dict[str, Any]) -> None:
    for username in ("officer", "reviewer"):
        assert client_for(username).get(reverse("cockpit:home")).status_code == 403


def test_bad_period_is_400_beside_the_form(world: dict[str, Any]) -> None:
    response = client_for("county").get(_url(f.fuyang().pk, "start=2026-03-05&end=2026-03-01"))
    assert response.status_code == 400
    assert "结束日期不能早于开始日期" in response.content.decode()


def test_export_is_an_audited_workbook_of_the_table(world: dict[str, Any]) -> None:
    # given
    client = client_for("county")
    before = AuditEvent.objects.count()
    # when
    response = client.get(reverse("cockpit:export", args=[f.fuyang().pk]) + f"?{MARCH}&table=children")
    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:4] == ("机构", "司法所数", "上报率（%）", "工作量合计")
    by_name = {r[0]: r for r in rows[2:]}
    assert by_name[world["a"].name][3] == 8 and by_name[world["b"].name][3] == 3
    assert len(rows) - 2 == 24
    new = list(AuditEvent.objects.order_by("id")[before:])
    assert [e.action for e in new] == ["judicial_office.cockpit.exported"]
    assert new[0].changes["table"] == "children" and new[0].changes["rows"] == 24
    assert new[0].object_id == str(f.fuyang().pk)


def test_unknown_table_is_400_and_not_audited(world: dict[str, Any]) -> None:
    before = AuditEvent.objects.count()
    response = client_for("county").get(reverse("cockpit:export", args=[f.fuyang().pk]) + "?table=passwords")
    assert response.status_code == 400
    assert "未知的表格" in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_alert_figures_drill_through_to_the_alerts_of_the_subtree(world: dict[str, Any]) -> None:
    # given
    mine = f.alert(world["a"], "worklog.count_implausible")
    other = f.alert(world["xihu"], "worklog.count_implausible")
    client = client_for("county")
    # when
    page = client.get(_url(f.fuyang().pk)).content.decode()
    link = re.search(r'data-rule="worklog.count_implausible"><td><a href="([^"]+)"', page)
    # then
    assert link is not None
    listing = client.get(link.group(1).replace("&amp;", "&"))
    assert listing.status_code == 200
    body = listing.content.decode()
    assert mine.title in body and other.title not in body
    city = client_for("city").get(reverse("cockpit:alerts", args=[f.fuyang().pk]) + "?rule=worklog.count_implausible")
    assert mine.title in city.content.decode() and other.title not in city.content.decode()
    assert client.get(reverse("cockpit:alerts", args=[world["xihu"].pk])).status_code == 404


def test_page_costs_a_fixed_number_of_queries(world: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("province")
    client.get(_url(f.province().pk))  # warm the holiday calendar cache

    def count(org_id: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_url(org_id)).status_code == 200
        return len(ctx.captured_queries)

    # a handful of aggregates plus the session, actor and page shell, at every level
    for org in (f.province(), f.fuyang(), world["a"]):
        with django_assert_max_num_queries(25):
            assert client.get(_url(org.pk)).status_code == 200
    before = count(f.province().pk)
    # more offices with more data, late logs, alerts and scores: the same number of queries
    for n, office in enumerate(f.fuyang().children.filter(type="judicial_office")[:10]):
        f.total(office, datetime.date(2026, 3, 10 + n), "mediation", manual=n + 1)
        f.log(office, datetime.date(2026, 3, 10 + n), submitted=f.at(datetime.date(2026, 3, 25)))
        f.alert(office, "worklog.count_implausible")
    first = f.score(world["a"], "80", start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31))
    f.score(world["b"], "70", start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31), scheme=first.scheme)
    assert count(f.province().pk) == before + 1  # + the per-child score averages, now that there are scores


def test_page_has_the_charts_data_and_no_inline_script(world: dict[str, Any]) -> None:
    page = client_for("province").get(_url(f.province().pk)).content.decode()
    assert '<script id="cockpit-data" type="application/json">' in page
    assert "vendor/echarts/echarts.min.js" in page and "judicial_office/cockpit.js" in page
    assert re.search(r"<script(?![^>]*(src=|application/json))[^>]*>", page) is None

"""千分制 pages and API: an org's score, rankings with per-part columns, export, compute, trend, scope."""

from __future__ import annotations

import datetime
import io
import json
import re
from decimal import Decimal
from typing import Any

from django.test import Client
from openpyxl import load_workbook

from sifa.core.audit.models import AuditEvent
from sifa.core.scoring import periods
from sifa.core.scoring.engine import fmt
from sifa.core.scoring.models import Score
from sifa.core.scoring.services import compute_scores
from sifa.core.testing import actor_for, client_for
from sifa.core.testing.openapi import assert_matches_openapi
from sifa.modules.judicial_office.assessment import compute_org_scores
from sifa.modules.judicial_office.tests import assessment_factories as f

D = datetime.date
SEPT = periods.month(2026, 9)
PART_LABELS = ["基础性工作", "制度性工作", "重点性工作", "日常性工作", "业绩突出工作", "负面清单"]


def ranked_county() -> tuple[Any, list[Any]]:
    """A county of three offices computed for September: 甲 ahead, 乙 and 丙 level (publicity events only)."""
    county = f.new_county(name="考核测试县司法局")
    offices = [f.new_office(county, name) for name in ("考核测试甲司法所", "考核测试乙司法所", "考核测试丙司法所")]
    for office, events in zip(offices, (20, 5, 5), strict=True):
        f.total(office, D(2026, 9, 10), "publicity_event", events)
    f.total(offices[1], D(2026, 9, 11), "legality_review", 2)
    f.total(offices[2], D(2026, 9, 11), "legality_review", 2)
    compute_org_scores(actor=actor_for("city"), org=county, period=SEPT)
    return county, offices


def api(client: Client, path: str) -> tuple[int, Any]:
    response = client.get(path)
    body = response.json()
    assert_matches_openapi("GET", path, response.status_code, response["Content-Type"], body)
    return response.status_code, body


def test_the_org_page_shows_total_parts_lost_points_trend_and_links_to_every_point(db: Any) -> None:
    # given an office with a computed September
    office = f.new_office()
    f.total(office, D(2026, 9, 10), "publicity_event", 4)
    [score] = compute_scores(actor=actor_for("county"), scheme=f.default_scheme(), period=SEPT, subjects=[office.pk])
    # when
    response = client_for("county").get(f"/office/assessment/org/{office.pk}/", {"period": "2026-09"})
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="assessment-total">{fmt(score.total)}<' in html
    assert f"/scoring/scores/{score.pk}/" in html and f"/scoring/scores/{score.pk}/#line-F.1" in html
    assert all(f"{label}" in html for label in PART_LABELS)
    assert 'id="assessment-lost"' in html and 'id="assessment-manual"' in html
    assert 'data-period="2026-09"' in html and 'id="assessment-data"' in html
    assert "vendor/echarts/echarts.min.js" in html and "judicial_office/assessment.js" in html
    found = re.search(r'id="assessment-data"[^>]*>(.*?)</script>', html, re.S)
    assert found is not None
    data = json.loads(found.group(1))
    assert [p["label"] for p in data["parts"]] == PART_LABELS and len(data["trend"]) == 12
    assert next(p for p in data["parts"] if p["code"] == "A")["points"] == 4.0


def test_the_period_in_the_path_is_what_a_countys_facts_link_to(db: Any) -> None:
    office = f.new_office()
    client = client_for("county")
    html = client.get(f"/office/assessment/org/{office.pk}/2026-Q3/").content.decode()
    assert "2026年第三季度" in html and 'id="not-computed"' in html
    custom = client.get(f"/office/assessment/org/{office.pk}/", {"start": "2026-09-01", "end": "2026-09-15"})
    assert "2026年9月1日至2026年9月15日" in custom.content.decode()
    bad = client.get(f"/office/assessment/org/{office.pk}/", {"period": "2026-13"})
    assert bad.status_code == 400 and "月份不正确" in bad.content.decode()


def test_a_day_fact_leads_to_the_offices_work_log_of_that_day(db: Any) -> None:
    office = f.new_office()
    response = client_for("county").get(f"/office/assessment/org/{office.pk}/day/2026-09-01/")
    assert response.status_code == 302
    assert f"org={office.pk}" in response["Location"] and "since=2026-09-01&until=2026-09-01" in response["Location"]
    assert client_for("county").get(f"/office/assessment/org/{office.pk}/day/2026-9-x/").status_code == 404


def test_the_ranking_orders_by_total_with_ties_and_per_part_columns(db: Any) -> None:
    county, (first, second, third) = ranked_county()
    response = client_for("city").get(f"/office/assessment/org/{county.pk}/ranking/", {"period": "2026-09"})
    html = response.content.decode()
    assert response.status_code == 200
    # ties keep the order of their names (丙 sorts before 乙)
    order = [html.index(f'data-org="{o.pk}"') for o in (first, third, second)]
    assert order == sorted(order)
    assert all(label in html for label in PART_LABELS)
    # and in the API: ranks 1, 2, 2 (丙 and 乙 level), parts per row
    status, body = api(client_for("city"), f"/api/v1/office/assessment/orgs/{county.pk}/ranking?period=2026-09")
    assert status == 200
    assert [(i["org_name"], i["rank"]) for i in body["items"]] == [
        ("考核测试甲司法所", 1), ("考核测试丙司法所", 2), ("考核测试乙司法所", 2)]
    assert [p["label"] for p in body["parts"]] == PART_LABELS
    top = body["items"][0]
    assert {p["code"]: Decimal(p["points"]) for p in top["parts"]}["A"] == Decimal(20)
    assert body["unscored"] == []


def test_counties_are_ranked_within_their_city(db: Any) -> None:
    county, _ = ranked_county()
    status, body = api(client_for("city"), f"/api/v1/office/assessment/orgs/{f.hangzhou().pk}/ranking?period=2026-09")
    assert status == 200
    row = next(i for i in body["items"] if i["org_id"] == county.pk)
    assert row["scheme_code"] == "judicial_office.assessment"
    assert {p["code"]: Decimal(p["points"]) for p in row["parts"]}["A"] == Decimal(10)  # (20 + 5 + 5) ÷ 3
    assert all(i["org_id"] != county.pk for i in body["unscored"])


def test_the_ranking_export_is_the_engines_workbook_and_is_audited(db: Any) -> None:
    county, (first, _, _) = ranked_county()
    before = AuditEvent.objects.filter(action="scoring.ranking.exported").count()
    response = client_for("city").get(f"/office/assessment/org/{county.pk}/ranking.xlsx", {"period": "2026-09"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:4] == ("名次", "考核对象", "所属机构", "总分") and rows[2][:2] == (1, first.name)
    assert len(rows) == 2 + 3
    event = AuditEvent.objects.filter(action="scoring.ranking.exported").latest("pk")
    assert AuditEvent.objects.filter(action="scoring.ranking.exported").count() == before + 1
    assert event.changes["rows"] == 3 and event.changes["within"] == "考核测试县司法局下级考核对象"


def test_compute_from_the_page_needs_the_permission_and_writes_nothing_without_it(db: Any) -> None:
    office = f.new_office()
    before = (Score.objects.count(), AuditEvent.objects.filter(action="scoring.scores.computed").count())
    # when office staff (no scoring.compute) try
    denied = client_for("office1").post(f"/office/assessment/org/{office.pk}/compute/", {"period": "2026-09"})
    assert denied.status_code == 403
    assert (Score.objects.count(), AuditEvent.objects.filter(action="scoring.scores.computed").count()) == before
    # when the county bureau computes
    done = client_for("county").post(f"/office/assessment/org/{office.pk}/compute/", {"period": "2026-09"})
    assert done.status_code == 302 and done["Location"].endswith(f"/org/{office.pk}/?period=2026-09")
    assert Score.objects.filter(subject_id=office.pk, is_current=True, period_start=SEPT.start).count() == 1


def test_computing_the_trend_scores_the_last_12_months_of_the_org(db: Any) -> None:
    office = f.new_office()
    client = client_for("county")
    response = client.post(f"/office/assessment/org/{office.pk}/compute/", {"period": "2026-11", "scope": "trend"})
    assert response.status_code == 302
    status, body = api(client, f"/api/v1/office/assessment/orgs/{office.pk}/trend?until=2026-11")
    assert status == 200 and len(body["items"]) == 12
    assert [i["period"] for i in body["items"]][:2] == ["2025-12", "2026-01"]
    assert all(i["score_id"] for i in body["items"])
    assert Decimal(body["items"][1]["total"]) < 0  # nothing logged: the missing days are deducted


def test_the_summary_api_explains_where_points_went(db: Any) -> None:
    office = f.new_office()
    f.total(office, D(2026, 9, 10), "publicity_event", 4)
    [score] = compute_scores(actor=actor_for("county"), scheme=f.default_scheme(), period=SEPT, subjects=[office.pk])
    status, body = api(client_for("county"), f"/api/v1/office/assessment/orgs/{office.pk}/summary?period=2026-09")
    assert status == 200
    assert body["score_id"] == score.pk and Decimal(body["total"]) == score.total and body["assessed"]
    assert [p["label"] for p in body["parts"]] == PART_LABELS
    assert body["lost"][0]["code"] == "D.1" and not body["lost"][0]["manual"]
    assert {x["code"] for x in body["manual_pending"]} >= {"B.1", "E.3"}
    # an org that is not assessed still answers, and says so
    status, dept = api(client_for("province"), f"/api/v1/office/assessment/orgs/{f.default_scheme().owner_id}/summary")
    assert status == 200 and not dept["assessed"] and dept["score_id"] is None and dept["period"] == "2026"


def test_another_countys_orgs_are_not_found_on_pages_and_api(db: Any) -> None:
    outside = f.other_county_office()
    xihu = outside.parent
    assert xihu is not None
    client = client_for("county")
    for url in (f"/office/assessment/org/{outside.pk}/", f"/office/assessment/org/{xihu.pk}/ranking/",
                f"/office/assessment/org/{xihu.pk}/ranking.xlsx", f"/office/assessment/org/{outside.pk}/day/"):
        assert client.get(url).status_code == 404, url
    before = Score.objects.count()
    assert client.post(f"/office/assessment/org/{outside.pk}/compute/", {"period": "2026-09"}).status_code == 404
    assert Score.objects.count() == before
    for path in ("summary", "ranking", "trend"):
        status, body = api(client, f"/api/v1/office/assessment/orgs/{outside.pk}/{path}")
        assert status == 404 and body["code"] == "not_found"


def test_the_menu_opens_the_actors_own_org(db: Any) -> None:
    response = client_for("office1").get("/office/assessment/")
    from sifa.core.testing import membership_of

    assert response.status_code == 302 and response["Location"] == f"/office/assessment/org/{membership_of('office1').org.pk}/"
    home = client_for("office1").get("/").content.decode()
    assert "千分制考核" in home

"""Pages of 双随机一公开: staff pages render on the demo world and drive the services; public pages show
names and 执法证号 only."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from sifa.core.testing import actor_for
from sifa.modules.enforcement.inspection_models import InspectionPlan
from sifa.modules.enforcement.tests.inspection_factories import (
    TODAY,
    credit_code,
    drawn,
    fresh_body,
    make_plan,
    make_target,
    target_table,
)

pytestmark = pytest.mark.django_db


def _client(username: str = "county") -> Client:
    client = Client()
    client.force_login(actor_for(username).user)
    return client


def test_create_publish_draw_and_record_through_the_pages() -> None:
    # given
    body = fresh_body()
    for _ in range(3):
        make_target(body)
    client = _client()
    # when: create
    response = client.post("/enforcement/inspections/new/", {
        "body": body.pk, "title": "页面计划", "field": "comprehensive", "sampling_mode": "count", "sample_count": 2,
        "inspectors_per_target": 2, "window_start": TODAY.isoformat(),
        "window_end": (TODAY + datetime.timedelta(days=20)).isoformat()})
    plan = InspectionPlan.objects.get(title="页面计划")
    assert response.status_code == 302
    detail = client.get(f"/enforcement/inspections/{plan.pk}/").content.decode()
    assert 'id="pool-preview"' in detail and 'id="pick-total">2<' in detail
    # publish
    client.post(f"/enforcement/inspections/{plan.pk}/publish/")
    plan.refresh_from_db()
    assert plan.state == "published"


def test_result_form_and_public_pages() -> None:
    body = fresh_body()
    make_target(body)
    plan = drawn(make_plan(body, sample_count=1))
    inspection = plan.inspections.get()
    client = _client()
    assert client.get(f"/enforcement/inspections/checks/{inspection.pk}/result/").status_code == 200
    response = client.post(f"/enforcement/inspections/checks/{inspection.pk}/result/",
                           {"outcome": "unable", "inspected_on": TODAY.isoformat(), "note": ""})
    assert response.status_code == 400 and "结果说明" in response.content.decode()
    client.post(f"/enforcement/inspections/checks/{inspection.pk}/result/",
                {"outcome": "unable", "inspected_on": TODAY.isoformat(), "note": "对象已注销"})
    client.post(f"/enforcement/inspections/{plan.pk}/results/")
    public = Client().get(f"/enforcement/public/inspections/{plan.number}/").content.decode()
    assert "无法检查" in public and inspection.entity.name in public
    officer = inspection.inspectors.first()
    assert f"{officer.person.name}（执法证号 {officer.certificate_number}）" in public
    assert officer.person.id_number_masked not in public
    assert plan.number in Client().get("/enforcement/public/inspections/").content.decode()


def test_target_pages_import_and_conflict() -> None:
    body = fresh_body()
    client = _client()
    assert client.get("/enforcement/inspections/targets/").status_code == 200
    assert client.get("/enforcement/inspections/targets/import/template.xlsx").status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("t.xlsx", target_table([["bad", "坏企业", "综合执法", "高风险", "A", ""]]))
    response = client.post("/enforcement/inspections/targets/import/", {"body": body.pk, "file": upload})
    assert response.status_code == 400 and "第 2 行「统一社会信用代码」" in response.content.decode()
    upload = SimpleUploadedFile("t.xlsx", target_table([[credit_code(), "好企业", "综合执法", "高风险", "A", ""]]))
    assert client.post("/enforcement/inspections/targets/import/", {"body": body.pk, "file": upload}).status_code == 302
    target = body.inspection_targets.get()
    officer = body.officers.first()
    response = client.post(f"/enforcement/inspections/targets/{target.pk}/", {"officer": officer.pk, "reason": "亲属"})
    assert response.status_code == 302
    assert "亲属" in client.get(f"/enforcement/inspections/targets/{target.pk}/").content.decode()


def test_plan_list_renders_for_the_officer_on_a_phone_sized_page() -> None:
    html = _client("officer").get("/enforcement/inspections/").content.decode()
    assert 'id="plan-table"' in html and "table-responsive" in html

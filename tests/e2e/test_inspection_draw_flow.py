"""双随机一公开 end to end in Chromium, through the pages only (AP-42, 《浙江省综合行政执法条例》第二十一条).

The officer ``officer`` (行政执法人员, 富阳区综合行政执法局, holds ``enforcement.inspections.manage``) opens
行政执法 → 双随机抽查 and creates a plan: the body's 市容环境 field, the 检查事项 JC-002, a window that started two
days ago, the example sampling classes (重点 20 %, 低风险 3 %, 一般 5 %), two inspectors per target (AP-12). The
draft page shows the pool preview: per class the number of targets and the count to draw, and the officers with
the reasons some are excluded (AP-42: 辅助人员; 执法证 ending inside the window). Publishing shows the seed
commitment and never the seed. The draw needs a ledger entry written after the commitment
(docs/engines/draws.md): the officer publishes the demo's second plan (still a draft under the test settings,
``SIFA_DEMO_DRAWS=False``), whose commitment is that entry. Then the draw: every drawn target has two inspectors.

Signed out, the public plan page and ``/draws/<number>/`` show the result and "按公开数据重新推导，结果一致";
``/draws/<number>.json`` downloaded and checked offline with ``sifa verify-draw --file`` passes. Results are
recorded for the drawn targets (one 责令整改 with its note) and published; the public page shows them. The public
plan page and the draw page have no horizontal scroll at 390 px.
"""

from __future__ import annotations

import datetime
import io
import json
import re
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone

from sifa.core.draws.models import RandomDraw
from sifa.modules.enforcement.inspection_models import Inspection, InspectionPlan, PlanState
from sifa.modules.enforcement.models import PowerItem
from tests.e2e.conftest import DESKTOP, E2E, PHONE

BODY = "杭州市富阳区综合行政执法局"
TITLE = "市容环境卫生双随机抽查（端到端测试）"
RECTIFY_NOTE = "店外乱堆放，当场责令三日内清理"


def _option_value(e2e: E2E, select: str, text: str) -> str:
    option = e2e.page.locator(f"{select} option", has_text=text).first
    return option.get_attribute("value") or ""


def test_inspection_plan_publish_draw_verify_and_publish_results(e2e: E2E, tmp_path: Path) -> None:
    page = e2e.page
    today = timezone.localdate()
    item = PowerItem.objects.get(body__name=BODY, code__endswith="-JC-002")  # 市容环境卫生检查 (demo)

    # --- 1. a new plan through 行政执法 → 双随机抽查 -------------------------------------------------------
    e2e.login("officer")
    e2e.menu("双随机抽查")
    e2e.submit("#plan-create")
    page.select_option("#id_body", _option_value(e2e, "#id_body", BODY))
    page.fill("#id_title", TITLE)
    page.select_option("#id_field", "city_appearance")
    page.select_option("#id_power_items", _option_value(e2e, "#id_power_items", item.name))
    page.select_option("#id_sampling_mode", "ratio")
    page.fill("#id_inspectors_per_target", "2")
    page.fill("#id_window_start", (today - datetime.timedelta(days=2)).isoformat())
    page.fill("#id_window_end", (today + datetime.timedelta(days=28)).isoformat())
    e2e.shot("inspection-plan-new", phone=True)
    response = e2e.submit(".page-body form button[type=submit]")
    assert response.status == 200, page.locator(".field-error, .alert-danger").all_inner_texts()
    plan = InspectionPlan.objects.get(title=TITLE)
    plan_url = f"/enforcement/inspections/{plan.pk}/"
    assert page.url.endswith(plan_url)
    assert page.locator("#plan-state").inner_text().strip() == PlanState.DRAFT.label

    # the pool preview: classes with their sizes and counts, officers with the reasons they are excluded
    classes = page.locator("#pool-classes tr[data-class]")
    assert classes.count() == 3
    picks = [int(row.locator("td").nth(3).inner_text()) for row in classes.all()]
    sizes = [int(row.locator("td").nth(2).inner_text()) for row in classes.all()]
    assert all(p >= 1 for p, s in zip(picks, sizes, strict=True) if s)  # a non-empty class draws at least one
    pick_total = int(page.locator("#pick-total").inner_text())
    assert pick_total == sum(picks) >= 1
    assert page.locator("#pool-problems").count() == 0
    candidates = page.locator("#inspector-candidates").inner_text()
    assert candidates.count("✔") >= 2  # AP-12: at least two inspectors per target can be drawn
    assert "辅助人员" in candidates and "AP-42" in candidates  # excluded with the reason, before publishing
    e2e.shot("inspection-plan-draft", phone=True)

    # --- 2. publish: the pools are frozen and the commitment is in the ledger; the seed stays secret ---------
    e2e.submit("#plan-publish")
    assert page.locator("#plan-state").inner_text().strip() == PlanState.PUBLISHED.label
    assert page.locator("#plan-draw").count() == 1
    draw = RandomDraw.objects.get(number=plan.number)
    e2e.submit("#plan-draw-link")
    assert page.url.endswith(f"/draws/{plan.number}/")
    assert page.locator("#commitment").inner_text().strip() == draw.commitment
    assert page.locator("#seed").inner_text().strip() == "抽取后公开"
    assert page.locator("#draw-result").count() == 0

    # a ledger entry after the commitment (docs/engines/draws.md): the officer publishes the demo's second plan,
    # a draft under the test settings; its own commitment is that entry
    second = InspectionPlan.objects.get(number=f"SJ-{today.year}-0002")
    assert second.state == PlanState.DRAFT
    e2e.goto(f"/enforcement/inspections/{second.pk}/")
    e2e.submit("#plan-publish")
    assert page.locator("#plan-state").inner_text().strip() == PlanState.PUBLISHED.label

    # --- 3. draw: the plan page lists the targets, each with two inspectors --------------------------------
    e2e.goto(plan_url)
    e2e.submit("#plan-draw")
    assert page.locator("#plan-state").inner_text().strip() == PlanState.DRAWN.label, page.locator(".alert").all_inner_texts()
    rows = page.locator("#inspection-table tbody tr[data-inspection]")
    assert rows.count() == pick_total == Inspection.objects.filter(plan=plan).count()
    for row in rows.all():
        assert row.locator("td").nth(1).locator("div").count() == 2  # AP-12: two 执法证 holders per target
    e2e.shot("inspection-plan-drawn", phone=True)
    drawn = list(Inspection.objects.filter(plan=plan).select_related("entity").order_by("order"))

    # --- 4. signed out: the public pages show the result and re-derive it; the JSON verifies offline -------
    page.context.clear_cookies()
    public_url = f"/enforcement/public/inspections/{plan.number}/"
    assert e2e.goto(public_url).status == 200
    draw.refresh_from_db()
    assert page.locator("#plan-commitment").inner_text().strip() == draw.commitment
    public_rows = page.locator("#public-inspection-table tbody tr")
    assert public_rows.count() == len(drawn)
    listed = page.locator("#public-inspection-table tbody").inner_text()
    assert all(i.entity.name in listed for i in drawn) and listed.count("执法证号") == 2 * len(drawn)
    e2e.submit("#plan-draw-link")
    assert page.url.endswith(f"/draws/{plan.number}/")
    assert "按公开数据重新推导，结果一致" in page.locator("#draw-verification").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", draw.seed) and page.locator("#seed").inner_text().strip() == draw.seed
    e2e.shot("inspection-draw-public", phone=True)
    page.set_viewport_size(PHONE)
    e2e.no_horizontal_overflow()  # the long hashes wrap on a phone
    page.set_viewport_size(DESKTOP)

    href = page.locator("#draw-json").get_attribute("href") or ""
    assert href.endswith(f"/draws/{plan.number}.json")
    download = page.request.get(e2e.url(href))
    assert download.status == 200
    record = download.json()
    assert record["state"] == "drawn" and record["number"] == plan.number
    draw_file = tmp_path / "draw.json"
    draw_file.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("verify_draw", file=str(draw_file), stdout=out)  # raises CommandError (exit 1) on a problem
    assert "✔ 按公开数据重新推导，结果一致" in out.getvalue(), out.getvalue()

    # --- 5. results recorded (one 责令整改 with its note) and published --------------------------------------
    e2e.login("officer")
    e2e.goto(plan_url)
    assert page.locator("#plan-results").is_disabled()  # no result yet
    for n, inspection in enumerate(drawn):
        e2e.submit(f'#inspection-table tr[data-inspection="{inspection.pk}"] a:has-text("登记结果")')
        assert page.url.endswith(f"/enforcement/inspections/checks/{inspection.pk}/result/")
        if n == 0:
            page.select_option("#id_outcome", "rectification")
            page.fill("#id_note", RECTIFY_NOTE)
            e2e.shot("inspection-result", phone=True)
        page.fill("#id_inspected_on", today.isoformat())
        response = e2e.submit(".page-body form button[type=submit]")
        assert response.status == 200 and page.url.endswith(plan_url), page.locator(".field-error").all_inner_texts()
    e2e.submit("#plan-results")
    assert page.locator("#plan-state").inner_text().strip() == PlanState.CLOSED.label, page.locator(".alert").all_inner_texts()

    page.context.clear_cookies()
    e2e.goto(public_url)
    table = page.locator("#public-inspection-table")
    assert "检查结果" in table.locator("thead").inner_text()
    first_row = table.locator("tbody tr", has_text=drawn[0].entity.name)
    assert "责令整改" in first_row.inner_text() and today.isoformat() in first_row.inner_text()
    assert table.inner_text().count("未发现问题") == len(drawn) - 1

    # --- 6. the public page at 390 px: no horizontal scroll -------------------------------------------------
    page.set_viewport_size(PHONE)
    e2e.goto(public_url)
    e2e.no_horizontal_overflow()
    e2e.shot("inspection-public-390")

"""社区矫正 end to end in Chromium, through the real pages only.

One story, two browsers: a 1280 px desktop (the county agency ``corr`` and the 司法所 ``office1``) and a
390 px phone (the 网格员 ``grid1``). A subject is registered and received (CC-05…CC-08, CC-34), levelled and
given an approved plan (CC-09), reported on from the field with a photo (the report opens an alert and a
suggestion), warned (CC-17, 警告决定书) and discharged at the end of the term (CC-32, 解除社区矫正证明书);
``office2`` — another 司法所 — never sees the subject (CC-02 scope: 404 like a missing file).

Nothing moves the story outside the pages except time: the term's end is put in the past through the
model before the 解除 step (said so where it happens).
"""

from __future__ import annotations

import base64
import datetime

from django.utils import timezone

from sifa.core.alerts.models import Alert
from sifa.core.attachments.tests.factories import png_bytes
from sifa.core.testing import make_id_number, membership_of
from sifa.modules.correction.models import (
    CorrectionCase,
    CorrectionPlan,
    CorrectionSuggestion,
    FieldReport,
    Sanction,
)
from tests.e2e.conftest import E2E, SCREENSHOT_DIR

NAME = "陆望舒"
ID_NUMBER = make_id_number("330111", datetime.date(1986, 3, 14), 517)


def _switch(e2e: E2E, username: str) -> None:
    e2e.page.context.clear_cookies()
    e2e.login(username)


def _card_shot(e2e: E2E, selector: str, name: str) -> None:
    """A screenshot of one card (for the module's documentation), beside the full-page ones."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    e2e.page.locator(selector).screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"))


def _step(e2e: E2E, name: str, **fields: str) -> None:
    """Fill one step form of the subject page (``data-step``) and take the step."""
    form = e2e.page.locator(f'form[data-step="{name}"]')
    for field, value in fields.items():
        control = form.locator(f"#f-{name}-{field}")
        if control.evaluate("el => el.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    response = e2e.submit(f'form[data-step="{name}"] button[type=submit]')
    assert response.status == 200, f"step {name}: {response.status}"
    assert not e2e.page.locator("#step-error").count(), e2e.page.locator("#step-error").inner_text()


def test_a_subject_from_intake_to_discharge(e2e: E2E, e2e_phone: E2E) -> None:
    page = e2e.page
    today = timezone.localdate()
    effective = today - datetime.timedelta(days=3)
    office = membership_of("office1").org

    # --- 1. the county agency registers the subject into office1's 司法所 and receives them -------------
    e2e.login("corr")
    e2e.goto("/correction/new/")
    page.fill("#id_name", NAME)
    page.fill("#id_id_number", ID_NUMBER)
    page.fill("#id_phone", "13800001234")
    page.select_option("#id_office", str(office.pk))
    page.fill("#id_execution_address", "杭州市富阳区富春街道江滨路8号")
    page.select_option("#id_sentence_type", "probation")
    page.fill("#id_judgment_number", f"（{effective.year}）浙0111刑初318号")
    page.fill("#id_crimes", "盗窃罪")
    page.fill("#id_original_sentence", "有期徒刑一年")
    page.fill("#id_term", "1年6个月")
    page.fill("#id_effective_date", effective.isoformat())
    e2e.shot("correction-intake", phone=True)
    response = e2e.submit("#intake-form button[type=submit]")
    assert response.status == 200, page.locator(".field-error, .invalid-feedback, .alert-danger").all_inner_texts()
    detail = CorrectionCase.objects.get(subject__person__name=NAME)
    case_url = f"/correction/{detail.pk}/"
    assert page.url.endswith(case_url)
    assert page.locator("#case-state").get_attribute("data-state") == "decided"
    # CC-06: 报到 within 十日 of the judgment's effect, started at intake (GEN-04 may roll the last day over)
    report = page.locator('#correction-deadlines [data-rule="CC-06"]')
    assert report.count() == 1 and effective.strftime("%Y-%m-%d") + " 起算" in report.inner_text()

    _step(e2e, "notify", documents_received_on=(effective + datetime.timedelta(days=1)).isoformat())
    assert page.locator("#case-state").get_attribute("data-state") == "notified"
    _step(e2e, "expect_report")
    assert page.locator("#case-state").get_attribute("data-state") == "awaiting_report"
    _step(e2e, "receive", received_on=today.isoformat())
    assert page.locator("#case-state").get_attribute("data-state") == "received"
    _step(e2e, "announce", announced_on=today.isoformat())
    assert page.locator("#case-state").get_attribute("data-state") == "under_correction"

    detail.refresh_from_db()
    assert detail.term_start == effective and detail.term_end is not None
    term = page.locator("#subject-term").inner_text()
    assert "1年6个月" in term and f"{effective:%Y-%m-%d} 至 {detail.term_end:%Y-%m-%d}" in term
    deadlines = page.locator("#correction-deadlines")
    assert deadlines.locator('[data-rule="CC-06"]').count() == 1  # reported on time: stopped, still listed
    assert deadlines.locator('[data-key="term"]').count() == 1
    e2e.shot("correction-received")

    # --- 2. level and plan (CC-09): findings, the suggested level, a generated plan edited and approved ---
    _switch(e2e, "office1")
    e2e.goto(f"/correction/supervision/{detail.pk}/attributes/")
    page.select_option("#id_employment", "unemployed")
    page.select_option("#id_addiction", "alcohol")
    e2e.submit(".page-body form button[type=submit]")
    assert page.url.endswith(f"/correction/supervision/{detail.pk}/#attributes")
    page.select_option("#level form #id_kind", "initial")
    e2e.submit("#level form button[type=submit]")
    detail.refresh_from_db()
    assert detail.level, "the initial assessment set no level"

    e2e.submit("#plan form button[type=submit]")  # 按规则生成方案
    plan = CorrectionPlan.objects.get(correction_case=detail)
    assert page.url.endswith(f"/correction/supervision/plans/{plan.pk}/")
    rows = page.locator("[data-row]")
    texts = [rows.nth(i).locator('input[name$="-text"]').input_value() for i in range(rows.count())]
    alcohol = next(i for i, t in enumerate(texts) if t.startswith("戒酒教育"))
    page.fill(f'input[name="m-{alcohol}-text"]', "戒酒教育：每月一次谈话，家属协助监督饮酒情况")
    e2e.submit('form[action$="/edit/"] button[type=submit]')
    page.once("dialog", lambda dialog: dialog.accept())
    e2e.submit('form[action$="/approve/"] button[type=submit]')
    plan.refresh_from_db()
    assert (plan.version, plan.status) == (1, "approved")
    assert page.url.endswith(f"/correction/supervision/{detail.pk}/#plan")
    assert "第1版生效" in page.locator("#plan .card-header").inner_text()
    e2e.shot("correction-plan-approved", phone=True)

    e2e.goto(case_url)
    card = page.locator("#panel-supervision-plan")
    assert "第1版生效" in card.inner_text()
    assert "戒酒教育：每月一次谈话" in card.inner_text() and "经人工修改" in card.inner_text()
    assert "就业就学情况：无业" in card.inner_text()  # a generated measure names the attribute that triggered it
    _card_shot(e2e, "#panel-supervision-plan", "correction-plan-card")

    # --- 3. grid1 files a photo report on a 390 px phone ------------------------------------------------
    phone = e2e_phone.page
    phone.context.grant_permissions(["geolocation"], origin=e2e_phone.base_url)
    phone.context.set_geolocation({"latitude": 30.0487, "longitude": 119.9603, "accuracy": 15})
    e2e_phone.login("grid1")
    e2e_phone.goto("/correction/reports/new/")
    phone.select_option("#id_case", str(detail.pk))
    phone.set_input_files("#photo-file", files=[{"name": "走访.png", "mimeType": "image/png",
                                                 "buffer": png_bytes(tag="e2e-correction")}])
    phone.fill("#id_note", "走访时邻居反映其昨晚饮酒至深夜，本人称已找到工作")
    e2e_phone.no_horizontal_overflow()
    e2e_phone.submit("#submit-report")
    field_report = FieldReport.objects.get(correction_case=detail)
    mine = phone.locator(f"#my-report-{field_report.pk}")
    assert f"存证 #{field_report.ledger_seq}" in mine.inner_text()
    assert "饮酒" in mine.inner_text()
    assert field_report.photo is not None and field_report.latitude is not None
    e2e_phone.no_horizontal_overflow()
    e2e_phone.shot("correction-field-report-390")
    # the 存证记录 link answers the ledger entry attesting the report (photo digest, place, time)
    ledger = phone.request.get(e2e_phone.url(mine.locator('a:text-is("存证记录")').get_attribute("href") or ""))
    assert ledger.status == 200
    [entry] = ledger.json()["entries"]
    assert entry["index"] == field_report.ledger_seq
    assert b"correction.field_report" in base64.b64decode(entry["entry"])

    # --- 4. the alert is open for the office; the officer decides the suggestion ------------------------
    alert = Alert.objects.get(rule_code="correction.field_report", case_id=detail.pk)
    assert alert.level == "yellow" and alert.org_id == office.pk
    e2e.goto("/alerts/")
    assert page.locator(f'#alert-list a[href="/alerts/{alert.pk}/"]').count() == 1
    suggestion = CorrectionSuggestion.objects.get(field_report=field_report, category="饮酒")
    e2e.goto("/correction/suggestions/")
    item = page.locator(f"#suggestion-{suggestion.pk}")
    assert "因包含关键词「饮酒」归入「饮酒」" in item.inner_text()
    item.locator(f"#reason-{suggestion.pk}").fill("已约谈，纳入戒酒教育")
    e2e.submit(f'#decide-{suggestion.pk} button[value="accept"]')
    suggestion.refresh_from_db()
    assert suggestion.status == "accepted"

    # --- 5. office1 proposes a 警告; the county agency decides it; the 警告决定书 is a docx -------------
    e2e.goto(case_url)
    e2e.submit('#panel-sanctions a:text-is("提出奖惩")')
    page.select_option("#id_kind", "warning_sanction")
    page.select_option("#id_ground", "CC-17.6")
    page.fill("#id_facts", "经核实，该对象于报告所述当晚饮酒后夜不归宿，未按规定向司法所报告，经教育仍不改正。")
    page.fill("#id_occurred_on", (today - datetime.timedelta(days=1)).isoformat())
    e2e.submit(".page-body form button[type=submit]")
    sanction = Sanction.objects.get(correction_case=detail)
    assert page.url.endswith(f"/correction/sanctions/{sanction.pk}/")
    assert page.locator("#sanction-status").get_attribute("data-status") == "proposed"

    _switch(e2e, "corr")
    e2e.goto(f"/correction/sanctions/{sanction.pk}/")
    page.select_option("#decide-form #id_decision", "decide")
    e2e.submit("#decide-form button[type=submit]")
    assert page.locator("#sanction-status").get_attribute("data-status") == "decided"
    document = page.locator("#sanction-document")
    assert "警告决定书" in document.inner_text()
    download = page.request.get(e2e.url(document.get_attribute("href") or ""))
    assert download.status == 200 and download.body()[:2] == b"PK"
    assert "wordprocessingml" in download.headers["content-type"]
    e2e.shot("correction-warning", phone=True)

    # --- 6. discharge at the end of the term (CC-32) -----------------------------------------------------
    # Time passes: the term's last day is put in the past through the model (no page moves the clock).
    CorrectionCase.objects.filter(pk=detail.pk).update(term_end=today - datetime.timedelta(days=1))
    e2e.goto(case_url)
    _step(e2e, "discharge", discharged_on=today.isoformat(), reason="期满",
          procuratorate="杭州市富阳区人民检察院", police="杭州市公安局富阳区分局")
    assert page.locator("#case-state").get_attribute("data-state") == "discharged"
    assert "已解除矫正" in page.locator("#case-state").inner_text()
    certificate = page.locator('#documents [data-doc-type="correction_discharge_certificate"]')
    assert certificate.count() == 1 and "解除社区矫正证明书" in certificate.inner_text()
    e2e.shot("correction-discharged", phone=True)
    _card_shot(e2e, "#subject-header", "correction-discharged-header")
    _card_shot(e2e, "#documents", "correction-discharged-documents")
    e2e.goto(f"/correction/?q={NAME}")
    assert page.locator(f'#subject-results tr[data-case="{detail.pk}"]').count() == 1  # the agency finds it

    # --- 7. scope: another 司法所 neither lists nor opens the subject ---------------------------------------
    _switch(e2e, "office2")
    response = e2e.goto(case_url)
    assert response.status == 404 and "对象不存在或无权访问" in page.content()
    assert NAME not in page.content()
    e2e.shot("correction-other-office-404")
    response = e2e.goto("/correction/")
    assert response.status == 200 and page.locator("#subject-results tbody tr[data-case]").count() > 0
    assert page.locator(f'#subject-results tr[data-case="{detail.pk}"]').count() == 0
    e2e.goto(f"/correction/?q={NAME}")
    assert page.locator("#subject-results tbody tr[data-case]").count() == 0

"""行政执法 end to end in Chromium, through the real pages only (issue "Done when").

The officer ``officer`` (行政执法人员, 富阳区综合行政执法局) registers an ordinary-procedure 行政处罚 case
against a new 公民 for occupying a city road (power item 330111-CF-003, 情节一般, whose 裁量基准 for a
公民 is 500–5,000 元), files it, investigates with two officers (AP-12) and concludes. The 事先告知书
proposes a 12,000 元 fine: at or above the 较大数额 threshold of the shipped configuration (公民 10,000 元,
an example value), so it carries the hearing right (AP-24). The party asks for a hearing; a 听证通知书
served two days before the hearing is refused (AP-25.notice, C-23: 七日 工作日), one served on the last
allowed day is accepted; the hearing is held.

AP-22: the case directly concerns the party's major rights and went through a hearing (《行政处罚法》第五十八条
第一款第二项), so the officer ticks that 法制审核 case when registering it, and the demo's generated
``legal_reviewer`` of the county bureau (``legal…``, looked up by role and org) gives the opinion.

类案检索 lists the closed demo cases and the 裁量基准 range; 12,000 元 is outside it, so a 裁量 warning
stands; the decision is refused with the warning's text until the officer answers it; then accepted.
The 行政处罚决定书 is generated from 本环节文书 and checked with python-docx (party, AP-26 remedies).
The court's ``reviewer`` gets a grant through the 案件码 card, sees the evidence verified, downloads the
evidence package, and ``sifa verify`` passes it. The case page has no horizontal scroll at 390 px.

Dates are in the past (a case that ran over the last weeks); the hearing dates come from
``penalty.latest_hearing_notice`` so the 七个工作日 hold whatever holidays are loaded.
"""

from __future__ import annotations

import datetime
import io
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
from django.utils import timezone

from sifa.core.accounts.models import Membership
from sifa.core.attachments.models import Attachment
from sifa.core.attachments.tests.factories import png_bytes
from sifa.core.testing import make_id_number
from sifa.modules.enforcement import penalty
from sifa.modules.enforcement.models import EnforcementOfficer, PowerItem
from sifa.modules.enforcement.penalty_models import PenaltyCase
from sifa.modules.enforcement.rules import assignment_problems, discretion_range
from tests.e2e.conftest import E2E, PHONE, REPO_ROOT

PARTY = "钱明远"
ID_NUMBER = make_id_number("330111", datetime.date(1983, 7, 9), 215)
ITEM_CODE = "330111-CF-003"  # 对未经批准擅自占用或者挖掘城市道路的行政处罚 (demo)
PROPOSED = "12000"
DECISION_NUMBER = "富综执罚决〔2026〕88号"


def _switch(e2e: E2E, username: str) -> None:
    e2e.page.context.clear_cookies()
    e2e.login(username)


def _state(e2e: E2E) -> str:
    return e2e.page.locator("#case-state").get_attribute("data-state") or ""


def _fill_step(e2e: E2E, name: str, fields: dict[str, str | list[str]]) -> Any:
    """Fill one step form of the case page (``data-step``) and submit it; returns the response."""
    form = e2e.page.locator(f'form[data-step="{name}"]')
    for field, value in fields.items():
        control = form.locator(f"#f-{name}-{field}")
        if isinstance(value, list) or control.evaluate("el => el.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    return e2e.submit(f'form[data-step="{name}"] button[type=submit]')


def _step(e2e: E2E, name: str, state: str, **fields: str | list[str]) -> None:
    """Take a step that must succeed and land in ``state``."""
    response = _fill_step(e2e, name, fields)
    error = e2e.page.locator("#step-error")
    assert response.status == 200 and not error.count(), f"step {name}: {response.status} " + (
        error.inner_text() if error.count() else "")
    assert _state(e2e) == state, f"step {name} ended in {_state(e2e)}"


def _sifa_verify(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sifa", "verify", *args], capture_output=True, text=True,  # noqa: S603
                          timeout=120, cwd=REPO_ROOT,
                          env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "sifa.project.settings_test"})


def _option_value(e2e: E2E, select: str, text: str) -> str:
    """The value of the option of ``select`` whose label contains ``text`` (as a user picks by label)."""
    option = e2e.page.locator(f"{select} option", has_text=text).first
    return option.get_attribute("value") or ""


def test_penalty_case_from_registration_to_court_review(e2e: E2E, tmp_path: Path) -> None:
    page = e2e.page
    today = timezone.localdate()
    item = PowerItem.objects.get(code=ITEM_CODE)
    mine = EnforcementOfficer.objects.select_related("person").get(user__username="officer")
    colleague = next(o for o in EnforcementOfficer.objects.filter(body=item.body).exclude(pk=mine.pk)
                     .select_related("person").order_by("person__name")
                     if not assignment_problems(o, power_item=item, on=today))
    hearing_on = today - datetime.timedelta(days=3)
    notified_on = penalty.latest_hearing_notice(hearing_on)  # the last day AP-25.notice allows
    notice_on = notified_on - datetime.timedelta(days=3)
    requested_on = notified_on - datetime.timedelta(days=1)
    concluded_on = notice_on - datetime.timedelta(days=1)
    filed_on = concluded_on - datetime.timedelta(days=12)
    discovered_on = filed_on - datetime.timedelta(days=1)
    act_date = discovered_on - datetime.timedelta(days=5)

    # --- 1. register (普通程序), file, investigate, conclude ----------------------------------------------
    e2e.login("officer")
    e2e.menu("行政处罚案件")
    e2e.submit('.page-body a:text-is("登记案件（普通程序）")')
    assert page.locator("#id_procedure").input_value() == "ordinary"
    page.select_option("#id_party_type", "citizen")
    page.fill("#id_party_name", PARTY)
    page.fill("#id_id_number", ID_NUMBER)
    page.select_option("#id_power_item", _option_value(e2e, "#id_power_item", ITEM_CODE))
    page.fill("#id_act_date", act_date.isoformat())
    page.fill("#id_discovered_on", discovered_on.isoformat())
    page.fill("#id_facts", "当事人未经批准擅自占用富春街道江滨西大道城市道路堆放建筑材料，占用面积约45平方米，"
                           "经责令改正后仍未清除。")
    page.select_option("#id_circumstance", "ordinary")
    page.fill("#id_cited_articles", "《城市道路管理条例》第二十七条、第四十二条")
    page.select_option("#id_officers", [_option_value(e2e, "#id_officers", o.person.name) for o in (mine, colleague)])
    page.check('#penalty-new input[name="review_triggers"][value="major_rights"]')  # AP-22 (see the docstring)
    e2e.shot("enforcement-penalty-new", phone=True)
    response = e2e.submit("#penalty-new button[type=submit]")
    assert response.status == 200, page.locator(".field-error, .alert-danger").all_inner_texts()
    detail = PenaltyCase.objects.get(party_name=PARTY)
    case_url = f"/enforcement/cases/{detail.pk}/"
    assert page.url.split("#")[0].endswith(case_url)
    assert _state(e2e) == "clue_received"
    header = page.locator("#penalty-header").inner_text()
    assert PARTY in header and ID_NUMBER not in header  # the ID number is shown masked
    assert page.locator("#cited-articles").count() == 1
    officers = page.locator("#penalty-officers").inner_text()
    assert mine.person.name in officers and colleague.person.name in officers and "执法证有效" in officers

    _step(e2e, "file", "filed", filed_on=filed_on.isoformat())
    assert page.locator('#penalty-deadlines [data-rule="AP-27"]').count() == 1  # 九十日 from 立案 (C-26)
    _step(e2e, "start_investigation", "investigating", started_on=filed_on.isoformat())

    # evidence gathered in the investigation: a site photo, uploaded on the case page
    page.set_input_files("#attachment-file", {"name": "现场照片.png", "mimeType": "image/png",
                                              "buffer": png_bytes(tag="e2e-enforcement")})
    page.fill("#attachment-note", "现场占道堆放建筑材料照片")
    e2e.submit("#attachment-upload button[type=submit]")
    assert page.url.split("#")[0].endswith(case_url)
    assert "现场照片" in page.locator("#attachment-list").inner_text()

    _step(e2e, "conclude_investigation", "investigation_concluded", concluded_on=concluded_on.isoformat())

    # --- 2. 事先告知 with the hearing right; hearing requested, notified (AP-25 guard), held ------------------
    _step(e2e, "serve_notice", "pre_decision_notice_served", notice_served_on=notice_on.isoformat(),
          proposed_types=["fine"], proposed_amount=PROPOSED)
    detail.refresh_from_db()
    assert detail.hearing_offered  # AP-24: 12,000 元 ≥ the configured 较大数额 for a 公民
    assert page.locator('#penalty-deadlines [data-rule="AP-25"]').count() == 1  # 五日 to ask (C-22)
    _step(e2e, "request_hearing", "hearing_requested", hearing_requested_on=requested_on.isoformat())

    too_close = notified_on + datetime.timedelta(days=2)  # C-23: less than 七日 (工作日) before the hearing
    response = _fill_step(e2e, "notify_hearing", {"hearing_notified_on": notified_on.isoformat(),
                                                  "hearing_on": too_close.isoformat()})
    assert response.status == 409
    refusal = page.locator("#step-error").inner_text()
    assert "AP-25" in refusal and "七日（工作日）前送达" in refusal, refusal
    assert _state(e2e) == "hearing_requested"
    e2e.shot("enforcement-hearing-notice-refused")
    _step(e2e, "notify_hearing", "hearing_notified", hearing_notified_on=notified_on.isoformat(),
          hearing_on=hearing_on.isoformat())
    _step(e2e, "hold_hearing", "hearing_held", hearing_held_on=hearing_on.isoformat(), presider="法制科 周敏")
    _step(e2e, "submit_legal_review", "legal_review")

    # --- AP-22: the county bureau's legal reviewer gives the opinion --------------------------------------
    reviewer_login = (Membership.objects.filter(role__code="legal_reviewer", org=detail.body.org.parent)
                      .values_list("user__username", flat=True).order_by("user__username").first())
    assert reviewer_login, "the demo has no legal_reviewer at the county bureau"
    _switch(e2e, reviewer_login)
    e2e.goto(case_url)
    assert [f.get_attribute("data-step") for f in page.locator("form[data-step]").all()] == ["complete_legal_review"]
    _step(e2e, "complete_legal_review", "legal_reviewed", reviewed_on=today.isoformat(),
          opinion="事实清楚，证据确实充分，程序合法，适用依据正确；罚款金额超出裁量基准，请承办人说明理由。")

    # --- 3. 类案检索: similar closed cases, the range, the 裁量 warning; decide refused, answered, accepted ----
    _switch(e2e, "officer")
    e2e.goto(case_url)
    assert page.locator("#similar-panel .alert-warning").count() >= 1  # the case page already warns
    e2e.submit("#similar-link")
    assert page.url.endswith(f"/enforcement/cases/{detail.pk}/similar/")
    low, high = discretion_range(item, "ordinary", "citizen") or (None, None)
    assert page.locator("#discretion-range").inner_text().strip() == f"{low} 至 {high} 元"  # 500.00 至 5000.00
    assert high is not None and high < Decimal(PROPOSED)
    assert page.locator("#quantiles").count() == 1  # the fines of the similar cases: P5 … P95 and bars
    assert page.locator("#amount").inner_text().strip() == "12000.00 元"
    results = page.locator("#similar-results [data-key]")
    assert results.count() >= 2
    closed = [c.pk for c in PenaltyCase.objects.filter(power_item=item, case__state="closed")]
    assert closed and any(page.locator(f'#similar-results [data-key="{pk}"]').count() for pk in closed)
    listed = page.locator("#similar-results").inner_text()
    assert PARTY not in listed
    warning = page.locator('#similar-distribution [data-warning].alert-warning').first
    warning_text = warning.inner_text().strip()
    assert "裁量基准" in warning_text, warning_text
    e2e.shot("enforcement-similar", phone=True)

    e2e.goto(case_url)
    decide: dict[str, str | list[str]] = {"decided_on": today.isoformat(), "decision_number": DECISION_NUMBER,
                                          "decision_types": ["fine"], "decision_amount": PROPOSED}
    response = _fill_step(e2e, "decide", decide)
    assert response.status == 409
    refusal = page.locator("#step-error").inner_text()
    assert "裁量预警尚未说明理由" in refusal and warning_text.splitlines()[0] in refusal, refusal
    assert _state(e2e) == "legal_reviewed"

    e2e.goto(f"/enforcement/cases/{detail.pk}/similar/")
    page.fill("#answer-form textarea[name=reason]", "当事人占道面积大、经责令改正拒不清除，且造成交通阻塞，"
                                                    "依法从重在法定幅度内处罚，经听证和法制审核。")
    e2e.submit("#answer-form button[type=submit]")
    assert page.locator("#answer-form").count() == 0
    assert "已说明" in page.locator('#similar-distribution [data-warning]').first.inner_text()

    e2e.goto(case_url)
    _step(e2e, "decide", "decided", **decide)
    assert DECISION_NUMBER in page.locator("#penalty-header").inner_text()

    # --- 4. the 行政处罚决定书 from 本环节文书, downloaded and read ---------------------------------------
    e2e.submit('#penalty-step-documents [data-doc-type="penalty_decision"] button[type=submit]')
    assert page.url.split("#")[0].endswith(case_url)
    document = page.locator('#document-list [data-doc-type="penalty_decision"]')
    assert document.count() == 1 and "行政处罚决定书" in document.inner_text()
    download = page.request.get(e2e.url(document.locator("a").first.get_attribute("href") or ""))
    assert download.status == 200 and download.body()[:2] == b"PK"
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(download.body())).paragraphs)
    assert PARTY in text and DECISION_NUMBER in text
    # AP-26: 申请行政复议 (六十日, 《行政复议法》第二十条) / 行政诉讼 (六个月, 《行政诉讼法》第四十六条)
    assert re.search(r"自收到本决定书之日起六十日内向\S+人民政府申请行政复议", text), text
    assert "六个月内依法向人民法院提起行政诉讼" in text

    # --- 6. the case page at 390 px: no horizontal scroll -------------------------------------------------
    page.set_viewport_size(PHONE)
    e2e.goto(case_url)
    e2e.no_horizontal_overflow()
    e2e.shot("enforcement-penalty-case-390")
    page.set_viewport_size({"width": 1280, "height": 800})
    e2e.goto(case_url)
    e2e.shot("enforcement-penalty-case")

    # --- 5. a grant to the court's reviewer through the 案件码 card; the evidence package verifies -------------
    page.click("#grant-issue summary")
    page.fill("#grant-grantee", "reviewer")
    page.fill("#grant-note", "行政诉讼审查")
    e2e.submit("#grant-issue button[type=submit]")
    assert page.locator("#grant-issued").count() == 1
    e2e.submit('form[action="/accounts/logout/"] button')

    e2e.login("reviewer")
    e2e.menu("授权查阅")
    e2e.submit(f'#my-grants a:has-text("{detail.case.number}")')
    items = page.locator("#review-items [data-attachment]")
    assert items.count() == Attachment.objects.filter(case_id=detail.pk).count() >= 2  # photo + 决定书
    assert page.locator('#review-items [data-verified="1"]').count() == items.count()
    assert "现场照片" in page.locator("#review-items").inner_text()
    e2e.shot("enforcement-court-review", phone=True)
    with page.expect_download() as downloaded:
        page.click("#download-package")
    package = tmp_path / "package.zip"
    downloaded.value.save_as(package)
    key_id = page.locator("#review-key-id").inner_text().strip()
    verified = _sifa_verify(str(package), "--key-id", key_id)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "通过" in verified.stdout

"""期限计算器 in a real browser: rule and free period, errors beside the field, flags, phone width, calendar loading."""

from __future__ import annotations

from sifa.core.deadlines.models import CalendarYear
from tests.e2e.conftest import E2E


def test_calculator_with_a_rule_and_a_bare_period(e2e: E2E) -> None:
    page = e2e.page
    e2e.login("office1")
    e2e.menu("期限计算")
    assert page.locator(".page-title").inner_text().strip() == "期限计算器"
    # a rule: AR-11 from the make-up Sunday before National Day
    page.select_option("#id_rule", "AR-11")
    page.fill("#id_start", "2025-09-28")
    page.click("#deadline-form button[type=submit]")
    page.locator("#deadline-due").wait_for()
    assert page.locator("#deadline-due").inner_text().strip() == "2025-10-11"
    assert "《行政复议法》第三十条第一款、第八十八条第二款" in page.locator("#deadline-article").inner_text()
    assert "10-11调休上班(5)" in page.locator("#deadline-steps").inner_text()
    assert "rule=AR-11" in page.url  # the result has a shareable address
    e2e.shot("deadline-calculator-rule", phone=True)
    # a bare period: 5工作日 gives the same date
    page.select_option("#id_rule", "")
    page.fill("#id_period", "5工作日")
    page.click("#deadline-form button[type=submit]")
    page.locator("#deadline-rule:has-text('自定义期间')").wait_for()
    assert page.locator("#deadline-due").inner_text().strip() == "2025-10-11"


def test_bad_period_and_missing_year_are_shown_beside_the_field(e2e: E2E) -> None:
    page = e2e.page
    e2e.login("county")
    e2e.goto("/deadlines/")
    page.fill("#id_start", "2025-09-28")
    page.fill("#id_period", "五周")
    page.click("#deadline-form button[type=submit]")
    error = page.locator("#id_period-error")
    error.wait_for()
    assert "期间「五周」格式不正确" in error.inner_text()
    field_box, error_box = page.locator("#id_period").bounding_box(), error.bounding_box()
    assert field_box and error_box and 0 <= error_box["y"] - (field_box["y"] + field_box["height"]) < 40
    assert page.locator("#deadline-due").count() == 0
    e2e.shot("deadline-calculator-error", phone=True)
    page.fill("#id_period", "5工作日")
    page.fill("#id_start", "2027-03-01")
    page.click("#deadline-form button[type=submit]")
    page.locator("#id_start-error").wait_for()
    assert "缺少 2027 年节假日安排" in page.locator("#id_start-error").inner_text()


def test_flagged_rule_on_a_phone(e2e_phone: E2E) -> None:
    e2e, page = e2e_phone, e2e_phone.page
    e2e.login("office1")
    e2e.goto("/deadlines/?rule=CC-17.late&start=2025-03-13")
    assert page.locator("#deadline-due").inner_text().strip() == "2025-03-24"
    flag = page.locator("#deadline-flag")
    assert flag.is_visible() and "[NV]" in flag.inner_text()
    e2e.no_horizontal_overflow()
    e2e.shot("deadline-calculator-phone-flag")
    e2e.goto("/deadlines/rules/")
    e2e.no_horizontal_overflow()
    e2e.goto("/deadlines/calendar/")
    e2e.no_horizontal_overflow()
    e2e.shot("deadline-calendar-phone")


def test_admin_sees_every_bad_line_and_nothing_is_loaded(e2e: E2E) -> None:
    page = e2e.page
    e2e.login("admin")
    e2e.goto("/deadlines/calendar/")
    page.fill("#id_year", "2027")
    page.fill("#id_notice", "国务院办公厅关于2027年部分节假日安排的通知（测试）")
    page.fill("#id_rest_days", "2027-01-01 元旦\n2027-02-30\n2027-02-06~2027-02-12 春节")
    page.fill("#id_makeup_days", "2027-02-20")
    response = e2e.submit("#calendar-load button[type=submit]")
    assert response.status == 400
    assert "第 2 行「2027-02-30」" in page.locator("#id_rest_days-error").inner_text()
    assert not CalendarYear.objects.filter(year=2027).exists()
    e2e.shot("deadline-calendar-load-error", phone=True)


def test_admin_loads_a_new_year_then_computes_in_it(e2e: E2E) -> None:
    # (a separate page from the 400 above: the browser check keys documents by address)
    page = e2e.page
    e2e.login("admin")
    e2e.goto("/deadlines/calendar/")
    page.fill("#id_year", "2027")
    page.fill("#id_notice", "国务院办公厅关于2027年部分节假日安排的通知（测试）")
    page.fill("#id_rest_days", "2027-01-01 元旦\n2027-02-06~2027-02-12 春节")
    page.fill("#id_makeup_days", "2027-02-20")
    e2e.submit("#calendar-load button[type=submit]")
    assert "已载入 2027 年节假日安排" in page.locator(".alert-success").inner_text()
    assert page.locator("#calendar-2027").is_visible()
    e2e.shot("deadline-calendar-loaded")
    e2e.goto("/deadlines/?rule=AR-11&start=2027-02-16")
    assert page.locator("#deadline-due").inner_text().strip() == "2027-02-22"

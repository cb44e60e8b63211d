"""Pages: 期限计算器 (full page and HTMX partial), 规则表, 节假日安排 and its load form."""

from __future__ import annotations

import pytest
from django.test import Client

from sifa.core.audit.models import AuditEvent
from sifa.core.deadlines.models import CalendarYear
from sifa.core.testing import client_for

pytestmark = pytest.mark.django_db


def test_calculator_computes_a_rule_with_article_and_steps() -> None:
    # when
    response = client_for("office1").get("/deadlines/", {"rule": "AR-11", "start": "2025-09-28"})
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="deadline-due">2025-10-11<' in page
    assert "《行政复议法》第三十条第一款、第八十八条第二款" in page
    assert "10-11调休上班(5)" in page


def test_calculator_htmx_answers_the_partial_only() -> None:
    response = client_for("county").get("/deadlines/", {"start": "2025-09-28", "period": "5工作日"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="deadline-calculator">') or 'id="deadline-calculator"' in page[:200]
    assert "<html" not in page
    assert 'id="deadline-due">2025-10-11<' in page


def test_nv_rule_shows_its_flag() -> None:
    page = client_for("office1").get("/deadlines/", {"rule": "CC-17.late", "start": "2025-03-13"}).content.decode()
    assert 'id="deadline-flag"' in page and "[NV]" in page and "《社区矫正法实施办法》" in page


def test_int_variant_shows_its_flag() -> None:
    page = client_for("office1").get("/deadlines/", {"rule": "LA-11", "start": "2025-09-30", "variant": "工作日"}).content.decode()
    assert 'id="deadline-due">2025-10-16<' in page
    assert "[INT]" in page and "七个工作日" in page


def test_hours_use_the_time_field() -> None:
    page = client_for("office1").get("/deadlines/", {"rule": "LA-10", "start": "2026-02-14", "start_time": "20:00"}).content.decode()
    assert 'id="deadline-due">2026-02-15T20:00<' in page


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"rule": "XX-99", "start": "2025-09-28"}, "rule", "未知的期限规则：XX-99"),
    ({"rule": "AR-11", "start": "2025-02-30"}, "start", "不是有效日期"),
    ({"start": "2025-09-28", "period": "五周"}, "period", "期间「五周」格式不正确"),
    ({"rule": "AR-11", "start": "2027-03-01"}, "start", "缺少 2027 年节假日安排"),
    ({"rule": "AR-11", "start": "2025-09-28", "variant": "在押"}, "variant", "没有选项「在押」"),
    ({"rule": "AR-29", "start": "2025-09-28", "extend": "三十日"}, "extend_reason", "延长期限须写明理由"),
])
def test_bad_input_is_named_beside_its_field(params: dict[str, str], field: str, message: str) -> None:
    # when
    response = client_for("office1").get("/deadlines/", params)
    # then
    page = response.content.decode()
    assert response.status_code == 400
    assert f'id="id_{field}-error"' in page
    error_at = page.index(f'id="id_{field}-error"')
    assert message in page[error_at:error_at + 400]
    assert 'id="deadline-due"' not in page


def test_bad_input_through_htmx_is_200_so_the_partial_is_swapped() -> None:
    response = client_for("office1").get("/deadlines/", {"rule": "XX-99", "start": "2025-09-28"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="id_rule-error"' in response.content.decode()


def test_a_link_with_only_the_rule_preselects_it_without_errors() -> None:
    response = client_for("office1").get("/deadlines/", {"rule": "AR-11"})
    page = response.content.decode()
    assert response.status_code == 200
    assert '<option value="AR-11" selected>' in page
    assert 'id="selected-rule"' in page and "field-error" not in page


def test_rule_list_shows_every_domain_and_flags() -> None:
    page = client_for("reviewer").get("/deadlines/rules/").content.decode()
    assert "行政复议" in page and "备案审查" in page
    assert 'id="rule-AR-11"' in page and "未经核对" in page and "实施约定" in page


def test_calendar_page_lists_years_and_hides_the_form_from_non_admins() -> None:
    page = client_for("county").get("/deadlines/calendar/").content.decode()
    assert 'id="calendar-2025"' in page and 'id="calendar-2026"' in page and "国办发明电〔2024〕12号" in page
    assert 'id="calendar-load"' not in page
    admin_page = client_for("admin").get("/deadlines/calendar/").content.decode()
    assert 'id="calendar-load"' in admin_page


def test_admin_loads_a_year_through_the_page() -> None:
    # when
    response = client_for("admin").post("/deadlines/calendar/load/", {
        "year": "2027", "notice": "测试通知", "rest_days": "2027-01-01 元旦\n2027-02-06~2027-02-12 春节",
        "makeup_days": "2027-02-20", "source": "测试"})
    # then
    assert response.status_code == 302 and response["Location"] == "/deadlines/calendar/"
    assert CalendarYear.objects.get(year=2027).makeup_days == ["2027-02-20"]
    assert AuditEvent.objects.filter(action="deadlines.calendar.loaded", changes__year=2027).exists()


def test_bad_lines_on_the_page_are_each_named_and_nothing_written() -> None:
    before = (CalendarYear.objects.count(), AuditEvent.objects.count())
    response = client_for("admin").post("/deadlines/calendar/load/", {
        "year": "2027", "notice": "测试通知", "rest_days": "2027-01-01\n2027-13-01\n2027-02-06~2027-02-01",
        "makeup_days": "2027-02-22"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "第 2 行「2027-13-01」" in page and "第 3 行「2027-02-06~2027-02-01」" in page
    assert "调休上班日第 1 行「2027-02-22」" in page
    assert (CalendarYear.objects.count(), AuditEvent.objects.count()) == before


def test_non_admin_cannot_post_the_load_form() -> None:
    response = client_for("county").post("/deadlines/calendar/load/", {"year": "2027", "notice": "x",
                                                                         "rest_days": "2027-01-01"})
    assert response.status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_anonymous_is_sent_to_sign_in() -> None:
    response = Client().get("/deadlines/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_menu_has_the_calculator() -> None:
    page = client_for("reviewer").get("/").content.decode()
    assert 'href="/deadlines/"' in page and "期限计算" in page

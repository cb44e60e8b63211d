"""一表一报告两函三单三书: every one of the ten documents is generated from the data and opens with the right text."""

from __future__ import annotations

import datetime
import io
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from sifa.core.alerts.models import AlertStep
from sifa.core.attachments.store import open_content
from sifa.core.audit.models import AuditEvent
from sifa.core.documents.layout import paragraphs_text
from sifa.core.documents.models import GeneratedDocument
from sifa.core.documents.services import generate_org_document
from sifa.core.errors import ValidationFailed
from sifa.core.orgs.models import Org
from sifa.core.testing import actor_for, membership_of
from sifa.modules.judicial_office import reports
from sifa.modules.judicial_office.choices import OccurrenceStatus, Recurrence
from sifa.modules.judicial_office.models import PlanItem, PlanOccurrence, WorkCatalogueItem, WorkPlan
from sifa.modules.judicial_office.tests.cockpit_factories import (
    alert,
    clean_slate,
    fuyang,
    log,
    office_of,
    score,
    total,
)

pytestmark = pytest.mark.django_db

OCT = datetime.date(2026, 10, 1)


@pytest.fixture
def october() -> dict[str, Any]:
    """Two offices of 富阳区 with October figures, a September figure, an overdue plan item and an alert."""
    clean_slate()
    one, two = office_of("office1"), office_of("office2")
    total(one, datetime.date(2026, 10, 9), "mediation", manual=3, auto=1)
    total(one, datetime.date(2026, 10, 12), "legal_consultation", manual=12)
    total(two, datetime.date(2026, 10, 9), "mediation", manual=1)
    total(one, datetime.date(2026, 9, 15), "mediation", manual=2)
    log(one, datetime.date(2026, 10, 9))
    plan = WorkPlan.objects.create(org=fuyang(), title="2026年度法治宣传计划", year=2026, assigned=True,
                                   created_by_name="测试")
    item = PlanItem.objects.create(plan=plan, title="开展法治宣传进村活动",
                                   catalogue_item=WorkCatalogueItem.objects.get(code="publicity_event"), target=2,
                                   recurrence=Recurrence.ONCE, due_date=datetime.date(2026, 10, 20))
    PlanOccurrence.objects.create(item=item, org=two, period_start=datetime.date(2026, 10, 1),
                                  due_date=datetime.date(2026, 10, 20), target=2, status=OccurrenceStatus.OVERDUE)
    warning = alert(two, "judicial_office.worklog_missing", level="orange")
    AlertStep.objects.create(alert=warning, action="sign", label="签收", actor_name="司法所乙", org_name=two.name,
                             note="已安排专人补报")
    return {"one": one, "two": two, "alert": warning}


def _issue(code: str, **params: Any) -> GeneratedDocument:
    return generate_org_document(actor=actor_for("county"), org=fuyang(), doc_type=code, params=params)


def _text(document: GeneratedDocument) -> str:
    text = "\n".join(paragraphs_text(open_content(document.file)))
    assert "{{" not in text and "{%" not in text, text
    return text


def test_monthly_table_has_items_children_and_quality_sheets(october: dict[str, Any]) -> None:
    document = _issue("jo_monthly_table", period="2026-10")
    book = load_workbook(io.BytesIO(open_content(document.file)))
    assert book.sheetnames == ["分项统计", "各单位", "日志上报"]
    rows = {r[0]: r for r in book["分项统计"].iter_rows(min_row=3, values_only=True)}
    assert rows["人民调解"][2:] == (4, 1, 5) and rows["法律咨询"][4] == 12 and rows["合计"][4] == 17
    assert document.number in book["分项统计"]["A1"].value and "2026年10月" in book["分项统计"]["A1"].value
    assert document.period == "2026-10" and document.file_format == "xlsx"


def test_monthly_report_has_totals_change_and_charts(october: dict[str, Any]) -> None:
    document = _issue("jo_monthly_report", period="2026-10")
    text = _text(document)
    assert "共记录各类工作17件（次）" in text and "自动汇入1件（次）" in text
    assert "与上月（2件次）相比增长750%" in text  # September 2 → October 17
    assert "人民调解：5件" in text and "法律咨询：12人次" in text
    assert "本月到期的规划事项1项，已完成0项，逾期1项" in text
    with zipfile.ZipFile(io.BytesIO(open_content(document.file))) as docx:
        assert len([n for n in docx.namelist() if n.startswith("word/media/")]) >= 1


def test_letters_name_the_office_and_its_open_items(october: dict[str, Any]) -> None:
    two = october["two"]
    supervision = _text(_issue("jo_supervision_letter", to=str(two.pk)))
    assert f"{two.name}：" in supervision and "开展法治宣传进村活动（2026年度法治宣传计划），期限2026年10月20日" in supervision
    reminder = _text(_issue("jo_reminder_letter", to=str(two.pk)))
    assert f"{two.name}：" in reminder and "提醒函" in reminder


def test_sheets_follow_the_alert(october: dict[str, Any]) -> None:
    warning = october["alert"]
    sheet = _text(_issue("jo_warning_sheet", alert=str(warning.pk)))
    assert warning.title in sheet and "橙色" in sheet and f"预警编号：{warning.pk}" in sheet
    notice = _text(_issue("jo_rectification_notice", alert=str(warning.pk), days="5"))
    assert "请你单位在5个工作日内" in notice and warning.title in notice
    feedback = _text(_issue("jo_rectification_feedback", alert=str(warning.pk)))
    assert "签收，已安排专人补报" in feedback and "整改未完成" in feedback


def test_books_rank_by_score_or_by_work(october: dict[str, Any]) -> None:
    one, two = october["one"], october["two"]
    unscored = _text(_issue("jo_assessment_bulletin", period="2026-10"))
    assert "考核得分尚未计算" in unscored and unscored.index(one.name) < unscored.index(two.name)
    score(two, "912.5", start=OCT, end=datetime.date(2026, 10, 31))
    score(one, "880", start=OCT, end=datetime.date(2026, 10, 31))
    scored = _text(_issue("jo_assessment_bulletin", period="2026-10"))
    assert "第1名" in scored and scored.index(two.name) < scored.index(one.name) and "912.5分" in scored
    commendation = _text(_issue("jo_commendation", period="2026-10"))
    assert f"{two.name}" in commendation and "考核得分912.5分" in commendation
    total(one, datetime.date(2026, 10, 13), "legal_consultation", manual=988)  # far above any average
    advice = _text(_issue("jo_work_advice", to=str(two.pk), period="2026-10"))
    assert "法律咨询：本所0人次" in advice and "开展法治宣传进村活动" in advice


@pytest.mark.parametrize(("code", "params", "field"), [
    ("jo_monthly_table", {"period": "2026-13"}, "period"),
    ("jo_reminder_letter", {"to": "999999"}, "to"),
    ("jo_warning_sheet", {}, "alert"),
    ("jo_rectification_notice", {"days": "0"}, "days"),
])
def test_bad_parameters_name_the_field_and_write_nothing(october: dict[str, Any], code: str, params: dict[str, str],
                                                          field: str) -> None:
    if code == "jo_rectification_notice":
        params = {**params, "alert": str(october["alert"].pk)}
    with pytest.raises(ValidationFailed) as exc:
        _issue(code, **params)
    assert exc.value.field == field
    assert not GeneratedDocument.objects.exists()
    assert not AuditEvent.objects.filter(action="documents.report.generated").exists()


def test_a_letter_to_an_office_outside_the_issuing_org_is_refused(october: dict[str, Any]) -> None:
    # the office cannot address a letter to its sibling
    with pytest.raises(ValidationFailed) as exc:
        generate_org_document(actor=actor_for("office1"), org=october["one"], doc_type="jo_reminder_letter",
                              params={"to": str(october["two"].pk)})
    assert exc.value.field == "to"


def test_monthly_run_issues_last_months_table_and_report_once(october: dict[str, Any], settings: Any) -> None:
    # given the run is configured for the province department (one org: keeps the test quick)
    settings.SIFA_MONTHLY_REPORT_ORG_TYPES = "justice_department"
    province = Org.objects.get(type="justice_department", name="浙江省司法厅")
    # when the job runs the day before the first working day of November 2026 (Monday 2 November),
    # on that day, and again the next day
    first = datetime.date(2026, 11, 2)
    assert reports.issue_monthly_reports(datetime.date(2026, 11, 1)) == 0
    issued = reports.issue_monthly_reports(first)
    again = reports.issue_monthly_reports(first + datetime.timedelta(days=1))
    # then the province got October's table and report, once
    assert issued == 2 and again == 0
    done = GeneratedDocument.objects.filter(period="2026-10")
    assert sorted(done.values_list("org_id", "doc_type")) == [(province.pk, "jo_monthly_report"),
                                                              (province.pk, "jo_monthly_table")]
    table = done.get(doc_type="jo_monthly_table")
    assert table.generated_by.endswith("月度报表") and table.file_format == "xlsx"


def test_documents_page_issues_a_letter(october: dict[str, Any], client: Client) -> None:
    client.force_login(membership_of("county").user)
    response = client.post(reverse("documents:org_generate"), {
        "org": fuyang().pk, "doc_type": "jo_supervision_letter", "param_to": str(october["two"].pk)}, follow=True)
    assert response.status_code == 200
    document = GeneratedDocument.objects.get(doc_type="jo_supervision_letter")
    assert document.number.startswith("浙0111司督〔") and str(timezone.localdate().year) in document.number
    page = client.get(reverse("documents:org_list")).content.decode()
    assert document.number in page

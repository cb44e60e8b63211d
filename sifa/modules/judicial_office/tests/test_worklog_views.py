"""Work-log pages: the phone day grid (GET, POST, errors, lock), month, list, export, detail, corrections, catalogue."""

from __future__ import annotations

import datetime
import io
import time
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from sifa.core.accounts.actor import Actor
from sifa.core.accounts.middleware import SESSION_LAST_SEEN, SESSION_MEMBERSHIP
from sifa.core.alerts.choices import AlertState
from sifa.core.alerts.models import Alert
from sifa.core.attachments.tests.factories import png_bytes
from sifa.core.audit.models import AuditEvent
from sifa.core.cases.models import Case
from sifa.core.testing import client_for
from sifa.modules.judicial_office.choices import CorrectionStatus, WorkLogStatus
from sifa.modules.judicial_office.models import WorkCatalogueItem, WorkLog, WorkLogCorrection
from sifa.modules.judicial_office.services import pull_auto_items, save_work_log
from sifa.modules.judicial_office.tests.worklog_factories import (
    audit_rows,
    new_staff,
    office1,
    on_day,
    other_county_office,
)

D = datetime.date
DAY = D(2026, 11, 20)


def client_of(actor: Actor) -> Client:
    client = Client()
    client.force_login(actor.user)  # type: ignore[arg-type]
    session = client.session
    session[SESSION_MEMBERSHIP] = actor.membership.pk  # type: ignore[union-attr]
    session[SESSION_LAST_SEEN] = time.time()
    session.save()
    return client


def test_the_day_page_is_a_phone_form_of_steppers_grouped_by_category(db: Any) -> None:
    # given an alert of office1 closed today, pulled in as an auto item
    today = timezone.localdate()
    Alert.objects.create(rule_code="deadline.overdue", level="red", org=office1(), object_type="test", object_id="v1",
                         title="页面自动汇入预警", dedup_key="views:auto", state=AlertState.CLOSED,
                         step_due_at=timezone.now(), closed_at=timezone.now())
    pull_auto_items(actor=Actor.system("test"))
    # when office staff open 今日日志
    body = client_of(new_staff()).get("/office/log/").content.decode()
    # then
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in body
    assert 'name="count-mediation"' in body and 'inputmode="numeric"' in body and 'data-step="1"' in body
    assert 'type="file"' in body and 'accept="image/*"' in body and 'capture="environment"' in body
    assert body.index("矛盾纠纷化解") < body.index("人民调解") < body.index("公共法律服务")
    assert "自动汇入" in body and "预警办结：页面自动汇入预警" in body
    assert f'max="{today:%Y-%m-%d}"' in body and "judicial_office/worklog.js" in body


def test_submitting_the_form_saves_the_day_with_a_note_a_case_and_a_photo(db: Any) -> None:
    # given
    actor = new_staff()
    case = Case.objects.create(case_type="test_case", number="页面测试案号1", year=2026, sequence=9201,
                               case_code="worklog-view-1", org=office1(), state="registered", title="页面案件")
    photo = SimpleUploadedFile("宣传.png", png_bytes(tag="worklog-view-photo"), content_type="image/png")
    # when
    with on_day(DAY):
        response = client_of(actor).post("/office/log/", {
            "day": "2026-11-20", "count-mediation": "2", "note-mediation": "邻里纠纷", "cases-mediation": case.number,
            "count-publicity_event": "1", "photos-publicity_event": photo, "count-legal_consultation": "0",
            "text": "全天在村", "action": "submit"})
    # then
    assert response.status_code == 302 and response["Location"] == "/office/log/?day=2026-11-20"
    log = WorkLog.objects.get(author=actor.user, day=DAY)
    items = {i.catalogue_item.code: i for i in log.items.all()}
    assert (log.status, log.text, set(items)) == (WorkLogStatus.SUBMITTED, "全天在村", {"mediation", "publicity_event"})
    assert (items["mediation"].count, items["mediation"].note, list(items["mediation"].cases.all())) == (2, "邻里纠纷", [case])
    assert items["publicity_event"].photos.get().name == "宣传.png"


def test_a_draft_is_saved_and_shown_again(db: Any) -> None:
    actor = new_staff()
    client = client_of(actor)
    with on_day(DAY):
        client.post("/office/log/", {"day": "2026-11-20", "count-correction_visit": "3", "action": "draft"})
        body = client.get("/office/log/?day=2026-11-20").content.decode()
    assert WorkLog.objects.get(author=actor.user).status == WorkLogStatus.DRAFT
    assert 'name="count-correction_visit" value="3"' in body and "存草稿" in body


def test_an_error_is_shown_beside_its_item_and_the_input_is_kept(db: Any) -> None:
    actor = new_staff()
    with on_day(DAY):
        response = client_of(actor).post("/office/log/", {
            "day": "2026-11-20", "count-mediation": "-1", "count-publicity_event": "2", "cases-publicity_event": "不存在的案号",
            "action": "submit"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "案号「不存在的案号」不存在或无权访问" in body
    assert 'name="count-publicity_event" value="2"' in body
    assert not WorkLog.objects.filter(author=actor.user).exists()
    with on_day(DAY):
        response = client_of(actor).post("/office/log/", {"day": "2026-11-20", "count-mediation": "-1", "action": "submit"})
    body = response.content.decode()
    assert response.status_code == 400 and 'jo-item jo-item-error' in body and "数量：须为不小于 1 的整数" in body


def test_a_locked_day_is_read_only_and_offers_a_correction(db: Any) -> None:
    actor = new_staff()
    with on_day(D(2026, 9, 30)):
        log = save_work_log(actor=actor, day=D(2026, 9, 30), items=[{"code": "mediation", "count": 1}], submit=True)
    client = client_of(actor)
    with on_day(D(2026, 10, 12)):
        page = client.get("/office/log/?day=2026-09-30").content.decode()
        refused = client.post("/office/log/", {"day": "2026-09-30", "count-mediation": "5", "action": "submit"})
    assert "已于 2026-10-10 锁定" in page and f"/office/logs/{log.pk}/correction/" in page
    assert 'name="count-mediation" value="1" disabled' in page
    assert refused.status_code == 409 and "更正申请" in refused.content.decode()
    assert log.items.get().count == 1


def test_staff_of_other_orgs_get_a_notice_and_roles_without_the_right_403(db: Any) -> None:
    assert "当前身份的机构不是司法所" in client_for("admin").get("/office/log/").content.decode()
    assert client_for("county").get("/office/log/").status_code == 403
    assert client_for("officer").get("/office/logs/").status_code == 403


def test_the_month_shows_submitted_draft_missing_and_rest_days(db: Any) -> None:
    actor = new_staff()
    with on_day(D(2026, 10, 12)):
        save_work_log(actor=actor, day=D(2026, 9, 28), items=[{"code": "mediation", "count": 1}], submit=True)
        save_work_log(actor=actor, day=D(2026, 9, 29), items=[{"code": "mediation", "count": 1}])
        body = client_of(actor).get("/office/log/month/?month=2026-09").content.decode()
    assert 'data-day="2026-09-28" data-status="submitted"' in body
    assert 'data-day="2026-09-29" data-status="draft"' in body
    assert 'data-day="2026-09-30" data-status="missing"' in body
    assert 'data-day="2026-09-26" data-status="rest"' in body  # 中秋 weekend
    assert body.count('jo-locked">已锁定') == 1  # 09-28 is past its lock on 10-12; the draft of 09-29 is not locked


def test_supervisors_list_filter_and_open_logs_in_their_scope(db: Any) -> None:
    actor = new_staff()
    with on_day(DAY):
        log = save_work_log(actor=actor, day=DAY, items=[{"code": "mediation", "count": 1}], submit=True)
    county = client_for("county")
    name = actor.user.display_name  # type: ignore[union-attr]
    listed = county.get(f"/office/logs/?author={name}&since=2026-11-20&until=2026-11-20").content.decode()
    assert f"/office/logs/{log.pk}/" in listed and "辖区工作日志" in listed
    partial = county.get(f"/office/logs/?author={name}", HTTP_HX_REQUEST="true").content.decode()
    assert f"/office/logs/{log.pk}/" in partial and "<html" not in partial
    detail = county.get(f"/office/logs/{log.pk}/").content.decode()
    assert "人民调解" in detail and name in detail
    elsewhere = client_of(new_staff(other_county_office().parent, role="bureau_staff"))
    assert elsewhere.get(f"/office/logs/{log.pk}/").status_code == 404
    assert f"/office/logs/{log.pk}/" not in elsewhere.get(f"/office/logs/?author={name}").content.decode()
    assert county.get("/office/logs/?since=notadate").status_code == 400


def test_the_excel_export_holds_the_logs_in_scope_and_is_audited(db: Any) -> None:
    actor = new_staff()
    with on_day(DAY):
        save_work_log(actor=actor, day=DAY, items=[{"code": "mediation", "count": 2}], text="导出测试", submit=True)
    name = actor.user.display_name  # type: ignore[union-attr]
    response = client_for("county").get(f"/office/logs.xlsx?author={name}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("工作日期", "司法所", "填报人", "状态") and "人民调解" in rows[0]
    assert rows[1][0] == "2026-11-20" and rows[1][2] == name and rows[1][rows[0].index("人民调解")] == 2
    assert rows[1][-1] == "导出测试" and len(rows) == 2
    event = AuditEvent.objects.filter(action="judicial_office.worklogs.exported").get()
    assert event.changes == {"rows": 1} and name in event.object_repr


def test_a_correction_is_requested_on_its_page_and_approved_by_the_county(db: Any) -> None:
    # given a locked log
    actor = new_staff()
    with on_day(D(2026, 9, 30)):
        log = save_work_log(actor=actor, day=D(2026, 9, 30), items=[{"code": "mediation", "count": 1}], submit=True)
    with on_day(D(2026, 10, 12)):
        # when its author asks for a correction without a reason, then with one
        form = client_of(actor).get(f"/office/logs/{log.pk}/correction/").content.decode()
        missing = client_of(actor).post(f"/office/logs/{log.pk}/correction/", {"count-mediation": "2"})
        done = client_of(actor).post(f"/office/logs/{log.pk}/correction/", {"count-mediation": "2", "reason": "漏记一次调解"})
    assert 'name="count-mediation" value="1"' in form and 'type="file"' not in form
    assert missing.status_code == 400 and "请填写更正理由" in missing.content.decode()
    correction = WorkLogCorrection.objects.get(log=log)
    assert done.status_code == 302 and done["Location"] == f"/office/corrections/{correction.pk}/"
    # then the county sees it pending and approves it
    county = client_for("county")
    assert f"/office/corrections/{correction.pk}/" in county.get("/office/corrections/").content.decode()
    page = county.get(f"/office/corrections/{correction.pk}/").content.decode()
    assert "漏记一次调解" in page and 'value="approve"' in page
    assert county.post(f"/office/corrections/{correction.pk}/decide/", {"decision": "approve"}).status_code == 302
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.APPROVED and log.items.get().count == 2
    again = county.post(f"/office/corrections/{correction.pk}/decide/", {"decision": "approve"})
    assert again.status_code == 409 and audit_rows("judicial_office.correction.decided") == 1


def test_the_catalogue_page_adds_and_edits_items(db: Any) -> None:
    county = client_for("county")
    page = county.get("/office/catalogue/").content.decode()
    assert "人民调解" in page and "全省默认" in page
    bad = county.post("/office/catalogue/", {"code": "mediation", "name": "重复", "unit": "件", "daily_ceiling": "5",
                                            "order": "1", "active": "on"})
    assert bad.status_code == 400 and "编码 mediation 已被使用" in bad.content.decode()
    added = county.post("/office/catalogue/", {"code": "fuyang-tea", "name": "茶园纠纷调处", "category": "矛盾纠纷化解",
                                              "unit": "件", "daily_ceiling": "4", "order": "15", "active": "on"})
    assert added.status_code == 302
    item = WorkCatalogueItem.objects.get(code="fuyang-tea")
    assert item.org_id == office1().parent_id
    edited = county.post(f"/office/catalogue/{item.pk}/", {"name": "茶园纠纷调处", "unit": "件", "daily_ceiling": "6",
                                                          "order": "15"})
    item.refresh_from_db()
    assert edited.status_code == 302 and (item.daily_ceiling, item.active, item.code) == (6, False, "fuyang-tea")
    assert "茶园纠纷调处" not in client_of(new_staff()).get("/office/log/").content.decode()  # deactivated
    mediation = WorkCatalogueItem.objects.get(code="mediation")
    refused = county.post(f"/office/catalogue/{mediation.pk}/", {"name": "改", "unit": "件", "daily_ceiling": "1",
                                                                "order": "1"})
    assert refused.status_code == 409 and WorkCatalogueItem.objects.get(code="mediation").name == "人民调解"

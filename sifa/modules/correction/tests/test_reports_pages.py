"""Field-report pages: the phone page, officers' list/detail/export, the suggestion queue, the rules admin."""

from __future__ import annotations

import io
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sifa.core.accounts.actor import Actor
from sifa.core.accounts.middleware import SESSION_LAST_SEEN, SESSION_MEMBERSHIP
from sifa.core.attachments.tests.factories import png_bytes
from sifa.core.audit.models import AuditEvent
from sifa.core.ledger.models import LedgerEntry
from sifa.core.testing import client_for
from sifa.modules.correction.choices import SuggestionStatus
from sifa.modules.correction.models import CorrectionSuggestion, FieldReport, KeywordRule
from sifa.modules.correction.tests.factories import make_correction, office_of
from sifa.modules.correction.tests.report_factories import new_member, report_without_service

pytestmark = pytest.mark.django_db
NEW = reverse("correction:field_report_new")


def _client(actor: Actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    session = client.session
    session[SESSION_MEMBERSHIP] = actor.membership.pk  # type: ignore[union-attr]
    session[SESSION_LAST_SEEN] = time.time()
    session.save()
    return client


def _photo(name: str = "现场.png") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, png_bytes(tag=f"page-{time.time()}"), content_type="image/png")


def _written() -> tuple[int, int]:
    return FieldReport.objects.count(), LedgerEntry.objects.count()


def test_phone_page_lists_the_reporters_subjects_only() -> None:
    # given subjects at office1 (one a minor) and at office2
    mine = make_correction(office_of("office1"))
    minor = make_correction(office_of("office1"), minor=True)
    other = make_correction(office_of("office2"))
    # when office1's grid worker opens the phone page
    response = client_for("grid1").get(NEW)
    # then only the own office's adult subject can be picked; camera input and location status are there
    body = response.content.decode()
    assert response.status_code == 200
    assert f'value="{mine.pk}"' in body
    assert f'value="{minor.pk}"' not in body and minor.subject.person.name not in body
    assert f'value="{other.pk}"' not in body
    assert 'capture="environment"' in body and 'accept="image/*"' in body
    assert "未获取定位" in body


def test_grid_worker_files_a_photo_report_and_sees_the_receipt() -> None:
    # given
    detail = make_correction(office_of("office1"))
    client = client_for("grid1")
    # when the form is sent with a camera photo, a note and the browser's location
    response = client.post(NEW, {"case": detail.pk, "note": "对象在村口喝酒，酒后情绪激动", "latitude": "30.0491",
                                 "longitude": "119.9602", "accuracy_m": "18", "photo_camera": _photo()})
    # then a report exists, hashed into the ledger, and the page shows the receipt with the ledger number
    assert response.status_code == 302
    report = FieldReport.objects.get(correction_case=detail)
    assert report.photo is not None and report.ledger_seq is not None
    page = client.get(response["Location"]).content.decode()
    assert f"存证 #{report.ledger_seq}" in page
    assert report.photo.sm3[:16] in page
    assert "饮酒" in page


def test_the_form_works_without_location() -> None:
    detail = make_correction(office_of("office1"))
    response = client_for("grid1").post(NEW, {"case": detail.pk, "note": "走访，对象在家", "photo": _photo()})
    assert response.status_code == 302
    assert FieldReport.objects.get(correction_case=detail).latitude is None


@pytest.mark.parametrize(("data", "message"), [
    ({"note": ""}, "请填写情况说明"),
    ({"note": "喝酒", "latitude": "95", "longitude": "120"}, "纬度应在 -90 至 90 之间"),
    ({"note": "喝酒", "latitude": "30", "longitude": ""}, "经度和纬度须同时提供"),
])
def test_bad_input_is_shown_on_the_page_and_nothing_is_written(data: dict[str, str], message: str) -> None:
    detail = make_correction(office_of("office1"))
    before = _written()
    response = client_for("grid1").post(NEW, {"case": detail.pk, "photo": _photo(), **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _written() == before


def test_no_subject_chosen_names_the_field() -> None:
    make_correction(office_of("office1"))
    response = client_for("grid1").post(NEW, {"case": "", "note": "喝酒"})
    assert response.status_code == 400
    assert 'id="case-error"' in response.content.decode()


def test_grid_worker_of_another_office_gets_404_and_nothing_is_written() -> None:
    # given a subject of office1 and a grid worker of office2
    detail = make_correction(office_of("office1"))
    other = _client(new_member(office_of("office2")))
    before = _written()
    # when / then
    assert detail.subject.person.name not in other.get(NEW).content.decode()
    response = other.post(NEW, {"case": detail.pk, "note": "喝酒", "photo": _photo()})
    assert response.status_code == 404
    assert _written() == before


def test_roles_without_the_permission_get_403() -> None:
    assert client_for("county").get(NEW).status_code == 403
    assert client_for("grid1").get(reverse("correction:field_report_list")).status_code == 403


def _report(note: str = "对象喝酒，酒后吵架") -> FieldReport:
    from sifa.core.testing import actor_for
    from sifa.modules.correction.report_services import submit_field_report
    from sifa.modules.correction.tests.report_factories import photo

    return submit_field_report(actor=actor_for("grid1"), correction_case=make_correction(office_of("office1")),
                               note=note, photo=photo(), latitude="30.0491", longitude="119.9602", accuracy_m="18")


def test_officer_list_filters_by_category_and_subject() -> None:
    # given a drinking report and a plain one at office1
    drinking = _report()
    plain = _report("走访，一切正常")
    client = client_for("office1")
    # when filtering by category
    body = client.get(reverse("correction:field_report_list"), {"category": "饮酒"}).content.decode()
    # then only the drinking report is listed
    assert reverse("correction:field_report_detail", args=[drinking.pk]) in body
    assert reverse("correction:field_report_detail", args=[plain.pk]) not in body
    # and per subject
    body = client.get(reverse("correction:field_report_list"), {"case": plain.correction_case_id}).content.decode()
    assert reverse("correction:field_report_detail", args=[plain.pk]) in body
    assert reverse("correction:field_report_detail", args=[drinking.pk]) not in body
    # and a bad date names the problem
    assert "日期应为 YYYY-MM-DD" in client.get(reverse("correction:field_report_list"), {"date_from": "昨天"}).content.decode()


def test_another_office_does_not_see_the_report() -> None:
    report = _report()
    assert client_for("office2").get(reverse("correction:field_report_detail", args=[report.pk])).status_code == 404
    listing = client_for("office2").get(reverse("correction:field_report_list")).content.decode()
    assert reverse("correction:field_report_detail", args=[report.pk]) not in listing


def test_detail_shows_photo_location_explanation_and_attestation() -> None:
    report = _report()
    body = client_for("office1").get(reverse("correction:field_report_detail", args=[report.pk])).content.decode()
    assert "因包含关键词「喝酒」「酒后」归入「饮酒」" in body
    assert "纬度 30.049100，经度 119.960200（精度约 18 米）" in body
    assert reverse("attachments:thumbnail", args=[report.photo_id]) in body
    assert f"存证 #{report.ledger_seq}" in body and report.photo.sm3 in body  # type: ignore[union-attr]
    assert "黄色预警" in body


def test_dismissal_without_reason_is_refused_on_the_page() -> None:
    # given a pending suggestion
    report = _report()
    suggestion = report.suggestions.get(category="饮酒")
    client = client_for("office1")
    url = reverse("correction:suggestion_decide", args=[suggestion.pk])
    # when dismissed without a reason
    response = client.post(url, {"decision": "dismiss", "reason": "", "back": "queue"})
    # then 400 with the message beside the suggestion, and it stays pending
    assert response.status_code == 400
    assert f'id="reason-{suggestion.pk}-error"' in response.content.decode()
    assert CorrectionSuggestion.objects.get(pk=suggestion.pk).status == SuggestionStatus.PENDING
    # when with a reason, from the report page
    response = client.post(url, {"decision": "dismiss", "reason": "核实为误报", "back": "report"})
    assert response.status_code == 302 and response["Location"].endswith(f"/reports/{report.pk}/")
    assert CorrectionSuggestion.objects.get(pk=suggestion.pk).status == SuggestionStatus.DISMISSED


def test_queue_lists_pending_suggestions_in_scope() -> None:
    mine = report_without_service(make_correction(office_of("office1")), categories=("外出",)).suggestions.get()
    theirs = report_without_service(make_correction(office_of("office2")), categories=("外出",)).suggestions.get()
    body = client_for("office1").get(reverse("correction:suggestion_queue")).content.decode()
    assert f'id="suggestion-{mine.pk}"' in body and f'id="suggestion-{theirs.pk}"' not in body
    # the county agency sees both
    body = client_for("corr").get(reverse("correction:suggestion_queue")).content.decode()
    assert f'id="suggestion-{mine.pk}"' in body and f'id="suggestion-{theirs.pk}"' in body


def test_export_is_an_audited_workbook() -> None:
    report = _report()
    response = client_for("office1").get(reverse("correction:field_report_export"), {"category": "饮酒"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "接收时间"
    assert any(r[2] == report.correction_case.subject.person.name and "饮酒" in r[7] for r in rows[1:])
    event = AuditEvent.objects.filter(action="correction.field_reports.exported").latest("pk")
    assert event.changes["rows"] == len(rows) - 1


def test_rules_admin_creates_and_names_bad_fields() -> None:
    client = client_for("corr")
    url = reverse("correction:keyword_rule_create")
    # bad: keywords that are only separators; a code already used
    response = client.post(url, {"code": "late-night", "category": "夜归", "keywords": "、 ，", "order": 100, "active": "on"})
    assert response.status_code == 400 and "请至少填写一个关键词" in response.content.decode()
    response = client.post(url, {"code": "drinking", "category": "夜归", "keywords": "深夜", "order": 100, "active": "on"})
    assert response.status_code == 409 or "已被其他规则使用" in response.content.decode()
    # good
    response = client.post(url, {"code": "late-night", "category": "夜归", "keywords": "深夜、凌晨", "alert_level": "blue",
                                 "suggestion": "核实作息", "order": 60, "active": "on"})
    assert response.status_code == 302
    rule = KeywordRule.objects.get(code="late-night")
    assert rule.keywords == ["深夜", "凌晨"] and rule.alert_level == "blue"
    # edit and deactivate
    response = client.post(reverse("correction:keyword_rule_edit", args=[rule.pk]), {
        "code": "late-night", "category": "夜归", "keywords": "深夜", "alert_level": "", "order": 60, "active": "on"})
    assert response.status_code == 302
    assert client.post(reverse("correction:keyword_rule_deactivate", args=[rule.pk])).status_code == 302
    rule.refresh_from_db()
    assert rule.keywords == ["深夜"] and not rule.active
    assert "late-night" in client.get(reverse("correction:keyword_rule_list")).content.decode()


def test_office_staff_cannot_open_the_rules_admin() -> None:
    assert client_for("office1").get(reverse("correction:keyword_rule_list")).status_code == 403


def test_subject_card_shows_latest_reports_and_pending_suggestions() -> None:
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from sifa.core.testing import actor_for
    from sifa.modules.correction.panels import PANELS

    # given a report with a pending suggestion on a subject of office1
    report = _report()
    panel = PANELS["field_reports"]
    request = RequestFactory().get("/")
    request.actor = actor_for("office1")  # type: ignore[attr-defined]
    # when the subject page renders the card
    ctx = panel.context(request, report.correction_case)  # type: ignore[misc]
    html = render_to_string(panel.template, {"panel": panel, "panel_ctx": ctx}, request=request)
    # then the report with its categories and the pending suggestions are listed
    assert reverse("correction:field_report_detail", args=[report.pk]) in html
    assert "饮酒" in html and ctx["pending_count"] == 2
    assert f"?case={report.correction_case_id}" in html

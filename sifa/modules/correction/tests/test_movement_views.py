"""Pages and API of the movement part: forms show the [NV] flags, queues show what the approver may
decide, the subject-page cards render, scope answers 404."""

from __future__ import annotations

import datetime
from typing import Any

from django.template.loader import render_to_string
from django.test import RequestFactory

from sifa.core.testing import actor_for, client_for
from sifa.modules.correction import config, panels
from sifa.modules.correction.choices import MonitoringStatus, RequestStatus
from sifa.modules.correction.models import LeaveRequest
from sifa.modules.correction.tests.factories import make_correction, office_of
from sifa.modules.correction.tests.movement_factories import make_leave, make_monitoring

MOVE_ON = datetime.date.today() + datetime.timedelta(days=45)  # CC-13: at least transfer.apply_ahead_days ahead


def test_leave_form_shows_the_nv_flag_and_creates_a_request(db: Any) -> None:
    # given
    detail = make_correction()
    client = client_for("office1")
    # when
    page = client.get(f"/correction/movement/cases/{detail.pk}/leave/")
    response = client.post(f"/correction/movement/cases/{detail.pk}/leave/", {
        "kind": "leave", "destination": "宁波市", "reason": "参加亲属婚礼", "start_date": "2026-12-01",
        "end_date": "2026-12-09"})
    # then
    assert page.status_code == 200 and config.flag("leave") in page.content.decode()
    assert response.status_code == 302
    leave = LeaveRequest.objects.get(correction_case=detail)
    assert (leave.days, leave.approval_level) == (9, "county")


def test_leave_form_errors_stay_beside_the_field(db: Any) -> None:
    detail = make_correction()
    response = client_for("office1").post(f"/correction/movement/cases/{detail.pk}/leave/", {
        "kind": "leave", "destination": "宁波市", "reason": "探亲", "start_date": "2026-12-09",
        "end_date": "2026-12-01"})
    assert response.status_code == 400 and "返回日期不能早于外出日期" in response.content.decode()
    assert not LeaveRequest.objects.filter(correction_case=detail).exists()


def test_queue_shows_county_level_requests_to_the_county_only(db: Any) -> None:
    # given an office-level and a county-level pending request of office1
    detail = make_correction()
    office_level = make_leave(detail, start=datetime.date(2026, 12, 1), end=datetime.date(2026, 12, 2))
    county_level = make_leave(detail, start=datetime.date(2026, 12, 10), end=datetime.date(2026, 12, 30),
                              level="county")
    # when
    office_page = client_for("office1").get("/correction/movement/").content.decode()
    county_page = client_for("corr").get("/correction/movement/").content.decode()
    # then
    assert f'data-leave="{office_level.pk}"' in office_page and f'data-leave="{county_level.pk}"' not in office_page
    assert f'data-leave="{county_level.pk}"' in county_page


def test_decide_through_the_page_and_api(db: Any) -> None:
    detail = make_correction()
    leave = make_leave(detail, start=datetime.date(2026, 12, 1), end=datetime.date(2026, 12, 2))
    response = client_for("office1").post(f"/correction/movement/leaves/{leave.pk}/decide/", {"approve": "1"})
    assert response.status_code == 302
    leave.refresh_from_db()
    assert leave.status == RequestStatus.APPROVED
    other = make_leave(detail, start=datetime.date(2026, 12, 5), end=datetime.date(2026, 12, 30), level="county")
    api = client_for("office1").post(f"/api/v1/correction/movement/leaves/{other.pk}/decision",
                                     data={"approve": True}, content_type="application/json")
    assert api.status_code == 409 and "CC-12" in api.json()["detail"]


def test_another_office_gets_404(db: Any) -> None:
    detail = make_correction()
    leave = make_leave(detail, start=datetime.date(2026, 12, 1), end=datetime.date(2026, 12, 2))
    row = make_monitoring(detail)
    client = client_for("office2")
    assert client.get(f"/correction/movement/leaves/{leave.pk}/").status_code == 404
    assert client.get(f"/correction/movement/monitoring/{row.pk}/").status_code == 404
    assert client.get(f"/api/v1/correction/movement/leaves/{leave.pk}").status_code == 404
    assert client.get(f"/correction/movement/cases/{detail.pk}/monitoring/").status_code == 404


def test_subject_page_cards_render(db: Any) -> None:
    # given a subject with a leave and an active monitoring period
    detail = make_correction()
    make_leave(detail, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 1, 3), status=RequestStatus.APPROVED)
    make_monitoring(detail, status=MonitoringStatus.ACTIVE)
    request = RequestFactory().get("/")
    request.actor = actor_for("office1")  # type: ignore[attr-defined]
    # when each card of this part renders with its context
    html = {}
    for key in ("movement", "monitoring", "evaluation"):
        panel = panels.PANELS[key]
        assert panel.context is not None
        html[key] = render_to_string(panel.template, {"panel": panel, "panel_ctx": panel.context(request, detail),
                                                      "actor": request.actor})  # type: ignore[attr-defined]
    # then
    assert "逾期" in html["movement"] and "未经批准的外出" in html["movement"]
    assert "使用中" in html["monitoring"]
    assert "尚未考核" in html["evaluation"]


def test_transfer_page_for_the_receiving_side(db: Any) -> None:
    from sifa.modules.correction.movement_services import request_transfer

    detail = make_correction()
    transfer = request_transfer(actor=actor_for("office1"), detail=detail, to_org=office_of("office2"),
                                new_address="新址", reason="随子女居住", planned_move_on=MOVE_ON)
    page = client_for("office2").get(f"/correction/movement/transfers/{transfer.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and "新执行地回复" in text and config.flag("transfer") in text
    assert detail.judgment_number not in text

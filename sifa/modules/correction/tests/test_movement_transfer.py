"""执行地变更 (CC-13): request to any 司法所, reply by the receiving side, hand-over moves the file."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from sifa.core.audit.models import AuditEvent
from sifa.core.cases.errors import GuardFailed
from sifa.core.cases.models import Case
from sifa.core.deadlines.selectors import working_calendar
from sifa.core.errors import Conflict, NotFound, ValidationFailed
from sifa.core.orgs.scope import get_visible_or_404
from sifa.core.testing import actor_for, client_for
from sifa.modules.correction import config
from sifa.modules.correction.choices import TransferStatus
from sifa.modules.correction.models import CorrectionCase, CorrectionSubject
from sifa.modules.correction.movement_selectors import transfer_for, transfer_notices
from sifa.modules.correction.movement_services import complete_transfer, reply_transfer, request_transfer
from sifa.modules.correction.tests.factories import make_correction, office_of
from sifa.modules.correction.tests.movement_factories import other_county_office

MOVE_ON = datetime.date.today() + datetime.timedelta(days=45)  # CC-13: at least transfer.apply_ahead_days ahead


def test_request_computes_the_reply_due_in_working_days(db: Any) -> None:
    # given a subject of office1
    detail = make_correction()
    # when the office asks office2 (config transfer.reply_working_days [NV])
    transfer = request_transfer(actor=actor_for("office1"), detail=detail, to_org=office_of("office2"),
                                new_address="富阳区新址1号", reason="随子女居住", planned_move_on=MOVE_ON)
    # then
    days = int(config.section("transfer")["reply_working_days"])
    assert transfer.reply_due == working_calendar().add_working_days(timezone.localdate(), days)
    assert transfer.status == TransferStatus.REQUESTED and transfer.from_org == detail.case.org


def test_the_requesting_office_cannot_answer_its_own_request(db: Any) -> None:
    detail = make_correction()
    transfer = request_transfer(actor=actor_for("office1"), detail=detail, to_org=office_of("office2"),
                                new_address="新址", reason="工作调动", planned_move_on=MOVE_ON)
    with pytest.raises(GuardFailed):
        reply_transfer(actor=actor_for("office1"), transfer=transfer, accept=True)


def test_a_second_open_transfer_is_refused(db: Any) -> None:
    detail = make_correction()
    request_transfer(actor=actor_for("office1"), detail=detail, to_org=office_of("office2"), new_address="新址",
                     reason="工作调动", planned_move_on=MOVE_ON)
    with pytest.raises(Conflict):
        request_transfer(actor=actor_for("office1"), detail=detail, to_org=office_of("office2"), new_address="新址",
                         reason="工作调动", planned_move_on=MOVE_ON)


def test_hand_over_moves_the_file_to_the_new_office(db: Any) -> None:
    # given office1's subject, transfer to office2 agreed by office2
    detail = make_correction()
    transfer = request_transfer(actor=actor_for("office1"), detail=detail, to_org=office_of("office2"),
                                new_address="新址", reason="购房迁居", planned_move_on=MOVE_ON)
    # the receiving office sees the request though the file is not in its scope yet
    with pytest.raises(NotFound):
        get_visible_or_404(CorrectionCase, actor_for("office2"), pk=detail.pk)
    reply_transfer(actor=actor_for("office2"), transfer=transfer_for(actor_for("office2"), transfer.pk),
                   accept=True, note="同意接收")
    # when the county agency completes the hand-over
    done = complete_transfer(actor=actor_for("corr"), transfer=transfer)
    # then the old office no longer sees the file, the new one does
    with pytest.raises(NotFound):
        get_visible_or_404(CorrectionCase, actor_for("office1"), pk=detail.pk)
    moved = get_visible_or_404(CorrectionCase, actor_for("office2"), pk=detail.pk)
    assert moved.org_path == office_of("office2").path
    assert Case.objects.get(pk=detail.pk).org == office_of("office2")
    assert CorrectionSubject.objects.get(pk=detail.subject_id).org == office_of("office2")
    assert client_for("office1").get(f"/correction/movement/cases/{detail.pk}/leave/").status_code == 404
    # the workflow step is logged with the notices, the report deadline is set
    assert Case.objects.get(pk=detail.pk).transitions.filter(name="change_execution_place").exists()
    notices = transfer_notices(done)
    assert len(notices) == 4 and detail.decision_org_name in notices[0]
    assert any("人民检察院" in n for n in notices) and any("公安" in n for n in notices)
    assert done.status == TransferStatus.COMPLETED and done.report_due is not None
    assert done.report_due >= done.completed_on + datetime.timedelta(
        days=int(config.section("transfer")["report_days"]))
    assert AuditEvent.objects.filter(action="correction.transfer.completed", object_id=str(done.pk)).count() == 1


def test_transfer_to_an_office_of_another_county(db: Any) -> None:
    # given a 司法所 in 西湖区, outside 富阳's subtree
    target = other_county_office()
    detail = make_correction()
    # when office1 asks it (the target is looked up among all offices)
    response = client_for("office1").post(f"/api/v1/correction/movement/cases/{detail.pk}/transfers", data={
        "to_org_id": target.pk, "new_address": "西湖区某路", "reason": "工作调动", "planned_move_on": MOVE_ON.isoformat()}, content_type="application/json")
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["to_org_name"] == target.name and body["status"] == "requested"
    # the 富阳 county cannot answer for 西湖
    with pytest.raises(GuardFailed):
        reply_transfer(actor=actor_for("corr"), transfer=transfer_for(actor_for("corr"), body["id"]), accept=True)


def test_unknown_target_office_names_the_field(db: Any) -> None:
    detail = make_correction()
    response = client_for("office1").post(f"/api/v1/correction/movement/cases/{detail.pk}/transfers", data={
        "to_org_id": 999999, "new_address": "某路", "reason": "工作调动",
        "planned_move_on": MOVE_ON.isoformat()}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "to_org_id"


def test_office_staff_cannot_complete_the_hand_over(db: Any) -> None:
    detail = make_correction()
    transfer = request_transfer(actor=actor_for("office1"), detail=detail, to_org=office_of("office2"),
                                new_address="新址", reason="购房迁居", planned_move_on=MOVE_ON)
    response = client_for("office1").post(f"/correction/movement/transfers/{transfer.pk}/complete/")
    assert response.status_code == 403


def test_a_move_planned_too_soon_is_refused_naming_the_date(db: Any) -> None:
    """CC-13 [NV]: the request comes at least transfer.apply_ahead_days before the planned move."""
    detail = make_correction()
    ahead = int(config.section("transfer")["apply_ahead_days"])
    too_soon = timezone.localdate() + datetime.timedelta(days=ahead - 1)
    with pytest.raises(ValidationFailed) as caught:
        request_transfer(actor=actor_for("office1"), detail=detail, to_org=office_of("office2"), new_address="新址",
                         reason="工作调动", planned_move_on=too_soon)
    assert caught.value.field == "planned_move_on" and f"至少提前 {ahead} 日" in str(caught.value)
    assert not detail.transfers.exists()
    # exactly the configured lead time is enough
    transfer = request_transfer(actor=actor_for("office1"), detail=detail, to_org=office_of("office2"),
                                new_address="新址", reason="工作调动",
                                planned_move_on=timezone.localdate() + datetime.timedelta(days=ahead))
    assert transfer.planned_move_on == timezone.localdate() + datetime.timedelta(days=ahead)


def test_acceptance_sets_the_hand_over_due_date_and_a_late_hand_over_is_recorded(db: Any) -> None:
    """CC-13 [NV]: hand-over within transfer.handover_working_days working days of the acceptance."""
    detail = make_correction()
    transfer = request_transfer(actor=actor_for("office1"), detail=detail, to_org=office_of("office2"),
                                new_address="新址", reason="购房迁居", planned_move_on=MOVE_ON)
    accepted = reply_transfer(actor=actor_for("office2"), transfer=transfer_for(actor_for("office2"), transfer.pk),
                              accept=True, note="同意接收")
    days = int(config.section("transfer")["handover_working_days"])
    assert accepted.handover_due == working_calendar().add_working_days(timezone.localdate(), days)
    # the hand-over is recorded two days after the due date (the due date moved into the past)
    ResidenceTransferModel = type(accepted)
    past_due = timezone.localdate() - datetime.timedelta(days=2)
    ResidenceTransferModel.objects.filter(pk=accepted.pk).update(handover_due=past_due)
    complete_transfer(actor=actor_for("corr"), transfer=accepted)
    event = AuditEvent.objects.filter(action="correction.transfer.completed").latest("id")
    assert event.changes["handover_late_days"] == 2
    page = client_for("corr").get(f"/correction/movement/transfers/{accepted.pk}/")
    assert "已超期" in page.content.decode()

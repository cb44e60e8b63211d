"""电子定位 (CC-19): grounds checked against the record, county-level approval, three-month periods."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from sifa.core.audit.models import AuditEvent
from sifa.core.cases.errors import GuardFailed
from sifa.core.cases.models import CaseDeadline
from sifa.core.errors import ValidationFailed
from sifa.core.testing import actor_for, client_for
from sifa.modules.correction.choices import MonitoringStatus, SanctionKind
from sifa.modules.correction.models import CorrectionCase, ElectronicMonitoring
from sifa.modules.correction.movement import MONITORING_ENDING
from sifa.modules.correction.movement_services import (
    decide_monitoring,
    remove_monitoring,
    request_monitoring,
    request_monitoring_extension,
)
from sifa.modules.correction.tests.factories import make_correction
from sifa.modules.correction.tests.movement_factories import make_monitoring, make_sanction

D = datetime.date


def _warned() -> CorrectionCase:
    """C-39: an offender who refused to report was given a 警告 on 2025-11-05."""
    detail = make_correction()
    make_sanction(detail, SanctionKind.WARNING, decided_on=D(2025, 11, 5))
    return detail


def test_c39_first_period_ends_three_months_later_and_extension_does_not_roll(db: Any) -> None:
    # given (C-39) the 警告 of 2025-11-05 and monitoring from 2025-11-10
    detail = _warned()
    row = request_monitoring(actor=actor_for("office1"), detail=detail, ground="refused_report_warned",
                             facts="拒不报告活动情况，已于2025年11月5日被给予警告", start_date=D(2025, 11, 10))
    # when the county-level approver approves
    row = decide_monitoring(actor=actor_for("corr"), monitoring=row, approve=True)
    # then the first period ends 2026-02-10 and the case is flagged
    assert (row.start_date, row.end_date, row.status) == (D(2025, 11, 10), D(2026, 2, 10), MonitoringStatus.ACTIVE)
    detail.refresh_from_db()
    assert detail.em_active is True
    assert CaseDeadline.objects.get(case=detail.case, key="monitoring").due_date == D(2026, 2, 10)
    # when one extension is proposed after evaluation and freshly approved
    ext = request_monitoring_extension(actor=actor_for("office1"), monitoring=row, facts="评估：仍拒不报告")
    assert ext.status == MonitoringStatus.PENDING and ext.extends == row
    ext = decide_monitoring(actor=actor_for("corr"), monitoring=ext, approve=True)
    # then at most to 2026-05-10, a Sunday, not rolled over to Monday
    assert ext.end_date == D(2026, 5, 10) and ext.end_date.weekday() == 6
    row.refresh_from_db()
    assert row.status == MonitoringStatus.ENDED
    assert CaseDeadline.objects.get(case=detail.case, key="monitoring").due_date == D(2026, 5, 10)


def test_c39_approval_by_the_office_alone_is_invalid(db: Any) -> None:
    # given a proposed period (C-39)
    row = request_monitoring(actor=actor_for("office1"), detail=_warned(), ground="refused_report_warned",
                             facts="拒不报告活动情况，已被警告", start_date=D(2025, 11, 10))
    before = AuditEvent.objects.count()
    # when the 司法所 tries to approve
    with pytest.raises(GuardFailed) as err:
        decide_monitoring(actor=actor_for("office1"), monitoring=row, approve=True)
    # then it is invalid, naming the rule; nothing is written
    assert "CC-19" in err.value.message and "县级司法行政部门负责人" in err.value.message
    row.refresh_from_db()
    assert row.status == MonitoringStatus.PENDING and row.correction_case.em_active is False
    assert AuditEvent.objects.count() == before


def test_c39_a_city_leader_is_not_the_county_approver(db: Any) -> None:
    row = make_monitoring(make_correction())
    with pytest.raises(GuardFailed):
        decide_monitoring(actor=actor_for("city"), monitoring=row, approve=True)


def test_c40_a_single_admonition_is_no_ground(db: Any) -> None:
    # given (C-40) one 训诫 for missing an education class
    detail = make_correction()
    make_sanction(detail, SanctionKind.ADMONITION, decided_on=D(2026, 3, 1))
    # when staff propose a tag as if the subject had been warned
    with pytest.raises(GuardFailed) as err:
        request_monitoring(actor=actor_for("office1"), detail=detail, ground="refused_report_warned",
                           facts="未参加教育学习一次，已训诫", start_date=D(2026, 3, 5))
    # then rejected with the reason
    assert "仅有训诫" in err.value.message and "CC-19" in err.value.message
    assert not ElectronicMonitoring.objects.filter(correction_case=detail).exists()
    # and without any statutory ground it is refused naming the field
    with pytest.raises(ValidationFailed) as err2:
        request_monitoring(actor=actor_for("office1"), detail=detail, ground="", facts="未参加教育学习",
                           start_date=D(2026, 3, 5))
    assert err2.value.field == "ground"


def test_c40_through_the_page_shows_the_reason(db: Any) -> None:
    detail = make_correction()
    make_sanction(detail, SanctionKind.ADMONITION)
    response = client_for("office1").post(f"/correction/movement/cases/{detail.pk}/monitoring/", {
        "ground": "refused_report_warned", "facts": "未参加教育学习一次", "start_date": "2026-03-05"})
    assert response.status_code == 400
    assert "不符合" in response.content.decode()


def test_security_penalty_ground_needs_a_decided_request(db: Any) -> None:
    detail = make_correction()
    with pytest.raises(GuardFailed):
        request_monitoring(actor=actor_for("office1"), detail=detail, ground="security_penalty",
                           facts="违反监督管理规定", start_date=D(2026, 3, 5))
    make_sanction(detail, SanctionKind.SECURITY_PENALTY_REQUEST)
    row = request_monitoring(actor=actor_for("office1"), detail=detail, ground="security_penalty",
                             facts="违反监督管理规定，被处治安拘留", start_date=D(2026, 3, 5))
    assert row.end_date == D(2026, 6, 5)


def test_removal_clears_the_flag_and_stops_the_deadline(db: Any) -> None:
    # given an approved period
    detail = make_correction()
    row = request_monitoring(actor=actor_for("office1"), detail=detail, ground="left_area",
                             facts="未经批准离开富阳区三日", start_date=D(2026, 1, 1))
    decide_monitoring(actor=actor_for("corr"), monitoring=row, approve=True)
    # when it is removed as no longer needed
    remove_monitoring(actor=actor_for("office1"), monitoring=row, removed_on=D(2026, 2, 1), reason="表现良好，已无必要")
    # then
    detail.refresh_from_db()
    assert detail.em_active is False
    assert CaseDeadline.objects.get(case=detail.case, key="monitoring").status == "stopped"


def test_monitoring_ending_alert_before_and_after_the_end(db: Any) -> None:
    today = timezone.localdate()
    ending = make_monitoring(make_correction(), start=today - datetime.timedelta(days=80),
                             end=today + datetime.timedelta(days=3), status=MonitoringStatus.ACTIVE)
    past = make_monitoring(make_correction(), start=today - datetime.timedelta(days=100),
                           end=today - datetime.timedelta(days=2), status=MonitoringStatus.ACTIVE)
    far = make_monitoring(make_correction(), start=today, end=today + datetime.timedelta(days=60),
                          status=MonitoringStatus.ACTIVE)
    assert MONITORING_ENDING.evaluate is not None
    found = {c.object_id: c for c in MONITORING_ENDING.evaluate(today)}
    assert str(ending.pk) in found and str(past.pk) in found and str(far.pk) not in found
    assert "已于" in found[str(past.pk)].title and "CC-19" in found[str(ending.pk)].legal_basis


def test_api_decision_by_office_is_409_naming_the_rule(db: Any) -> None:
    row = make_monitoring(make_correction())
    response = client_for("office1").post(f"/api/v1/correction/movement/monitoring/{row.pk}/decision",
                                          data={"approve": True}, content_type="application/json")
    assert response.status_code == 409
    assert "CC-19" in response.json()["detail"]

"""外出 (CC-12): approval levels and caps from config [NV], decisions, 销假, overdue returns."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from sifa.core.audit.models import AuditEvent
from sifa.core.cases.errors import GuardFailed
from sifa.core.errors import ValidationFailed
from sifa.core.testing import actor_for
from sifa.modules.correction import config
from sifa.modules.correction.choices import RequestStatus
from sifa.modules.correction.models import LeaveRequest
from sifa.modules.correction.movement import LEAVE_OVERDUE
from sifa.modules.correction.movement_selectors import unapproved_absences
from sifa.modules.correction.movement_services import check_in_leave, decide_leave, request_leave
from sifa.modules.correction.tests.factories import make_correction
from sifa.modules.correction.tests.movement_factories import make_leave

D = datetime.date


@pytest.fixture
def small_caps(settings: Any, tmp_path: Path) -> Iterator[None]:
    """An installation's own leave values: the office approves up to 3 days, 10 per approval, 12 a year."""
    path = tmp_path / "correction.toml"
    path.write_text("[leave]\noffice_max_days = 3\nsingle_max_days = 10\nyear_max_days = 12\n"
                    "return_checkin_days = 2\n", encoding="utf-8")
    settings.SIFA_CORRECTION_CONFIG = str(path)
    config.CONFIG.clear_cache()
    yield
    config.CONFIG.clear_cache()


def _request(detail: Any, start: D, end: D) -> LeaveRequest:
    return request_leave(actor=actor_for("office1"), detail=detail, destination="上海市", reason="探望住院的母亲",
                         start_date=start, end_date=end)


def test_short_leave_is_approved_by_the_office_and_long_one_by_the_county(db: Any) -> None:
    # given the default config (office ≤ 7 days)
    detail = make_correction()
    # when
    short = _request(detail, D(2026, 3, 1), D(2026, 3, 7))
    long = _request(detail, D(2026, 4, 1), D(2026, 4, 8))
    # then: days are counted inclusively; 8 days is above the office's limit
    assert (short.days, short.approval_level) == (7, "office")
    assert (long.days, long.approval_level) == (8, "county")


def test_levels_follow_the_installation_config_and_the_yearly_cap(db: Any, small_caps: None) -> None:
    # given an installation where the office approves ≤ 3 days and a year holds 12
    detail = make_correction()
    # when
    first = _request(detail, D(2026, 2, 1), D(2026, 2, 3))
    second = _request(detail, D(2026, 3, 1), D(2026, 3, 4))
    third = _request(detail, D(2026, 5, 1), D(2026, 5, 3))
    fourth = _request(detail, D(2026, 6, 1), D(2026, 6, 3))
    fifth = _request(detail, D(2026, 7, 1), D(2026, 7, 11))
    # then: 4 days is above the office limit; the 4th pushes the year to 13 > 12; 11 days > single cap 10
    assert [r.approval_level for r in (first, second, third, fourth, fifth)] == [
        "office", "county", "office", "county", "county"]
    event = AuditEvent.objects.filter(action="correction.leave.requested", object_id=str(fourth.pk)).get()
    assert "年度上限 12 日" in event.changes["why"]


def test_the_office_cannot_approve_a_county_level_request(db: Any) -> None:
    # given a 10-day request (county level under the default config)
    leave = _request(make_correction(), D(2026, 5, 1), D(2026, 5, 10))
    before = AuditEvent.objects.count()
    # when / then: the 司法所 is refused, naming the rule and the [NV] flag
    with pytest.raises(GuardFailed) as err:
        decide_leave(actor=actor_for("office1"), leave=leave, approve=True)
    assert "县级社区矫正机构" in err.value.message and "CC-12" in err.value.message
    leave.refresh_from_db()
    assert leave.status == RequestStatus.PENDING
    assert AuditEvent.objects.count() == before
    # and the county agency may approve it
    done = decide_leave(actor=actor_for("corr"), leave=leave, approve=True, note="理由正当")
    assert done.status == RequestStatus.APPROVED and done.decided_by


def test_a_refusal_needs_a_reason(db: Any) -> None:
    # given an office-level request
    leave = _request(make_correction(), D(2026, 5, 1), D(2026, 5, 2))
    # when / then
    with pytest.raises(ValidationFailed) as err:
        decide_leave(actor=actor_for("office1"), leave=leave, approve=False)
    assert err.value.field == "note"
    refused = decide_leave(actor=actor_for("office1"), leave=leave, approve=False, note="目的地与事由不符")
    assert refused.status == RequestStatus.REJECTED


def test_a_late_check_in_counts_as_an_unapproved_absence(db: Any) -> None:
    # given an approved leave to 2026-01-03 (销假 within 1 day by default: by 2026-01-04)
    detail = make_correction()
    leave = make_leave(detail, start=D(2026, 1, 1), end=D(2026, 1, 3), status=RequestStatus.APPROVED)
    # when the subject reports back on 2026-01-09
    check_in_leave(actor=actor_for("office1"), leave=leave, returned_on=D(2026, 1, 9))
    # then
    [absence] = unapproved_absences(detail)
    assert (absence.due_back, absence.days_late) == (D(2026, 1, 4), 5)


def test_an_on_time_check_in_is_no_absence(db: Any) -> None:
    detail = make_correction()
    leave = make_leave(detail, start=D(2026, 1, 1), end=D(2026, 1, 3), status=RequestStatus.APPROVED)
    check_in_leave(actor=actor_for("office1"), leave=leave, returned_on=D(2026, 1, 4))
    assert unapproved_absences(detail) == []


def test_overdue_return_opens_the_leave_overdue_alert(db: Any) -> None:
    # given an approved leave that ended a week ago, and one that ends tomorrow
    today = timezone.localdate()
    detail = make_correction()
    late = make_leave(detail, start=today - datetime.timedelta(days=10), end=today - datetime.timedelta(days=7),
                      status=RequestStatus.APPROVED)
    soon = make_leave(make_correction(), start=today, end=today + datetime.timedelta(days=1),
                      status=RequestStatus.APPROVED)
    # when the alert rule is evaluated
    assert LEAVE_OVERDUE.evaluate is not None
    found = {c.object_id: c for c in LEAVE_OVERDUE.evaluate(today)}
    # then only the late one holds, owned by the subject's office, citing CC-12
    assert str(late.pk) in found and str(soon.pk) not in found
    assert found[str(late.pk)].org_id == detail.case.org_id and "CC-12" in found[str(late.pk)].legal_basis
    [absence] = unapproved_absences(detail, today=today)
    assert absence.returned_on is None and absence.days_late == 6


def test_check_in_refused_for_a_pending_request(db: Any) -> None:
    leave = _request(make_correction(), D(2026, 5, 1), D(2026, 5, 2))
    with pytest.raises(Exception) as err:
        check_in_leave(actor=actor_for("office1"), leave=leave, returned_on=D(2026, 5, 2))
    assert "不能销假" in str(err.value)

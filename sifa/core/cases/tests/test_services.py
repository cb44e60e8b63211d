"""open_case and transition_case, driven through the test case type of tests/testapp (C-01 dates)."""

from __future__ import annotations

import datetime
import re

import pytest

from sifa.core.audit.models import AuditEvent
from sifa.core.cases.errors import GuardFailed, TransitionNotAllowed
from sifa.core.cases.models import Case, CaseDeadline, CaseTransition, DeadlineStatus
from sifa.core.cases.services import open_case, transition_case
from sifa.core.errors import NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.testing import actor_for
from tests.testapp.workflows import EFFECT_CALLS

pytestmark = pytest.mark.django_db


def _open(username: str = "county", title: str = "测试申请") -> Case:
    return open_case(actor=actor_for(username), case_type="test_case", title=title)


def test_open_case_numbers_officially_and_audits():
    # when
    first, second = _open(), _open()
    # then
    year = first.year
    assert re.fullmatch(rf"（{year}）浙0111测字第\d+号", first.number)
    assert second.sequence == first.sequence + 1
    assert first.state == "registered" and first.case_code != second.case_code and len(first.case_code) >= 20
    assert AuditEvent.objects.filter(action="cases.case.opened", object_id=str(first.pk)).count() == 1


def test_offices_in_one_county_share_the_number_sequence():
    a = _open("office1")
    b = _open("office2")
    assert a.number != b.number and b.sequence == a.sequence + 1


def test_open_requires_a_title_and_an_allowed_role():
    before = Case.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        open_case(actor=actor_for("county"), case_type="test_case", title="  ")
    assert exc.value.field == "title"
    with pytest.raises(PermissionDeniedError):
        open_case(actor=actor_for("officer"), case_type="test_case", title="x")
    with pytest.raises(ValidationFailed):
        open_case(actor=actor_for("county"), case_type="no_such_type", title="x")
    assert Case.objects.count() == before


def test_accept_starts_deadlines_from_the_received_date_c01():
    # given C-01: the application arrived on Sunday 2025-09-28, a make-up working day, and was deemed
    # accepted when the review period ended on 2025-10-11
    case = _open()
    # when
    transition_case(actor=actor_for("county"), case=case, transition="accept", data={"received_on": "2025-09-28", "accepted_on": "2025-10-11"})
    # then
    case.refresh_from_db()
    assert case.state == "accepted"
    review = CaseDeadline.objects.get(case=case, key="review")
    decision = CaseDeadline.objects.get(case=case, key="decision")
    assert (review.rule_id, review.due_date) == ("AR-11", datetime.date(2025, 10, 11))
    assert (decision.rule_id, decision.due_date) == ("AR-29", datetime.date(2025, 12, 10))
    assert "行政复议法" in review.article
    assert review.explanation
    log = CaseTransition.objects.get(case=case)
    assert (log.name, log.from_state, log.to_state) == ("accept", "registered", "accepted")


def test_transition_writes_exactly_one_audit_event():
    case = _open()
    before = AuditEvent.objects.count()
    transition_case(actor=actor_for("county"), case=case, transition="accept", data={"received_on": "2025-09-28", "accepted_on": "2025-10-11"})
    new = list(AuditEvent.objects.order_by("-id")[: AuditEvent.objects.count() - before])
    assert [e.action for e in new] == ["cases.case.transitioned"]
    assert new[0].changes == {"transition": "accept", "from": "registered", "to": "accepted"}


def test_wrong_state_is_409_and_changes_nothing():
    case = _open()
    with pytest.raises(TransitionNotAllowed) as exc:
        transition_case(actor=actor_for("county"), case=case, transition="close", data={})
    assert exc.value.status == 409 and "登记" in exc.value.message
    case.refresh_from_db()
    assert case.state == "registered" and not CaseTransition.objects.filter(case=case).exists()


def test_forbidden_role_is_403():
    # given a case of office1's office, accepted by office1 (司法所工作人员 may accept)
    case = _open("office1")
    transition_case(actor=actor_for("office1"), case=case, transition="accept", data={"received_on": "2025-09-28", "accepted_on": "2025-10-11"})
    # when office1 tries to decide (only 局业务人员 may) then 403, and nothing moved
    with pytest.raises(PermissionDeniedError):
        transition_case(actor=actor_for("office1"), case=case, transition="decide", data={"decision_text": "x"})
    case.refresh_from_db()
    assert case.state == "accepted"


def test_out_of_scope_is_404():
    case = _open("office1")
    with pytest.raises(NotFound):
        transition_case(actor=actor_for("office2"), case=case, transition="withdraw", data={"reason": "x"})
    case.refresh_from_db()
    assert case.state == "registered"


def test_missing_required_field_is_named():
    case = _open()
    with pytest.raises(ValidationFailed) as exc:
        transition_case(actor=actor_for("county"), case=case, transition="accept", data={})
    assert exc.value.errors == [{"field": "received_on", "message": "请填写「收到日期」"},
                                {"field": "accepted_on", "message": "请填写「受理日期」"}]
    with pytest.raises(ValidationFailed) as bad_date:
        transition_case(actor=actor_for("county"), case=case, transition="accept",
                        data={"received_on": "28/09/2025", "accepted_on": "2025-10-11"})
    assert bad_date.value.field == "received_on"
    assert not CaseDeadline.objects.filter(case=case).exists()


def test_guard_failure_is_409():
    case = _open()
    transition_case(actor=actor_for("county"), case=case, transition="accept", data={"received_on": "2025-09-28", "accepted_on": "2025-10-11"})
    Case.objects.filter(pk=case.pk).update(data={"blocked": True})
    with pytest.raises(GuardFailed) as exc:
        transition_case(actor=actor_for("county"), case=case, transition="decide", data={"decision_text": "维持"})
    assert exc.value.status == 409 and "暂缓" in exc.value.message


def test_decide_stops_deadlines_closes_and_runs_effects_after_commit(django_capture_on_commit_callbacks):
    case = _open()
    actor = actor_for("county")
    transition_case(actor=actor, case=case, transition="accept", data={"received_on": "2025-09-28", "accepted_on": "2025-10-11"})
    EFFECT_CALLS.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        transition_case(actor=actor, case=case, transition="decide", data={"decision_text": "维持"})
    assert EFFECT_CALLS == []  # not before commit
    for callback in callbacks:
        callback()
    assert EFFECT_CALLS == [case.pk]
    assert set(CaseDeadline.objects.filter(case=case).values_list("status", flat=True)) == {DeadlineStatus.STOPPED}
    transition_case(actor=actor, case=case, transition="close", data={})
    case.refresh_from_db()
    assert case.state == "closed" and case.closed_at is not None


def test_stopped_deadlines_are_met_on_the_steps_own_date_when_it_names_one():
    # a decision taken on 2025-10-20 and entered later is not counted late (Transition.done_field)
    from django.utils import timezone

    dated, undated = _accepted(), _accepted()
    actor = actor_for("county")
    transition_case(actor=actor, case=dated, transition="decide", data={"decision_text": "维持", "decided_on": "2025-10-20"})
    transition_case(actor=actor, case=undated, transition="decide", data={"decision_text": "维持"})
    met = {timezone.localdate(d.stopped_at) for d in CaseDeadline.objects.filter(case=dated)}
    assert met == {datetime.date(2025, 10, 20)}
    assert {timezone.localdate(d.stopped_at) for d in CaseDeadline.objects.filter(case=undated)} == {timezone.localdate()}
    with pytest.raises(ValidationFailed) as exc:
        transition_case(actor=actor, case=_accepted(), transition="decide", data={"decision_text": "维持", "decided_on": "昨天"})
    assert exc.value.field == "decided_on"


def _accepted(username: str = "county") -> Case:
    case = _open(username)
    return transition_case(actor=actor_for(username), case=case, transition="accept",
                           data={"received_on": "2025-09-28", "accepted_on": "2025-10-11"})


def test_extension_c01_decision_with_the_maximum_thirty_days():
    # given C-01: the ordinary-procedure decision is due 2025-12-10
    from sifa.core.cases.services import extend_case_deadline

    case = _accepted()
    # when the 复议机关's head approves the maximum extension (≤ 三十日, 《行政复议法》第六十二条)
    deadline = extend_case_deadline(actor=actor_for("county"), case=case, key="decision", period="三十日",
                                    reason="案情复杂", approver="局长张某")
    # then it is due 2026-01-09 (Fri), with the reason, approver and actor recorded and audited
    assert deadline.due_date == datetime.date(2026, 1, 9)
    assert deadline.adjustments[0]["approver"] == "局长张某" and deadline.adjustments[0]["by"]
    assert any("局长张某" in step for step in deadline.explanation)
    event = AuditEvent.objects.filter(action="cases.deadline.extended").latest("id")
    assert event.changes["due"] == ["2025-12-10", "2026-01-09"]


def test_extension_needs_reason_approver_and_permission():
    from sifa.core.cases.services import extend_case_deadline

    case = _accepted()
    with pytest.raises(ValidationFailed) as exc:
        extend_case_deadline(actor=actor_for("county"), case=case, key="decision", period="三十日", reason="x", approver=" ")
    assert exc.value.field == "approver"
    with pytest.raises(PermissionDeniedError):
        extend_case_deadline(actor=actor_for("office1"), case=case, key="decision", period="三十日", reason="x",
                             approver="y")
    assert CaseDeadline.objects.get(case=case, key="decision").due_date == datetime.date(2025, 12, 10)


def test_suspension_moves_the_calendar_deadline_by_the_suspended_days():
    from sifa.core.cases.services import suspend_case_deadline

    case = _accepted()
    # when the period is suspended 2025-11-01 … 2025-11-10 (10 days) for a 不可抗力 obstacle
    deadline = suspend_case_deadline(actor=actor_for("county"), case=case, key="decision", stopped_on="2025-11-01",
                                     resumed_on="2025-11-10", reason="不可抗力")
    # then the 60-day period ends 10 days later, on Sat 2025-12-20, which rolls over to Mon 2025-12-22
    # (GEN-04: 《行政复议法》第八十八条第一款 → 《民事诉讼法》第八十五条第三款)
    assert deadline.due_date == datetime.date(2025, 12, 22)
    # and a stopped deadline can no longer be adjusted
    transition_case(actor=actor_for("county"), case=case, transition="decide", data={"decision_text": "维持"})
    with pytest.raises(TransitionNotAllowed):
        suspend_case_deadline(actor=actor_for("county"), case=case, key="decision", stopped_on="2025-11-12",
                              resumed_on="2025-11-13", reason="x")


def test_key_transitions_go_into_the_evidence_ledger_and_others_do_not():
    # given
    from sifa.core.ledger.entries import decode_entry
    from sifa.core.ledger.models import LedgerEntry

    before = LedgerEntry.objects.count()
    # when a key step (accept) and a plain step (withdraw) are taken
    case = _accepted()
    transition_case(actor=actor_for("county"), case=case, transition="withdraw", data={"reason": "当事人撤回"})
    # then exactly one entry, naming the case and the step
    rows = list(LedgerEntry.objects.filter(index__gte=before))
    assert len(rows) == 1
    entry = decode_entry(bytes(rows[0].entry))
    log = CaseTransition.objects.get(case=case, name="accept")
    assert (entry.type, entry.case_id) == ("case.transition", case.pk)
    assert entry.metadata["transition"] == "accept" and entry.metadata["to"] == "accepted"
    assert entry.metadata["record"] == log.pk and entry.metadata["case_number"] == case.number


def test_a_terminal_state_stops_every_running_deadline():
    # given an accepted case with its two deadlines running (withdraw stops none by name)
    case = open_case(actor=actor_for("county"), case_type="test_case", title="撤回的申请")
    transition_case(actor=actor_for("county"), case=case, transition="accept",
                    data={"received_on": "2025-09-28", "accepted_on": "2025-10-09"})
    # when it is withdrawn (terminal)
    transition_case(actor=actor_for("county"), case=case, transition="withdraw", data={"reason": "申请人撤回"})
    # then no deadline of the closed case keeps running
    assert set(case.deadlines.values_list("status", flat=True)) == {"stopped"}

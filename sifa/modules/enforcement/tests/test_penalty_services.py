"""行政处罚 case services: the ordinary procedure to PAID and CLOSED, the guards (each refusal with its
message and rule id, nothing written), the deadlines started on the case (C-22, C-24, C-26, C-29,
C-31 … C-33), the simplified branch (C-20, C-21), transfer (C-33), late fees (C-25), scope."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from sifa.core.audit.models import AuditEvent
from sifa.core.cases.errors import GuardFailed
from sifa.core.cases.models import CaseDeadline
from sifa.core.errors import NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.testing import actor_for, make_id_number
from sifa.modules.enforcement import penalty_selectors as selectors
from sifa.modules.enforcement import penalty_services as services
from sifa.modules.enforcement.penalty_models import PenaltyCase
from sifa.modules.enforcement.tests.penalty_factories import (
    body_of,
    move,
    new_case,
    reviewer,
    to_concluded,
    valid_officers,
)
from sifa.modules.enforcement.tests.similar_factories import answer_warnings

pytestmark = pytest.mark.django_db
D = datetime.date


def _due(detail: PenaltyCase, key: str) -> D:
    return CaseDeadline.objects.get(case=detail.case, key=key).due_date


def _refused(detail: PenaltyCase, transition: str, *fragments: str, actor_name: str = "officer", **data: object) -> None:
    """The step is refused with a message naming the rule; the state and the audit log are unchanged."""
    state = PenaltyCase.objects.get(pk=detail.pk).case.state
    events = AuditEvent.objects.count()
    with pytest.raises((GuardFailed, ValidationFailed)) as exc:
        move(detail, transition, actor_for(actor_name) if actor_name != "reviewer" else reviewer(), **data)
    for fragment in fragments:
        assert fragment in exc.value.message
    assert PenaltyCase.objects.get(pk=detail.pk).case.state == state
    assert AuditEvent.objects.count() == events


def test_open_registers_the_party_and_one_audit_event() -> None:
    before = AuditEvent.objects.filter(action=services.OPENED).count()
    detail = new_case()
    assert detail.case.state == "clue_received" and detail.case.case_type == "penalty"
    assert detail.party_birth_date == D(1990, 1, 1) and detail.person is not None
    assert detail.officers.count() == 2 and detail.case.number
    assert AuditEvent.objects.filter(action=services.OPENED).count() == before + 1


def test_open_refuses_bad_input_naming_the_field() -> None:
    with pytest.raises(ValidationFailed) as exc:
        new_case(id_number="123")
    assert exc.value.field == "id_number"
    with pytest.raises(ValidationFailed) as exc:
        new_case(discovered_on=D(2025, 5, 1))
    assert exc.value.field == "discovered_on"
    with pytest.raises(ValidationFailed) as exc:
        new_case(cited_articles="随便写的依据")
    assert exc.value.field == "cited_articles"


def test_full_ordinary_procedure_to_paid_and_closed_c22_c24_c26_c29() -> None:
    # given a case whose fine carries a hearing right (AP-24) and needs 法制审核 (AP-22)
    detail = new_case(review_triggers=["major_rights"])
    detail = move(detail, "file", filed_on=D(2025, 7, 15))
    assert _due(detail, "decision") == D(2025, 10, 13)  # C-26 (a): 九十日 from 立案
    detail = move(detail, "start_investigation", started_on=D(2025, 7, 16))
    detail = move(detail, "preserve_evidence", preserved_on=D(2025, 9, 30), approver="张局长")
    assert _due(detail, "preservation") == D(2025, 10, 16)  # C-29
    detail = move(detail, "handle_preserved", handled_on=D(2025, 10, 10), handling="解除保存")
    detail = move(detail, "conclude_investigation", concluded_on=D(2025, 12, 20))
    detail = move(detail, "serve_notice", notice_served_on=D(2025, 12, 30), proposed_types=["fine"],
                  proposed_amount="12000")
    assert detail.hearing_offered
    assert _due(detail, "hearing_request") == D(2026, 1, 7)  # C-22
    detail = move(detail, "request_hearing", hearing_requested_on=D(2026, 1, 5))
    detail = move(detail, "notify_hearing", hearing_notified_on=D(2026, 1, 6), hearing_on=D(2026, 1, 20))
    detail = move(detail, "hold_hearing", hearing_held_on=D(2026, 1, 20), presider="李法制")
    detail = move(detail, "submit_legal_review")
    detail = move(detail, "complete_legal_review", reviewer(), reviewed_on=D(2026, 1, 22), opinion="事实清楚，同意")
    assert detail.legal_reviewed_on == D(2026, 1, 22) and detail.legal_reviewer
    answer_warnings(detail, "10000")  # 10000 is above the item's 裁量基准 (similar.py)
    detail = move(detail, "decide", decided_on=D(2026, 1, 26), decision_number="富综执罚〔2026〕1号",
                  decision_types=["fine"], decision_amount="10000", defence_made="1")
    assert detail.case.state == "decided" and detail.decision_amount == Decimal("10000")
    detail = move(detail, "serve_decision", served_on=D(2026, 2, 3), service_method="direct")
    detail = move(detail, "await_payment")
    assert detail.payment_due == D(2026, 2, 24)  # C-24: 02-18 in the Spring Festival rest → 02-24
    detail = move(detail, "record_payment", paid_on=D(2026, 2, 20))
    assert detail.paid_amount == Decimal("10000")
    detail = move(detail, "close", closed_on=D(2026, 2, 25))
    assert detail.case.state == "closed" and detail.case.closed_at is not None
    assert not CaseDeadline.objects.filter(case=detail.case, status="running").exists()


def test_c26_deadline_before_a_holiday_records_the_outer_limit() -> None:
    detail = move(new_case(discovered_on=D(2025, 6, 20)), "file", filed_on=D(2025, 7, 3))
    assert _due(detail, "decision") == D(2025, 10, 9)  # C-26 (b): nominal 10-01, outer limit 10-09


def test_c27_filing_refused_when_the_limitation_ran() -> None:
    detail = new_case(act_date=D(2023, 3, 14), discovered_on=D(2025, 3, 17))
    _refused(detail, "file", "二年", "AP-07", "第三十六条", filed_on=D(2025, 3, 18))
    # (b) 五年 with harm to 生命健康: filing allowed
    serious = new_case(act_date=D(2023, 3, 14), discovered_on=D(2025, 3, 17), serious_harm=True)
    assert move(serious, "file", filed_on=D(2025, 3, 18)).case.state == "filed"


def test_c28_filing_refused_under_14_and_mitigation_noted_from_14() -> None:
    child = new_case(id_number=make_id_number(birth=D(2012, 1, 1), seq=801), act_date=D(2025, 6, 1))
    _refused(child, "file", "不满十四周岁", "AP-05", filed_on=D(2025, 7, 15))
    minor = new_case(id_number=make_id_number(birth=D(2009, 1, 1), seq=803), act_date=D(2025, 6, 1))
    move(minor, "file", filed_on=D(2025, 7, 15))
    event = AuditEvent.objects.filter(action=services.MOVED).order_by("-id").first()
    assert event is not None and "从轻或者减轻" in str(event.changes)


def test_filing_refused_with_fewer_than_two_valid_officers_ap12() -> None:
    body = body_of()
    detail = new_case(officers=[valid_officers(body)[0].pk])
    _refused(detail, "file", "不得少于 2 人", "AP-12", filed_on=D(2025, 7, 15))


def test_changing_officers_keeps_two_valid_ap12() -> None:
    detail = move(new_case(), "file", filed_on=D(2025, 7, 15))
    one = valid_officers(detail.body)[:1]
    with pytest.raises(ValidationFailed) as exc:
        services.set_penalty_officers(actor=actor_for("officer"), detail=detail, officers=[o.pk for o in one])
    assert "AP-12" in exc.value.message and detail.officers.count() == 2


def test_c23_hearing_notice_must_be_seven_working_days_before() -> None:
    detail = to_concluded(new_case())
    detail = move(detail, "serve_notice", notice_served_on=D(2025, 9, 20), proposed_types=["revoke_licence"])
    detail = move(detail, "request_hearing", hearing_requested_on=D(2025, 9, 22))
    _refused(detail, "notify_hearing", "2025-09-29", "AP-25", hearing_notified_on=D(2025, 9, 30),
             hearing_on=D(2025, 10, 15))
    assert move(detail, "notify_hearing", hearing_notified_on=D(2025, 9, 29),
                hearing_on=D(2025, 10, 15)).case.state == "hearing_notified"


def test_hearing_request_refused_when_late_or_not_offered() -> None:
    detail = to_concluded(new_case())
    detail = move(detail, "serve_notice", notice_served_on=D(2025, 12, 30), proposed_types=["revoke_licence"])
    _refused(detail, "request_hearing", "2026-01-07", "AP-25", hearing_requested_on=D(2026, 1, 8))
    warning = to_concluded(new_case())
    warning = move(warning, "serve_notice", notice_served_on=D(2025, 12, 30), proposed_types=["warning"])
    assert not warning.hearing_offered  # C-34 (b)
    _refused(warning, "request_hearing", "AP-24", hearing_requested_on=D(2025, 12, 31))


def test_decide_refused_without_notice_legal_review_or_after_defence_heavier() -> None:
    # without the 告知 the decide step is not even available from 调查终结
    detail = to_concluded(new_case(review_triggers=["complex"]) if False else new_case())
    detail = move(detail, "serve_notice", notice_served_on=D(2025, 9, 1), proposed_types=["fine"],
                  proposed_amount="3000")
    _refused(detail, "decide", "更重", "AP-23", decided_on=D(2025, 9, 10), decision_number="X1",
             decision_types=["fine"], decision_amount="4000", defence_made="1")
    assert move(detail, "decide", decided_on=D(2025, 9, 10), decision_number="X1", decision_types=["fine"],
                decision_amount="2000", defence_made="1").case.state == "decided"
    reviewed = to_concluded(new_case(review_triggers=["public_interest"]))
    reviewed = move(reviewed, "serve_notice", notice_served_on=D(2025, 9, 1), proposed_types=["warning"])
    _refused(reviewed, "decide", "法制审核", "AP-22", decided_on=D(2025, 9, 10), decision_number="X2",
             decision_types=["warning"])


def test_decide_refused_before_the_hearing_request_period_ends() -> None:
    detail = to_concluded(new_case())
    detail = move(detail, "serve_notice", notice_served_on=D(2025, 12, 30), proposed_types=["revoke_licence"])
    _refused(detail, "decide", "2026-01-07", "AP-25", decided_on=D(2026, 1, 5), decision_number="X3",
             decision_types=["revoke_licence"])
    assert move(detail, "decide", decided_on=D(2026, 1, 5), decision_number="X3", decision_types=["revoke_licence"],
                hearing_waived="1").case.state == "decided"


def test_complex_case_needs_collective_discussion_ap21() -> None:
    detail = new_case(review_triggers=["complex"])
    detail = move(detail, "file", filed_on=D(2025, 7, 15))
    detail = move(detail, "start_investigation", started_on=D(2025, 7, 16))
    _refused(detail, "conclude_investigation", "集体讨论", "AP-21", concluded_on=D(2025, 8, 1))
    assert move(detail, "conclude_investigation", concluded_on=D(2025, 8, 1),
                collective_discussion="1").collective_discussion


def test_legal_review_only_by_a_legal_reviewer() -> None:
    detail = to_concluded(new_case(review_triggers=["public_interest"]))
    detail = move(detail, "serve_notice", notice_served_on=D(2025, 9, 1), proposed_types=["warning"])
    detail = move(detail, "submit_legal_review")
    with pytest.raises(PermissionDeniedError):
        move(detail, "complete_legal_review", reviewed_on=D(2025, 9, 5), opinion="同意")


def test_electronic_service_needs_consent_ap28() -> None:
    detail = to_concluded(new_case())
    detail = move(detail, "serve_notice", notice_served_on=D(2025, 9, 1), proposed_types=["warning"])
    detail = move(detail, "waive_hearing", waived_on=D(2025, 9, 2))
    detail = move(detail, "decide", decided_on=D(2025, 9, 10), decision_number="X4", decision_types=["warning"])
    assert _due(detail, "service") == D(2025, 9, 19)  # AP-28: 七日 (工作日) from 宣告
    _refused(detail, "serve_decision", "确认书", "AP-28", served_on=D(2025, 9, 11), service_method="electronic")
    detail = move(detail, "serve_decision", served_on=D(2025, 9, 11), service_method="electronic",
                  electronic_consent="1")
    _refused(detail, "await_payment", "AP-31")  # a 警告 has nothing to pay
    assert move(detail, "close", closed_on=D(2025, 9, 12)).case.state == "closed"


def _served_fine(served: D) -> PenaltyCase:
    detail = to_concluded(new_case())
    detail = move(detail, "serve_notice", notice_served_on=D(2025, 12, 1), proposed_types=["fine"],
                  proposed_amount="10000")
    detail = move(detail, "waive_hearing", waived_on=D(2025, 12, 2))
    answer_warnings(detail, "10000")  # 10000 is above the item's 裁量基准 (similar.py)
    detail = move(detail, "decide", decided_on=D(2026, 1, 15), decision_number="X5", decision_types=["fine"],
                  decision_amount="10000")
    detail = move(detail, "serve_decision", served_on=served, service_method="direct")
    return move(detail, "await_payment")


def test_overdue_late_fee_demand_and_court_application_c25_c31_c32() -> None:
    detail = _served_fine(D(2026, 1, 20))
    assert detail.payment_due == D(2026, 2, 4)
    detail = move(detail, "mark_overdue", on=D(2026, 3, 1))
    # C-25: ¥300 a day, 33 days ¥9,900, capped at ¥10,000 from day 34
    assert detail.late_fee_on(D(2026, 2, 5)) == Decimal("300.00")
    assert detail.late_fee_on(D(2026, 3, 9)) == Decimal("9900.00")
    assert detail.late_fee_on(D(2026, 3, 10)) == Decimal("10000.00")
    # AP-33: a 复议 applied for on overdue day 10 stops the accrual
    detail = services.record_review_period(actor=actor_for("officer"), detail=detail, started_on=D(2026, 2, 14),
                                           ended_on=D(2026, 4, 14))
    assert detail.late_fee_on(D(2026, 4, 14)) == Decimal("2700.00")
    detail = move(detail, "serve_demand", demand_served_on=D(2026, 4, 28))
    assert _due(detail, "court_wait") == D(2026, 5, 14)  # C-31
    _refused(detail, "apply_to_court", "2026-05-14", "AP-37", court_applied_on=D(2026, 5, 13))
    _refused(detail, "apply_to_court", "2026-07-20", "AP-37", court_applied_on=D(2026, 5, 14))  # C-32
    _refused(detail, "apply_to_court", "2026-10-20", "AP-37", court_applied_on=D(2026, 10, 21))
    detail = move(detail, "apply_to_court", court_applied_on=D(2026, 7, 21))
    detail = move(detail, "record_court_ruling", court_ruled_on=D(2026, 8, 5), ruling="准予强制执行")
    assert move(detail, "close", closed_on=D(2026, 8, 20)).case.state == "closed"


def test_c24_payment_no_rollover_switch(settings: object) -> None:
    settings.SIFA_PENALTY_PAYMENT_NO_ROLLOVER = True  # type: ignore[attr-defined]
    assert _served_fine(D(2026, 2, 3)).payment_due == D(2026, 2, 18)


def test_overdue_refused_before_the_due_date() -> None:
    detail = _served_fine(D(2026, 1, 20))
    _refused(detail, "mark_overdue", "2026-02-04", on=D(2026, 2, 4))


def test_c33_transfer_to_public_security() -> None:
    detail = move(new_case(), "file", filed_on=D(2025, 9, 1))
    detail = move(detail, "start_investigation", started_on=D(2025, 9, 2))
    detail = move(detail, "report_crime", reported_on=D(2025, 9, 30))
    assert _due(detail, "transfer_decision") == D(2025, 10, 9)  # C-33: outer limit after the holiday
    detail = move(detail, "approve_transfer", approved_at="2025-10-01T10:00", approver="张局长")
    assert _due(detail, "transfer") == D(2025, 10, 2)  # 二十四小时, no rollover
    detail = move(detail, "transfer", transferred_at="2025-10-02T09:00", police_org="杭州市公安局富阳区分局")
    assert detail.case.state == "transferred_to_public_security" and detail.case.closed_at is not None


def test_c20_c21_simplified_branch() -> None:
    detail = new_case(procedure="simplified")
    _refused(detail, "decide_on_spot", "200元", "AP-16", decided_on=D(2025, 7, 10), decision_number="当场1",
             decision_types=["fine"], decision_amount="201")
    _refused(detail, "decide_on_spot", "AP-17", decided_on=D(2025, 7, 10), decision_number="当场1",
             decision_types=["fine"], decision_amount="150", collected_on_spot="1")  # C-21 (b)
    detail = move(detail, "decide_on_spot", decided_on=D(2025, 7, 10), decision_number="当场1",
                  decision_types=["fine"], decision_amount="100", collected_on_spot="1")  # C-21 (a)
    assert detail.paid_on == D(2025, 7, 10) and detail.service_method == "on_spot"
    detail = move(detail, "file_record", recorded_on=D(2025, 7, 11))
    assert move(detail, "close", closed_on=D(2025, 7, 12)).case.state == "closed"
    company = new_case(procedure="simplified", party_type="organisation", party_name="某某商贸有限公司",
                       credit_code="91330183MA27XK1Q4N", id_number="")
    assert move(company, "decide_on_spot", decided_on=D(2025, 7, 10), decision_number="当场2",
                decision_types=["fine"], decision_amount="3000").case.state == "on_spot_decided"


def test_no_penalty_decision_ends_the_case() -> None:
    detail = to_concluded(new_case())
    detail = move(detail, "decide_no_penalty", decided_on=D(2025, 8, 10), reason="违法行为轻微并及时改正，没有造成危害后果")
    assert detail.case.state == "no_penalty" and detail.no_penalty_reason


def test_scope_another_county_gets_404() -> None:
    detail = new_case()
    other = _outside_actor()
    with pytest.raises(NotFound):
        selectors.penalty_case_for(other, detail.pk)
    assert not selectors.penalty_cases_visible_to(other).filter(pk=detail.pk).exists()
    with pytest.raises(NotFound):
        services.move_penalty_case(actor=other, detail=detail, transition="file", data={"filed_on": "2025-07-15"})


def test_county_bureau_supervises_and_list_filters() -> None:
    detail = new_case()
    county = actor_for("county")
    assert selectors.penalty_case_for(county, detail.pk).pk == detail.pk
    with pytest.raises(PermissionDeniedError):
        move(detail, "file", county, filed_on=D(2025, 7, 15))
    rows = selectors.penalty_cases_visible_to(county, filters=selectors.PenaltyFilter(state="clue_received"))
    assert rows.filter(pk=detail.pk).exists()
    assert not selectors.penalty_cases_visible_to(county, filters=selectors.PenaltyFilter(state="closed")) \
        .filter(pk=detail.pk).exists()


def _outside_actor():  # type: ignore[no-untyped-def]
    """An enforcement officer in another county (outside 富阳区司法局's subtree)."""
    from sifa.core.accounts.actor import Actor
    from sifa.core.accounts.models import Membership, Role, User
    from sifa.core.orgs.models import Org

    county = body_of().org.parent
    assert county is not None
    other = next(o for o in Org.objects.filter(type=county.type).order_by("pk")
                 if not o.path.startswith(county.path) and not county.path.startswith(o.path))
    assert other is not None
    user = User.objects.create(username="penalty-outsider", display_name="外县执法人员")
    member = Membership.objects.create(user=user, org=other, role=Role.objects.get(code="enforcement_officer"))
    return Actor.for_membership(member, ip="127.0.0.1", user_agent="pytest")


def test_a_party_registered_by_another_org_is_linked_only_by_a_matching_name_never_revealed() -> None:
    # given a person registered by an org outside the officer's subtree
    from sifa.core.orgs.models import Org
    from sifa.core.persons.idnumbers import parse_id_number
    from sifa.core.persons.services import person_row

    outside = Org.objects.current().exclude(path__startswith=body_of().org.path).filter(parent__isnull=False).first()
    number = make_id_number("330102", birth=D(1985, 3, 3), seq=517)
    registered = person_row(name="外县登记人", facts=parse_id_number(number), org=outside)
    registered.save()
    # when the officer types the number with another name: refused, naming the field, without the registered name
    with pytest.raises(ValidationFailed) as exc:
        new_case(party_name="另一个名字", id_number=number)
    assert exc.value.field == "party_name" and "外县登记人" not in exc.value.message
    # with the registered name: linked to the one registry record
    detail = new_case(party_name="外县登记人", id_number=number)
    assert detail.person_id == registered.pk

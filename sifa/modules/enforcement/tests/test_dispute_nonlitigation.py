"""非诉执行监督 (AP-37, 《行政强制法》第五十三条至第五十七条): the supervision rows with the C-31 earliest
application date and the C-32 three-month window, the flags, the court acceptance (AP-37.accept stopped,
AP-37.rule 七日 started and stopped by the ruling), the court-window alert, the page, export and API."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import load_workbook

from sifa.core.audit.models import AuditEvent
from sifa.core.cases.models import CaseDeadline
from sifa.core.errors import NotFound, ValidationFailed
from sifa.core.testing import actor_for, client_for, make_id_number
from sifa.modules.enforcement import dispute
from sifa.modules.enforcement import dispute_services as services
from sifa.modules.enforcement.config import override_config
from sifa.modules.enforcement.penalty_models import PenaltyCase
from sifa.modules.enforcement.tests.penalty_factories import move, new_case, to_concluded

pytestmark = pytest.mark.django_db
D = datetime.date


def _row(detail: PenaltyCase, today: D) -> dispute.NonLitigationRow:
    fresh = PenaltyCase.objects.select_related("case", "body").prefetch_related("case__deadlines").get(pk=detail.pk)
    return dispute.nonlitigation_row(fresh, today)


def c32_overdue(seq: int, party: str = "非诉当事人") -> PenaltyCase:
    """C-32: a fine served 2026-01-20, neither reviewed, sued nor paid → 逾期."""
    detail = to_concluded(new_case(party_name=party, id_number=make_id_number(birth=D(1980, 2, 2), seq=seq)))
    detail = move(detail, "serve_notice", notice_served_on=D(2025, 12, 1), proposed_types=["fine"], proposed_amount="2000")
    detail = move(detail, "waive_hearing", waived_on=D(2025, 12, 2))
    detail = move(detail, "decide", decided_on=D(2026, 1, 15), decision_number=f"富综执罚决〔2026〕{seq}号",
                  decision_types=["fine"], decision_amount="2000")
    detail = move(detail, "serve_decision", served_on=D(2026, 1, 20), service_method="direct")
    detail = move(detail, "await_payment")
    return move(detail, "mark_overdue", on=D(2026, 3, 1))


def test_c31_c32_dates_and_window_flags() -> None:
    detail = move(c32_overdue(901), "serve_demand", demand_served_on=D(2026, 4, 28))
    row = _row(detail, D(2026, 9, 1))
    assert row.served_on == D(2026, 1, 20) and row.demand_served_on == D(2026, 4, 28)
    assert row.earliest_application == D(2026, 5, 14)  # C-31
    assert row.window_opens == D(2026, 7, 21) and row.window_closes == D(2026, 10, 20)  # C-32
    assert row.flags == []
    with override_config(nonlitigation={"window_closing_days": 15}):
        assert _row(detail, D(2026, 10, 5)).flags == ["window_closing"]  # 15 days left
        assert _row(detail, D(2026, 10, 4)).flags == []
    assert _row(detail, D(2026, 10, 20)).flags == ["window_closing"]
    assert _row(detail, D(2026, 10, 21)).flags == ["window_lapsed"]


def test_court_window_alert_rule_c32() -> None:
    detail = move(c32_overdue(902), "serve_demand", demand_served_on=D(2026, 4, 28))
    found = [c for c in dispute.window_closing_conditions(D(2026, 10, 10)) if c.object_id == str(detail.pk)]
    assert len(found) == 1
    cond = found[0]
    assert cond.org_id == detail.body.org_id and cond.case_id == detail.pk
    assert "2026-10-20" in cond.title and "还有 10 天" in cond.title and "第五十三条" in cond.legal_basis
    assert not [c for c in dispute.window_closing_conditions(D(2026, 9, 1)) if c.object_id == str(detail.pk)]
    assert dispute.COURT_WINDOW_CLOSING.level == "orange"
    from sifa.core import registry

    assert registry.alert_rules["enforcement.court_window_closing"] is dispute.COURT_WINDOW_CLOSING


def test_applied_case_accept_overdue_then_acceptance_starts_ruling_deadline() -> None:
    detail = move(c32_overdue(903), "serve_demand", demand_served_on=D(2026, 4, 28))
    detail = move(detail, "apply_to_court", court_applied_on=D(2026, 7, 21))
    accept = CaseDeadline.objects.get(case=detail.case, key="court_accept")
    row = _row(detail, accept.due_date + datetime.timedelta(days=1))
    assert row.applied_on == D(2026, 7, 21) and row.accept_due == accept.due_date
    assert row.flags == ["accept_overdue"]
    before = AuditEvent.objects.filter(action=services.COURT_ACCEPTED).count()
    services.record_court_acceptance(actor=actor_for("officer"), detail=detail, accepted_on=D(2026, 7, 23))
    assert AuditEvent.objects.filter(action=services.COURT_ACCEPTED).count() == before + 1
    accept.refresh_from_db()
    assert accept.status == "stopped"
    rule = CaseDeadline.objects.get(case=detail.case, key="court_rule")
    # AP-37.rule: 七日 (工作日, 《行政强制法》第六十九条) from 2026-07-23 → 2026-08-03
    assert rule.rule_id == "AP-37.rule" and rule.status == "running" and rule.due_date == D(2026, 8, 3)
    assert _row(detail, D(2026, 8, 4)).flags == ["rule_overdue"]
    assert _row(detail, D(2026, 8, 3)).flags == []
    detail = move(PenaltyCase.objects.get(pk=detail.pk), "record_court_ruling", court_ruled_on=D(2026, 7, 30),
                  ruling="准予强制执行")
    rule.refresh_from_db()
    assert rule.status == "stopped"
    assert _row(detail, D(2026, 8, 10)).flags == []


def test_acceptance_refusals_write_nothing() -> None:
    detail = c32_overdue(904)
    with pytest.raises(ValidationFailed) as early:
        services.record_court_acceptance(actor=actor_for("officer"), detail=detail, accepted_on=D(2026, 7, 23))
    assert early.value.field == "accepted_on"
    detail = move(detail, "serve_demand", demand_served_on=D(2026, 4, 28))
    detail = move(detail, "apply_to_court", court_applied_on=D(2026, 7, 21))
    for bad in (D(2026, 7, 20), "2026-13-01", ""):
        with pytest.raises(ValidationFailed) as exc:
            services.record_court_acceptance(actor=actor_for("officer"), detail=detail, accepted_on=bad)
        assert exc.value.field == "accepted_on" and "法院受理日期" in exc.value.message
    assert PenaltyCase.objects.get(pk=detail.pk).court_accepted_on is None
    assert not CaseDeadline.objects.filter(case=detail.case, key="court_rule").exists()


def test_out_of_scope_acceptance_is_not_found() -> None:
    from sifa.modules.enforcement.tests.similar_factories import decided_case
    from sifa.modules.enforcement.tests.test_similar_ranking import _outside_org

    far = decided_case(_outside_org(), state="court_application")
    with pytest.raises(NotFound):
        services.record_court_acceptance(actor=actor_for("officer"), detail=far, accepted_on=D(2026, 7, 23))


def test_page_export_and_api() -> None:
    detail = move(c32_overdue(905, party="监督页当事人"), "serve_demand", demand_served_on=D(2026, 4, 28))
    client = client_for("officer")
    page = client.get("/enforcement/nonlitigation/?state=demand_served")
    html = page.content.decode()
    assert page.status_code == 200 and detail.case.number in html and "2026-05-14" in html and "2026-10-20" in html
    assert 'data-flag="window_lapsed"' in html  # today (after 2026-10-20) with no application
    assert client.get("/enforcement/nonlitigation/?flag=window_closing").status_code == 200
    assert client_for("county").get("/enforcement/nonlitigation/").status_code == 200
    # Excel, audited as personal data
    before = AuditEvent.objects.filter(action=services.NONLITIGATION_EXPORTED).count()
    sheet = client.get("/enforcement/nonlitigation/export.xlsx?state=demand_served")
    assert sheet.status_code == 200
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.values)
    assert rows[0][0] == "案号" and rows[0][7] == "最早申请日期（AP-37）"
    mine = next(r for r in rows[1:] if r[0] == detail.case.number)
    assert mine[7] == "2026-05-14" and mine[9] == "2026-10-20" and "申请期限已届满未申请" in mine[15]
    assert AuditEvent.objects.filter(action=services.NONLITIGATION_EXPORTED).count() == before + 1
    # API
    answer = client.get("/api/v1/enforcement/nonlitigation?state=demand_served&page_size=100")
    assert answer.status_code == 200
    item = next(i for i in answer.json()["items"] if i["id"] == detail.pk)
    assert item["earliest_application"] == "2026-05-14" and item["window_closes"] == "2026-10-20"
    assert item["flags"] == ["window_lapsed"]


def test_acceptance_api_and_form() -> None:
    detail = move(c32_overdue(906), "serve_demand", demand_served_on=D(2026, 4, 28))
    detail = move(detail, "apply_to_court", court_applied_on=D(2026, 7, 21))
    client = client_for("officer")
    html = client.get(f"/enforcement/cases/{detail.pk}/").content.decode()
    assert 'id="court-acceptance-form"' in html
    bad = client.post(f"/api/v1/enforcement/cases/{detail.pk}/court-acceptance", {"accepted_on": "2026-07-01"},
                      content_type="application/json")
    assert bad.status_code in (400, 422) and "accepted_on" in bad.content.decode()
    ok = client.post(f"/api/v1/enforcement/cases/{detail.pk}/court-acceptance", {"accepted_on": "2026-07-23"},
                     content_type="application/json")
    assert ok.status_code == 200 and ok.json()["rule_due"] == "2026-08-03"
    html = client.get(f"/enforcement/cases/{detail.pk}/").content.decode()
    assert 'id="court-acceptance-form"' not in html and "2026-08-03" in html

"""AP-29 (《行政处罚法》第四十八条第二款、第八十五条): a published decision revoked on 2026-02-12 must be
withdrawn by 2026-02-24 (C-30); recording the withdrawal stops the deadline; a late one is recorded as late."""

from __future__ import annotations

import datetime

import pytest

from sifa.core.audit.models import AuditEvent
from sifa.core.cases.models import CaseDeadline
from sifa.core.errors import NotFound, ValidationFailed
from sifa.core.testing import actor_for, client_for
from sifa.modules.enforcement import dispute_services as services
from sifa.modules.enforcement import outcome_services
from sifa.modules.enforcement.penalty_models import PenaltyCase
from sifa.modules.enforcement.tests.similar_factories import decided_case

pytestmark = pytest.mark.django_db
D = datetime.date


def c30_revoked(**kw: object) -> PenaltyCase:
    """C-30: a published decision revoked by a 复议决定 served on 2026-02-12 (Thu)."""
    detail = decided_case(published=True, **kw)  # type: ignore[arg-type]
    outcome_services.record_outcome(actor=actor_for("officer"), detail=detail, kind="reconsideration",
                                    authority="杭州市富阳区人民政府", result="revoked", decided_on=D(2026, 2, 12))
    return detail


def _withdraw(detail: PenaltyCase, on: object, explanation: str = "原处罚决定已被复议机关撤销，撤回公开信息。") -> CaseDeadline:
    return services.record_publication_withdrawal(actor=actor_for("officer"), detail=detail, withdrawn_on=on,
                                                  explanation=explanation)


def test_c30_withdrawal_in_time_stops_the_deadline() -> None:
    detail = c30_revoked()
    deadline = CaseDeadline.objects.get(case=detail.case, key="publication_withdrawal")
    assert deadline.due_date == D(2026, 2, 24) and deadline.status == "running"  # C-30
    before = AuditEvent.objects.filter(action=services.WITHDRAWN).count()
    stopped = _withdraw(detail, D(2026, 2, 24))
    assert stopped.status == "stopped" and stopped.stopped_at is not None
    assert stopped.stopped_at.date() == D(2026, 2, 24)
    events = AuditEvent.objects.filter(action=services.WITHDRAWN).order_by("-id")
    assert events.count() == before + 1 and events[0].changes["late_days"] == 0
    with pytest.raises(ValidationFailed) as twice:
        _withdraw(detail, D(2026, 2, 25))
    assert twice.value.field == "withdrawn_on"


def test_c30_late_withdrawal_is_recorded_as_late() -> None:
    detail = c30_revoked()
    stopped = _withdraw(detail, "2026-02-27")
    assert stopped.status == "stopped"
    event = AuditEvent.objects.filter(action=services.WITHDRAWN).order_by("-id")[0]
    assert event.changes["late_days"] == 3 and event.changes["due"] == "2026-02-24"
    html = client_for("officer").get(f"/enforcement/cases/{detail.pk}/").content.decode()
    assert 'id="withdrawal-done"' in html and "逾期 3 天" in html


def test_refusals_name_the_field_and_write_nothing() -> None:
    plain = decided_case(published=True)
    with pytest.raises(ValidationFailed) as none:
        _withdraw(plain, D(2026, 2, 20))
    assert none.value.field == "withdrawn_on" and "AP-29" in none.value.message
    detail = c30_revoked()
    for on, text, field in ((D(2026, 2, 20), "  ", "explanation"), (D(2026, 2, 11), "说明", "withdrawn_on"),
                            ("2026-02-30", "说明", "withdrawn_on"), (D(2099, 1, 1), "说明", "withdrawn_on")):
        with pytest.raises(ValidationFailed) as exc:
            _withdraw(detail, on, text)
        assert exc.value.field == field
    assert CaseDeadline.objects.get(case=detail.case, key="publication_withdrawal").status == "running"


def test_out_of_scope_is_not_found_and_reviewers_cannot_write() -> None:
    from sifa.modules.enforcement.tests.test_similar_ranking import _outside_org

    far = decided_case(_outside_org(), published=True)
    with pytest.raises(NotFound):
        _withdraw(far, D(2026, 2, 20))


def test_form_on_the_case_page_and_api() -> None:
    detail = c30_revoked()
    client = client_for("officer")
    html = client.get(f"/enforcement/cases/{detail.pk}/").content.decode()
    assert 'id="withdrawal-form"' in html and "2026-02-24" in html and 'id="remedy-outcomes"' in html
    answer = client.post(f"/enforcement/cases/{detail.pk}/withdrawal/", {"withdrawn_on": "", "explanation": "x"})
    assert answer.status_code == 302
    assert CaseDeadline.objects.get(case=detail.case, key="publication_withdrawal").status == "running"
    bad = client.post(f"/api/v1/enforcement/cases/{detail.pk}/publication-withdrawal",
                      {"withdrawn_on": "2026-02-20", "explanation": ""}, content_type="application/json")
    assert bad.status_code == 400 and "explanation" in bad.content.decode()
    ok = client.post(f"/api/v1/enforcement/cases/{detail.pk}/publication-withdrawal",
                     {"withdrawn_on": "2026-02-20", "explanation": "已撤回并公开说明"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json() == {"case_id": detail.pk, "withdrawn_on": "2026-02-20",
                                                   "due_date": "2026-02-24", "late_days": 0}
    page = client.post(f"/enforcement/cases/{detail.pk}/withdrawal/",
                       {"withdrawn_on": "2026-02-21", "explanation": "再次"}, follow=True)
    assert "已登记撤回公开信息" in page.content.decode()

"""Monthly evaluation (CC-15, CC-36) on the scoring engine: facts from the records, totals, summary, export."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from sifa.core.audit.models import AuditEvent
from sifa.core.errors import NotFound, PermissionDeniedError
from sifa.core.scoring import periods
from sifa.core.scoring.models import Score
from sifa.core.scoring.services import compute_scores
from sifa.core.testing import actor_for, client_for
from sifa.modules.correction.choices import RequestStatus, SanctionKind, TaskStatus
from sifa.modules.correction.evaluation_jobs import run_monthly_evaluation
from sifa.modules.correction.evaluation_selectors import evaluation_summary, month_rows, scheme_for_org
from sifa.modules.correction.evaluation_services import compute_month, export_evaluations
from sifa.modules.correction.tests.factories import make_correction, office_of
from sifa.modules.correction.tests.movement_factories import make_leave, make_sanction, make_task


def _this_month() -> periods.Period:
    return periods.containing(periods.MONTH, timezone.localdate())


def _score(detail: Any, period: periods.Period) -> Score:
    scheme = scheme_for_org(detail.case.org, period)
    assert scheme is not None
    [score] = compute_scores(actor=actor_for("city"), scheme=scheme, period=period, subjects=[detail.pk])
    return score


def _points(score: Score) -> dict[str, Decimal]:
    return {line.code: line.points for line in score.lines.all()}


def test_a_clean_month_scores_95_and_a_commendation_makes_100(db: Any) -> None:
    # given two subjects with every task done; one of them commended this month
    period = _this_month()
    day = period.start
    clean, praised = make_correction(), make_correction()
    for detail in (clean, praised):
        make_task(detail, "report_in", day, TaskStatus.DONE)
        make_task(detail, "education", day, TaskStatus.DONE)
    make_sanction(praised, SanctionKind.COMMENDATION, decided_on=day)
    # when
    totals = [_score(d, period).total for d in (clean, praised)]
    # then
    assert totals == [Decimal("95.00"), Decimal("100.00")]


def test_missed_tasks_sanctions_and_late_returns_lose_points(db: Any) -> None:
    # given a month with: 2 missed reports (−10), a missed education class (−7.5), a 训诫 (−5),
    # a 警告 (−15), a late return from an approved leave (−10), a request for 治安管理处罚 (−20)
    period = _this_month()
    day = period.start
    detail = make_correction()
    make_task(detail, "report_in", day, TaskStatus.MISSED)
    make_task(detail, "visit", day, TaskStatus.MISSED)
    make_task(detail, "education", day, TaskStatus.MISSED)
    make_task(detail, "public_service", day, TaskStatus.DONE)
    make_sanction(detail, SanctionKind.ADMONITION, decided_on=day)
    make_sanction(detail, SanctionKind.WARNING, decided_on=day)
    make_sanction(detail, SanctionKind.SECURITY_PENALTY_REQUEST, decided_on=day)
    make_leave(detail, start=day, end=day, status=RequestStatus.RETURNED, returned_on=min(
        day + datetime.timedelta(days=5), timezone.localdate()))
    # when
    score = _score(detail, period)
    points = _points(score)
    # then each indicator explains its loss
    late_return = timezone.localdate() > day + datetime.timedelta(days=1)
    assert points["A.1"] == Decimal("20.00")
    assert points["A.2"] == (Decimal("10.00") if late_return else Decimal("20.00"))
    assert points["B.1"] == Decimal("7.50") and points["B.2"] == Decimal("15.00")
    assert points["C.1"] == Decimal("0.00") and points["C.2"] == Decimal("0.00")
    assert points["D"] == Decimal("-20.00")
    expected = Decimal("20") + (Decimal("10") if late_return else Decimal("20")) + Decimal("22.5") - Decimal("20")
    assert score.total == expected.quantize(Decimal("0.01"))
    facts = [f["ref"]["label"] for line in score.lines.filter(code="C.2.2") for f in line.facts]
    assert facts and "警告" in facts[0]


def test_facts_of_other_months_do_not_count(db: Any) -> None:
    period = _this_month()
    detail = make_correction()
    make_task(detail, "report_in", period.start - datetime.timedelta(days=3), TaskStatus.MISSED)
    make_sanction(detail, SanctionKind.WARNING, decided_on=period.start - datetime.timedelta(days=3))
    assert _score(detail, period).total == Decimal("95.00")


def test_compute_month_for_an_office_and_the_summary(db: Any) -> None:
    # given two subjects of office1 and one of office2
    period = _this_month()
    a, b = make_correction(), make_correction()
    other = make_correction(office_of("office2"))
    make_sanction(b, SanctionKind.WARNING, decided_on=period.start)
    # when the city leader computes office1's month
    scores = compute_month(actor=actor_for("city"), org=office_of("office1"), period=period)
    # then office1's subjects are scored, not office2's
    ids = {s.subject_id for s in scores}
    assert {a.pk, b.pk} <= ids and other.pk not in ids
    rows = {r.detail.pk: r for r in month_rows(actor_for("office1"), office_of("office1"), period)}
    assert rows[b.pk].score is not None and rows[b.pk].score.total == Decimal("80.00")
    assert other.pk not in rows
    # and the cumulative summary (CC-23 evidence) reads the month
    summary = evaluation_summary(b, 12)
    assert summary.scored == 1 and summary.average == Decimal("80.00") and summary.warnings == 1
    assert "平均 80.00 分" in summary.text


def test_office_staff_cannot_compute(db: Any) -> None:
    with pytest.raises(PermissionDeniedError):
        compute_month(actor=actor_for("office1"), org=office_of("office1"), period=_this_month())


def test_export_is_audited_and_scoped(db: Any) -> None:
    # given a subject of office1 and one of office2
    make_correction()
    make_correction(office_of("office2"))
    # when office1 exports its month
    response = client_for("office1").get("/correction/movement/evaluations/export.xlsx")
    # then
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    event = AuditEvent.objects.filter(action="correction.evaluations.exported").latest("pk")
    assert event.changes["rows"] == len(month_rows(actor_for("office1"), office_of("office1"), _this_month()))
    # the rows of another office are not exported
    with pytest.raises(NotFound):
        export_evaluations(actor=actor_for("office1"), org=office_of("office2"), period=_this_month())


def test_monthly_job_computes_the_current_month(db: Any) -> None:
    detail = make_correction()
    result = run_monthly_evaluation()
    assert result["scores"] >= 1
    assert Score.objects.current().filter(subject_kind="case", subject_id=detail.pk,
                                          period_start=_this_month().start).exists()


def test_subject_evaluation_page_and_api(db: Any) -> None:
    detail = make_correction()
    _score(detail, _this_month())
    page = client_for("office1").get(f"/correction/movement/evaluations/cases/{detail.pk}/")
    assert page.status_code == 200 and "累计考核结果" in page.content.decode()
    api = client_for("office1").get(f"/api/v1/correction/movement/evaluations/cases/{detail.pk}").json()
    assert api["trend"][-1]["total"] == "95.00" and api["summary"]["scored"] == 1
    assert client_for("office2").get(f"/correction/movement/evaluations/cases/{detail.pk}/").status_code == 404

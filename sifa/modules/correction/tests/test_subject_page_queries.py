"""The subject page (社区矫正对象档案) stays within a query budget on a subject with a full file: team, level,
plan, tasks, field reports with suggestions, sanctions, an evaluation, leave and monitoring, a restriction."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sifa.core.scoring import periods
from sifa.core.scoring.services import compute_scores
from sifa.core.testing import actor_for, client_for
from sifa.modules.correction.choices import (
    MonitoringStatus,
    PlanStatus,
    RequestStatus,
    SanctionKind,
    SanctionStatus,
    TaskKind,
    TaskStatus,
)
from sifa.modules.correction.evaluation_selectors import scheme_for_org
from sifa.modules.correction.models import CorrectionCase, LevelAssessment
from sifa.modules.correction.tests.factories import make_correction
from sifa.modules.correction.tests.liberty_factories import make_restriction
from sifa.modules.correction.tests.movement_factories import make_leave, make_monitoring
from sifa.modules.correction.tests.report_factories import report_without_service
from sifa.modules.correction.tests.sanction_factories import make_sanction
from sifa.modules.correction.tests.supervision_factories import member, plan_without_audit, task_without_audit

QUERY_BUDGET = 30
DAY = datetime.timedelta(days=1)


def full_file() -> CorrectionCase:
    today = timezone.localdate()
    detail = make_correction(female=True)
    member(detail, name="司法所干部", role="officer", gender="F")
    member(detail, name="网格员", role="grid_worker")
    member(detail, name="家属", role="family", gender="F")
    LevelAssessment.objects.create(correction_case=detail, kind="initial", computed_level="normal", level="normal",
                                   reasons=[{"label": "测试", "points": 1}], assessed_by="测试")
    plan_without_audit(detail, status=PlanStatus.APPROVED, texts=("法治教育", "心理辅导", "就业帮扶"))
    plan_without_audit(detail, version=2, texts=("法治教育",))
    for n in range(12):
        kind = (TaskKind.REPORT_IN, TaskKind.VISIT, TaskKind.EDUCATION)[n % 3]
        status = TaskStatus.DONE if n < 6 else (TaskStatus.MISSED if n < 8 else TaskStatus.OPEN)
        task_without_audit(detail, kind=kind, due=today + (n - 8) * 3 * DAY, status=status)
    for n in range(4):
        report_without_service(detail, note=f"走访{n}", categories=("饮酒",) if n % 2 else ())
    make_sanction(detail, kind=SanctionKind.ADMONITION)
    make_sanction(detail, kind=SanctionKind.WARNING)
    make_sanction(detail, kind=SanctionKind.COMMENDATION, status=SanctionStatus.PROPOSED)
    make_leave(detail, start=today - 20 * DAY, end=today - 18 * DAY, status=RequestStatus.RETURNED,
               returned_on=today - 18 * DAY)
    make_leave(detail, start=today + 5 * DAY, end=today + 7 * DAY)
    make_monitoring(detail, start=today - 10 * DAY, end=today + 80 * DAY, status=MonitoringStatus.ACTIVE)
    make_restriction(detail, kind="bail")
    period = periods.containing(periods.MONTH, today)
    scheme = scheme_for_org(detail.case.org, period)
    if scheme is not None:
        compute_scores(actor=actor_for("city"), scheme=scheme, period=period, subjects=[detail.pk])
    return detail


def _count(client: Any, url: str) -> list[str]:
    """The statements the page runs, without the SAVEPOINT / RELEASE pair that exists only because the test
    runs inside a transaction (in production the view's audit service is the outermost transaction)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def test_subject_page_with_a_full_file_stays_within_the_query_budget(db: Any) -> None:
    # given a subject with a full file, viewed by the county agency (every card shown)
    detail = full_file()
    client = client_for("corr")
    url = f"/correction/{detail.pk}/"
    client.get(url)  # warm the per-process caches (configuration, registries, holiday calendars)
    # when the page is read again
    sqls = _count(client, url)
    # then it stays within the budget (55 statements before the N+1s were removed, 29 after)
    repeated = [f"{n}× {sql[:120]}" for sql, n in Counter(sqls).most_common() if n > 1]
    assert len(sqls) <= QUERY_BUDGET, f"{len(sqls)} statements (budget {QUERY_BUDGET}); repeated: {repeated}"

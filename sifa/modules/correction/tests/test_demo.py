"""The 社区矫正 demo generator (``sifa demo``): the test database was loaded with ``--scale demo --seed 1``,
so these tests read what it wrote. Deterministic from the seed; every state (RULES.md §2.6) and every
sentence type (CC-01); minors under 18 at the start (CC-35) with a person who knows minors in the team
(CC-10), a woman in every woman's team (CC-10, CASES C-46); electronic monitoring ≤ 三个月 (CC-19, C-39)."""

from __future__ import annotations

import datetime
import random
from typing import Any

import pytest
from django.db.models import Count
from django.utils import timezone

from sifa.core.cases.models import Case, CaseDeadline, CaseNumberCounter, CaseTransition
from sifa.core.deadlines.models import CalendarYear
from sifa.core.orgs.models import Org
from sifa.modules.correction.choices import RequestStatus, SentenceType
from sifa.modules.correction.demo import PER_OFFICE, _add_months, plan_all
from sifa.modules.correction.models import (
    CorrectionCase,
    ElectronicMonitoring,
    LeaveRequest,
    SupervisionTask,
    TeamMember,
)
from sifa.modules.correction.workflow import CORRECTION_WORKFLOW

pytestmark = pytest.mark.django_db


def _offices() -> list[Org]:
    return list(Org.objects.filter(type="judicial_office", correction_subjects__isnull=False).distinct()
                .select_related("region").order_by("path"))


def test_every_state_and_sentence_type_is_there() -> None:
    states = set(CorrectionCase.objects.values_list("case__state", flat=True))
    assert states == {s.code for s in CORRECTION_WORKFLOW.states}
    assert set(CorrectionCase.objects.values_list("sentence_type", flat=True)) == set(SentenceType.values)


def test_every_office_has_its_share_of_subjects() -> None:
    low, high = PER_OFFICE["demo"]
    offices = Org.objects.filter(type="judicial_office", path__startswith=Org.objects.get(name="杭州市富阳区司法局").path)
    counts = dict(CorrectionCase.objects.values_list("case__org_id").annotate(n=Count("pk")))
    for office in offices:
        assert low <= counts.get(office.pk, 0) <= high + 1  # + at most one minor


def test_the_plan_is_deterministic_and_matches_what_was_written() -> None:
    # given the offices of the load and the same seed and day
    offices, today = _offices(), timezone.localdate()
    # when planned twice, and once with another seed
    first, _ = plan_all(offices, "demo", random.Random(1 * 1_000_033 + 71), today)
    again, _ = plan_all(offices, "demo", random.Random(1 * 1_000_033 + 71), today)
    other, _ = plan_all(offices, "demo", random.Random(2 * 1_000_033 + 71), today)
    # then
    key = [(p.person[0], p.state, p.sentence, p.effective, p.term_end) for p in first]
    assert key == [(p.person[0], p.state, p.sentence, p.effective, p.term_end) for p in again]
    assert key != [(p.person[0], p.state, p.sentence, p.effective, p.term_end) for p in other]
    written = {(pid, state, sentence, effective) for pid, state, sentence, effective in CorrectionCase.objects.values_list(
        "subject__person_id", "case__state", "sentence_type", "effective_date")}
    assert {(p.person[0], p.state, p.sentence, p.effective) for p in first} == written


def test_minors_are_under_18_at_the_start_and_have_a_minor_expert() -> None:
    minors = list(CorrectionCase.objects.filter(subject__is_minor=True).select_related("subject__person"))
    assert minors
    for detail in minors:
        birth = detail.subject.person.birth_date
        assert detail.term_start is not None and _add_months(birth, 18 * 12) > detail.term_start
        assert detail.team.filter(role="minor_expert").exists()


def test_case_numbers_timeline_and_deadlines_are_consistent() -> None:
    cases = Case.objects.filter(case_type="correction")
    # numbers: unique per prefix and year, and the counters continue after them (create_case's next number is free)
    for counter in CaseNumberCounter.objects.filter(case_type="correction"):
        assert counter.last == cases.filter(year=counter.year, number__contains=counter.prefix + "矫字").count()
    # every received case went through 报到接收; every ended one has its end date and closing time
    received = CorrectionCase.objects.exclude(received_on=None)
    assert CaseTransition.objects.filter(case__in=received.values("case"), name="receive").count() == received.count()
    for detail in CorrectionCase.objects.filter(case__state__in=["discharged", "revoked", "recommitted", "deceased"]):
        assert detail.ended_on is not None and detail.case.closed_at and detail.ended_on <= timezone.localdate()
    for detail in CorrectionCase.objects.filter(case__state="discharged"):
        assert detail.term_end is not None and detail.ended_on is not None and detail.ended_on > detail.term_end  # CC-32: after the term (GEN-03)
    # deadlines: report (CC-06) or transfer (CC-07) on every case, the term (CC-34) on received non-暂予监外执行 cases
    # (the engine needs the holiday calendar of the start's year: older judgments have no computed deadline)
    first_year = CalendarYear.objects.order_by("year").values_list("year", flat=True).first()
    assert first_year is not None
    dated = CorrectionCase.objects.filter(effective_date__year__gte=first_year)
    assert CaseDeadline.objects.filter(case__correction__in=dated, key__in=["report", "transfer"]).count() == dated.count()
    terms = received.filter(term_start__year__gte=first_year).exclude(sentence_type="temporary_execution")
    assert CaseDeadline.objects.filter(key="term", case__correction__in=terms).count() == terms.count()
    # running deadlines only on cases that have not moved past them
    assert not CaseDeadline.objects.filter(case__correction__in=received, key="report", status="running").exists()


def test_a_year_of_tasks_with_done_and_missed() -> None:
    today = timezone.localdate()
    tasks = SupervisionTask.objects.filter(correction_case__case__case_type="correction")
    statuses = set(tasks.values_list("status", flat=True))
    assert statuses == {"open", "done", "missed"}
    first = tasks.order_by("due_date").values_list("due_date", flat=True).first()
    assert first is not None and first >= today - datetime.timedelta(days=366)
    assert not tasks.filter(status="open", due_date__lt=today - datetime.timedelta(days=10)).exists()
    pairs = SupervisionTask.objects.order_by("pk").values_list("org_path", "correction_case__org_path")[:500]
    assert all(own == case for own, case in pairs)


def test_team_includes_a_woman_for_a_woman() -> None:
    women = CorrectionCase.objects.exclude(received_on=None).filter(subject__person__gender="F")
    assert women.exists()
    for detail in women:
        assert detail.team.filter(gender="F").exists()
    assert TeamMember.objects.count() >= CorrectionCase.objects.exclude(received_on=None).count()


def test_leave_requests_have_request_states() -> None:
    statuses = set(LeaveRequest.objects.values_list("status", flat=True))
    assert statuses and statuses <= set(RequestStatus.values)


def test_monitoring_periods_are_at_most_three_months() -> None:
    periods = list(ElectronicMonitoring.objects.order_by("pk").values_list("start_date", "end_date"))
    assert periods
    for start, end in periods:
        assert end <= _add_months(start, 3)
    active = set(ElectronicMonitoring.objects.filter(status="active").values_list("correction_case_id", flat=True))
    assert active == set(CorrectionCase.objects.filter(em_active=True).values_list("pk", flat=True))


def test_demo_counts_were_reported(db: Any) -> None:
    from sifa.core.audit.models import AuditEvent

    changes = AuditEvent.objects.get(action="demo.loaded").changes
    assert changes["correction_cases"] == CorrectionCase.objects.count()
    assert changes["correction_tasks"] == SupervisionTask.objects.count()

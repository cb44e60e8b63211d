"""Fact sources for the scoring engine's tests: counting test_case cases and their moves, as a module would.

Org sources count the records of the subject org's whole subtree (a county bureau earns what its
offices do); a case source counts one case's own transitions.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from pathlib import Path

from django.utils import timezone

from sifa.core.scoring.engine import Fact, FactRef
from sifa.core.scoring.sources import ScoreSource

EXAMPLE_SCHEME = Path(__file__).resolve().parent / "scoring_scheme.json"


def _case_ref(case: object) -> FactRef:
    return FactRef(kind="case", id=str(case.pk), label=f"{case.number} {case.title}",  # type: ignore[attr-defined]
                   url_name="cases:detail", url_args=(case.pk,))  # type: ignore[attr-defined]


def _subject_paths(subjects: Sequence[int]) -> dict[int, str]:
    from sifa.core.orgs.models import Org

    return dict(Org.objects.filter(pk__in=subjects).values_list("pk", "path"))


def _within(day: datetime.datetime, start: datetime.date, end: datetime.date) -> bool:
    return start <= timezone.localdate(day) <= end


def collect_cases_opened(subjects: Sequence[int], start: datetime.date, end: datetime.date) -> Iterator[Fact]:
    from sifa.core.cases.models import Case

    paths = _subject_paths(subjects)
    for case in Case.objects.filter(case_type="test_case").select_related("org").order_by("pk"):
        if not _within(case.opened_at, start, end):
            continue
        for subject, path in paths.items():
            if case.org.path.startswith(path):
                yield Fact(source="testapp.cases_opened", subject=subject, on=timezone.localdate(case.opened_at),
                           ref=_case_ref(case), attrs={"state": case.state})


def collect_cases_withdrawn(subjects: Sequence[int], start: datetime.date, end: datetime.date) -> Iterator[Fact]:
    from sifa.core.cases.models import CaseTransition

    paths = _subject_paths(subjects)
    moves = CaseTransition.objects.filter(name="withdraw", case__case_type="test_case").select_related("case__org")
    for move in moves.order_by("pk"):
        if not _within(move.created_at, start, end):
            continue
        for subject, path in paths.items():
            if move.case.org.path.startswith(path):
                yield Fact(source="testapp.cases_withdrawn", subject=subject, on=timezone.localdate(move.created_at),
                           ref=_case_ref(move.case))


def collect_case_moves(subjects: Sequence[int], start: datetime.date, end: datetime.date) -> Iterator[Fact]:
    from sifa.core.cases.models import CaseTransition

    for move in CaseTransition.objects.filter(case_id__in=subjects).select_related("case").order_by("pk"):
        if _within(move.created_at, start, end):
            yield Fact(source="testapp.case_moves", subject=move.case_id, on=timezone.localdate(move.created_at),
                       ref=FactRef(kind="case_transition", id=str(move.pk), label=f"{move.case.number} {move.label}",
                                   url_name="cases:detail", url_args=(move.case_id,)),
                       attrs={"name": move.name})


SOURCES = (
    ScoreSource("testapp.cases_opened", "测试案件立案", "org", collect_cases_opened, unit="件"),
    ScoreSource("testapp.cases_withdrawn", "测试案件撤回", "org", collect_cases_withdrawn, unit="件"),
    ScoreSource("testapp.case_moves", "测试案件流转", "case", collect_case_moves, unit="次"),
)

"""Fact sources: how a module tells the scoring engine what earns points.

A module registers one ``ScoreSource`` per kind of fact in its ``AppConfig.ready()``::

    registry.score_sources.register("worklog.mediation", ScoreSource(
        key="worklog.mediation", label="调解案件", subject_kind="org", unit="件", collect=collect_mediations))

``collect(subjects, start, end)`` receives the ids of the subjects being scored (org, person or
case ids, as ``subject_kind`` says) and the period (both days inclusive), and yields one ``Fact``
per record that counts, with ``subject`` set to the id it counts for and ``ref`` pointing at the
record so the score page can link to it. A scheme names sources by key in its indicators; the
scheme import refuses keys that are not registered. Pure Python: no Django import here.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sifa.core.scoring.engine import SUBJECT_KINDS, Fact

CollectFn = Callable[[Sequence[int], datetime.date, datetime.date], Iterable[Fact]]


@dataclass(frozen=True)
class ScoreSource:
    """Where facts of one kind come from (``key`` is what schemes put in an indicator's ``source``)."""

    key: str
    label: str
    subject_kind: str  # "org" | "person" | "case"
    collect: CollectFn = field(compare=False)
    unit: str = "件"  # what one fact is, for rule texts: 每件 2 分, 每次扣 5 分
    quantity_unit: str = ""  # what one unit of a fact's quantity is, for per-quantity rule texts: 每人次 0.1 分

    def __post_init__(self) -> None:
        if self.subject_kind not in SUBJECT_KINDS:
            raise ValueError(f"{self.key}: subject_kind must be one of {sorted(SUBJECT_KINDS)}")

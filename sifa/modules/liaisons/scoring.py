"""Fact sources for the scoring engine: a 司法所's assessment can count the work of the liaisons it manages.

Registered in ``apps.py`` as ``liaisons.activity`` (one fact per activity record, ``quantity`` = its
count, ``attrs["kind"]`` = the activity kind, for ``unit_filter``) and ``liaisons.training`` (one fact
per training attended), both with ``subject_kind="org"``: the subject is the managing 司法所.
The liaisons' own yearly points are computed in ``selectors.py`` (docs/modules/liaisons.md).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from decimal import Decimal

from sifa.core.scoring.engine import Fact, FactRef
from sifa.modules.liaisons.models import LiaisonActivity, LiaisonTraining


def collect_activities(subjects: Sequence[int], start: datetime.date, end: datetime.date) -> Iterator[Fact]:
    rows = (LiaisonActivity.objects.filter(liaison__org_id__in=subjects, done_on__range=(start, end))
            .select_related("liaison__person", "liaison").order_by("done_on", "pk"))
    for a in rows:
        yield Fact(source="liaisons.activity", subject=a.liaison.org_id, on=a.done_on, quantity=Decimal(a.count),
                   ref=FactRef("liaison_activity", str(a.pk), f"{a.liaison.person.name} {a.get_kind_display()}",
                               "liaisons:detail", (a.liaison_id,)),
                   attrs={"kind": a.kind})


def collect_trainings(subjects: Sequence[int], start: datetime.date, end: datetime.date) -> Iterator[Fact]:
    rows = (LiaisonTraining.objects.filter(liaison__org_id__in=subjects, trained_on__range=(start, end))
            .select_related("liaison__person", "liaison").order_by("trained_on", "pk"))
    for t in rows:
        yield Fact(source="liaisons.training", subject=t.liaison.org_id, on=t.trained_on, quantity=t.hours,
                   ref=FactRef("liaison_training", str(t.pk), f"{t.liaison.person.name} {t.title}"[:64],
                               "liaisons:detail", (t.liaison_id,)))

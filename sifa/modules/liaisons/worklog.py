"""法律明白人 trainings in the 司法所 daily work log (自动汇入, through ``registry.work_sources``).

A training session the office holds for its liaisons counts once as 「法律明白人培训」 on its day,
however many liaisons attended: the trainings recorded for one office on one day with the same
title are one session. The work-log module pulls it; neither module imports the other.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterator, Sequence

from django.db.models import Count
from django.urls import reverse

from sifa.core import registry
from sifa.core.registry import WorkFact, WorkSource
from sifa.modules.liaisons.models import LiaisonTraining


def training_sessions(org_ids: Sequence[int], start: datetime.date, end: datetime.date) -> Iterator[WorkFact]:
    """One fact per (office, day, title) of liaison trainings in [start, end]."""
    rows = (LiaisonTraining.objects.filter(liaison__org_id__in=list(org_ids), trained_on__range=(start, end))
            .values("liaison__org_id", "trained_on", "title").annotate(people=Count("pk"))
            .order_by("liaison__org_id", "trained_on", "title"))
    for row in rows:
        org_id, day, title = row["liaison__org_id"], row["trained_on"], row["title"]
        digest = hashlib.sha256(title.encode("utf-8")).hexdigest()[:16]
        yield WorkFact(org_id=org_id, day=day, ref=f"{org_id}:{day:%Y%m%d}:{digest}", count=1,
                       label=f"法律明白人培训：{title}（{row['people']}人参加）"[:255],
                       url=f"{reverse('liaisons:list')}?org={org_id}")


TRAINING_SESSIONS = WorkSource(key="liaisons.training", label="法律明白人培训", catalogue_code="liaison_training",
                               collect=training_sessions)


def register() -> None:
    registry.work_sources.register(TRAINING_SESSIONS.key, TRAINING_SESSIONS)

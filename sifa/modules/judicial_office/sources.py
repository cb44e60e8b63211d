"""Work sources from core (自动汇入): work the platform already recorded, shown on the office's day.

Modules register their own sources (``registry.work_sources``) from their apps; these are the
ones core data can feed today:

- ``alerts.closed``: an alert of a 司法所 worked through the closed loop to 已办结 counts as one
  「预警处置」 on the day it was closed (the office's work, so no staff member is named).

Case documents are not a work-catalogue item of their own, so they are not pulled: the work a
document belongs to (a mediation, a correction visit) is counted by the module that owns it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence

from django.urls import reverse
from django.utils import timezone

from sifa.core import registry
from sifa.core.alerts.choices import AlertState
from sifa.core.alerts.models import Alert
from sifa.core.registry import WorkFact, WorkSource


def _day_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    return (datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
            datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz))


def closed_alerts(org_ids: Sequence[int], start: datetime.date, end: datetime.date) -> Iterator[WorkFact]:
    """One fact per alert of these offices closed (已办结) on a day in [start, end]."""
    since, until = _day_bounds(start, end)
    rows = (Alert.objects.filter(org_id__in=list(org_ids), state=AlertState.CLOSED, closed_at__gte=since,
                                 closed_at__lt=until)
            .order_by("pk").values_list("pk", "org_id", "closed_at", "title"))
    for pk, org_id, closed_at, title in rows.iterator():
        yield WorkFact(org_id=org_id, day=timezone.localdate(closed_at), ref=str(pk), count=1,
                       label=f"预警办结：{title}"[:255], url=reverse("alerts:detail", args=[pk]))


CLOSED_ALERTS = WorkSource(key="alerts.closed", label="预警办结", catalogue_code="warning_handling",
                           collect=closed_alerts)


def register() -> None:
    registry.work_sources.register(CLOSED_ALERTS.key, CLOSED_ALERTS)

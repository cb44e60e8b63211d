"""The case-list filters the 执法监督驾驶舱 links to (``PenaltyFilter`` fields ``org`` … ``flag``).

Each dashboard figure drills through to ``/enforcement/cases/?org=…&…``; this narrows the actor's
already scoped queryset the same way ``dashboard.compute`` counts (an org outside the scope gives an
empty list, never another subtree).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Q, QuerySet
from django.utils import timezone

from sifa.core.errors import ValidationFailed
from sifa.core.orgs.models import Org
from sifa.modules.enforcement.penalty_models import PenaltyCase

if TYPE_CHECKING:
    from sifa.modules.enforcement.penalty_selectors import PenaltyFilter

FLAGS: dict[str, tuple[str, Q]] = {
    "penalty_decided": ("作出处罚决定", ~Q(decision_number="")),
    "concluded": ("普通程序已作出决定", Q(procedure="ordinary", decided_on__isnull=False)),
    "hearing_offered": ("已告知听证权利（AP-24）", Q(hearing_offered=True)),
    "hearing_requested": ("当事人申请听证", Q(hearing_requested_on__isnull=False)),
    "hearing_held": ("已举行听证", Q(hearing_held_on__isnull=False)),
    "review_required": ("应当法制审核（AP-22）", ~Q(review_triggers=[])),
    "reviewed": ("已法制审核（AP-22）", ~Q(review_triggers=[]) & Q(legal_reviewed_on__isnull=False)),
    "review_missing": ("应审未审（AP-22）", ~Q(review_triggers=[]) & Q(legal_reviewed_on__isnull=True)),
}


QS = TypeVar("QS", bound=QuerySet[PenaltyCase])


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def drill_filter(qs: QS, f: PenaltyFilter) -> QS:
    from sifa.modules.enforcement.dashboard import group_states

    if f.org:
        path = Org.objects.filter(pk=f.org).values_list("path", flat=True).first()
        qs = qs.filter(case__org__path__startswith=path) if path else qs.none()
    if f.group:
        qs = qs.filter(case__state__in=group_states(f.group))
    if f.power_item:
        qs = qs.filter(power_item_id=f.power_item)
    if f.opened_from:
        qs = qs.filter(case__opened_at__gte=_day_start(f.opened_from))
    if f.opened_to:
        qs = qs.filter(case__opened_at__lt=_day_start(f.opened_to + datetime.timedelta(days=1)))
    if f.decided_from:
        qs = qs.filter(decided_on__gte=f.decided_from)
    if f.decided_to:
        qs = qs.filter(decided_on__lte=f.decided_to)
    if f.flag:
        for flag in f.flag.split(","):
            if flag not in FLAGS:
                raise ValidationFailed(f"未知的筛选项「{flag}」，可选：" + "、".join(f"{k}（{v[0]}）" for k, v in FLAGS.items()),
                                       field="flag")
            qs = qs.filter(FLAGS[flag][1])
    return qs

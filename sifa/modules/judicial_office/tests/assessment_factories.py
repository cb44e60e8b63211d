"""Test helpers for the 千分制 assessment: fresh offices and counties (the demo's offices already have a
year of logs), rows written straight to the tables, and the shipped scheme.

Every new org is created under a demo org so that the demo accounts see it: offices under 富阳区司法局
(the ``county`` account), a county under 杭州市司法局 (the ``city`` account).
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from sifa.core.accounts.models import User
from sifa.core.alerts.models import Alert, AlertStep
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.scoring.models import Scheme
from sifa.core.testing import membership_of
from sifa.modules.judicial_office.assessment import DEFAULT_SCHEME_CODE
from sifa.modules.judicial_office.choices import OccurrenceStatus, WorkLogStatus
from sifa.modules.judicial_office.models import PlanItem, PlanOccurrence, WorkDailyTotal, WorkLog, WorkPlan

_seq = itertools.count(1)


def fuyang() -> Org:
    return membership_of("county").org


def hangzhou() -> Org:
    return membership_of("city").org


def default_scheme() -> Scheme:
    return Scheme.objects.get(code=DEFAULT_SCHEME_CODE)


def new_org(parent: Org, type_: str, name: str = "") -> Org:
    n = next(_seq)
    org = Org.objects.create(name=name or f"考核测试{n}号{OrgType(type_).label}", type=type_, region=parent.region,
                             parent=parent, depth=parent.depth + 1, path=f"tmp-assessment-{n}",
                             valid_from=datetime.date(2000, 1, 1))
    org.path = parent.path + Org.path_segment(org.pk)
    org.save(update_fields=["path"])
    return org


def new_office(parent: Org | None = None, name: str = "") -> Org:
    return new_org(parent or fuyang(), OrgType.JUDICIAL_OFFICE, name)


def new_county(parent: Org | None = None, name: str = "") -> Org:
    return new_org(parent or hangzhou(), OrgType.JUSTICE_BUREAU, name)


def other_county_office() -> Org:
    """A 司法所 under 西湖区司法局: outside 富阳区 (the county account) but inside 杭州市 (the city account)."""
    xihu = Org.objects.get(region__code="330106", type=OrgType.JUSTICE_BUREAU)
    return new_office(xihu)


def total(org: Org, day: datetime.date, code: str, manual: int, auto: int = 0) -> WorkDailyTotal:
    return WorkDailyTotal.objects.create(org=org, org_path=org.path, day=day, item_code=code, manual=manual,
                                         auto=auto, total=manual + auto)


def author() -> User:
    n = next(_seq)
    return User.objects.create(username=f"jo_assess_{n}_{timezone.now().timestamp():.0f}", display_name=f"考核测试员{n}")


def at(day: datetime.date, hour: int = 18) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def submitted_log(org: Org, day: datetime.date, submitted_on: datetime.date | None = None, *,
                  user: User | None = None, status: str = WorkLogStatus.SUBMITTED) -> WorkLog:
    user = user or author()
    return WorkLog.objects.create(org=org, author=user, author_name=user.display_name, day=day, status=status,
                                  submitted_at=at(submitted_on or day) if status == WorkLogStatus.SUBMITTED else None)


def alert(org: Org, rule_code: str, opened: datetime.date, *, object_type: str = "test", object_id: str = "1",
          level: str = "yellow") -> Alert:
    n = next(_seq)
    return Alert.objects.create(rule_code=rule_code, level=level, org=org, object_type=object_type,
                                object_id=object_id, title=f"考核测试预警{n}", dedup_key=f"assessment-test:{n}",
                                step_due_at=at(opened) + datetime.timedelta(days=1), opened_at=at(opened, 9))


def escalation(target: Alert, day: datetime.date) -> AlertStep:
    return AlertStep.objects.create(alert=target, action="escalate", label="超时升级", actor_name="测试",
                                    created_at=at(day, 10))


def occurrence(org: Org, due: datetime.date, status: str, *, completed: datetime.date | None = None,
               title: str = "") -> PlanOccurrence:
    plan = WorkPlan.objects.create(org=org, title=title or "考核测试规划", year=due.year, created_by_name="测试")
    item = PlanItem.objects.create(plan=plan, title=title or "考核测试事项", target=1, due_date=due)
    return PlanOccurrence.objects.create(item=item, org=org, period_start=due.replace(day=1), due_date=due, target=1,
                                         done=1 if status == OccurrenceStatus.DONE else 0, status=status,
                                         completed_at=at(completed) if completed else None)


def decimal(value: Any) -> Decimal:
    return Decimal(str(value))

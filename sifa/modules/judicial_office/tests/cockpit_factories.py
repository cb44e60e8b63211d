"""Test helpers for the cockpit: a clean slate in the demo world, offices elsewhere, rollup rows, logs, scores."""

from __future__ import annotations

import dataclasses
import datetime
import itertools
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.alerts.models import Alert
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org, Region
from sifa.core.scoring.models import Adjustment, Scheme, SchemeVersion, Score
from sifa.core.testing import actor_for, membership_of
from sifa.modules.judicial_office.choices import WorkLogStatus
from sifa.modules.judicial_office.models import (
    WorkCountyMonthTotal,
    WorkDailyTotal,
    WorkLog,
    WorkLogCorrection,
    WorkLogItem,
    WorkLogMonthTotal,
    WorkMonthTotal,
    WorkOfficeDayTotal,
    WorkOfficeMonthTotal,
)

_seq = itertools.count(1)


def clean_slate() -> None:
    """Remove the demo load's work logs, rollup, alerts and scores (inside the test's transaction), so that
    every figure a test checks is one it wrote itself. Plain DELETEs, leaves first (the ORM's cascade
    collector takes seconds over a year of demo logs)."""
    tables = [WorkLogItem.photos.through, WorkLogItem.cases.through, WorkLogItem, WorkLogCorrection, WorkLog,
              WorkDailyTotal, WorkMonthTotal, WorkOfficeDayTotal, WorkOfficeMonthTotal, WorkCountyMonthTotal,
              WorkLogMonthTotal]
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
    Alert.objects.all().delete()
    Adjustment.objects.all().delete()
    Score.objects.all().delete()


def org(name: str) -> Org:
    return Org.objects.get(name=name)


def province() -> Org:
    return org("浙江省司法厅")


def hangzhou() -> Org:
    return org("杭州市司法局")


def fuyang() -> Org:
    return org("杭州市富阳区司法局")


def office_of(username: str) -> Org:
    return membership_of(username).org


def _child(parent: Org, name: str, type_: str, region: Region) -> Org:
    child = Org.objects.create(name=name, type=type_, region=region, parent=parent, depth=parent.depth + 1,
                               path=f"tmp-cockpit-{next(_seq)}", valid_from=datetime.date(2000, 1, 1))
    child.path = parent.path + Org.path_segment(child.pk)
    child.save(update_fields=["path"])
    return child


def xihu_office() -> Org:
    """A 司法所 under 西湖区 (杭州), outside 富阳区's subtree."""
    xihu = Org.objects.get(region__code="330106", type=OrgType.JUSTICE_BUREAU)
    return _child(xihu, "驾驶舱测试西湖司法所", OrgType.JUDICIAL_OFFICE, xihu.region)


def foreign_office() -> Org:
    """A 司法所 under a bureau outside 浙江 (a tree of its own)."""
    region = Region.objects.get(code="1504")
    root = Org.objects.create(name="驾驶舱测试外省司法局", type=OrgType.JUSTICE_BUREAU, region=region,
                              path=f"tmp-cockpit-{next(_seq)}")
    root.path = Org.path_segment(root.pk)
    root.save(update_fields=["path"])
    return _child(root, "驾驶舱测试外省司法所", OrgType.JUDICIAL_OFFICE, region)


def total(office: Org, day: datetime.date, code: str, manual: int = 0, auto: int = 0) -> WorkDailyTotal:
    """A rollup row, as the work-log services write it for a submitted day (with the office's month, office-day,
    office-month and county month rows rewritten from it, as ``services.rewrite_totals`` does)."""
    from sifa.modules.judicial_office.services import rebuild_month_totals

    row = WorkDailyTotal.objects.create(org=office, org_path=office.path, day=day, item_code=code, manual=manual,
                                        auto=auto, total=manual + auto)
    rebuild_month_totals([office.pk])
    return row


def at(day: datetime.date, hour: int = 18) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def log(office: Org, day: datetime.date, *, submitted: datetime.datetime | None = None, username: str = "office1",
        status: str = WorkLogStatus.SUBMITTED) -> WorkLog:
    """A work log of ``day`` (by default submitted that evening), with the office's month row of the log figures
    rewritten (``WorkLogMonthTotal``), as the work-log services do."""
    from sifa.modules.judicial_office.log_totals import write_log_month_totals

    user = membership_of(username).user
    when = submitted or at(day)
    row = WorkLog.objects.create(org=office, author=user, author_name=user.display_name, day=day, status=status,
                                 submitted_at=when if status == WorkLogStatus.SUBMITTED else None,
                                 created_at=when, updated_at=when)
    write_log_month_totals(day, [office.pk])
    return row


def writer(username: str) -> Actor:
    """``username``'s actor allowed to write work logs (whatever the role table says today)."""
    actor = actor_for(username)
    return dataclasses.replace(actor, permissions=actor.permissions | {"judicial_office.worklog.write"})


def score(office: Org, points: str, *, start: datetime.date, end: datetime.date, scheme: Scheme | None = None) -> Score:
    """A current org score of ``office`` for the month ``start``..``end``."""
    if scheme is None:
        scheme = Scheme.objects.create(code=f"cockpit.{next(_seq)}", name="驾驶舱测试考核", subject_kind="org",
                                       subject_type=OrgType.JUDICIAL_OFFICE, owner=province())
        SchemeVersion.objects.create(scheme=scheme, number=1, valid_from=datetime.date(2020, 1, 1), total=Decimal(1000),
                                     indicators=[], imported_by="测试")
    version = scheme.versions.get()
    return Score.objects.create(scheme=scheme, version=version, subject_kind="org", subject_id=office.pk,
                                subject_label=office.name, org=office, period_kind="month", period_start=start,
                                period_end=end, period_label=f"{start.year}年{start.month}月", total=Decimal(points),
                                computed_by="测试")


def alert(office: Org, rule: str, *, level: str = "yellow", state: str = "pending_sign") -> Alert:
    n = next(_seq)
    return Alert.objects.create(rule_code=rule, level=level, org=office, object_type="test", object_id=str(n),
                                title=f"驾驶舱测试预警{n}", dedup_key=f"cockpit-test:{n}", state=state,
                                step_due_at=timezone.now() + datetime.timedelta(days=1))

"""Anti-gaming checks on work logs (防虚报核查), raised on the core alert loop for the county bureau.

Three rules, opened by the services that save a log (an event, not a scan), inside the saving
service's transaction:

- ``worklog.photo_reused`` (同一照片重复使用): a photo whose content hash (SHA-256) is attached to
  work of another day or another catalogue item in any log of the same county. The first use (earliest
  day, then catalogue order) is the original; every other log using the photo opens one alert.
- ``worklog.count_implausible`` (数量明显超出合理上限): a count above the item's ``daily_ceiling``.
- ``worklog.bulk_backfill`` (集中补填): one author submitted logs for more than
  ``SIFA_WORKLOG_BACKFILL_DAYS`` (default 5) past days within ``SIFA_WORKLOG_BACKFILL_WINDOW_MINUTES``
  (default 60) minutes.

Every alert targets the county bureau above the office (the nearest 司法局 up the tree). A finding
never opens twice: its dedup key names the log (or the author and day), and an alert of any state
with that key stops a new one (the core only forbids two *open* alerts).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.utils import timezone

from sifa.core import registry
from sifa.core.alerts.choices import AlertLevel
from sifa.core.alerts.models import Alert
from sifa.core.alerts.rules import AlertCondition, AlertRule
from sifa.core.alerts.services import open_alert_in_transaction
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.modules.judicial_office.choices import WorkLogStatus
from sifa.modules.judicial_office.models import WorkLog, WorkLogItem

BASIS = "工作日志防虚报核查规则（本系统配置，可调整）"

PHOTO_REUSED = AlertRule(
    code="worklog.photo_reused", label="工作日志照片重复使用", level=AlertLevel.ORANGE,
    description="同一张照片（按内容哈希）出现在本县（区）不同日期或不同工作事项的工作日志中",
    legal_basis=BASIS)
COUNT_IMPLAUSIBLE = AlertRule(
    code="worklog.count_implausible", label="工作日志数量超出合理上限", level=AlertLevel.YELLOW,
    description="一份工作日志中某工作事项的数量超过该事项的单日合理上限",
    legal_basis=BASIS)
BULK_BACKFILL = AlertRule(
    code="worklog.bulk_backfill", label="工作日志集中补填", level=AlertLevel.YELLOW,
    description="同一人在短时间内集中提交多日以前的工作日志（默认 60 分钟内超过 5 天）",
    legal_basis=BASIS)
RULES = (PHOTO_REUSED, COUNT_IMPLAUSIBLE, BULK_BACKFILL)


def backfill_days() -> int:
    """``SIFA_WORKLOG_BACKFILL_DAYS``: more past days than this submitted within the window is a bulk back-fill."""
    return max(1, int(getattr(settings, "SIFA_WORKLOG_BACKFILL_DAYS", 5)))


def backfill_window() -> datetime.timedelta:
    return datetime.timedelta(minutes=max(1, int(getattr(settings, "SIFA_WORKLOG_BACKFILL_WINDOW_MINUTES", 60))))


def register() -> None:
    for rule in RULES:
        registry.alert_rules.register(rule.code, rule)


def county_of(office: Org) -> Org:
    """The nearest 司法局 above ``office`` (the county bureau); the office itself when there is none."""
    for org in reversed(list(office.ancestors())):
        if org.pk != office.pk and org.type == OrgType.JUSTICE_BUREAU:
            return org
    return office


def _open(rule: AlertRule, condition: AlertCondition, actor_name: str) -> Alert | None:
    if Alert.objects.filter(dedup_key=f"{rule.code}:{condition.dedup_suffix}").exists():
        return None  # the same finding was raised before (open or closed): never twice
    return open_alert_in_transaction(rule=rule, condition=condition, actor_name=actor_name)


def check_log(log: WorkLog, *, actor_name: str) -> list[Alert]:
    """Run the three checks for a submitted log just saved; open an alert for each new finding."""
    if log.status != WorkLogStatus.SUBMITTED:
        return []
    office = log.org
    county = county_of(office)
    opened = [a for a in (_implausible(log, county, actor_name) + _photos(log, county, actor_name)
                          + _backfill(log, county, actor_name)) if a is not None]
    return opened


def _where(log: WorkLog) -> str:
    return f"{log.org.name} {log.author_name} {log.day:%Y-%m-%d}"


def _implausible(log: WorkLog, county: Org, actor_name: str) -> list[Alert | None]:
    out = []
    for item in log.items.select_related("catalogue_item"):
        ceiling = item.catalogue_item.daily_ceiling
        if item.count <= ceiling:
            continue
        out.append(_open(COUNT_IMPLAUSIBLE, AlertCondition(
            object_type="judicial_office.worklog", object_id=f"{log.pk}:{item.catalogue_item.code}"[:64],
            org_id=county.pk,
            title=f"{_where(log)}「{item.catalogue_item.name}」填报 {item.count}{item.catalogue_item.unit}，"
                  f"超过单日合理上限 {ceiling}",
            detail=f"工作日志 #{log.pk}；请核实该事项的实际工作量。"), actor_name))
    return out


def _photos(log: WorkLog, county: Org, actor_name: str) -> list[Alert | None]:
    through = WorkLogItem.photos.through
    mine = set(through.objects.filter(worklogitem__log=log).values_list("attachment__sha256", flat=True))
    if not mine:
        return []
    # every use of these photos in the county: (sha256, day, catalogue order, code, log id, office, author)
    uses = (through.objects
            .filter(attachment__sha256__in=mine, worklogitem__log__org__path__startswith=county.path,
                    worklogitem__log__status=WorkLogStatus.SUBMITTED)
            .values_list("attachment__sha256", "worklogitem__log__day", "worklogitem__catalogue_item__order",
                         "worklogitem__catalogue_item__code", "worklogitem__catalogue_item__name",
                         "worklogitem__log_id", "worklogitem__log__org__name", "worklogitem__log__author_name"))
    by_hash: dict[str, list[tuple]] = defaultdict(list)
    for use in uses:
        by_hash[use[0]].append(use)
    out = []
    for sha, rows in sorted(by_hash.items()):
        places = {(r[1], r[3]) for r in rows}  # (day, item): the same work by two staff is one place
        if len(places) < 2:
            continue
        original = min(rows, key=lambda r: (r[1], r[2], r[3], r[5]))
        if all((r[1], r[3]) == (original[1], original[3]) for r in rows if r[5] == log.pk):
            continue  # this log only holds the original use
        others = sorted({f"{r[6]} {r[7]} {r[1]:%Y-%m-%d}「{r[4]}」" for r in rows if r[5] != log.pk})
        mine_here = sorted({f"「{r[4]}」" for r in rows if r[5] == log.pk})
        out.append(_open(PHOTO_REUSED, AlertCondition(
            object_type="judicial_office.worklog", object_id=f"{log.pk}:{sha[:40]}", org_id=county.pk,
            title=f"{_where(log)}{''.join(mine_here)}使用的照片与其他日志重复",
            detail=f"照片 SHA-256 {sha}；首次使用：{original[6]} {original[7]} {original[1]:%Y-%m-%d}「{original[4]}」；"
                   f"其他使用：{'、'.join(others) or '同一日志的其他事项'}。"), actor_name))
    return out


def _backfill(log: WorkLog, county: Org, actor_name: str) -> list[Alert | None]:
    if log.submitted_at is None:
        return []
    now = timezone.now()
    today = timezone.localdate()
    recent = list(WorkLog.objects.filter(author_id=log.author_id, status=WorkLogStatus.SUBMITTED,
                                         submitted_at__gte=now - backfill_window(), day__lt=today)
                  .order_by("day").values_list("day", flat=True).distinct())
    if len(recent) <= backfill_days():
        return []
    days = "、".join(f"{d:%m-%d}" for d in recent[:20]) + ("……" if len(recent) > 20 else "")
    minutes = int(backfill_window().total_seconds() // 60)
    return [_open(BULK_BACKFILL, AlertCondition(
        object_type="accounts.user", object_id=f"{log.author_id}:{today:%Y%m%d}", org_id=county.pk,
        title=f"{log.org.name} {log.author_name} 在 {minutes} 分钟内集中补填了 {len(recent)} 天的工作日志",
        detail=f"补填日期：{days}。请核实是否按日如实记录。"), actor_name)]

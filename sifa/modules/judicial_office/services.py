"""Work-log writes (工作日志): save a day, corrections after the lock, auto items, photos, catalogue, export.

Every public service is one durable transaction with one audit event (CONVENTIONS §4.3). The
services that change what a day counts (saving a submitted log, approving a correction, pulling
auto items) rewrite that office's ``WorkDailyTotal`` rows for the day in the same transaction, so
the rollup the cockpit reads is always exact. Anti-gaming checks (``alerts.py``) run in the same
transaction as the save that triggers them.

The edit lock: a submitted log may be edited by its author until ``SIFA_WORKLOG_LOCK_WORKING_DAYS``
(default 3) working days after its day, counted on the core holiday calendar (the day itself not
counted, as for statutory periods); from the next day on a change needs a correction request with a
reason and a supervisor's approval.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from sifa.core import registry
from sifa.core.accounts.actor import Actor
from sifa.core.attachments.filetypes import GIF, HEIC, JPEG, PNG, WEBP
from sifa.core.attachments.models import Attachment, AttachmentKind
from sifa.core.attachments.store import store_attachment
from sifa.core.audit.recorder import record
from sifa.core.cases.models import Case
from sifa.core.deadlines.selectors import working_calendar
from sifa.core.errors import Conflict, DuplicateError, NotFound, ValidationFailed
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.services import service
from sifa.modules.judicial_office import alerts as gaming
from sifa.modules.judicial_office.catalogue import catalogue_for
from sifa.modules.judicial_office.choices import CorrectionStatus, WorkLogStatus
from sifa.modules.judicial_office.log_totals import rebuild_log_month_totals, write_log_month_totals
from sifa.modules.judicial_office.models import (
    AutoWorkItem,
    WorkCatalogueItem,
    WorkCountyMonthTotal,
    WorkDailyTotal,
    WorkLog,
    WorkLogCorrection,
    WorkLogItem,
    WorkMonthTotal,
    WorkOfficeDayTotal,
    WorkOfficeMonthTotal,
)

PHOTO_TYPES = (JPEG, PNG, GIF, WEBP, HEIC)
TEXT_MAX = 5000
NOTE_MAX = 500
REASON_MAX = 2000
MAX_PHOTOS_PER_ITEM = 9
MAX_CASES_PER_ITEM = 20


# --- the lock ------------------------------------------------------------------------------------


def lock_working_days() -> int:
    """``SIFA_WORKLOG_LOCK_WORKING_DAYS`` (default 3): working days after the day during which a log stays editable."""
    return max(0, int(getattr(settings, "SIFA_WORKLOG_LOCK_WORKING_DAYS", 3)))


def lock_date(day: datetime.date) -> datetime.date:
    """The last day on which the log of ``day`` can still be edited directly (raises ``CalendarMissing``
    when the holiday calendar of a year it needs is not loaded)."""
    n = lock_working_days()
    return day if n == 0 else working_calendar().add_working_days(day, n)


def is_locked(day: datetime.date, today: datetime.date | None = None) -> bool:
    return (today or timezone.localdate()) > lock_date(day)


def auto_pull_days() -> int:
    """``SIFA_WORKLOG_AUTO_PULL_DAYS`` (default 14): how many recent days (today included) each pull looks at."""
    return max(1, int(getattr(settings, "SIFA_WORKLOG_AUTO_PULL_DAYS", 14)))


# --- validating log content ----------------------------------------------------------------------


@dataclass
class CleanItem:
    catalogue_item: WorkCatalogueItem
    count: int
    note: str
    photos: list[Attachment]
    cases: list[Case]
    uploads: list[File] = field(default_factory=list)
    index: int = 0  # position in the input, for error messages


@dataclass
class CleanContent:
    text: str
    items: list[CleanItem]

    def snapshot(self) -> dict[str, Any]:
        return {"text": self.text, "items": {i.catalogue_item.code: i.count for i in self.items}}


def _ids(value: Any) -> list[int] | None:
    """A list of ids from a list of ints/strings or a comma-separated string; None when malformed."""
    if value in (None, ""):
        return []
    raw = value.split(",") if isinstance(value, str) else value
    out: list[int] = []
    try:
        for v in raw:
            text = str(v).strip()
            if text:
                out.append(int(text))
    except (TypeError, ValueError):
        return None
    return list(dict.fromkeys(out))


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return n


def clean_content(actor: Actor, office: Org, items: Sequence[Mapping[str, Any]], text: str, *,
                  allow_uploads: bool = True) -> CleanContent:
    """Check a day's content against the office's catalogue and the actor's scope; report every bad row.

    Each item is ``{code, count, note?, photos?: [attachment ids], cases?: [case ids], uploads?: [files]}``.
    Raises ``ValidationFailed`` whose ``errors`` name each bad field as ``items[i].<field>``.
    """
    catalogue = {c.code: c for c in catalogue_for(office, active_only=False)}
    errors: list[dict[str, str]] = []
    text = (text or "").strip()
    if len(text) > TEXT_MAX:
        errors.append({"field": "text", "message": f"工作记事不能超过 {TEXT_MAX} 字"})
    wanted_photos: set[int] = set()
    wanted_cases: set[int] = set()
    parsed: list[tuple[int, str, WorkCatalogueItem | None, Mapping[str, Any], list[int], list[int]]] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(items):
        code = str(raw.get("code", "") or "").strip()
        item = catalogue.get(code)
        row = f"第 {i + 1} 项（{item.name if item else code or '未填编码'}）"
        if not code:
            errors.append({"field": f"items[{i}].code", "message": f"{row}工作事项：请选择工作事项"})
        elif item is None:
            errors.append({"field": f"items[{i}].code", "message": f"{row}工作事项：编码 {code} 不在本所的工作事项目录中"})
        elif not item.active:
            errors.append({"field": f"items[{i}].code", "message": f"{row}工作事项：「{item.name}」已停用"})
        elif code in seen:
            errors.append({"field": f"items[{i}].code",
                           "message": f"{row}工作事项：与第 {seen[code] + 1} 项重复，同一事项请合并填写数量"})
        else:
            seen[code] = i
        count = _count(raw.get("count"))
        if count is None or count < 1:
            errors.append({"field": f"items[{i}].count", "message": f"{row}数量：须为不小于 1 的整数"})
        note = str(raw.get("note", "") or "").strip()
        if len(note) > NOTE_MAX:
            errors.append({"field": f"items[{i}].note", "message": f"{row}备注：不能超过 {NOTE_MAX} 字"})
        photos = _ids(raw.get("photos"))
        if photos is None:
            errors.append({"field": f"items[{i}].photos", "message": f"{row}照片：应为附件 ID 列表"})
            photos = []
        uploads = list(raw.get("uploads") or [])
        if uploads and not allow_uploads:
            errors.append({"field": f"items[{i}].photos", "message": f"{row}照片：此处不能上传新照片"})
        if len(photos) + len(uploads) > MAX_PHOTOS_PER_ITEM:
            errors.append({"field": f"items[{i}].photos", "message": f"{row}照片：每项最多 {MAX_PHOTOS_PER_ITEM} 张"})
        cases = _ids(raw.get("cases"))
        if cases is None:
            errors.append({"field": f"items[{i}].cases", "message": f"{row}关联案件：应为案件 ID 列表"})
            cases = []
        if len(cases) > MAX_CASES_PER_ITEM:
            errors.append({"field": f"items[{i}].cases", "message": f"{row}关联案件：每项最多 {MAX_CASES_PER_ITEM} 件"})
        wanted_photos.update(photos)
        wanted_cases.update(cases)
        parsed.append((i, row, item, raw, photos, cases))
    photo_rows = {a.pk: a for a in Attachment.objects.visible_to(actor).filter(pk__in=wanted_photos)}
    case_rows = {c.pk: c for c in Case.objects.visible_to(actor).filter(pk__in=wanted_cases)}
    clean: list[CleanItem] = []
    for i, row, item, raw, photos, cases in parsed:
        for pk in photos:
            photo = photo_rows.get(pk)
            if photo is None:
                errors.append({"field": f"items[{i}].photos", "message": f"{row}照片：附件 {pk} 不存在或无权访问"})
            elif not photo.content_type.startswith("image/"):
                errors.append({"field": f"items[{i}].photos", "message": f"{row}照片：附件「{photo.name}」不是图片"})
        for pk in cases:
            if pk not in case_rows:
                errors.append({"field": f"items[{i}].cases", "message": f"{row}关联案件：案件 {pk} 不存在或无权访问"})
        if item is not None:
            clean.append(CleanItem(catalogue_item=item, count=_count(raw.get("count")) or 0,
                                   note=str(raw.get("note", "") or "").strip(),
                                   photos=[photo_rows[p] for p in photos if p in photo_rows],
                                   cases=[case_rows[c] for c in cases if c in case_rows],
                                   uploads=list(raw.get("uploads") or []), index=i))
    if errors:
        summary = "；".join(e["message"] for e in errors[:5]) + ("……" if len(errors) > 5 else "")
        raise ValidationFailed(f"工作日志有 {len(errors)} 处错误：{summary}", errors=errors)
    return CleanContent(text=text, items=sorted(clean, key=lambda c: (c.catalogue_item.order, c.catalogue_item.code)))


def _write_items(actor: Actor, log: WorkLog, content: CleanContent) -> None:
    """Replace the log's items (and their photos and cases) with ``content``; store uploaded photos."""
    log.items.all().delete()
    for clean in content.items:
        n = clean.index
        stored = []
        for upload in clean.uploads:
            try:
                stored.append(store_attachment(
                    actor=actor, org=log.org, name=getattr(upload, "name", "") or "照片", content=upload,
                    kind=AttachmentKind.PHOTO, allowed_types=PHOTO_TYPES,
                    metadata={"work_log_day": log.day.isoformat(), "work_item": clean.catalogue_item.code},
                    entry_type="attachment.added"))
            except ValidationFailed as exc:
                message = f"第 {n + 1} 项（{clean.catalogue_item.name}）照片：{exc.message}"
                raise ValidationFailed(message, field=f"items[{n}].photos") from exc
        item = WorkLogItem.objects.create(log=log, catalogue_item=clean.catalogue_item, count=clean.count,
                                          note=clean.note)
        if clean.photos or stored:
            item.photos.set([*clean.photos, *stored])
        if clean.cases:
            item.cases.set(clean.cases)


def log_snapshot(log: WorkLog) -> dict[str, Any]:
    """What a log says (text and counts per item code), for audit rows and corrections."""
    return {"text": log.text,
            "items": {i.catalogue_item.code: i.count for i in log.items.select_related("catalogue_item")}}


# --- the daily rollup ----------------------------------------------------------------------------


def rewrite_totals(keys: Iterable[tuple[int, datetime.date]]) -> int:
    """Recompute ``WorkDailyTotal`` for each (office id, day) from submitted log items and auto items.

    Private helper (no transaction of its own): the calling service holds the transaction. Returns
    the number of rows written.
    """
    by_day: dict[datetime.date, set[int]] = defaultdict(set)
    for org_id, day in keys:
        by_day[day].add(org_id)
    written = 0
    for day, org_ids in sorted(by_day.items()):
        counts: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
        manual = (WorkLogItem.objects.filter(log__org_id__in=org_ids, log__day=day, log__status=WorkLogStatus.SUBMITTED)
                  .order_by().values_list("log__org_id", "catalogue_item__code").annotate(n=Sum("count")))
        for org_id, code, n in manual:
            counts[(org_id, code)][0] += n or 0
        auto = (AutoWorkItem.objects.filter(org_id__in=org_ids, day=day)
                .order_by().values_list("org_id", "catalogue_item__code").annotate(n=Sum("count")))
        for org_id, code, n in auto:
            counts[(org_id, code)][1] += n or 0
        paths = dict(Org.objects.filter(pk__in=org_ids).values_list("pk", "path"))
        WorkDailyTotal.objects.filter(org_id__in=org_ids, day=day).delete()
        rows = [WorkDailyTotal(org_id=org_id, org_path=paths[org_id], day=day, item_code=code, manual=m, auto=a,
                               total=m + a) for (org_id, code), (m, a) in sorted(counts.items()) if m + a > 0]
        WorkDailyTotal.objects.bulk_create(rows, batch_size=1000)
        written += len(rows)
        office_day: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for (org_id, _code), (m, a) in counts.items():
            office_day[org_id][0] += m
            office_day[org_id][1] += a
        WorkOfficeDayTotal.objects.filter(org_id__in=org_ids, day=day).delete()
        WorkOfficeDayTotal.objects.bulk_create(
            [WorkOfficeDayTotal(org_id=org_id, org_path=paths[org_id], day=day, manual=m, auto=a, total=m + a)
             for org_id, (m, a) in sorted(office_day.items()) if m + a > 0], batch_size=1000)
    rewrite_month_totals((org_id, day) for day, org_ids in by_day.items() for org_id in org_ids)
    return written


def _month_end(month: datetime.date) -> datetime.date:
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def rewrite_month_totals(keys: Iterable[tuple[int, datetime.date]]) -> int:
    """Recompute ``WorkMonthTotal`` and ``WorkOfficeMonthTotal`` for each (office id, any day of the month) from
    that month's ``WorkDailyTotal``, and add the change to the county's ``WorkCountyMonthTotal`` rows; and the
    office's ``WorkLogMonthTotal`` row of the month (上报天数, 迟报日志数) from its submitted logs.

    Called by ``rewrite_totals`` in the caller's transaction, so the month rows change with the daily rows
    they sum (the cockpit reads whole months from them). Returns the number of office month rows written.
    """
    by_month: dict[datetime.date, set[int]] = defaultdict(set)
    for org_id, day in keys:
        by_month[day.replace(day=1)].add(org_id)
    written = 0
    cal = working_calendar() if by_month else None
    for month, org_ids in sorted(by_month.items()):
        sums = (WorkDailyTotal.objects.filter(org_id__in=org_ids, day__gte=month, day__lte=_month_end(month))
                .order_by().values_list("org_id", "item_code")
                .annotate(m=Sum("manual"), a=Sum("auto"), t=Sum("total")))
        offices = {pk: (path, parent_id) for pk, path, parent_id
                   in Org.objects.filter(pk__in=org_ids).values_list("pk", "path", "parent_id")}
        # the county rows change by (new − old) of the offices' month rows
        delta: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
        old = WorkMonthTotal.objects.filter(org_id__in=org_ids, month=month)
        for org_id, code, m, a, t in old.values_list("org_id", "item_code", "manual", "auto", "total"):
            parent_id = offices[org_id][1]
            if parent_id is not None:
                d = delta[(parent_id, code)]
                d[0], d[1], d[2] = d[0] - m, d[1] - a, d[2] - t
        old.delete()
        rows = [WorkMonthTotal(org_id=org_id, org_path=offices[org_id][0], month=month, item_code=code, manual=m or 0,
                               auto=a or 0, total=t or 0) for org_id, code, m, a, t in sorted(sums) if t]
        WorkMonthTotal.objects.bulk_create(rows, batch_size=1000)
        written += len(rows)
        per_office: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for row in rows:
            per_office[row.org_id][0] += row.manual
            per_office[row.org_id][1] += row.auto
            parent_id = offices[row.org_id][1]
            if parent_id is not None:
                d = delta[(parent_id, row.item_code)]
                d[0], d[1], d[2] = d[0] + row.manual, d[1] + row.auto, d[2] + row.total
        WorkOfficeMonthTotal.objects.filter(org_id__in=org_ids, month=month).delete()
        WorkOfficeMonthTotal.objects.bulk_create(
            [WorkOfficeMonthTotal(org_id=org_id, org_path=offices[org_id][0], month=month, manual=m, auto=a,
                                  total=m + a) for org_id, (m, a) in sorted(per_office.items()) if m + a > 0])
        _add_to_county_totals(month, {k: v for k, v in delta.items() if any(v)})
        write_log_month_totals(month, org_ids, cal)
    return written


def _add_to_county_totals(month: datetime.date, delta: Mapping[tuple[int, str], list[int]]) -> None:
    """Add ``delta`` ((county id, item) → [manual, auto, total]) to the county's month rows: one
    ``INSERT … ON CONFLICT DO UPDATE`` (PostgreSQL and SQLite alike), in (county, item) order so that two
    transactions touching the same rows lock them in the same order (no deadlock; the second waits for the
    first to commit, then adds to the committed sums). Rows that fall to 0 are deleted, as the rebuild leaves
    none."""
    if not delta:
        return
    table = connection.ops.quote_name(WorkCountyMonthTotal._meta.db_table)
    county_ids = sorted({county for county, _ in delta})
    paths = dict(Org.objects.filter(pk__in=county_ids).values_list("pk", "path"))
    date = "%s::date" if connection.vendor == "postgresql" else "%s"
    values = ", ".join([f"(%s, %s, {date}, %s, %s, %s, %s)"] * len(delta))
    params: list[Any] = []
    for (county, code), (m, a, t) in sorted(delta.items()):
        params += [county, paths[county], month, code, m, a, t]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (org_id, org_path, month, item_code, manual, auto, total) "  # noqa: S608 (our names)
            f"VALUES {values} ON CONFLICT (org_id, month, item_code) DO UPDATE SET "
            f"manual = {table}.manual + excluded.manual, auto = {table}.auto + excluded.auto, "
            f"total = {table}.total + excluded.total", params)
        cursor.execute(
            f"DELETE FROM {table} WHERE month = {date} AND total = 0 "  # noqa: S608 (our names)
            f"AND org_id IN ({', '.join(['%s'] * len(county_ids))})", [month, *county_ids])


def rebuild_month_totals(org_ids: Iterable[int] | None = None) -> tuple[int, int, int, int]:
    """Rebuild ``WorkMonthTotal``, ``WorkOfficeDayTotal``, ``WorkOfficeMonthTotal`` and ``WorkCountyMonthTotal``
    from ``WorkDailyTotal`` (all offices, or ``org_ids`` — and then the whole county rows of their parents)
    after a bulk load that wrote daily rows directly (the demo generator, a benchmark, an import): one
    INSERT … SELECT each; and ``WorkLogMonthTotal`` from the submitted logs (one INSERT … SELECT per month,
    ``log_totals.rebuild_log_month_totals``); the caller holds the transaction. Returns the numbers of office month, office-day,
    office-month and county month rows written."""
    month_t, day_t, daily_t, office_month_t, county_t, org_t = (
        connection.ops.quote_name(m._meta.db_table)
        for m in (WorkMonthTotal, WorkOfficeDayTotal, WorkDailyTotal, WorkOfficeMonthTotal, WorkCountyMonthTotal, Org))
    month = "date_trunc('month', d.day)::date" if connection.vendor == "postgresql" else "date(d.day, 'start of month')"
    ids = sorted(set(org_ids)) if org_ids is not None else None
    if ids == []:
        return 0, 0, 0, 0
    counties = (None if ids is None else
                sorted(set(Org.objects.filter(pk__in=ids, parent__isnull=False).values_list("parent_id", flat=True))))
    rebuild_log_month_totals(ids)  # 上报天数 and 迟报日志数 from the logs (their rows are not counted below)
    for model in (WorkMonthTotal, WorkOfficeDayTotal, WorkOfficeMonthTotal):
        (model.objects.all() if ids is None else model.objects.filter(org_id__in=ids)).delete()
    (WorkCountyMonthTotal.objects.all() if counties is None
     else WorkCountyMonthTotal.objects.filter(org_id__in=counties)).delete()

    def among(column: str, values: list[int] | None) -> tuple[str, list[int]]:
        if values is None:
            return "", []
        return (f"AND {column} IN ({', '.join(['%s'] * len(values))})", values) if values else ("AND 1 = 0", [])

    where, params = among("d.org_id", ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {month_t} (org_id, org_path, month, item_code, manual, auto, total) "  # noqa: S608 (our names)
            f"SELECT d.org_id, o.path, {month}, d.item_code, SUM(d.manual), SUM(d.auto), SUM(d.total) "
            f"FROM {daily_t} d JOIN {org_t} o ON o.id = d.org_id WHERE 1 = 1 {where} "
            f"GROUP BY d.org_id, o.path, {month}, d.item_code HAVING SUM(d.total) > 0", params)
        months = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {day_t} (org_id, org_path, day, manual, auto, total) "  # noqa: S608 (our names)
            f"SELECT d.org_id, o.path, d.day, SUM(d.manual), SUM(d.auto), SUM(d.total) "
            f"FROM {daily_t} d JOIN {org_t} o ON o.id = d.org_id WHERE 1 = 1 {where} "
            f"GROUP BY d.org_id, o.path, d.day HAVING SUM(d.total) > 0", params)
        office_days = cursor.rowcount
        where, params = among("m.org_id", ids)
        cursor.execute(
            f"INSERT INTO {office_month_t} (org_id, org_path, month, manual, auto, total) "  # noqa: S608 (our names)
            f"SELECT m.org_id, m.org_path, m.month, SUM(m.manual), SUM(m.auto), SUM(m.total) "
            f"FROM {month_t} m WHERE 1 = 1 {where} GROUP BY m.org_id, m.org_path, m.month", params)
        office_months = cursor.rowcount
        where, params = among("o.parent_id", counties)
        cursor.execute(
            f"INSERT INTO {county_t} (org_id, org_path, month, item_code, manual, auto, total) "  # noqa: S608
            f"SELECT o.parent_id, p.path, m.month, m.item_code, SUM(m.manual), SUM(m.auto), SUM(m.total) "
            f"FROM {month_t} m JOIN {org_t} o ON o.id = m.org_id JOIN {org_t} p ON p.id = o.parent_id "
            f"WHERE 1 = 1 {where} GROUP BY o.parent_id, p.path, m.month, m.item_code HAVING SUM(m.total) > 0", params)
        return months, office_days, office_months, cursor.rowcount


# --- saving a day --------------------------------------------------------------------------------


def office_of(actor: Actor) -> Org:
    """The 司法所 the actor logs for (its acting membership's org)."""
    org = actor.org
    if org is None or actor.user is None:
        raise Conflict("只有司法所工作人员本人可以填报工作日志", field="org")
    if org.type != OrgType.JUDICIAL_OFFICE:
        raise Conflict(f"当前身份的机构「{org.name}」不是司法所，不能填报工作日志；请在页头切换到司法所的任职", field="org")
    return org


def parse_day(value: datetime.date | str, *, field_name: str = "day") -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValidationFailed("工作日期格式应为 YYYY-MM-DD", field=field_name) from exc


@service("judicial_office.worklog.saved")
def save_work_log(*, actor: Actor, day: datetime.date | str, items: Sequence[Mapping[str, Any]], text: str = "",
                  submit: bool = False) -> WorkLog:
    """Create or update the actor's own work log of ``day`` at the actor's 司法所 (draft, or submitted).

    Refuses a future day, a count below 1, a code that is unknown to the office's catalogue or
    inactive, photos and cases outside the actor's scope, an empty submission, and a change to a
    submitted log after its lock (then: ``request_correction``). Uploaded photos (``uploads``) are
    stored as attachments of the office and hashed into the evidence ledger. A submitted log's
    change rewrites the office's daily totals and runs the anti-gaming checks.
    """
    actor.require("judicial_office.worklog.write")
    office = office_of(actor)
    user = actor.user
    if user is None:  # office_of() refuses it already; this keeps the type narrow
        raise Conflict("只有司法所工作人员本人可以填报工作日志", field="org")
    day = parse_day(day)
    today = timezone.localdate()
    if day > today:
        raise ValidationFailed(f"不能填报未来日期（{day:%Y-%m-%d}）的工作日志", field="day")
    log = WorkLog.objects.select_for_update().filter(org=office, author=user, day=day).first()
    was_submitted = log is not None and log.status == WorkLogStatus.SUBMITTED
    if log is not None and was_submitted and today > lock_date(day):
        raise Conflict(f"{day:%Y-%m-%d} 的工作日志已于 {lock_date(day):%Y-%m-%d} 锁定，不能直接修改；如需更正，请提交更正申请",
                       field="day")
    content = clean_content(actor, office, items, text)
    if (submit or was_submitted) and not content.items and not content.text:
        raise ValidationFailed("请至少填写一项工作事项或工作记事", field="items")
    before = log_snapshot(log) if log is not None else None
    now = timezone.now()
    if log is None:
        try:
            with transaction.atomic():
                log = WorkLog.objects.create(org=office, author=user, author_name=actor.name[:64], day=day,
                                             text=content.text, created_at=now, updated_at=now)
        except IntegrityError as exc:
            raise Conflict("同一天的工作日志正在另一处保存，请刷新后重试", field="day") from exc
    else:
        log.text = content.text
        log.updated_at = now
        fields = ["text", "updated_at"]
        if was_submitted:
            log.revision += 1
            fields.append("revision")
        log.save(update_fields=fields)
    submitted_now = submit and not was_submitted
    if submitted_now:
        log.status = WorkLogStatus.SUBMITTED
        log.submitted_at = now
        log.save(update_fields=["status", "submitted_at"])
    _write_items(actor, log, content)
    if log.status == WorkLogStatus.SUBMITTED:
        rewrite_totals([(office.pk, day)])
    opened = gaming.check_log(log, actor_name=actor.name)
    changes: dict[str, Any] = {"day": day.isoformat(), "status": log.status, "submitted_now": submitted_now,
                               "revision": log.revision, **content.snapshot(),
                               "photos_uploaded": sum(len(i.uploads) for i in content.items)}
    if was_submitted and before is not None:
        changes["before"] = before
    if opened:
        changes["alerts"] = [a.pk for a in opened]
    record(actor=actor, action="judicial_office.worklog.saved", obj=log, org_override=office, changes=changes)
    return log


@service("judicial_office.photo.uploaded")
def upload_work_photo(*, actor: Actor, file: File | None) -> Attachment:
    """Store one photo for the actor's work log (API clients upload first, then save the log with its id):
    an image of the actor's 司法所, hashed into the evidence ledger on arrival."""
    actor.require("judicial_office.worklog.write")
    office = office_of(actor)
    if file is None:
        raise ValidationFailed("请选择要上传的照片", field="file")
    photo = store_attachment(actor=actor, org=office, name=file.name or "照片", content=file,
                             kind=AttachmentKind.PHOTO, allowed_types=PHOTO_TYPES, metadata={"work_log": True})
    record(actor=actor, action="judicial_office.photo.uploaded", obj=photo, org_override=office,
           changes={"name": photo.name, "size": photo.size, "sha256": photo.sha256, "ledger_index": photo.ledger_index})
    return photo


# --- corrections after the lock ------------------------------------------------------------------


def _proposed(content: CleanContent) -> dict[str, Any]:
    return {"text": content.text, "items": [
        {"code": i.catalogue_item.code, "count": i.count, "note": i.note, "photos": sorted(p.pk for p in i.photos),
         "cases": sorted(c.pk for c in i.cases)} for i in content.items]}


@service("judicial_office.correction.requested")
def request_correction(*, actor: Actor, log: WorkLog, reason: str, items: Sequence[Mapping[str, Any]],
                       text: str = "") -> WorkLogCorrection:
    """Ask to change one's own submitted log after its lock (更正申请): the complete new content and a reason.

    At most one request per log is pending; a supervisor decides it (``decide_correction``).
    """
    actor.require("judicial_office.worklog.write")
    locked = WorkLog.objects.visible_to(actor).select_for_update().select_related("org").filter(pk=log.pk).first()
    if locked is None:
        raise NotFound("工作日志不存在或无权访问")
    if actor.user is None or locked.author_id != actor.user.pk:
        raise Conflict("只能为本人填报的工作日志申请更正")
    if locked.status != WorkLogStatus.SUBMITTED:
        raise Conflict("该工作日志尚未提交，可直接修改，无需申请更正")
    if not is_locked(locked.day):
        raise Conflict(f"该工作日志在 {lock_date(locked.day):%Y-%m-%d} 前可直接修改，无需申请更正")
    if WorkLogCorrection.objects.filter(log=locked, status=CorrectionStatus.PENDING).exists():
        raise Conflict("该工作日志已有待审批的更正申请，请等待审批结果")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写更正理由", field="reason")
    if len(reason) > REASON_MAX:
        raise ValidationFailed(f"更正理由不能超过 {REASON_MAX} 字", field="reason")
    content = clean_content(actor, locked.org, items, text, allow_uploads=False)
    if not content.items and not content.text:
        raise ValidationFailed("请至少填写一项工作事项或工作记事", field="items")
    proposed = _proposed(content)
    current = log_snapshot(locked)
    if proposed == _proposed_of_log(locked):
        raise ValidationFailed("更正内容与现有日志相同", field="items")
    correction = WorkLogCorrection.objects.create(
        log=locked, requested_by=actor.user, requested_by_name=actor.name[:64], reason=reason, proposed=proposed)
    record(actor=actor, action="judicial_office.correction.requested", obj=correction, org_override=locked.org,
           changes={"log": locked.pk, "day": locked.day.isoformat(), "reason": reason[:500], "before": current,
                    "after": content.snapshot()})
    return correction


def _proposed_of_log(log: WorkLog) -> dict[str, Any]:
    items = log.items.select_related("catalogue_item").prefetch_related("photos", "cases")
    return {"text": log.text, "items": [
        {"code": i.catalogue_item.code, "count": i.count, "note": i.note,
         "photos": sorted(p.pk for p in i.photos.all()), "cases": sorted(c.pk for c in i.cases.all())}
        for i in sorted(items, key=lambda i: (i.catalogue_item.order, i.catalogue_item.code))]}


@service("judicial_office.correction.decided")
def decide_correction(*, actor: Actor, correction: WorkLogCorrection, approve: bool, note: str = "") -> WorkLogCorrection:
    """Approve or reject a pending correction (审批). Needs ``judicial_office.worklog.approve`` at the
    office or an org above it; nobody decides their own request; a rejection needs a note.

    Approval replaces the log's items and text with the proposed content, counts one more revision,
    rewrites the office's daily totals and runs the anti-gaming checks.
    """
    actor.require("judicial_office.worklog.approve")
    locked = (WorkLogCorrection.objects.visible_to(actor).select_for_update(of=("self",))
              .select_related("log", "log__org").filter(pk=correction.pk).first())
    if locked is None:
        raise NotFound("更正申请不存在或无权访问")
    if locked.status != CorrectionStatus.PENDING:
        raise Conflict(f"该更正申请已{CorrectionStatus(locked.status).label}，不能再次审批")
    if actor.user is not None and locked.requested_by_id == actor.user.pk:
        raise Conflict("不能审批本人提出的更正申请")
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationFailed("审批意见不能超过 500 字", field="note")
    if not approve and not note:
        raise ValidationFailed("驳回更正申请须填写审批意见", field="note")
    log = WorkLog.objects.select_for_update().select_related("org").get(pk=locked.log_id)
    before = log_snapshot(log)
    changes: dict[str, Any] = {"log": log.pk, "day": log.day.isoformat(), "approved": approve, "note": note}
    now = timezone.now()
    if approve:
        proposed = locked.proposed or {}
        content = clean_content(actor, log.org, list(proposed.get("items", [])), str(proposed.get("text", "")),
                                allow_uploads=False)
        log.text = content.text
        log.revision += 1
        log.updated_at = now
        log.save(update_fields=["text", "revision", "updated_at"])
        _write_items(actor, log, content)
        rewrite_totals([(log.org_id, log.day)])
        opened = gaming.check_log(log, actor_name=actor.name)
        changes.update({"before": before, "after": content.snapshot(), "revision": log.revision})
        if opened:
            changes["alerts"] = [a.pk for a in opened]
    locked.status = CorrectionStatus.APPROVED if approve else CorrectionStatus.REJECTED
    locked.decided_by = actor.user
    locked.decided_by_name = actor.name[:64]
    locked.decision_note = note
    locked.decided_at = now
    locked.save(update_fields=["status", "decided_by", "decided_by_name", "decision_note", "decided_at"])
    record(actor=actor, action="judicial_office.correction.decided", obj=locked, org_override=log.org, changes=changes)
    return locked


# --- auto items ----------------------------------------------------------------------------------


@dataclass
class PullPlan:
    """What a pull would change: rows to create, rows to update (with their new values), rows to delete."""

    start: datetime.date
    end: datetime.date
    create: list[AutoWorkItem] = field(default_factory=list)
    update: list[AutoWorkItem] = field(default_factory=list)
    delete: list[AutoWorkItem] = field(default_factory=list)
    touched: set[tuple[int, datetime.date]] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.create or self.update or self.delete)


AUTO_FIELDS = ("org_id", "user_id", "day", "catalogue_item_id", "count", "label", "url")


def plan_auto_pull(start: datetime.date | None = None, end: datetime.date | None = None) -> PullPlan:
    """Collect every registered work source for all 司法所 over [start, end] (default: the last
    ``SIFA_WORKLOG_AUTO_PULL_DAYS`` days) and compare with the stored auto items. Reads only."""
    end = end or timezone.localdate()
    start = start or end - datetime.timedelta(days=auto_pull_days() - 1)
    plan = PullPlan(start=start, end=end)
    offices = set(Org.objects.filter(type=OrgType.JUDICIAL_OFFICE).values_list("pk", flat=True))
    items = {c.code: c for c in WorkCatalogueItem.objects.filter(code__in=[s.catalogue_code for s in
                                                                           registry.work_sources.values()])}
    for key, source in sorted(registry.work_sources.items()):
        item = items.get(source.catalogue_code)
        if item is None or not item.active:
            plan.problems.append(f"{key}: 工作事项 {source.catalogue_code} 不存在或已停用")
            continue
        wanted: dict[str, AutoWorkItem] = {}
        for fact in source.collect(sorted(offices), start, end):
            if fact.org_id not in offices or not (start <= fact.day <= end) or fact.count < 1:
                continue
            wanted[str(fact.ref)[:64]] = AutoWorkItem(
                org_id=fact.org_id, user_id=fact.user_id, day=fact.day, catalogue_item_id=item.pk, count=fact.count,
                source=key, ref=str(fact.ref)[:64], label=fact.label[:255], url=fact.url[:255])
        stored = {a.ref: a for a in AutoWorkItem.objects.filter(source=key).filter(
            Q(day__range=(start, end)) | Q(ref__in=list(wanted)))}
        for ref, new in wanted.items():
            old = stored.get(ref)
            if old is None:
                plan.create.append(new)
                plan.touched.add((new.org_id, new.day))
            elif any(getattr(old, f) != getattr(new, f) for f in AUTO_FIELDS):
                plan.touched.update({(old.org_id, old.day), (new.org_id, new.day)})
                for f in AUTO_FIELDS:
                    setattr(old, f, getattr(new, f))
                plan.update.append(old)
        for ref, old in stored.items():
            if ref not in wanted and start <= old.day <= end:
                plan.delete.append(old)
                plan.touched.add((old.org_id, old.day))
    return plan


@service("judicial_office.auto_items.pulled")
def pull_auto_items(*, actor: Actor, start: datetime.date | None = None,
                    end: datetime.date | None = None) -> dict[str, int]:
    """Pull work other modules recorded (``registry.work_sources``) into the offices' days (自动汇入):
    upsert an auto item per (source, ref), delete the ones whose record vanished within the window,
    and rewrite the daily totals of every office-day touched. Run every 60 s by the worker."""
    if not actor.is_system:
        actor.require("judicial_office.catalogue.manage")
    plan = plan_auto_pull(start, end)
    now = timezone.now()
    if plan.delete:
        AutoWorkItem.objects.filter(pk__in=[a.pk for a in plan.delete]).delete()
    for row in plan.update:
        row.pulled_at = now
        row.save(update_fields=[*AUTO_FIELDS, "pulled_at"])
    for row in plan.create:
        row.pulled_at = now
    AutoWorkItem.objects.bulk_create(plan.create, batch_size=1000)
    totals = rewrite_totals(plan.touched)
    result = {"created": len(plan.create), "updated": len(plan.update), "deleted": len(plan.delete),
              "office_days": len(plan.touched), "totals": totals}
    record(actor=actor, action="judicial_office.auto_items.pulled", object_type="judicial_office.autoworkitem",
           object_repr=f"自动汇入 {plan.start:%Y-%m-%d}~{plan.end:%Y-%m-%d}",
           changes={**result, "sources": sorted(registry.work_sources), "problems": plan.problems[:10]})
    return result


# --- the catalogue -------------------------------------------------------------------------------


def can_manage_item(actor: Actor, item: WorkCatalogueItem) -> bool:
    """A default item (no org) is managed at the top of the tree; an org's item by its org or one above it."""
    if actor.is_system:
        return True
    if actor.org is None or not actor.has_perm("judicial_office.catalogue.manage"):
        return False
    if item.org_id is None:
        return actor.org.parent_id is None
    return item.org is not None and item.org.path.startswith(actor.org.path)


@service("judicial_office.catalogue_item.saved")
def save_catalogue_item(*, actor: Actor, item: WorkCatalogueItem | None = None, code: str = "", name: str,
                        category: str = "", unit: str = "件", daily_ceiling: int | str = 20, order: int | str = 100,
                        active: bool = True) -> WorkCatalogueItem:
    """Add a work-catalogue item for the actor's org, or edit (or deactivate) one the actor manages.

    The code of an existing item never changes (logs, plans and assessment refer to it).
    """
    actor.require("judicial_office.catalogue.manage")
    errors: list[dict[str, str]] = []
    name = (name or "").strip()
    if not name or len(name) > 64:
        errors.append({"field": "name", "message": "名称：必填，不超过 64 字"})
    category = (category or "").strip()
    if len(category) > 32:
        errors.append({"field": "category", "message": "类别：不超过 32 字"})
    unit = (unit or "").strip()
    if not unit or len(unit) > 8:
        errors.append({"field": "unit", "message": "单位：必填，不超过 8 字"})
    ceiling = _count(daily_ceiling)
    if ceiling is None or ceiling < 1:
        errors.append({"field": "daily_ceiling", "message": "单日合理上限：须为不小于 1 的整数"})
    position = _count(order)
    if position is None or not 0 <= position <= 32767:
        errors.append({"field": "order", "message": "排序：须为 0–32767 的整数"})
    if item is None:
        code = (code or "").strip()
        if not code or len(code) > 64 or not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in code):
            errors.append({"field": "code", "message": "编码：必填，仅限英文字母、数字、- 和 _，不超过 64 位"})
    if errors:
        raise ValidationFailed("；".join(e["message"] for e in errors), errors=errors)
    values = {"name": name, "category": category, "unit": unit, "daily_ceiling": ceiling, "order": position,
              "active": bool(active)}
    if item is None:
        if actor.org is None:
            raise Conflict("系统身份不能新增工作事项", field="org")
        if WorkCatalogueItem.objects.filter(code=code).exists():
            raise DuplicateError(f"编码 {code} 已被使用", field="code")
        saved = WorkCatalogueItem.objects.create(code=code, org=actor.org, **values)
        changes: dict[str, Any] = {"created": True, "code": code, "org": actor.org.name, **values}
    else:
        saved_or_none = (WorkCatalogueItem.objects.select_for_update(of=("self",)).select_related("org")
                         .filter(pk=item.pk).first())
        if saved_or_none is None or not _item_visible(actor, saved_or_none):
            raise NotFound("工作事项不存在或无权访问")
        saved = saved_or_none
        if not can_manage_item(actor, saved):
            raise Conflict("该工作事项由上级机构维护，本机构不能修改" if saved.org_id else
                           "全省默认工作事项只能由最上级机构维护")
        before = {k: getattr(saved, k) for k in values}
        changed = [k for k, v in values.items() if before[k] != v]
        for k in changed:
            setattr(saved, k, values[k])
        if changed:
            saved.save(update_fields=changed)
        changes = {"created": False, "code": saved.code, **{k: [before[k], values[k]] for k in changed}}
    record(actor=actor, action="judicial_office.catalogue_item.saved", obj=saved, changes=changes)
    return saved


def _item_visible(actor: Actor, item: WorkCatalogueItem) -> bool:
    if actor.is_system or item.org_id is None:
        return True
    if item.org is None:
        return False
    return any(item.org.path.startswith(p) or p.startswith(item.org.path) for p in actor.scope_paths)


# --- export --------------------------------------------------------------------------------------


@service("judicial_office.worklogs.exported")
def export_work_logs(*, actor: Actor, description: str, row_count: int) -> None:
    """Record an Excel export of work logs in the actor's scope (who exported what filter, how many rows)."""
    actor.require("judicial_office.worklog.view")
    record(actor=actor, action="judicial_office.worklogs.exported", object_type="judicial_office.worklog",
           object_repr=description[:255], changes={"rows": row_count})


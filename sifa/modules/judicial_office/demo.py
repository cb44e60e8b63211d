"""Demo work logs (``sifa demo``): a year of realistic daily logs for every 司法所 staff member.

Registered in ``registry.demo_generators``; ``load_demo`` calls it inside its transaction. For each
office staff member and each working day of the last 365 days (yesterday back; the core holiday
calendar decides what a working day is, and days of a year it has not loaded are skipped) it writes a
submitted log with a few catalogue items (counts drawn around an office's own activity profile, with
seasonal peaks such as 3月 and 12月4日 宪法宣传周), a short note now and then, and the office-day rollup
(``WorkDailyTotal``). About 3 % of working days are left without a log (leave, training), and the most
recent day is sometimes still a draft, so the calendar, the data-quality panel and the cockpit have
something to show.

Deterministic: each office draws from its own ``random.Random`` seeded by the seed and the office's
position, so the same scale, seed and load date give the same rows. Rows are written with explicit ids
in chunks: PostgreSQL ``COPY`` (the province scale, ~1,400 offices × 2 staff × ~245 days, loads in about a
minute), ``executemany`` elsewhere; the id sequences are reset afterwards.
"""

from __future__ import annotations

import datetime
import math
import random
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Model
from django.utils import timezone

from sifa.core.accounts.models import Membership
from sifa.core.deadlines.calendar import CalendarMissing
from sifa.core.deadlines.selectors import working_calendar
from sifa.core.orgs.models import Org
from sifa.modules.judicial_office.choices import WorkLogStatus
from sifa.modules.judicial_office.models import WorkCatalogueItem, WorkDailyTotal, WorkLog, WorkLogItem

DAYS_BACK = 365
CHUNK_LOGS = 20_000

# Expected count per staff member and working day (a typical 司法所; each office scales these).
BASE_RATES: dict[str, float] = {
    "mediation": 0.35, "dispute_screening": 0.45, "legal_consultation": 1.4, "legal_aid_referral": 0.08,
    "publicity_event": 0.12, "liaison_training": 0.04, "correction_visit": 0.55, "correction_talk": 0.45,
    "resettlement_help": 0.15, "enforcement_coordination": 0.07, "legality_review": 0.06, "legal_advisor": 0.25,
    "meeting_training": 0.22,
}
NOTES = [
    "走访辖区村（社区），排查矛盾纠纷", "接待群众法律咨询", "参加街道综治例会", "开展社区矫正对象走访谈话",
    "组织法治宣传进村入户", "协调处理邻里纠纷", "整理调解卷宗", "审查村规民约修订稿", "到村开展法律明白人培训",
    "配合综合行政执法队开展联合检查", "参加区司法局业务培训", "安置帮教对象回访", "",
]


def _season(day: datetime.date, code: str) -> float:
    factor = 1.0
    if day.month == 2:
        factor *= 0.6  # 春节前后
    if code in ("publicity_event", "liaison_training"):
        if day.month == 3 or (day.month == 12 and day.day <= 10):
            factor *= 2.5  # 3·15、宪法宣传周
    if code == "dispute_screening" and day.month in (1, 9):
        factor *= 1.5  # 节前集中排查
    return factor


def _working_days(end: datetime.date) -> list[datetime.date]:
    cal = working_calendar()
    out = []
    for n in range(DAYS_BACK, 0, -1):
        day = end - datetime.timedelta(days=n - 1)
        try:
            if cal.is_working_day(day):
                out.append(day)
        except CalendarMissing:
            continue
    return out


class _Writer:
    """Inserts rows with explicit ids: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, model: type[Model], fields: Sequence[str]) -> None:
        self.model = model
        self.fields = list(fields)
        self.table = model._meta.db_table
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0
        self.next_id = (model._default_manager.aggregate(m=Max("id"))["m"] or 0) + 1
        concrete = {f.attname: f for f in model._meta.concrete_fields}
        self.types = {f: concrete[f].get_internal_type() for f in fields}

    def add(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row)

    def take_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def _adapt(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        ops = connection.ops
        out = []
        for f, v in zip(self.fields, row, strict=True):
            kind = self.types[f]
            if kind == "DateTimeField":
                out.append(ops.adapt_datetimefield_value(v))
            elif kind == "DateField":
                out.append(ops.adapt_datefield_value(v))
            else:
                out.append(v)
        return tuple(out)

    def flush(self) -> None:
        if not self.rows:
            return
        columns = ", ".join(connection.ops.quote_name(f) for f in self.fields)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor
                with raw.copy(f"COPY {connection.ops.quote_name(self.table)} ({columns}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.fields))
                # table and column names come from the model's meta, never from input
                sql = f"INSERT INTO {connection.ops.quote_name(self.table)} ({columns}) VALUES ({marks})"  # noqa: S608
                for i in range(0, len(self.rows), 5000):
                    cursor.executemany(sql, [self._adapt(r) for r in self.rows[i:i + 5000]])
        self.written += len(self.rows)
        self.rows = []


def _bulk_load_without_ri_checks(enable: bool) -> None:
    """On PostgreSQL, as a superuser, skip the deferred foreign-key checks of the rows this generator COPYs.

    Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, so millions of COPYed rows would each queue a
    check run at COMMIT (minutes at the province scale). The rows written here point only at ids this
    generator just wrote or read, so the checks would find nothing; ``session_replication_role = replica``
    (transaction-local, superusers only) skips them for the rows written while it is set. Elsewhere
    nothing changes and the checks run as usual.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
        if row and row[0]:
            cursor.execute(f"SET LOCAL session_replication_role = {'replica' if enable else 'origin'}")


def generate_work_logs(*, actor: Any, structure: dict[str, Any], scale: Any, seed: int) -> dict[str, int]:
    """Write the demo logs for every office of ``structure``; returns the row counts."""
    offices: list[Org] = list(structure.get("offices", []))
    if not offices:
        return {}
    catalogue = {c.code: c for c in WorkCatalogueItem.objects.filter(org__isnull=True, active=True,
                                                                     code__in=list(BASE_RATES))}
    if not catalogue:
        return {}
    staff: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for org_id, user_id, name, username in (Membership.objects.filter(org__in=offices, role__code="office_staff")
                                            .order_by("org_id", "id")
                                            .values_list("org_id", "user_id", "user__display_name", "user__username")):
        staff[org_id].append((user_id, (name or username)[:64]))
    today = timezone.localdate()
    days = _working_days(today - datetime.timedelta(days=1))
    if not days:
        return {}
    now = timezone.now()
    codes = sorted(catalogue, key=lambda c: (catalogue[c].order, c))
    item_pks = [catalogue[c].pk for c in codes]
    ceilings = [catalogue[c].daily_ceiling for c in codes]
    fallback = codes.index("meeting_training") if "meeting_training" in codes else 0
    tz = timezone.get_current_timezone()
    midnight = {d: datetime.datetime.combine(d, datetime.time.min, tzinfo=tz)
                for d in (days[0] + datetime.timedelta(days=n) for n in range((days[-1] - days[0]).days + 4))}
    # seasonal factors per code, by (month, 宪法宣传周): a few keys shared by every office
    season_of = {d: (d.month, d.month == 12 and d.day <= 10) for d in days}
    factors = {key: [_season(datetime.date(2000, key[0], 5 if key[1] else 20), c) for c in codes]
               for key in set(season_of.values())}
    submitted_status, draft_status = str(WorkLogStatus.SUBMITTED), str(WorkLogStatus.DRAFT)
    minute = datetime.timedelta(minutes=1)
    logs = _Writer(WorkLog, ["id", "org_id", "author_id", "author_name", "day", "status", "text", "revision",
                             "created_at", "submitted_at", "updated_at"])
    items = _Writer(WorkLogItem, ["id", "log_id", "catalogue_item_id", "count", "note"])
    totals = _Writer(WorkDailyTotal, ["id", "org_id", "org_path", "day", "item_code", "manual", "auto", "total"])
    _bulk_load_without_ri_checks(True)
    for index, office in enumerate(sorted(offices, key=lambda o: o.path)):
        rng = random.Random(seed * 1_000_003 + index)  # noqa: S311 (demo data)
        rand = rng.random
        profile = [BASE_RATES[c] * rng.uniform(0.5, 1.6) for c in codes]
        # e^-λ per code and season key: Knuth's Poisson draw, inlined below (most counts are 0)
        limits = {key: [math.exp(-rate * f) for rate, f in zip(profile, fs, strict=True)] for key, fs in factors.items()}
        people = staff.get(office.pk, [])
        for day in days:
            limit = limits[season_of[day]]
            day_total = [0] * len(codes)
            for user_id, name in people:
                if rand() < 0.03:
                    continue  # on leave, training elsewhere …
                counts: list[tuple[int, int]] = []
                for ci, bound in enumerate(limit):
                    p = rand()
                    if p <= bound:
                        continue
                    n = 0
                    while p > bound:
                        p *= rand()
                        n += 1
                    counts.append((ci, min(n, ceilings[ci])))
                if not counts:
                    counts.append((fallback, 1))
                draft = day == days[-1] and rand() < 0.3
                roll = rand()
                if roll < 0.85:
                    submitted = midnight[day] + minute * (16 * 60 + 30 + rng.randrange(150))
                elif roll < 0.97:
                    submitted = midnight[day + datetime.timedelta(days=1)] + minute * (8 * 60 + 30 + rng.randrange(90))
                else:
                    later = day + datetime.timedelta(days=rng.choice((2, 3)))
                    submitted = midnight[later] + minute * (9 * 60 + rng.randrange(480))
                submitted = min(submitted, now)
                created = submitted - minute * (1 + rng.randrange(5))
                log_id = logs.take_id()
                text = rng.choice(NOTES) if rand() < 0.4 else ""
                logs.add((log_id, office.pk, user_id, name, day, draft_status if draft else submitted_status, text, 0,
                          created, None if draft else submitted, submitted))
                for ci, n in counts:
                    items.add((items.take_id(), log_id, item_pks[ci], n, ""))
                    if not draft:
                        day_total[ci] += n
            for ci, n in enumerate(day_total):
                if n:
                    totals.add((totals.take_id(), office.pk, office.path, day, codes[ci], n, 0, n))
        if len(logs.rows) >= CHUNK_LOGS:
            for w in (logs, items, totals):  # parents first
                w.flush()
    for w in (logs, items, totals):
        w.flush()
    _bulk_load_without_ri_checks(False)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [WorkLog, WorkLogItem, WorkDailyTotal]):
            cursor.execute(sql)
    from sifa.modules.judicial_office.services import rebuild_month_totals

    rebuild_month_totals([o.pk for o in offices])  # the month and office-day rollups of the daily rows above
    return {"work_logs": logs.written, "work_log_items": items.written, "work_daily_totals": totals.written}

"""Benchmark: the 数字司法所 cockpit at province scale, against the bare SQL aggregate in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sifa .venv/bin/python bench/cockpit.py
    .venv/bin/python bench/cockpit.py                    # SQLite (a file database; slower to load)
    options: --days 250  --runs 30  --keep (leave the database for a look; dropped by default)
             --reuse (run again on the database a --keep run left: migrated, not reloaded)

Creates a throw-away database (``sifa_bench_cockpit``), then:
1. the org tree of ``sifa demo --scale province`` (all of 浙江省: 1,387 司法所) and its accounts, from
   the demo generator (no persons: the cockpit does not read them);
2. province-scale work data written with INSERT … SELECT (no Python loop): ``WorkDailyTotal`` for every
   office on each of the last ``--days`` working days up to yesterday, about 6 of the 14 catalogue
   items a day (≈ 2 million rows), and one submitted ``WorkLog`` per office and working day (≈ 3 % of
   days missing, some submitted late, a few offices silent for the last week);
3. for the province, a city (杭州), a county (富阳区) and an office: the cockpit page rendered through
   Django's test client, signed in as the province leader, ``--runs`` times each → p50/p95, against the
   bare SQL aggregate — one hand-written statement summing the same rows the page sums (by office ×
   item and by day, GROUPING SETS on PostgreSQL) — ``--runs`` times, interleaved with the page → p95, and
   the ratio. The home page's time is printed first: the fixed cost of any signed-in page. Goals
   (issue 5): page p95 < 300 ms and ≤ 2× the bare aggregate. The period is 上月 (a whole month, the
   same whatever day the bench runs); 本年 is measured for information;
4. freshness: one log saved through ``services.save_work_log`` at an office, then the province cockpit
   read until its figure includes it (goal ≤ 60 s; there is no cache or batch in between);
5. contention: four offices of one county submit ten times each, one after another and then at once (the
   county month rows they all add to), with the save's p50/p95 both ways and the county rows checked.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sifa.project.settings_test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

BENCH_DB = "sifa_bench_cockpit"
ITEMS_PER_DAY = 3  # of every 7 catalogue items → about 6 of 14 a day


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def load_orgs() -> None:
    """The province org tree and accounts of the demo generator (persons left out)."""
    import random

    from django.core.management import call_command
    from faker import Faker

    from sifa.core.demo.generator import SCALES, DemoResult, build_accounts, build_orgs

    call_command("import_regions", stdout=open(os.devnull, "w"))  # noqa: SIM115
    spec = SCALES["province"]
    fake = Faker("zh_CN")
    fake.seed_instance(1)
    with transaction.atomic():
        structure = build_orgs(spec)
        build_accounts(structure, spec, random.Random(1), fake, DemoResult("province", 1))  # noqa: S311


def working_days(count: int, until: datetime.date) -> list[datetime.date]:
    from sifa.core.deadlines.selectors import working_calendar

    cal = working_calendar()
    days: list[datetime.date] = []
    day = until
    while len(days) < count:
        try:
            if cal.is_working_day(day):
                days.append(day)
        except Exception:  # noqa: BLE001 (a year without calendar: stop there)
            break
        day -= datetime.timedelta(days=1)
    return sorted(days)


def load_work(days: list[datetime.date]) -> dict[str, int]:
    """WorkDailyTotal and WorkLog rows for every office and day, by INSERT … SELECT over two helper tables."""
    from sifa.modules.judicial_office.models import WorkCatalogueItem, WorkDailyTotal, WorkLog

    codes = list(WorkCatalogueItem.objects.order_by("order").values_list("code", flat=True))
    total_t, log_t = WorkDailyTotal._meta.db_table, WorkLog._meta.db_table
    tz = timezone.get_current_timezone()

    def ts(day: datetime.date, days_later: int, hour: int) -> str:
        local = datetime.datetime.combine(day + datetime.timedelta(days=days_later), datetime.time(hour), tzinfo=tz)
        return local.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S+00:00")

    last = days[-1]
    with connection.cursor() as cursor:
        for ddl in ("DROP TABLE IF EXISTS bench_days", "DROP TABLE IF EXISTS bench_items",
                    "CREATE TABLE bench_days (n integer, day date, on_time varchar(32), next_day varchar(32), "
                    "late varchar(32))",
                    "CREATE TABLE bench_items (n integer, code varchar(64))"):
            cursor.execute(ddl)
        cursor.executemany("INSERT INTO bench_days VALUES (%s, %s, %s, %s, %s)",
                           [(n, d, ts(d, 0, 18), ts(d, 1, 9), ts(d, 3, 10)) for n, d in enumerate(days)])
        cursor.executemany("INSERT INTO bench_items VALUES (%s, %s)", list(enumerate(codes)))
        started = time.perf_counter()
        cursor.execute(f"""
            INSERT INTO {total_t} (org_id, org_path, day, item_code, manual, auto, total)
            SELECT o.id, o.path, d.day, i.code,
                   1 + (o.id * 7 + d.n * 3 + i.n * 11) % 4,
                   CASE WHEN i.n IN (0, 6) THEN (o.id + d.n) % 2 ELSE 0 END,
                   1 + (o.id * 7 + d.n * 3 + i.n * 11) % 4 + CASE WHEN i.n IN (0, 6) THEN (o.id + d.n) % 2 ELSE 0 END
            FROM orgs_org o CROSS JOIN bench_days d CROSS JOIN bench_items i
            WHERE o.type = 'judicial_office' AND (o.id * 31 + d.n * 17 + i.n * 13) % 7 < {ITEMS_PER_DAY}""")  # noqa: S608
        totals = cursor.rowcount
        cast = "::timestamptz" if connection.vendor == "postgresql" else ""
        at = (f"(CASE WHEN (o.id + d.n) % 50 = 0 THEN d.late WHEN (o.id + d.n) % 12 = 0 THEN d.next_day "
              f"ELSE d.on_time END){cast}")
        quiet_from = (last - datetime.timedelta(days=7)).isoformat()
        cursor.execute(f"""
            INSERT INTO {log_t} (org_id, author_id, author_name, day, status, text, revision, created_at,
                                  submitted_at, updated_at)
            SELECT o.id, s.user_id, '压测', d.day, 'submitted', '', 0, {at}, {at}, {at}
            FROM orgs_org o
            JOIN (SELECT m.org_id, MIN(m.user_id) AS user_id FROM accounts_membership m
                  JOIN accounts_role r ON r.id = m.role_id WHERE r.code = 'office_staff' GROUP BY m.org_id) s
              ON s.org_id = o.id
            CROSS JOIN bench_days d
            WHERE o.type = 'judicial_office' AND (o.id * 13 + d.n * 7) % 33 <> 0
              AND NOT (o.id % 97 = 0 AND d.day > '{quiet_from}')""")  # noqa: S608
        logs = cursor.rowcount
        for ddl in ("DROP TABLE bench_days", "DROP TABLE bench_items"):
            cursor.execute(ddl)
    from sifa.modules.judicial_office.models import (
        WorkCountyMonthTotal,
        WorkMonthTotal,
        WorkOfficeDayTotal,
        WorkOfficeMonthTotal,
    )
    from sifa.modules.judicial_office.services import rebuild_month_totals

    with transaction.atomic():  # the month, office-day, office-month and county rollups, as the services keep them
        months, office_days, _office_months, counties = rebuild_month_totals()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # autocommit here: VACUUM sets the visibility map for index-only scans
            for model in (WorkDailyTotal, WorkLog, WorkMonthTotal, WorkOfficeDayTotal, WorkOfficeMonthTotal,
                          WorkCountyMonthTotal):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
        cursor.execute("ANALYZE")
    return {"totals": totals, "logs": logs, "months": months, "office_days": office_days, "counties": counties,
            "seconds": round(time.perf_counter() - started)}


BARE_PG = """
    SELECT org_id, item_code, day, SUM(manual), SUM(auto), SUM(total)
    FROM judicial_office_workdailytotal
    WHERE org_path LIKE %s AND day >= %s AND day <= %s
    GROUP BY GROUPING SETS ((org_id, item_code), (day))"""
BARE_SQLITE = """
    SELECT org_id, item_code, NULL, SUM(manual), SUM(auto), SUM(total) FROM judicial_office_workdailytotal
    WHERE org_path LIKE %s AND day >= %s AND day <= %s GROUP BY org_id, item_code
    UNION ALL
    SELECT NULL, NULL, day, NULL, NULL, SUM(total) FROM judicial_office_workdailytotal
    WHERE org_path LIKE %s AND day >= %s AND day <= %s GROUP BY day"""


def bare(path: str, start: datetime.date, end: datetime.date) -> tuple[float, int]:
    with connection.cursor() as cursor:
        started = time.perf_counter()
        if connection.vendor == "postgresql":
            cursor.execute(BARE_PG, [path + "%", start, end])
        else:
            cursor.execute(BARE_SQLITE, [path + "%", start, end] * 2)
        rows = cursor.fetchall()
        return time.perf_counter() - started, sum(r[5] for r in rows if r[2] is None)


def client() -> Client:
    from sifa.core.testing import client_for

    return client_for("province")


def page(c: Client, org_id: int, query: str) -> tuple[float, bytes]:
    started = time.perf_counter()
    response = c.get(f"/cockpit/org/{org_id}/?{query}")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    return elapsed, response.content


def bench_fixed_cost(runs: int) -> None:
    """The cost of any signed-in page here (session, actor, menu, shell): the home page, for reading the ratios."""
    c = client()
    c.get("/")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        assert c.get("/").status_code == 200
        times.append(time.perf_counter() - started)
    print(f"\nfor reference, the home page (/) signed in: p50 {p(times, .5) * 1000:.0f} ms, p95 {p(times, .95) * 1000:.0f} ms"
          " — the fixed cost of a signed-in page on this machine, which the bare SQL does not pay")


def bench_pages(runs: int, query: str, label: str) -> list[dict[str, Any]]:
    from sifa.core.orgs.models import Org
    from sifa.modules.judicial_office.cockpit import period_from

    period = period_from(preset=query.split("=", 1)[1])
    targets = [("province 浙江省", Org.objects.get(name="浙江省司法厅")),
               ("city 杭州市", Org.objects.get(name="杭州市司法局")),
               ("county 富阳区", Org.objects.get(name="杭州市富阳区司法局")),
               ("office (office1)", _office())]
    c = client()
    results = []
    print(f"\ncockpit pages, {label} ({period.start} … {period.end}), {runs} runs each, signed in as the province leader:")
    print(f"  {'org':<16} {'offices':>7} {'rows':>9} {'page p50':>9} {'page p95':>9} {'SQL p95':>9} {'ratio':>6}"
          "  p95 < 300 ms   ≤ 2× SQL")
    for name, org in targets:
        page(c, org.pk, query)  # warm-up (calendar cache, connection)
        bare(org.path, period.start, period.end)
        page_times: list[float] = []
        sql_times: list[float] = []
        for _ in range(runs):  # interleaved, so that both see the same load on a shared machine
            page_times.append(page(c, org.pk, query)[0])
            sql_times.append(bare(org.path, period.start, period.end)[0])
        rows = _rows(org.path, period.start, period.end)
        offices = Org.objects.filter(path__startswith=org.path, type="judicial_office").count()
        p95, base = p(page_times, 0.95), p(sql_times, 0.95)
        fast, close = ("ok" if p95 < 0.3 else "MISSED"), ("ok" if p95 <= 2 * base else "MISSED")
        print(f"  {name:<16} {offices:>7} {rows:>9,} {p(page_times, .5) * 1000:>7.0f}ms {p95 * 1000:>7.0f}ms "
              f"{base * 1000:>7.1f}ms {p95 / base:>5.1f}×  {fast:<13} {close}")
        results.append({"org": name, "p50": p(page_times, .5), "p95": p95, "sql_p95": base})
    return results


def _office() -> Any:
    from sifa.core.testing import membership_of

    return membership_of("office1").org


def _rows(path: str, start: datetime.date, end: datetime.date) -> int:
    from sifa.modules.judicial_office.models import WorkDailyTotal

    return WorkDailyTotal.objects.filter(org_path__startswith=path, day__gte=start, day__lte=end).count()


def bench_freshness() -> None:
    """Save one log at an office through the service; time until the province page shows it."""
    import re

    from sifa.core.accounts.actor import Actor
    from sifa.core.accounts.models import Membership
    from sifa.core.orgs.models import Org
    from sifa.modules.judicial_office.services import save_work_log

    office = _office()
    membership = (Membership.objects.select_related("user", "org", "role")
                  .filter(org=office, role__code="office_staff").order_by("-id").first())
    assert membership is not None
    actor = Actor.for_membership(membership)
    actor = dataclasses.replace(actor, permissions=actor.permissions | {"judicial_office.worklog.write"})
    province = Org.objects.get(name="浙江省司法厅")
    c = client()

    def figure() -> int:
        html = c.get(f"/cockpit/org/{province.pk}/?period=month").content.decode()
        match = re.search(r'data-kpi="total">(?:<a href="[^"]*">)?(\d+)<', html)
        assert match
        return int(match.group(1))

    # the actor's day as it stands (a --reuse run finds the log of an earlier run), with 3 more 调解
    from sifa.modules.judicial_office.models import WorkLogItem

    counts = dict(WorkLogItem.objects.filter(log__org=office, log__author=membership.user, log__day=timezone.localdate())
                  .values_list("catalogue_item__code", "count"))
    counts["mediation"] = counts.get("mediation", 0) + 3
    before = figure()
    started = time.perf_counter()
    save_work_log(actor=actor, day=timezone.localdate(), items=[{"code": c, "count": n} for c, n in counts.items()],
                  submit=True)
    saved = time.perf_counter() - started
    reads = 0
    while True:
        reads += 1
        if figure() == before + 3:
            break
        if time.perf_counter() - started > 120:
            print("freshness: the province figure did not change within 120 s  MISSED")
            return
    elapsed = time.perf_counter() - started
    print(f"\nfreshness: save_work_log at {office.name} took {saved * 1000:.0f} ms; the province cockpit showed it "
          f"on read {reads}, {elapsed * 1000:.0f} ms after the save began (goal ≤ 60 s)  "
          f"{'ok' if elapsed <= 60 else 'MISSED'}")


def bench_concurrent_submits(threads: int = 4, saves: int = 10) -> None:
    """Contention on the county rows: ``threads`` offices of one county (富阳区) submit ``saves`` times each, first
    one after another, then all at once (one thread and connection per office; every save adds to the same county
    month rows); then the same with ``threads`` offices of different counties (no shared row: the control, what
    running at once costs on this machine anyway). save_work_log p50/p95 each way, errors (a deadlock would show
    here), and every county row touched checked against its offices' month rows afterwards."""
    import threading

    from django.db import connections
    from django.db.models import Sum

    from sifa.core.accounts.actor import Actor
    from sifa.core.accounts.models import Membership
    from sifa.core.orgs.models import Org
    from sifa.modules.judicial_office.models import WorkCountyMonthTotal, WorkMonthTotal
    from sifa.modules.judicial_office.services import save_work_log

    fuyang = Org.objects.get(name="杭州市富阳区司法局")
    staff = (Membership.objects.select_related("user", "org", "role")
             .filter(org__type="judicial_office", role__code="office_staff").order_by("org__parent_id", "org_id", "id"))

    def pick(memberships: Any, one_per_county: bool) -> list[Actor]:
        actors: list[Actor] = []
        seen: set[int | None] = set()
        for membership in memberships:
            key = membership.org.parent_id if one_per_county else membership.org_id
            if key not in seen:
                seen.add(key)
                actor = Actor.for_membership(membership)
                actors.append(dataclasses.replace(actor, permissions=actor.permissions | {"judicial_office.worklog.write"}))
            if len(actors) == threads:
                break
        return actors

    today = timezone.localdate()
    errors: list[str] = []

    def run(actor: Any, times: list[float], offset: int) -> None:
        try:
            for n in range(saves):
                started = time.perf_counter()
                save_work_log(actor=actor, day=today, submit=True,
                              items=[{"code": "mediation", "count": 1 + (n + offset) % 5},
                                     {"code": "legal_consultation", "count": 1 + n % 3}])
                times.append(time.perf_counter() - started)
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    print(f"\nconcurrent submits ({threads} offices, {saves} saves each; save_work_log p50 / p95):")
    month = today.replace(day=1)
    for label, actors in (("same county (富阳区: every save changes the same county rows)",
                           pick(staff.filter(org__parent=fuyang), one_per_county=False)),
                          ("different counties (control: no shared row)",
                           pick(staff.exclude(org__parent=fuyang), one_per_county=True))):
        serial: list[float] = []
        for k, actor in enumerate(actors):
            run(actor, serial, k)
        concurrent: list[float] = []
        workers = [threading.Thread(target=run, args=(actor, concurrent, k + 1)) for k, actor in enumerate(actors)]
        started = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        wall = time.perf_counter() - started
        counties = {a.org.parent_id for a in actors if a.org is not None}
        kept = WorkCountyMonthTotal.objects.filter(org__in=counties, month=month).aggregate(n=Sum("total"))["n"]
        summed = WorkMonthTotal.objects.filter(org__parent__in=counties, month=month).aggregate(n=Sum("total"))["n"]
        print(f"  {label}: one after another {p(serial, .5) * 1000:.0f} / {p(serial, .95) * 1000:.0f} ms; all at once "
              f"{p(concurrent, .5) * 1000:.0f} / {p(concurrent, .95) * 1000:.0f} ms ({len(concurrent)} saves in "
              f"{wall:.1f} s); county rows = sums of their offices: {'ok' if kept == summed else f'MISSED ({kept} ≠ {summed})'}")
    print(f"  errors: {len(errors)}{(' — ' + errors[0]) if errors else ''}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=250)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse the database a --keep run left (migrated, not reloaded); implies --keep")
    args = parser.parse_args()
    args.keep = args.keep or args.reuse
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    test = settings.DATABASES["default"].setdefault("TEST", {})
    test["NAME"] = BENCH_DB if connection.vendor == "postgresql" else "/tmp/sifa_bench_cockpit.sqlite3"  # noqa: S108
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.reuse, serialize=False)
    try:
        started = time.perf_counter()
        from sifa.core.orgs.models import Org
        from sifa.modules.judicial_office.models import WorkDailyTotal

        if args.reuse and WorkDailyTotal.objects.exists():
            from django.db.models import Sum

            from sifa.modules.judicial_office.models import WorkCountyMonthTotal, WorkMonthTotal
            from sifa.modules.judicial_office.services import rebuild_month_totals

            kept = WorkMonthTotal.objects.aggregate(n=Sum("total"))["n"]
            if not kept or WorkCountyMonthTotal.objects.aggregate(n=Sum("total"))["n"] != kept:
                # a database kept before a rollup existed (or written by an older version's freshness step)
                with transaction.atomic():
                    rebuild_month_totals()
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            from sifa.modules.judicial_office.log_totals import rebuild_log_month_totals

            # the log figures' month rows: an earlier run's freshness and contention steps (or an older version's
            # run) may have left logs they do not count
            log_started = time.perf_counter()
            with transaction.atomic():
                log_rows = rebuild_log_month_totals()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE judicial_office_worklogmonthtotal")
            print(f"log month rows rebuilt: {log_rows:,} in {time.perf_counter() - log_started:.1f} s")
            print(f"database: {connection.vendor}; reused (not reloaded); orgs {Org.objects.count():,}; "
                  f"WorkDailyTotal {WorkDailyTotal.objects.count():,} rows")
        else:
            load_orgs()
            days = working_days(args.days, timezone.localdate() - datetime.timedelta(days=1))
            counts = load_work(days)
            print(f"database: {connection.vendor}; orgs {Org.objects.count():,} "
                  f"(司法所 {Org.objects.filter(type='judicial_office').count():,}); {len(days)} working days "
                  f"{days[0]} … {days[-1]}; WorkDailyTotal {counts['totals']:,} rows (month rollup "
                  f"{counts['months']:,}, office-day rollup {counts['office_days']:,}, county month rollup "
                  f"{counts['counties']:,}), WorkLog {counts['logs']:,} rows "
                  f"(work data in {counts['seconds']} s, load {time.perf_counter() - started:.0f} s in all)")
        bench_fixed_cost(args.runs)
        bench_pages(args.runs, "period=last_month", "上月")
        bench_pages(max(5, args.runs // 3), "period=year", "本年, for information")
        bench_freshness()
        bench_concurrent_submits()
    finally:
        if args.keep:
            print(f"kept the database {settings.DATABASES['default']['NAME']}")
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

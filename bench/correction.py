"""Benchmark: 社区矫正 at province scale — the subject list, a subject page and the 矫正驾驶舱 (province, city,
county, office), each against a bare SQL statement over the same rows measured in the same run.

    scripts/with-postgres.sh postgres://postgres@127.0.0.1:5432/test_sifa_bench_correction \\
        .venv/bin/python bench/correction.py [--runs 30] [--keep]

Creates a throw-away database (``test_sifa_bench_correction``), then:
1. the org tree, accounts and persons of ``sifa demo --scale province`` (浙江省: 1,387 司法所, 150,000
   persons) from the core demo generator, and the 社区矫正 demo generator at province scale (≈ 50,000
   subjects with a year of tasks, deadlines, timelines) — load times printed;
2. signed in as the province leader (``province``): the cockpit page of each level ``--runs`` times
   *cold* (the 60-second cache cleared before each read: the SQL aggregates every time) and *warm*
   (cached), against the bare SQL count of the subtree's cases and tasks; the subject list
   (``/correction/``) and a subject page (``/correction/<id>/``) against a bare select of the same rows —
   when those routes exist (they belong to the lifecycle part). Goal: p95 < 300 ms. The home page is
   measured first: the fixed cost of any signed-in page.
"""

from __future__ import annotations

import argparse
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
from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

BENCH_DB = "test_sifa_bench_correction"


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def load(seed: int) -> dict[str, Any]:
    """Orgs, accounts, persons (core demo) and the correction demo at province scale."""
    import random

    from django.core.management import call_command
    from faker import Faker

    from sifa.core.demo.generator import SCALES, DemoResult, build_accounts, build_orgs, build_persons
    from sifa.modules.correction.demo import generate_correction

    call_command("import_regions", stdout=open(os.devnull, "w"))  # noqa: SIM115
    spec = SCALES["province"]
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    times: dict[str, Any] = {}
    started = time.perf_counter()
    with transaction.atomic():
        structure = build_orgs(spec)
        build_accounts(structure, spec, random.Random(seed), fake, DemoResult("province", seed))  # noqa: S311
        build_persons(structure, spec, random.Random(seed), fake)  # noqa: S311
    times["core"] = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        times["counts"] = generate_correction(actor=None, structure=structure, scale=spec, seed=seed)
    times["correction"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
    return times


def client() -> Client:
    from sifa.core.testing import client_for

    return client_for("province")


def timed_get(c: Client, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = c.get(url)
    return time.perf_counter() - started, response.status_code


def bare_cockpit(path: str) -> float:
    """The same rows the cockpit aggregates: the subtree's cases with their state, and this month's tasks."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.state, COUNT(*) FROM correction_correctioncase cc JOIN cases_case c ON c.id = cc.case_id "
                       "WHERE cc.org_path LIKE %s GROUP BY c.state", [path + "%"])
        cursor.fetchall()
        cursor.execute("SELECT status, COUNT(*) FROM correction_supervisiontask WHERE org_path LIKE %s "
                       "AND due_date >= date_trunc('month', CURRENT_DATE) AND due_date <= CURRENT_DATE GROUP BY status"
                       if connection.vendor == "postgresql" else
                       "SELECT status, COUNT(*) FROM correction_supervisiontask WHERE org_path LIKE %s "
                       "AND due_date >= date('now', 'start of month') GROUP BY status", [path + "%"])
        cursor.fetchall()
    return time.perf_counter() - started


def bare_list(path: str) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT cc.case_id, c.number, c.state, p.name FROM correction_correctioncase cc "
                       "JOIN cases_case c ON c.id = cc.case_id JOIN correction_correctionsubject s ON s.id = cc.subject_id "
                       "JOIN persons_person p ON p.id = s.person_id WHERE cc.org_path LIKE %s "
                       "ORDER BY c.opened_at DESC LIMIT 50", [path + "%"])
        cursor.fetchall()
        cursor.execute("SELECT COUNT(*) FROM correction_correctioncase WHERE org_path LIKE %s", [path + "%"])
        cursor.fetchall()
    return time.perf_counter() - started


def bare_detail(case_id: int) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM correction_correctioncase cc JOIN cases_case c ON c.id = cc.case_id "
                       "WHERE cc.case_id = %s", [case_id])
        cursor.fetchall()
        cursor.execute("SELECT * FROM correction_supervisiontask WHERE correction_case_id = %s ORDER BY due_date", [case_id])
        cursor.fetchall()
    return time.perf_counter() - started


def row(label: str, rows: int, page: list[float], base: list[float], status: int) -> None:
    if status != 200:
        print(f"  {label:<28} {rows:>8,}   HTTP {status} (route missing or failing)")
        return
    p95 = p(page, .95)
    print(f"  {label:<28} {rows:>8,} {p(page, .5) * 1000:>8.0f}ms {p95 * 1000:>8.0f}ms {p(base, .95) * 1000:>8.1f}ms"
          f"  {'ok' if p95 < 0.3 else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse the database a --keep run left (migrated, not reloaded); implies --keep")
    args = parser.parse_args()
    args.keep = args.keep or args.reuse
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    test = settings.DATABASES["default"].setdefault("TEST", {})
    test["NAME"] = BENCH_DB if connection.vendor == "postgresql" else "/tmp/sifa_bench_correction.sqlite3"  # noqa: S108
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.reuse, serialize=False)
    try:
        from sifa.core.orgs.models import Org
        from sifa.core.testing import membership_of
        from sifa.modules.correction.models import CorrectionCase, SupervisionTask

        if args.reuse and CorrectionCase.objects.exists():
            print(f"database: {connection.vendor}; reused (not reloaded); "
                  f"司法所 {Org.objects.filter(type='judicial_office').count():,}; "
                  f"subjects {CorrectionCase.objects.count():,}")
        else:
            times = load(args.seed)
            counts = times["counts"]
            print(f"database: {connection.vendor}; 司法所 {Org.objects.filter(type='judicial_office').count():,}; "
                  f"core demo (orgs, accounts, persons) {times['core']:.0f} s; correction demo "
                  f"{times['correction']:.0f} s: subjects {counts['correction_cases']:,}, "
                  f"tasks {counts['correction_tasks']:,}, transitions {counts['case_transitions']:,}, "
                  f"deadlines {counts['case_deadlines']:,}, team {counts['correction_team_members']:,}")
        c = client()
        c.get("/")
        home = [timed_get(c, "/")[0] for _ in range(args.runs)]
        print(f"\nhome page (/) signed in: p50 {p(home, .5) * 1000:.0f} ms, p95 {p(home, .95) * 1000:.0f} ms "
              "(the fixed cost of any signed-in page)")
        targets = [("province 浙江省", Org.objects.get(name="浙江省司法厅")),
                   ("city 杭州市", Org.objects.get(name="杭州市司法局")),
                   ("county 富阳区", Org.objects.get(name="杭州市富阳区司法局")),
                   ("office (office1)", membership_of("office1").org)]
        print(f"\n{args.runs} runs each, signed in as the province leader; bare SQL = the same rows without the page")
        print(f"  {'page':<28} {'cases':>8} {'p50':>10} {'p95':>10} {'SQL p95':>10}  p95 < 300 ms")
        for label, org in targets:
            cases = CorrectionCase.objects.filter(org_path__startswith=org.path).count()
            url = f"/correction/cockpit/org/{org.pk}/"
            cache.clear()
            _, status = timed_get(c, url)
            cold, warm, base = [], [], []
            for _ in range(args.runs):
                cache.clear()
                cold.append(timed_get(c, url)[0])
                warm.append(timed_get(c, url)[0])
                base.append(bare_cockpit(org.path))
            row(f"cockpit {label} cold", cases, cold, base, status)
            row(f"cockpit {label} cached", cases, warm, base, status)
        tasks = SupervisionTask.objects.count()
        print(f"  (tasks in the database: {tasks:,})")
        for label, org in targets:
            cases = CorrectionCase.objects.filter(org_path__startswith=org.path).count()
            page, base = [], []
            _, status = timed_get(c, f"/correction/?org={org.pk}")
            for _ in range(args.runs if status == 200 else 0):
                page.append(timed_get(c, f"/correction/?org={org.pk}")[0])
                base.append(bare_list(org.path))
            row(f"subject list {label}", cases, page, base, status)
        detail = CorrectionCase.objects.filter(org_path__startswith=membership_of("office1").org.path,
                                               case__state="under_correction").order_by("pk").first()
        if detail is not None:
            url = f"/correction/{detail.pk}/"
            page, base = [], []
            _, status = timed_get(c, url)
            for _ in range(args.runs if status == 200 else 0):
                page.append(timed_get(c, url)[0])
                base.append(bare_detail(detail.pk))
            row("subject page (office1)", 1, page, base, status)
    finally:
        if args.keep:
            print(f"kept the database {settings.DATABASES['default']['NAME']}")
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

"""Benchmark: statutory due-date computations per second, against plain date arithmetic in the same run.

    .venv/bin/python bench/deadlines.py [--count 200000] [--repeat 3]

The workload mixes the kinds of rules the engine knows (工作日 periods converted by GEN-06/07/08,
calendar days with holiday rollover, months, custody that never rolls, notices "N日前", sentence
terms, hours) over start dates spread across the loaded calendar (2025–2026). It runs:

1. baseline: ``start + timedelta(days=n)`` for the same (start, n) pairs — the cheapest possible
   "due date", with no calendar, no rollover, no rule lookup;
2. the engine, due date only (``compute_rule(..., explain=False)``), the path callers such as the
   case engine and the alert sweeps use;
3. the engine with the Chinese counting steps (``explain=True``), as the page, API and CLI use it.

Figures are the best of ``--repeat`` runs. Target (issue 3): ≥ 10^5 due-date computations/s.
The calendar comes from the database when one is migrated (``sifa migrate``), else from the shipped
data files (the same years the database sync loads).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sifa.project.settings")

from sifa.core.deadlines.calendar import WorkingCalendar  # noqa: E402
from sifa.core.deadlines.periods import parse_period  # noqa: E402
from sifa.core.deadlines.rules import compute_rule, get_rule  # noqa: E402
from sifa.core.deadlines.shipped import shipped_years  # noqa: E402

TARGET = 100_000

# (rule id, extra keyword arguments): one of each kind of computation.
MIX: list[tuple[str, dict[str, object]]] = [
    ("AR-11", {}),  # 五日 → 工作日 (GEN-07)
    ("AR-19.reply", {}),  # 十日 → 工作日 (GEN-07)
    ("AP-25", {}),  # 五日 → 工作日 (GEN-06)
    ("AP-37", {}),  # 十日 → 工作日 (GEN-08), earliest day
    ("LR-09", {}),  # 7个工作日
    ("AR-04", {}),  # 六十日, rollover (行政复议法第八十八条)
    ("AP-31", {}),  # 十五日, rollover (民法典 [INT])
    ("LA-11", {}),  # 七日
    ("LA-11", {"variant": "工作日"}),  # jurisdiction switch
    ("PM-12", {}),  # 三十日
    ("AP-27", {}),  # 九十日, alert before the nominal end
    ("CP-24", {}),  # 一个月, criminal month end
    ("FR-06", {}),  # 2个月
    ("CC-19", {}),  # 三个月, never rolls
    ("CC-28.custody", {}),  # 三十日 custody, never rolls
    ("CC-29", {"variant": "在押"}),
    ("AR-23", {}),  # 五日前 notice (工作日)
    ("LR-05", {}),  # 7日前 notice (calendar)
    ("CC-34.probation", {"period": parse_period("一年")}),  # 前一日 term
    ("CC-28.decision", {}),  # 四十八小时
]


def load_calendar() -> tuple[WorkingCalendar, str]:
    try:
        import django

        django.setup()
        from sifa.core.deadlines.selectors import working_calendar

        calendar = working_calendar()
        if calendar.years:
            return calendar, f"database ({', '.join(map(str, calendar.years))})"
    except Exception as exc:  # any failure means: no usable database here
        print(f"(no database calendar: {type(exc).__name__}; using the shipped files)")
    calendar = WorkingCalendar(y.arrangement() for y in shipped_years())
    return calendar, f"shipped data files ({', '.join(map(str, calendar.years))})"


def workload(count: int, seed: int) -> list[tuple[str, datetime.date | datetime.datetime, dict[str, object], int]]:
    rng = random.Random(seed)
    first = datetime.date(2025, 1, 20).toordinal()
    last = datetime.date(2026, 9, 15).toordinal()
    items = []
    for i in range(count):
        rule_id, kwargs = MIX[i % len(MIX)]
        day = datetime.date.fromordinal(rng.randint(first, last))
        rule = get_rule(rule_id)
        start: datetime.date | datetime.datetime = day
        if rule.stated is not None and rule.stated.unit.value == "小时":
            start = datetime.datetime(day.year, day.month, day.day, rng.randint(0, 23), 0)
        days = (rule.stated.amount if rule.stated is not None else 365)
        items.append((rule_id, start, kwargs, days))
    return items


def best_rate(fn: Callable[[], int], repeat: int) -> float:
    best = 0.0
    for _ in range(repeat):
        began = time.perf_counter()
        done = fn()
        best = max(best, done / (time.perf_counter() - began))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    calendar, source = load_calendar()
    items = workload(args.count, args.seed)
    explained = items[: max(1, args.count // 5)]
    timedelta = datetime.timedelta

    def baseline() -> int:
        for _, start, _, n in items:
            start + timedelta(days=n)
        return len(items)

    def engine() -> int:
        for rule_id, start, kwargs, _ in items:
            compute_rule(rule_id, start, calendar, explain=False, **kwargs)  # type: ignore[arg-type]
        return len(items)

    def engine_explained() -> int:
        for rule_id, start, kwargs, _ in explained:
            compute_rule(rule_id, start, calendar, explain=True, **kwargs)  # type: ignore[arg-type]
        return len(explained)

    engine()  # warm the rule plans
    base = best_rate(baseline, args.repeat)
    fast = best_rate(engine, args.repeat)
    slow = best_rate(engine_explained, args.repeat)

    print(f"deadlines benchmark — calendar: {source}; {len(MIX)} kinds of rule, {args.count:,} computations, "
          f"best of {args.repeat}")
    print(f"baseline  date + timedelta        {base:>14,.0f} /s")
    print(f"engine    due date (explain=False)  {fast:>12,.0f} /s   engine/baseline = {fast / base:.3f}"
          f" (baseline {base / fast:.1f}× faster)")
    print(f"engine    with steps (explain=True) {slow:>12,.0f} /s   engine/baseline = {slow / base:.3f}"
          f" (baseline {base / slow:.1f}× faster)")
    verdict = "meets" if fast >= TARGET else "BELOW"
    print(f"target    ≥ {TARGET:,} due-date computations/s: {verdict} ({fast / TARGET:.2f} × target)")


if __name__ == "__main__":
    main()

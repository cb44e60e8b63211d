"""Benchmark: transition_case under 8 concurrent writers on PostgreSQL, against plain row updates.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sifa .venv/bin/python bench/cases.py [--cases 400]

Creates a throw-away test database (test_<name>), loads the demo world, then in one run:
1. opens N test cases with 8 threads (numbers must come out 1..N with no gap or duplicate);
2. baseline: 8 threads doing plain ``UPDATE case SET state=…`` row updates on those cases;
3. 8 threads moving every case registered → withdrawn through ``transition_case``.
Reports operations per second and the ratio transition_case / plain update.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sifa.project.settings_test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

WRITERS = 8


def run_threads(work: list[int], fn: Callable[[int], None]) -> float:
    chunks = [work[i::WRITERS] for i in range(WRITERS)]
    errors: list[BaseException] = []

    def worker(items: list[int]) -> None:
        try:
            for item in items:
                fn(item)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=400)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/cases.py needs PostgreSQL: set DATABASE_URL=postgres://…")
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        call_command("demo", scale="demo", seed=1, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        from sifa.core.cases.models import Case
        from sifa.core.cases.services import open_case, transition_case
        from sifa.core.testing import actor_for

        actors = [actor_for(u) for u in ("office1", "office2", "county")]
        n = args.cases

        def open_one(i: int) -> None:
            open_case(actor=actors[i % 3], case_type="test_case", title=f"压测案件{i}")

        t_open = run_threads(list(range(n)), open_one)
        sequences = sorted(Case.objects.filter(case_type="test_case").values_list("sequence", flat=True))
        numbers = Case.objects.filter(case_type="test_case").values_list("number", flat=True)
        assert sequences == list(range(1, n + 1)), "lost or duplicated sequence numbers"
        assert len(set(numbers)) == n, "duplicated case numbers"
        ids = list(Case.objects.filter(case_type="test_case").values_list("pk", flat=True))

        def plain_update(pk: int) -> None:
            Case.objects.filter(pk=pk).update(state="registered")

        t_plain = run_threads(ids, plain_update)
        county = actor_for("county")

        def move(pk: int) -> None:
            transition_case(actor=county, case=Case(pk=pk), transition="withdraw", data={"reason": "压测"})

        t_move = run_threads(ids, move)
        assert Case.objects.filter(pk__in=ids, state="withdrawn").count() == n
        print(f"cases: {n}, writers: {WRITERS}")
        print(f"open_case:        {n / t_open:8.1f} /s  (numbers 1..{n}, no gaps, no duplicates)")
        print(f"plain UPDATE:     {n / t_plain:8.1f} /s  (baseline)")
        print(f"transition_case:  {n / t_move:8.1f} /s")
        print(f"ratio transition_case / plain update: {t_plain / t_move:.3f}")
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

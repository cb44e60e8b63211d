"""Benchmark: BM25 similar-case ranking (``sifa.core.search.index.rank``) over 100,000 case facts.

    .venv/bin/python bench/retrieval.py                                   # SQLite (a temp file database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sifa .venv/bin/python bench/retrieval.py
    options: --docs 100000  --queries 200  --seed 1  --keep  --reuse
    .venv/bin/python bench/retrieval.py --dev-baseline   # dev-set metrics of a token-overlap baseline (no DB)

Creates a throw-away database (PostgreSQL ``sifa_bench_retrieval``; SQLite
/tmp/sifa_bench_retrieval.sqlite3), then:
1. indexes ``--docs`` generated case facts (``sifa.core.search.devset``, spread over 20 org paths) with
   ``index_documents`` in transactions of 5,000 — throughput in documents/s (tokenization included);
2. times ``--queries`` new generated case facts (not in the index): ``rank(kind, q, k=30)``, the same
   with a scope filter (``org_path_prefixes`` = one of the 20 orgs), and, as the baseline in the same
   run, reading 30 documents by primary key. Goal (issue 7): p95 < 100 ms at 100,000 cases.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sifa.project.settings_test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

BENCH_DB = "sifa_bench_retrieval"
KIND = "bench.case"
ORG_PATHS = [f"00000001/{i:08d}/" for i in range(2, 22)]


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def dev_baseline() -> None:
    """Dev-set figures of ranking by the number of distinct query tokens a document shares (no DB)."""
    from sifa.core.search.evaluation import read_corpus, read_qrels, read_queries
    from sifa.core.search.index import terms_of
    from sifa.core.search.metrics import evaluate

    d = Path(__file__).resolve().parent / "retrieval_dev"
    corpus = [(key, set(terms_of(text))) for key, text in read_corpus(d / "corpus.jsonl")]
    qrels = read_qrels(d / "qrels.tsv")
    run = {}
    for q in read_queries(d / "queries.jsonl"):
        terms = set(terms_of(q.text))
        scored = sorted(((len(terms & doc), i, key) for i, (key, doc) in enumerate(corpus)), key=lambda s: (-s[0], s[1]))
        run[q.id] = [key for _, _, key in scored[:30]]
    print("token-overlap baseline on bench/retrieval_dev (k = 30):")
    print("\n".join(evaluate(run, qrels).lines()))


def load(n: int, seed: int) -> None:
    from sifa.core.search import devset, index

    rng = random.Random(seed)
    started = time.perf_counter()
    cases = devset.generate_cases(seed, n)
    done = 0
    while done < n:
        batch = [(f"c{done + i:06d}", next(cases).text, rng.choice(ORG_PATHS)) for i in range(min(5000, n - done))]
        index.index_documents(KIND, batch)
        done += len(batch)
        rate = done / (time.perf_counter() - started)
        print(f"  indexed {done:>7,}/{n:,}  {rate:,.0f} docs/s", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"indexing: {n:,} documents in {elapsed:.0f} s = {n / elapsed:,.0f} docs/s (tokenization included, "
          f"transactions of 5,000)")


def bench(queries: int, seed: int) -> None:
    from sifa.core.search import devset, index
    from sifa.core.search.models import SearchDocument, SearchKindStats, SearchPosting, SearchTerm

    stats = SearchKindStats.objects.get(kind=KIND)
    print(f"index: {stats.n:,} documents, {SearchTerm.objects.filter(kind=KIND).count():,} terms, "
          f"{SearchPosting.objects.count():,} postings, average length {stats.total_length / stats.n:.1f} tokens")
    texts = [c.text for c in devset.generate_cases(seed + 1000, queries)]
    ids = list(SearchDocument.objects.filter(kind=KIND).values_list("id", flat=True))
    rng = random.Random(seed)
    for text in texts[:5]:  # warm-up: caches, jieba
        index.rank(KIND, text, k=30)
    ranked, scoped, base, tokens = [], [], [], []
    hits = 0
    for text in texts:
        started = time.perf_counter()
        index.terms_of(text + " ")  # a fresh string: the tokenizer's cache does not hide its cost
        tokens.append(time.perf_counter() - started)
        started = time.perf_counter()
        hits += len(index.rank(KIND, text, k=30))
        ranked.append(time.perf_counter() - started)
        started = time.perf_counter()
        index.rank(KIND, text, k=30, org_path_prefixes=[rng.choice(ORG_PATHS)])
        scoped.append(time.perf_counter() - started)
        sample = rng.sample(ids, 30)
        started = time.perf_counter()
        list(SearchDocument.objects.filter(pk__in=sample).values_list("key", "org_path"))
        base.append(time.perf_counter() - started)
    load = os.getloadavg()[0]
    print(f"\n{queries} queries ({connection.vendor}), {hits / queries:.1f} results each; "
          f"load average {load:.1f} on {os.cpu_count()} cores (other processes slow every figure alike)")
    print(f"  {'operation':<44} {'p50':>9} {'p95':>9}  p95 < 100 ms")
    for label, values in (("rank(kind, q, k=30)", ranked), ("rank(…, org_path_prefixes=[one org])", scoped),
                          ("  of which tokenizing the query", tokens),
                          ("baseline: 30 documents by primary key", base)):
        mark = "" if label.startswith(("baseline", " ")) else ("ok" if p(values, .95) < 0.1 else "MISSED")
        print(f"  {label:<44} {p(values, .5) * 1000:>7.1f}ms {p(values, .95) * 1000:>7.1f}ms  {mark}")
    print(f"  ratio p95 rank / p95 baseline: {p(ranked, .95) / p(base, .95):.0f}×")
    # quality at 100,000: labels by construction (devset.grade) of the two-stage and the exhaustive top 30
    docs = list(devset.generate_cases(seed, stats.n))
    cases = list(devset.generate_cases(seed + 1000, queries))
    exact, quality = [], {"two-stage": [0.0, 0.0, 0.0], "exhaustive": [0.0, 0.0, 0.0]}
    checked = cases[:50]
    for case in checked:
        started = time.perf_counter()
        full = index.rank(KIND, case.text, k=30, exhaustive=True)
        exact.append(time.perf_counter() - started)
        for label, ranking in (("exhaustive", full), ("two-stage", index.rank(KIND, case.text, k=30))):
            grades = [devset.grade(case, docs[int(key[1:])]) for key, _ in ranking]
            quality[label][0] += sum(1 for g in grades[:10] if g == 2) / 10
            quality[label][1] += sum(1 for g in grades[:30] if g >= 1) / 30
            quality[label][2] += sum(score for _, score in ranking)
    print(f"\nfor information, {len(checked)} queries ranked exhaustively (every posting of the kept terms): "
          f"p50 {p(exact, .5) * 1000:.0f} ms, p95 {p(exact, .95) * 1000:.0f} ms. Labels by construction:")
    for label, (p10, r30, total) in quality.items():
        print(f"  {label:<11} P@10 (grade 2) {p10 / len(checked):.3f}   share of grade ≥ 1 in the top 30 "
              f"{r30 / len(checked):.3f}   sum of BM25 scores of the top 30 "
              f"{total / quality['exhaustive'][2]:.1%} of the exhaustive")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="reuse the index a --keep run left; implies --keep")
    parser.add_argument("--dev-baseline", action="store_true", help="only the dev-set token-overlap baseline")
    parser.add_argument("--postings-per-term", type=int, default=0, help="override index.POSTINGS_PER_TERM")
    parser.add_argument("--candidates", type=int, default=0, help="override index.CANDIDATES")
    parser.add_argument("--stage1-terms", type=int, default=0, help="override index.STAGE1_TERMS")
    args = parser.parse_args()
    from sifa.core.search import index

    if args.postings_per_term:
        index.POSTINGS_PER_TERM = args.postings_per_term
    if args.candidates:
        index.CANDIDATES = args.candidates
    if args.stage1_terms:
        index.STAGE1_TERMS = args.stage1_terms
    if args.dev_baseline:
        dev_baseline()
        return
    args.keep = args.keep or args.reuse
    test = settings.DATABASES["default"].setdefault("TEST", {})
    test["NAME"] = BENCH_DB if connection.vendor == "postgresql" else "/tmp/sifa_bench_retrieval.sqlite3"  # noqa: S108
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.reuse, serialize=False)
    try:
        from sifa.core.search.models import SearchKindStats

        if connection.vendor == "sqlite":  # a page cache sized for the index (default: 2 MB)
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -1000000")
        print(f"database: {connection.vendor}" + (", PRAGMA cache_size = 1 GB" if connection.vendor == "sqlite" else "")
              + f"; stage 1: {index.STAGE1_TERMS} terms × {index.POSTINGS_PER_TERM} postings, "
              f"{index.CANDIDATES} candidates")
        if not (args.reuse and SearchKindStats.objects.filter(kind=KIND, n__gt=0).exists()):
            load(args.docs, args.seed)
        bench(args.queries, args.seed)
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

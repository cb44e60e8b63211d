"""Retrieval metrics (pure Python, no Django): NDCG@k with graded gains, P@k and MAP (LeCaRD convention).

* NDCG@k: DCG@k = Σ_{i=1..k} grade(d_i) / log2(i + 1) (linear gain = the grade, rank i from 1); the
  ideal DCG sorts that query's qrels grades in decreasing order and truncates at k. Queries with no
  document of grade > 0 are skipped.
* P@k and AP count a document as relevant only if its grade equals the highest grade present in the
  whole qrels file (LeCaRD: grade 3 of 0–3; our dev set: grade 2 of 0–2). P@k = relevant in the top k
  / k (k even when the ranking is shorter). AP = Σ over relevant ranks i of P@i, divided by the
  number of relevant documents of the query in the qrels; MAP = mean AP. Queries with no document at
  the highest grade are skipped for P@k and MAP.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

NDCG_KS = (10, 20, 30)
PRECISION_KS = (5, 10)
METRIC_NAMES = tuple([f"NDCG@{k}" for k in NDCG_KS] + [f"P@{k}" for k in PRECISION_KS] + ["MAP"])


def dcg(gains: Sequence[float], k: int) -> float:
    """Σ_{i=1..k} gains[i−1] / log2(i + 1)."""
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains[:k]))


def ndcg_at(ranking: Sequence[str], grades: Mapping[str, int], k: int) -> float:
    """NDCG@k of ``ranking`` given one query's qrels ``grades`` (docid → grade; missing = 0)."""
    ideal = dcg(sorted((g for g in grades.values() if g > 0), reverse=True), k)
    if ideal <= 0:
        return 0.0
    return dcg([max(0, grades.get(doc, 0)) for doc in ranking], k) / ideal


def precision_at(ranking: Sequence[str], relevant: set[str], k: int) -> float:
    """Share of the top k that are relevant (divided by k even if the ranking is shorter)."""
    return sum(1 for doc in ranking[:k] if doc in relevant) / k


def average_precision(ranking: Sequence[str], relevant: set[str]) -> float:
    """Σ of P@i at each relevant rank i, divided by the number of relevant documents."""
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for i, doc in enumerate(ranking, start=1):
        if doc in relevant:
            hits += 1
            total += hits / i
    return total / len(relevant)


@dataclass
class Evaluation:
    """Mean metrics, and how many queries each group of metrics evaluated or skipped."""

    metrics: dict[str, float] = field(default_factory=dict)
    graded_queries: int = 0
    binary_queries: int = 0
    skipped_graded: list[str] = field(default_factory=list)
    skipped_binary: list[str] = field(default_factory=list)
    top_grade: int = 0

    def lines(self) -> list[str]:
        """``NAME value`` lines, 4 decimals, in the order NDCG@10, NDCG@20, NDCG@30, P@5, P@10, MAP."""
        return [f"{name} {self.metrics[name]:.4f}" for name in METRIC_NAMES]


def evaluate(run: Mapping[str, Sequence[str]], qrels: Mapping[str, Mapping[str, int]]) -> Evaluation:
    """Mean NDCG@10/20/30, P@5/10 and MAP of ``run`` (qid → ranked docids) against ``qrels``.

    Only queries of ``run`` are evaluated (a qrels query missing from the run is not).
    """
    top = max((g for grades in qrels.values() for g in grades.values()), default=0)
    result = Evaluation(top_grade=top)
    sums = dict.fromkeys(METRIC_NAMES, 0.0)
    for qid, ranking in run.items():
        grades = qrels.get(qid, {})
        if any(g > 0 for g in grades.values()):
            result.graded_queries += 1
            for k in NDCG_KS:
                sums[f"NDCG@{k}"] += ndcg_at(ranking, grades, k)
        else:
            result.skipped_graded.append(qid)
        relevant = {doc for doc, g in grades.items() if top > 0 and g == top}
        if relevant:
            result.binary_queries += 1
            for k in PRECISION_KS:
                sums[f"P@{k}"] += precision_at(ranking, relevant, k)
            sums["MAP"] += average_precision(ranking, relevant)
        else:
            result.skipped_binary.append(qid)
    for name in METRIC_NAMES:
        count = result.graded_queries if name.startswith("NDCG") else result.binary_queries
        result.metrics[name] = sums[name] / count if count else 0.0
    return result

"""Metrics against hand-computed examples (pure Python, no database)."""

import math

import pytest

from sifa.core.search.metrics import average_precision, dcg, evaluate, ndcg_at, precision_at


def test_ndcg_hand_example() -> None:
    """ranking a b c d; grades a=2, c=1, e=2 (e not retrieved).

    DCG@3 = 2/log2(2) + 0/log2(3) + 1/log2(4) = 2 + 0 + 0.5 = 2.5
    IDCG@3 = 2/log2(2) + 2/log2(3) + 1/log2(4) = 2 + 1.2618595 + 0.5 = 3.7618595
    NDCG@3 = 0.6645650. Reference: this is the linear-gain NDCG of Järvelin & Kekäläinen as in
    trec_eval's ``ndcg_cut`` and scikit-learn's ``ndcg_score`` (gain = grade, discount 1/log2(rank + 1)).
    """
    grades = {"a": 2, "c": 1, "e": 2}
    assert dcg([2, 0, 1], 3) == pytest.approx(2.5)
    assert ndcg_at(["a", "b", "c", "d"], grades, 3) == pytest.approx(2.5 / (3 + 2 / math.log2(3) - 0.5))
    assert ndcg_at(["a", "b", "c", "d"], grades, 3) == pytest.approx(0.6645650, abs=1e-7)
    # k = 1: only a, ideal also 2 → 1.0
    assert ndcg_at(["a", "b"], grades, 1) == pytest.approx(1.0)
    # nothing relevant retrieved
    assert ndcg_at(["x", "y"], grades, 10) == 0.0


def test_precision_and_ap_hand_example() -> None:
    """relevant = {a, e}; ranking a b e: P@2 = 1/2, P@5 = 2/5 (divided by k although only 3 are ranked);
    AP = (1/1 + 2/3) / 2 = 0.8333333; with e missing AP = (1/1) / 2 = 0.5."""
    assert precision_at(["a", "b", "e"], {"a", "e"}, 2) == pytest.approx(0.5)
    assert precision_at(["a", "b", "e"], {"a", "e"}, 5) == pytest.approx(0.4)
    assert average_precision(["a", "b", "e"], {"a", "e"}) == pytest.approx(5 / 6)
    assert average_precision(["a", "b", "c"], {"a", "e"}) == pytest.approx(0.5)
    assert average_precision(["a"], set()) == 0.0


def test_evaluate_uses_the_highest_grade_of_the_whole_qrels_for_p_and_map() -> None:
    """LeCaRD convention: the top grade in the file is 3 (set by q2), so q1's grade-2 docs are not
    relevant for P@k/MAP and q1 is skipped there, but counted for NDCG."""
    qrels = {"q1": {"a": 2, "b": 1}, "q2": {"c": 3, "d": 1}, "q3": {"x": 0}}
    run = {"q1": ["a", "b"], "q2": ["d", "c"], "q3": ["x"]}
    ev = evaluate(run, qrels)
    assert ev.top_grade == 3
    assert ev.graded_queries == 2 and ev.skipped_graded == ["q3"]
    assert ev.binary_queries == 1 and ev.skipped_binary == ["q1", "q3"]
    ndcg_q2 = (1 + 3 / math.log2(3)) / (3 + 1 / math.log2(3))
    assert ev.metrics["NDCG@10"] == pytest.approx((1.0 + ndcg_q2) / 2)
    assert ev.metrics["P@5"] == pytest.approx(0.2)
    assert ev.metrics["MAP"] == pytest.approx(0.5)
    assert ev.lines()[0].startswith("NDCG@10 ") and [line.split()[0] for line in ev.lines()] == [
        "NDCG@10", "NDCG@20", "NDCG@30", "P@5", "P@10", "MAP"]

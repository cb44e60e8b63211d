"""sifa-draw-1 (algorithm.py), no database: the fixed vector of docs/engines/draws.md, determinism,
uniformity, unbiased integers, exclusions, validation before the commitment, and what verify catches."""

from __future__ import annotations

import copy
import hashlib
from collections import Counter
from typing import Any

import pytest

from sifa.core.draws import algorithm as a

# The worked example of docs/engines/draws.md.
EXAMPLE: dict[str, Any] = {
    "pools": {"targets": [{"id": f"E{i}", "label": f"企业{i}"} for i in range(1, 6)],
              "inspectors": [{"id": f"P{i}", "label": f"执法人员{i}"} for i in range(1, 5)]},
    "steps": [{"pool": "targets", "pick": 2, "as": "targets"},
              {"pool": "inspectors", "pick": 2, "per": "targets", "as": "inspectors", "exclude": "conflicts"}],
    "exclusions": {"conflicts": {"E1": ["P1"]}},
}
SEED = bytes([3]) * 32
ROOT = bytes(32)


def _seed(i: int) -> bytes:
    return hashlib.sha256(f"seed-{i}".encode()).digest()


def test_worked_example_fixed_vector() -> None:
    # given the example's published data, seed 03…03 and root 00…00
    # when
    result = a.derive(EXAMPLE, SEED, ROOT)
    # then: exactly the figures printed in docs/engines/draws.md
    assert a.pools_hash(EXAMPLE) == "36e3b69d009b823ec581bba1cad28872c13a2563240bc2105619220d2bca1bc6"
    assert a.commitment_of(SEED) == "97ca28783501f7c53027404fcdb6ea037cc1d9656b7285f115d9d767c6d47201"
    assert a.material_of(SEED, a.pools_hash(EXAMPLE), ROOT).hex() == \
        "dab5e002651c5f0ceb937fa2eaa505a4104c9edbee20ee7668b775c8310226f0"
    assert result["steps"][0]["selected"] == ["E1", "E5"]
    assert result["steps"][1]["selected"] == {"E1": ["P4", "P2"], "E5": ["P1", "P4"]}
    assert result["values_used"] == 6
    stream = a.Stream(a.material_of(SEED, a.pools_hash(EXAMPLE), ROOT))
    assert [stream.next64() for _ in range(2)] == [8990530163387746385, 8465903695066873683]


def test_sm3_test_vector() -> None:
    assert a.digest("sm3", b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_same_inputs_same_result_and_root_or_seed_changes_it() -> None:
    first = a.derive(EXAMPLE, _seed(1), ROOT)
    assert a.derive(copy.deepcopy(EXAMPLE), _seed(1), ROOT) == first
    # the pools hash does not depend on key order or pool order in the input dicts
    reordered = {"steps": EXAMPLE["steps"], "exclusions": EXAMPLE["exclusions"],
                 "pools": dict(reversed(list(EXAMPLE["pools"].items())))}
    assert a.pools_hash(reordered) == a.pools_hash(EXAMPLE)
    results = {str(a.derive(EXAMPLE, _seed(1), hashlib.sha256(bytes([r])).digest())["steps"]) for r in range(20)}
    assert len(results) > 10


def test_sha256_variant() -> None:
    result = a.derive(EXAMPLE, SEED, ROOT, "sha256")
    assert result == a.derive(EXAMPLE, SEED, ROOT, "sha256")
    assert a.verify(EXAMPLE, a.commitment_of(SEED, "sha256"), SEED, ROOT, result, "sha256") == []


def test_selection_is_uniform_chi_square() -> None:
    # given 3,000 draws of 1 of 10 and of the first of 3 out of 6 (position 0 of a Fisher–Yates)
    pool = {"pools": {"p": [{"id": f"x{i}", "label": ""} for i in range(10)]},
            "steps": [{"pool": "p", "pick": 1, "as": "one"}], "exclusions": {}}
    n = 3000
    counts = Counter(a.derive(pool, _seed(i), ROOT)["steps"][0]["selected"][0] for i in range(n))
    # then: chi-square with 9 degrees of freedom below the 0.999 quantile (27.88)
    expected = n / 10
    chi2 = sum((counts[f"x{i}"] - expected) ** 2 / expected for i in range(10))
    assert chi2 < 27.88, (chi2, counts)


def test_every_ordered_pair_is_reachable_and_balanced() -> None:
    pool = {"pools": {"p": [{"id": c, "label": ""} for c in "abcd"]},
            "steps": [{"pool": "p", "pick": 2, "as": "two"}], "exclusions": {}}
    counts = Counter(tuple(a.derive(pool, _seed(i), ROOT)["steps"][0]["selected"]) for i in range(2400))
    assert len(counts) == 12  # 4 × 3 ordered pairs
    assert min(counts.values()) > 140 and max(counts.values()) < 260  # expected 200 each


def test_uniform_rejects_values_that_would_bias_the_modulo() -> None:
    # given n = 3: 2^64 mod 3 = 1, so the single largest value 2^64 − 1 must be rejected
    stream = a.Stream(b"x")
    stream._values = iter([2**64 - 1, 5, 2**64 - 2])
    # when / then: 2^64 − 1 is skipped, 5 mod 3 = 2; 2^64 − 2 is accepted (below the limit)
    assert stream.uniform(3) == 2
    assert stream.used == 2
    assert stream.uniform(3) == (2**64 - 2) % 3
    # n = 2^63 + 1: the limit is 2^63 + 1, so about half of all values are rejected
    stream._values = iter([2**63 + 1, 2**64 - 1, 7])
    assert stream.uniform(2**63 + 1) == 7
    assert stream.used == 6
    # a power of two never rejects
    stream._values = iter([2**64 - 1])
    assert stream.uniform(8) == 7


def test_exclusions_are_respected_over_many_seeds() -> None:
    published = copy.deepcopy(EXAMPLE)
    published["exclusions"] = {"conflicts": {"E1": ["P1", "P2"], "E3": ["P4"]}}
    for i in range(300):
        chosen = a.derive(published, _seed(i), ROOT)["steps"][1]["selected"]
        assert not {"P1", "P2"} & set(chosen.get("E1", []))
        assert "P4" not in chosen.get("E3", [])
        for ids in chosen.values():
            assert len(ids) == 2 and len(set(ids)) == 2


def test_pick_larger_than_pool_takes_all_and_says_so() -> None:
    published = copy.deepcopy(EXAMPLE)
    published["steps"][0]["pick"] = 9
    step = a.derive(published, SEED, ROOT)["steps"][0]
    assert sorted(step["selected"]) == ["E1", "E2", "E3", "E4", "E5"]
    assert step["all_taken"] is True and step["available"] == 5


def test_too_many_per_target_is_refused_before_any_draw() -> None:
    # given E1 has 3 of 4 inspectors excluded and 2 are wanted per target
    published = copy.deepcopy(EXAMPLE)
    published["exclusions"] = {"conflicts": {"E1": ["P1", "P2", "P3"]}}
    # when / then: refused at validation, whatever the targets turn out to be
    with pytest.raises(a.DrawSpecError) as exc:
        a.validate(published)
    assert "企业1" in exc.value.message and "只有 1 人" in exc.value.message
    assert exc.value.field == "steps"


@pytest.mark.parametrize(("change", "words"), [
    (lambda p: p["pools"]["targets"].append({"id": "E1", "label": "重复"}), "重复"),
    (lambda p: p["steps"].append({"pool": "nope", "pick": 1, "as": "x"}), "不存在"),
    (lambda p: p["steps"].__setitem__(0, {"pool": "targets", "pick": 0, "as": "targets"}), "pick"),
    (lambda p: p["steps"][1].__setitem__("per", "later"), "per"),
    (lambda p: p["steps"][1].__setitem__("exclude", "missing"), "回避名单"),
    (lambda p: p["steps"][0].__setitem__("extra", 1), "不能有其他项"),
    (lambda p: p.__setitem__("steps", []), "不能为空"),
    (lambda p: p["pools"]["targets"][0].__setitem__("id", 7), "非空字符串"),
])
def test_invalid_published_data_is_named(change: Any, words: str) -> None:
    published = copy.deepcopy(EXAMPLE)
    change(published)
    with pytest.raises(a.DrawSpecError) as exc:
        a.validate(published)
    assert words in exc.value.message


def test_verify_accepts_the_true_draw() -> None:
    result = a.derive(EXAMPLE, SEED, ROOT)
    assert a.verify(EXAMPLE, a.commitment_of(SEED), SEED, ROOT, result,
                    expected_pools_hash=a.pools_hash(EXAMPLE)) == []


def test_verify_detects_a_commitment_mismatch() -> None:
    result = a.derive(EXAMPLE, SEED, ROOT)
    other = bytes([4]) * 32
    problems = a.verify(EXAMPLE, a.commitment_of(other), SEED, ROOT, result)
    assert problems and "承诺值不符" in problems[0]


def test_verify_detects_tampered_pools() -> None:
    result = a.derive(EXAMPLE, SEED, ROOT)
    tampered = copy.deepcopy(EXAMPLE)
    tampered["pools"]["targets"][4]["label"] = "改过的企业"
    problems = a.verify(tampered, a.commitment_of(SEED), SEED, ROOT, result, expected_pools_hash=a.pools_hash(EXAMPLE))
    assert any("名单被改动" in p for p in problems)


def test_verify_detects_a_tampered_result() -> None:
    result = a.derive(EXAMPLE, SEED, ROOT)
    result["steps"][1]["selected"]["E1"] = ["P1", "P2"]  # an excluded inspector slipped in
    problems = a.verify(EXAMPLE, a.commitment_of(SEED), SEED, ROOT, result)
    assert problems == ["公布的抽取结果与重新推导的结果不一致（inspectors）"]


def test_verify_detects_a_wrong_root() -> None:
    result = a.derive(EXAMPLE, SEED, ROOT)
    problems = a.verify(EXAMPLE, a.commitment_of(SEED), SEED, bytes([1]) * 32, result)
    assert problems and "不一致" in problems[0]

"""The BM25 index: df/N bookkeeping, filters, and rankings equal to a reference BM25 to 1e-9.

Run on SQLite and on PostgreSQL (scripts/with-postgres.sh …/sifa_search): both engines are compared
with the same pure-Python reference, so they agree with each other to 2e-9 and in order.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from sifa.core.search import index
from sifa.core.search.models import SearchDocument, SearchKindStats, SearchPosting, SearchTerm

DEV = Path(__file__).resolve().parents[4] / "bench" / "retrieval_dev"
pytestmark = pytest.mark.django_db


def _df(kind: str, term: str) -> int:
    return SearchTerm.objects.filter(kind=kind, term=term).values_list("df", flat=True).first() or 0


def _stats(kind: str) -> tuple[int, int]:
    row = SearchKindStats.objects.filter(kind=kind).values_list("n", "total_length").first()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def _check_consistent(kind: str) -> None:
    """df of every term = its postings; N and total length = the documents'."""
    docs = SearchDocument.objects.filter(kind=kind)
    assert _stats(kind) == (docs.count(), sum(docs.values_list("length", flat=True)))
    counted = Counter(SearchPosting.objects.filter(term__kind=kind).values_list("term__term", flat=True))
    for term, df in SearchTerm.objects.filter(kind=kind).values_list("term", "df"):
        assert counted.get(term, 0) == df, term


def test_index_reindex_and_remove_keep_df_and_n_right() -> None:
    kind = "test:df"
    assert index.index_documents(kind, [("1", "当事人在人行道占道经营水果摊", ""),
                                        ("2", "当事人在小区乱张贴小广告", ""),
                                        ("3", "占道经营蔬菜，拒不改正", "")]) == 3
    _check_consistent(kind)
    assert _stats(kind)[0] == 3
    assert _df(kind, "经营") == 2 and _df(kind, "广告") == 1
    # re-indexing a key replaces it: df of its old terms drops, N stays
    index.index_documents(kind, [("1", "违规倾倒建筑垃圾", "")])
    _check_consistent(kind)
    assert _stats(kind)[0] == 3 and _df(kind, "经营") == 1 and _df(kind, "垃圾") == 1
    # the same key twice in one call: the last text wins
    index.index_documents(kind, [("2", "噪声扰民", ""), ("2", "夜间施工噪声", "")])
    _check_consistent(kind)
    assert _df(kind, "广告") == 0 and _df(kind, "施工") == 1 and _stats(kind)[0] == 3
    assert index.remove_documents(kind, ["1", "404"]) == 1
    _check_consistent(kind)
    assert _stats(kind)[0] == 2 and _df(kind, "垃圾") == 0
    assert [key for key, _ in index.rank(kind, "建筑垃圾")] == []
    index.remove_kind(kind)
    assert not SearchDocument.objects.filter(kind=kind).exists() and not SearchTerm.objects.filter(kind=kind).exists()
    assert _stats(kind) == (0, 0)


def test_kinds_do_not_mix() -> None:
    index.index_documents("test:a", [("1", "占道经营水果", "")])
    index.index_documents("test:b", [("1", "乱张贴小广告", ""), ("2", "占道经营", "")])
    assert [k for k, _ in index.rank("test:a", "占道经营")] == ["1"]
    assert [k for k, _ in index.rank("test:b", "占道经营")] == ["2"]
    assert _df("test:a", "经营") == 1 and _stats("test:a")[0] == 1


def test_candidates_restrict_the_ranking() -> None:
    kind = "test:cand"
    index.index_documents(kind, [("a", "占道经营水果摊", ""), ("b", "占道经营蔬菜摊", ""), ("c", "乱张贴", "")])
    assert {k for k, _ in index.rank(kind, "占道经营")} == {"a", "b"}
    assert [k for k, _ in index.rank(kind, "占道经营", candidates=["b", "c", "unknown"])] == ["b"]
    assert index.rank(kind, "占道经营", candidates=[]) == []
    assert index.rank(kind, "占道经营", candidates=["unknown"]) == []


def test_org_path_prefix_filter() -> None:
    kind = "test:scope"
    index.index_documents(kind, [("in", "占道经营水果", "00000001/00000002/"),
                                 ("sub", "占道经营蔬菜", "00000001/00000002/00000007/"),
                                 ("out", "占道经营鲜花", "00000001/00000003/"),
                                 ("like", "占道经营玩具", "0000x001/"),
                                 ("none", "占道经营早点", "")])
    assert {k for k, _ in index.rank(kind, "占道经营")} == {"in", "sub", "out", "like", "none"}
    assert {k for k, _ in index.rank(kind, "占道经营", org_path_prefixes=["00000001/00000002/"])} == {"in", "sub"}
    assert {k for k, _ in index.rank(kind, "占道经营", org_path_prefixes=["00000001/"])} == {"in", "sub", "out"}
    # LIKE wildcards in a prefix are literal
    assert index.rank(kind, "占道经营", org_path_prefixes=["0000_001/"]) == []
    assert index.rank(kind, "占道经营", org_path_prefixes=[]) == []
    assert {k for k, _ in index.rank(kind, "占道经营", org_path_prefixes=["00000001/00000003/", "0000x"])} == {"out", "like"}


def test_empty_query_or_kind() -> None:
    assert index.rank("test:nothing", "占道经营") == []
    index.index_documents("test:e", [("1", "占道经营", "")])
    assert index.rank("test:e", "，。！") == []
    assert index.rank("test:e", "占道经营", k=0) == []


def _load_dev() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    read = lambda name: [json.loads(line) for line in (DEV / name).read_text(encoding="utf-8").splitlines()]  # noqa: E731
    return [(r["id"], r["text"]) for r in read("corpus.jsonl")], [(r["id"], r["text"]) for r in read("queries.jsonl")]


def _reference(corpus: list[tuple[str, str]], query: str, k: int) -> list[tuple[str, float]]:
    """Exhaustive BM25 in Python with the same term selection, rounding and tie-break (insertion order)."""
    import math

    docs = [(key, Counter(index.terms_of(text))) for key, text in corpus]
    n = len(docs)
    avgdl = sum(sum(c.values()) for _, c in docs) / n
    df = Counter(t for _, c in docs for t in c)
    qtf = Counter(index.terms_of(query))
    found = [(i, t, df[t]) for i, t in enumerate(sorted(qtf)) if df[t] > 0]
    terms = index.select_query_terms(qtf, found, n)
    scored = []
    for pos, (key, counts) in enumerate(docs):
        dl = sum(counts.values())
        parts = [t.weight * math.log(1 + (n - t.df + 0.5) / (t.df + 0.5)) * counts[t.term] * (index.K1 + 1)
                 / (counts[t.term] + index.K1 * (1 - index.B) + index.K1 * index.B / avgdl * dl)
                 for t in terms if counts[t.term]]
        if parts:
            scored.append((round(sum(parts), index.SCORE_DECIMALS), pos, key))
    scored.sort(key=lambda s: (-s[0], s[1]))
    return [(key, score) for score, _, key in scored[:k]]


def _assert_same(got: list[tuple[str, float]], want: list[tuple[str, float]]) -> None:
    assert [k for k, _ in got] == [k for k, _ in want]
    for (_, a), (_, b) in zip(got, want, strict=True):
        assert abs(a - b) <= 1e-9


def test_dev_set_ranking_equals_reference_bm25() -> None:
    """On the dev set (400 docs, 40 queries) the SQL ranking equals the Python reference: same order,
    scores within 1e-9 — on whichever engine runs the test (SQLite and PostgreSQL in CI)."""
    corpus, queries = _load_dev()
    index.index_documents("test:dev", [(key, text, "") for key, text in corpus])
    for _, text in queries:
        _assert_same(index.rank("test:dev", text, k=30), _reference(corpus, text, 30))


def test_two_stage_ranking_of_large_kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Large kinds rank in two stages. With every posting of every term in stage 1 the result is the
    exhaustive ranking; with few terms and postings in stage 1 the returned scores are still exact BM25."""
    corpus, queries = _load_dev()
    paths = {key: f"00000001/0000000{i % 2 + 2}/" for i, (key, _) in enumerate(corpus)}
    index.index_documents("test:two", [(key, text, paths[key]) for key, text in corpus])
    monkeypatch.setattr(index, "EXHAUSTIVE_MAX_DOCS", 100)
    monkeypatch.setattr(index, "STAGE1_TERMS", index.MAX_QUERY_TERMS)
    for _, text in queries[:10]:
        exact = index.rank("test:two", text, k=30, exhaustive=True)
        _assert_same(index.rank("test:two", text, k=30), exact)
    monkeypatch.setattr(index, "STAGE1_TERMS", 6)
    monkeypatch.setattr(index, "POSTINGS_PER_TERM", 20)
    monkeypatch.setattr(index, "CANDIDATES", 40)
    for _, text in queries[:10]:
        reference = dict(_reference(corpus, text, len(corpus)))
        got = index.rank("test:two", text, k=30)
        assert 0 < len(got) <= 30
        assert all(abs(score - reference[key]) <= 1e-9 for key, score in got)
        scoped = index.rank("test:two", text, k=30, org_path_prefixes=["00000001/00000003/"])
        assert scoped and all(paths[key] == "00000001/00000003/" for key, _ in scoped)
        assert all(abs(score - reference[key]) <= 1e-9 for key, score in scoped)
    assert index.rank("test:two", queries[0][1], k=30, org_path_prefixes=["x"]) == []

"""``sifa eval retrieval`` end to end on a tiny corpus: exact output, --run-out, bad input, cleanup."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sifa.core.search import index
from sifa.core.search.models import SearchDocument, SearchKindStats, SearchTerm

pytestmark = pytest.mark.django_db

CORPUS = [{"id": "d1", "text": "当事人占道经营水果摊位"}, {"id": "d2", "text": "在小区楼道乱张贴小广告"},
          {"id": 3, "text": "占道经营蔬菜"}]
QUERIES = [{"id": "q1", "text": "占道经营水果"}, {"id": "q2", "text": "小广告", "candidates": ["d1", "3"]},
           {"id": "q9", "text": "不在 qrels 中的查询"}]
QRELS = "q1 0 d1 2\nq1 0 3 1\nq2\t0\td2\t2\n"


def _files(tmp_path: Path, corpus: str | None = None, queries: str | None = None, qrels: str | None = None) -> list[str]:
    (tmp_path / "corpus.jsonl").write_text(
        corpus if corpus is not None else "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in CORPUS), "utf-8")
    (tmp_path / "queries.jsonl").write_text(
        queries if queries is not None else "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in QUERIES), "utf-8")
    (tmp_path / "qrels.tsv").write_text(qrels if qrels is not None else QRELS, "utf-8")
    return ["--corpus", str(tmp_path / "corpus.jsonl"), "--queries", str(tmp_path / "queries.jsonl"),
            "--qrels", str(tmp_path / "qrels.tsv")]


def _no_eval_kinds() -> bool:
    return not (SearchDocument.objects.filter(kind__startswith="eval:").exists()
                or SearchTerm.objects.filter(kind__startswith="eval:").exists()
                or SearchKindStats.objects.filter(kind__startswith="eval:").exists())


def test_eval_retrieval_prints_the_metrics_and_writes_the_run(tmp_path: Path) -> None:
    """q1 ranks d1 (grade 2) then 3 (grade 1): NDCG 1, P@5 = 1/5, AP 1. q2 may only rank d1 and 3
    (its candidates), neither relevant: NDCG 0, P 0, AP 0. Means over the two queries."""
    out, err = io.StringIO(), io.StringIO()
    call_command("eval", "retrieval", *_files(tmp_path), "--run-out", str(tmp_path / "run.json"), stdout=out, stderr=err)
    assert out.getvalue().splitlines() == ["NDCG@10 0.5000", "NDCG@20 0.5000", "NDCG@30 0.5000",
                                           "P@5 0.1000", "P@10 0.0500", "MAP 0.5000"]
    assert "q9" in err.getvalue() and "qrels" in err.getvalue()
    run = json.loads((tmp_path / "run.json").read_text("utf-8"))
    assert run == {"q1": ["d1", "3"], "q2": []}
    assert _no_eval_kinds()


def test_eval_k_limits_the_ranking_depth(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("eval", "retrieval", *_files(tmp_path), "--k", "1", "--run-out", str(tmp_path / "run.json"),
                 stdout=out, stderr=io.StringIO())
    assert json.loads((tmp_path / "run.json").read_text("utf-8"))["q1"] == ["d1"]


@pytest.mark.parametrize(("which", "content", "message"), [
    ("corpus", '{"id": "d1", "text": "占道"}\n{"id": "d2", "text": \n', r"corpus\.jsonl 第 2 行：不是合法的 JSON"),
    ("corpus", '{"text": "占道"}\n', r"corpus\.jsonl 第 1 行：缺少 id"),
    ("corpus", '{"id": "d1", "text": "a"}\n{"id": "d1", "text": "b"}\n', r"corpus\.jsonl 第 2 行：id d1 重复"),
    ("corpus", '{"id": "d1"}\n', r"corpus\.jsonl 第 1 行：缺少 text"),
    ("corpus", '["d1", "占道"]\n', r"corpus\.jsonl 第 1 行：应为 JSON 对象"),
    ("queries", '{"id": "q1", "text": "占道", "candidates": "d1"}\n', r"queries\.jsonl 第 1 行：candidates 须为文档 id 的列表"),
    ("qrels", "q1 0 d1 2\nq1 d1 2\n", r"qrels\.tsv 第 2 行：应为 4 列（qid 0 docid grade），实为 3 列"),
    ("qrels", "q1 0 d1 high\n", r"qrels\.tsv 第 1 行：第 4 列相关等级应为整数"),
])
def test_bad_input_names_the_file_and_line(tmp_path: Path, which: str, content: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("eval", "retrieval", *_files(tmp_path, **{which: content}), stdout=io.StringIO(),
                     stderr=io.StringIO())
    assert _no_eval_kinds()


def test_missing_file(tmp_path: Path) -> None:
    args = _files(tmp_path)
    args[1] = str(tmp_path / "nope.jsonl")
    with pytest.raises(CommandError, match=r"nope\.jsonl 不存在"):
        call_command("eval", "retrieval", *args, stdout=io.StringIO(), stderr=io.StringIO())


def test_the_throwaway_kind_is_removed_on_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> list[tuple[str, float]]:
        assert SearchDocument.objects.filter(kind__startswith="eval:").count() == 3  # indexed in the product DB
        raise RuntimeError("boom")

    monkeypatch.setattr(index, "rank", boom)
    with pytest.raises(RuntimeError):
        call_command("eval", "retrieval", *_files(tmp_path), stdout=io.StringIO(), stderr=io.StringIO())
    assert _no_eval_kinds()


def test_queries_without_relevant_documents_are_skipped_with_a_warning(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("eval", "retrieval", *_files(tmp_path, qrels="q1 0 d1 2\nq2 0 d2 0\n"), stdout=out, stderr=err)
    assert out.getvalue().splitlines()[0] == "NDCG@10 1.0000"
    assert "1 个查询在 qrels 中没有相关文档" in err.getvalue()

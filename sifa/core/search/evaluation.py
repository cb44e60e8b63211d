"""``sifa eval retrieval``: read a corpus, queries and TREC qrels, rank with the product's ``rank``, score.

The corpus is indexed into the product database under a throw-away kind (``eval:<hex>``), every query
is ranked with ``index.rank`` (restricted to its ``candidates`` when given), and the kind is removed
afterwards, also when something fails.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sifa.core.search import index
from sifa.core.search.metrics import Evaluation, evaluate


class EvalInputError(Exception):
    """Bad input file: the message (Chinese) names the file and line."""


@dataclass
class EvalQuery:
    id: str
    text: str
    candidates: list[str] | None = None


@dataclass
class EvalResult:
    evaluation: Evaluation
    run: dict[str, list[str]]
    warnings: list[str] = field(default_factory=list)


def _json_lines(path: Path) -> list[tuple[int, dict[str, Any]]]:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise EvalInputError(f"文件 {path} 不存在") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalInputError(f"无法读取文件 {path}（须为 UTF-8 文本）：{exc}") from exc
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalInputError(f"文件 {path} 第 {number} 行：不是合法的 JSON（{exc.msg}，第 {exc.colno} 列）") from exc
        if not isinstance(value, dict):
            raise EvalInputError(f"文件 {path} 第 {number} 行：应为 JSON 对象，如 {{\"id\": …, \"text\": …}}")
        rows.append((number, value))
    return rows


def _id_and_text(path: Path, number: int, row: dict[str, Any], seen: set[str]) -> tuple[str, str]:
    key = row.get("id")
    if key is None or (isinstance(key, str) and not key.strip()) or isinstance(key, (dict, list, bool)):
        raise EvalInputError(f"文件 {path} 第 {number} 行：缺少 id（须为非空字符串或数字）")
    key = str(key).strip()
    if key in seen:
        raise EvalInputError(f"文件 {path} 第 {number} 行：id {key} 重复")
    text = row.get("text")
    if not isinstance(text, str):
        raise EvalInputError(f"文件 {path} 第 {number} 行：缺少 text（须为字符串）")
    seen.add(key)
    return key, text


def read_corpus(path: Path) -> list[tuple[str, str]]:
    """Corpus lines ``{"id", "text"}`` → [(id, text)]."""
    seen: set[str] = set()
    return [_id_and_text(path, number, row, seen) for number, row in _json_lines(path)]


def read_queries(path: Path) -> list[EvalQuery]:
    """Query lines ``{"id", "text", "candidates": [ids] (optional)}``."""
    seen: set[str] = set()
    queries: list[EvalQuery] = []
    for number, row in _json_lines(path):
        key, text = _id_and_text(path, number, row, seen)
        candidates = row.get("candidates")
        if candidates is not None and (not isinstance(candidates, list)
                                       or any(isinstance(c, (dict, list, bool)) or c is None for c in candidates)):
            raise EvalInputError(f"文件 {path} 第 {number} 行：candidates 须为文档 id 的列表")
        queries.append(EvalQuery(key, text, None if candidates is None else [str(c) for c in candidates]))
    return queries


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """TREC qrels lines ``qid 0 docid grade`` (whitespace-separated) → {qid: {docid: grade}}."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise EvalInputError(f"文件 {path} 不存在") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalInputError(f"无法读取文件 {path}（须为 UTF-8 文本）：{exc}") from exc
    qrels: dict[str, dict[str, int]] = {}
    for number, line in enumerate(raw.splitlines(), start=1):
        columns = line.split()
        if not columns:
            continue
        if len(columns) != 4:
            raise EvalInputError(f"文件 {path} 第 {number} 行：应为 4 列（qid 0 docid grade），实为 {len(columns)} 列")
        qid, _, docid, grade = columns
        try:
            value = int(grade)
        except ValueError as exc:
            raise EvalInputError(f"文件 {path} 第 {number} 行：第 4 列相关等级应为整数，实为 {grade}") from exc
        qrels.setdefault(qid, {})[docid] = value
    return qrels


def run_eval(corpus_path: Path, queries_path: Path, qrels_path: Path, *, k: int = 30,
             progress: Callable[[str], None] | None = None) -> EvalResult:
    """Index the corpus under a throw-away kind, rank every query with ``index.rank``, evaluate."""
    if k <= 0:
        raise EvalInputError("--k 须为正整数")
    corpus = read_corpus(corpus_path)
    queries = read_queries(queries_path)
    qrels = read_qrels(qrels_path)
    warnings: list[str] = []
    known = [q for q in queries if q.id in qrels]
    for q in queries:
        if q.id not in qrels:
            warnings.append(f"警告：查询 {q.id}（{queries_path}）在 qrels 中没有记录，不参与评测")
    kind = f"eval:{uuid.uuid4().hex[:16]}"
    total = len(corpus)
    every = max(1000, total // 20)

    def indexed(done: int) -> None:
        if progress is not None and total >= 1000 and (done % every < 1000 or done == total):
            progress(f"索引 {done}/{total}")

    run: dict[str, list[str]] = {}
    try:
        index.index_documents(kind, ((key, text, "") for key, text in corpus), progress=indexed)
        for i, q in enumerate(known, start=1):
            run[q.id] = [key for key, _ in index.rank(kind, q.text, k=k, candidates=q.candidates)]
            if progress is not None and len(known) >= 200 and (i % 100 == 0 or i == len(known)):
                progress(f"检索 {i}/{len(known)}")
    finally:
        index.remove_kind(kind)
    evaluation = evaluate(run, qrels)
    if evaluation.skipped_graded:
        warnings.append(f"警告：{len(evaluation.skipped_graded)} 个查询在 qrels 中没有相关文档（等级 > 0），"
                        f"未计入 NDCG：{', '.join(evaluation.skipped_graded[:10])}")
    if evaluation.skipped_binary:
        warnings.append(f"警告：{len(evaluation.skipped_binary)} 个查询没有最高等级（{evaluation.top_grade}）的相关文档，"
                        f"未计入 P@k 与 MAP：{', '.join(evaluation.skipped_binary[:10])}")
    return EvalResult(evaluation, run, warnings)

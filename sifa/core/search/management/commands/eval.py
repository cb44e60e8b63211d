"""``sifa eval retrieval``: NDCG@10/20/30, P@5, P@10 and MAP of the product's similar-case ranking.

    sifa eval retrieval --corpus corpus.jsonl --queries queries.jsonl --qrels qrels.tsv [--k 30] [--run-out run.json]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from sifa.core.search.evaluation import EvalInputError, run_eval


class Command(BaseCommand):
    help = "评测：sifa eval retrieval --corpus corpus.jsonl --queries queries.jsonl --qrels qrels.tsv [--k 30]"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="target", required=True, title="评测对象")
        retrieval = sub.add_parser("retrieval", help="类案检索质量（与产品相同的 BM25 排序）")
        retrieval.add_argument("--corpus", required=True, help="文档集 JSONL：每行 {\"id\", \"text\"}")
        retrieval.add_argument("--queries", required=True,
                               help="查询 JSONL：每行 {\"id\", \"text\", \"candidates\": [文档 id]（可选，只在其中排序）}")
        retrieval.add_argument("--qrels", required=True, help="相关性标注（TREC 格式：qid 0 docid grade）")
        retrieval.add_argument("--k", type=int, default=30, help="排序深度（默认 30）")
        retrieval.add_argument("--run-out", default="", help="把排序结果写成 JSON {qid: [docid, …]}（由优到劣）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["target"] != "retrieval":
            raise CommandError(f"未知的评测对象：{options['target']}（可用：retrieval）")
        def progress(message: str) -> None:
            self.stderr.write(message)
            self.stderr.flush()

        try:
            result = run_eval(Path(options["corpus"]), Path(options["queries"]), Path(options["qrels"]),
                              k=options["k"], progress=progress)
        except EvalInputError as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:
            raise CommandError(f"数据库错误（数据库未迁移？请先运行 sifa migrate）：{exc}") from exc
        for warning in result.warnings:
            progress(warning)
        if options["run_out"]:
            try:
                Path(options["run_out"]).write_text(json.dumps(result.run, ensure_ascii=False), encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"无法写入 --run-out 文件 {options['run_out']}：{exc}") from exc
        for line in result.evaluation.lines():
            self.stdout.write(line)

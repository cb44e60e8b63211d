"""The committed dev set (bench/retrieval_dev) is exactly what ``devset.write_devset`` generates."""

from __future__ import annotations

from pathlib import Path

from sifa.core.search.devset import write_devset

COMMITTED = Path(__file__).resolve().parents[4] / "bench" / "retrieval_dev"


def test_committed_dev_set_files_equal_the_generated_ones(tmp_path: Path) -> None:
    write_devset(tmp_path)
    for name in ("corpus.jsonl", "queries.jsonl", "qrels.tsv"):
        assert (tmp_path / name).read_bytes() == (COMMITTED / name).read_bytes(), name

"""Full-text index of articles on both engines (same jieba tokens, CONVENTIONS: one tokenizer).

SQLite: an FTS5 table ``laws_article_fts(tokens)`` whose rowid is ``Article.id``, filled by the import
service; the query is the tokenized terms, each quoted, AND-combined, ranked by ``bm25()``.
PostgreSQL: a GIN expression index on ``to_tsvector('simple', tokens)``; the query is
``plainto_tsquery('simple', terms)`` (terms AND-combined), ranked by ``ts_rank_cd``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from sifa.core.search.tokens import tokenize


def index_articles(rows: Sequence[tuple[int, str]]) -> None:
    """Add (article id, tokens) rows to the SQLite FTS table (PostgreSQL indexes the column itself)."""
    if connection.vendor != "sqlite" or not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany("INSERT INTO laws_article_fts(rowid, tokens) VALUES (%s, %s)", list(rows))


def query_terms(query: str) -> list[str]:
    """The distinct tokens of a query, in order."""
    return list(dict.fromkeys(tokenize(query)))


def search_article_ids(terms: Sequence[str], *, law_id: int | None = None, current_only: bool = True,
                       limit: int = 50) -> list[tuple[int, float]]:
    """(article id, score) of articles containing every term, best first (higher score is better)."""
    if not terms:
        return []
    where_law = " AND l.id = %s" if law_id else ""
    join = "JOIN laws_law l ON l.current_version_id = a.version_id" if current_only else \
        "JOIN laws_lawversion v ON v.id = a.version_id JOIN laws_law l ON l.id = v.law_id"
    if connection.vendor == "sqlite":
        match = " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)
        # only fixed fragments are formatted in
        sql = (f"SELECT a.id, -bm25(laws_article_fts) AS score FROM laws_article_fts "  # noqa: S608
               f"JOIN laws_article a ON a.id = laws_article_fts.rowid {join} "
               f"WHERE laws_article_fts MATCH %s{where_law} ORDER BY bm25(laws_article_fts), a.id LIMIT %s")
        params: list[str | int] = [match]
    else:
        sql = (f"SELECT a.id, ts_rank_cd(to_tsvector('simple', a.tokens), q) AS score "  # noqa: S608
               f"FROM laws_article a {join}, plainto_tsquery('simple', %s) q "
               f"WHERE to_tsvector('simple', a.tokens) @@ q{where_law} ORDER BY score DESC, a.id LIMIT %s")
        params = [" ".join(terms)]
    if law_id:
        params.append(law_id)
    params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(row[0]), float(row[1])) for row in cursor.fetchall()]

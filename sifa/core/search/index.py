"""The BM25 index: ``index_documents``, ``remove_documents``, ``remove_kind`` and ``rank``.

Documents are keyed by (``kind``, ``key``); a module indexes its texts under its own kind (e.g.
``enforcement.case``) with the org path of the owning org, and ranks with ``rank`` — the same function
``sifa eval retrieval`` measures. These functions write no audit event: they are called inside the
module's own ``@service`` (they open a plain, non-durable ``transaction.atomic``), like a derived
index maintained with the rows it describes.

Ranking is Okapi BM25 computed in one SQL statement over the postings of the query's terms, written
once for SQLite and PostgreSQL (every float is a bound DOUBLE PRECISION, scores are rounded to 9
decimals in SQL and ties are broken by document id, so both engines return the same list):

    score(d, q) = Σ_t  w(t, q) · idf(t) · tf · (k1 + 1) / (tf + k1 · (1 − b + b · dl / avgdl))
    idf(t)      = ln(1 + (N − df + 0.5) / (df + 0.5))
    w(t, q)     = (k3 + 1) · qtf / (k3 + qtf)                       (query-term saturation)

with k1 = 1.2, b = 0.75, k3 = 8. For speed, the query keeps at most ``MAX_QUERY_TERMS`` terms — those
with the highest w·idf — and drops terms found in more than ``MAX_DF_FRACTION`` of the documents
(once the kind holds ``PRUNE_MIN_DOCS`` documents); this pruning is part of the ranking, so the
evaluation measures it too. A kind of more than ``EXHAUSTIVE_MAX_DOCS`` documents is ranked in two
stages: candidates from the highest-impact postings of the ``STAGE1_TERMS`` best terms, then exact
BM25 of the candidates (docs/engines/search.md has the figures at 100,000 cases).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db import connection, transaction
from django.db.models import F

from sifa.core.search.models import SearchDocument, SearchKindStats, SearchPosting, SearchTerm
from sifa.core.search.tokens import tokenize

K1 = 1.2
B = 0.75
K3 = 8.0
MAX_QUERY_TERMS = 32
MAX_DF_FRACTION = 0.5
PRUNE_MIN_DOCS = 1000
EXHAUSTIVE_MAX_DOCS = 20_000
POSTINGS_PER_TERM = 3000
MIN_POSTINGS_PER_TERM = 300
CANDIDATES = 1000
STAGE1_TERMS = 12
MIN_CANDIDATES = 300
TERM_MAX_LENGTH = 64
SCORE_DECIMALS = 9

_CHUNK = 500  # ids or keys per IN (...) list
_ROWS_PER_INSERT = 200  # rows per multi-row INSERT (5 params a row: well under SQLite's variable limit)
_DOUBLE = "CAST(%s AS DOUBLE PRECISION)"

DOC = SearchDocument._meta.db_table
TERM = SearchTerm._meta.db_table
POSTING = SearchPosting._meta.db_table


def terms_of(text: str | None) -> list[str]:
    """The index terms of a text: its jieba tokens (``tokenize``), each cut to ``TERM_MAX_LENGTH``."""
    return [token[:TERM_MAX_LENGTH] for token in tokenize(text)]


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _marks(n: int) -> str:
    return ", ".join(["%s"] * n)


# ---------------------------------------------------------------------------------------------- writes


def index_documents(kind: str, items: Iterable[tuple[str, str, str]], *, batch_size: int = 1000,
                    progress: Callable[[int], None] | None = None) -> int:
    """Index (key, text, org_path) triples under ``kind``; returns how many were indexed.

    Idempotent: a key already indexed is replaced (its old postings leave df, N and the total length
    first). Runs in one transaction (nested in the caller's, if any); ``progress`` is called with the
    running count after each batch.
    """
    done = 0
    with transaction.atomic():
        for batch in _chunks(items, batch_size):
            docs: dict[str, tuple[Counter[str], str, int]] = {}
            for key, text, org_path in batch:
                terms = terms_of(text)
                docs[str(key)] = (Counter(terms), org_path or "", len(terms))
            _remove(kind, list(docs))
            _insert(kind, docs)
            done += len(batch)
            if progress is not None:
                progress(done)
    return done


def remove_documents(kind: str, keys: Iterable[str]) -> int:
    """Remove the documents of ``kind`` with these keys (unknown keys are ignored); returns how many."""
    with transaction.atomic():
        return _remove(kind, [str(key) for key in keys])


def remove_kind(kind: str) -> None:
    """Drop a whole kind: documents, postings, vocabulary and statistics."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {POSTING} WHERE term_id IN (SELECT id FROM {TERM} WHERE kind = %s)", [kind])  # noqa: S608 (table names are ours)
        cursor.execute(f"DELETE FROM {DOC} WHERE kind = %s", [kind])  # noqa: S608 (table names are ours)
        cursor.execute(f"DELETE FROM {TERM} WHERE kind = %s", [kind])  # noqa: S608 (table names are ours)
        SearchKindStats.objects.filter(kind=kind).delete()


def _add_df(cursor: Any, deltas: dict[int, int], sign: int) -> None:
    """df += sign·delta, one UPDATE per distinct delta (most terms of a batch share small deltas)."""
    by_delta: dict[int, list[int]] = {}
    for term_id, delta in deltas.items():
        by_delta.setdefault(delta, []).append(term_id)
    for delta, ids in sorted(by_delta.items()):
        for chunk in _chunks(sorted(ids), _CHUNK):
            cursor.execute(f"UPDATE {TERM} SET df = df + %s WHERE id IN ({_marks(len(chunk))})",  # noqa: S608 (table names are ours)
                           [sign * delta, *chunk])


def _stats_add(kind: str, n: int, length: int) -> None:
    if not SearchKindStats.objects.filter(kind=kind).exists():
        SearchKindStats.objects.bulk_create([SearchKindStats(kind=kind)], ignore_conflicts=True)
    SearchKindStats.objects.filter(kind=kind).update(n=F("n") + n, total_length=F("total_length") + length)


def _remove(kind: str, keys: list[str]) -> int:
    ids: list[int] = []
    for chunk in _chunks(keys, _CHUNK):
        ids += SearchDocument.objects.filter(kind=kind, key__in=chunk).values_list("id", flat=True)
    if not ids:
        return 0
    deltas: Counter[int] = Counter()
    length = 0
    with connection.cursor() as cursor:
        for chunk in _chunks(sorted(ids), _CHUNK):
            marks = _marks(len(chunk))
            cursor.execute(f"SELECT term_id, COUNT(*) FROM {POSTING} WHERE document_id IN ({marks}) GROUP BY term_id",  # noqa: S608 (table names are ours)
                           chunk)
            for term_id, count in cursor.fetchall():
                deltas[term_id] += count
            cursor.execute(f"SELECT COALESCE(SUM(length), 0) FROM {DOC} WHERE id IN ({marks})", chunk)  # noqa: S608 (table names are ours)
            length += int(cursor.fetchone()[0])
            cursor.execute(f"DELETE FROM {POSTING} WHERE document_id IN ({marks})", chunk)  # noqa: S608 (table names are ours)
            cursor.execute(f"DELETE FROM {DOC} WHERE id IN ({marks})", chunk)  # noqa: S608 (table names are ours)
        _add_df(cursor, dict(deltas), -1)
    _stats_add(kind, -len(ids), -length)
    return len(ids)


def _term_ids(kind: str, terms: set[str]) -> dict[str, int]:
    """Ids of these terms of ``kind``, creating the missing ones (df 0)."""
    ids: dict[str, int] = {}
    for chunk in _chunks(sorted(terms), _CHUNK):
        ids.update(SearchTerm.objects.filter(kind=kind, term__in=chunk).values_list("term", "id"))
    missing = sorted(terms - ids.keys())
    if missing:
        SearchTerm.objects.bulk_create([SearchTerm(kind=kind, term=t) for t in missing], batch_size=_CHUNK,
                                       ignore_conflicts=True)
        for chunk in _chunks(missing, _CHUNK):
            ids.update(SearchTerm.objects.filter(kind=kind, term__in=chunk).values_list("term", "id"))
    return ids


def _insert(kind: str, docs: dict[str, tuple[Counter[str], str, int]]) -> None:
    if not docs:
        return
    term_ids = _term_ids(kind, {t for counts, _, _ in docs.values() for t in counts})
    created = SearchDocument.objects.bulk_create(
        [SearchDocument(kind=kind, key=key, org_path=org_path, length=length)
         for key, (_, org_path, length) in docs.items()], batch_size=_CHUNK)
    if any(doc.pk is None for doc in created):  # a backend that cannot return ids from a bulk insert
        by_key = dict(SearchDocument.objects.filter(kind=kind, key__in=list(docs)).values_list("key", "id"))
        doc_ids = [by_key[key] for key in docs]
    else:
        doc_ids = [doc.pk for doc in created]
    batch_length = sum(length for _, _, length in docs.values())
    stats = SearchKindStats.objects.filter(kind=kind).values_list("n", "total_length").first() or (0, 0)
    avgdl = max(1.0, (stats[1] + batch_length) / max(1, stats[0] + len(docs)))
    rows: list[tuple[int, int, int, int, float]] = []
    df: Counter[int] = Counter()
    for doc_id, (counts, _, length) in zip(doc_ids, docs.values(), strict=True):
        norm = K1 * (1 - B + B * length / avgdl)
        for term, tf in counts.items():
            term_id = term_ids[term]
            rows.append((term_id, doc_id, tf, length, tf * (K1 + 1) / (tf + norm)))
            df[term_id] += 1
    rows.sort()  # by term: inserts into the (term, impact, document) index stay local
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, _ROWS_PER_INSERT):
            cursor.execute(f"INSERT INTO {POSTING} (term_id, document_id, tf, dl, impact) VALUES "  # noqa: S608 (table names are ours)
                           + ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk)), [v for row in chunk for v in row])
        _add_df(cursor, dict(df), 1)
    _stats_add(kind, len(docs), batch_length)


# ---------------------------------------------------------------------------------------------- ranking


@dataclass(frozen=True)
class QueryTerm:
    """A query term kept for ranking: its id, text, df, query weight w(t, q) and idf."""

    id: int
    term: str
    df: int
    weight: float
    idf: float


def idf(n: int, df: int) -> float:
    """BM25 idf, always positive: ln(1 + (N − df + 0.5) / (df + 0.5))."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def query_weight(qtf: int) -> float:
    """Saturated query-term frequency (k3 + 1)·qtf / (k3 + qtf)."""
    return (K3 + 1) * qtf / (K3 + qtf)


def select_query_terms(qtf: Counter[str], found: Sequence[tuple[int, str, int]], n: int) -> list[QueryTerm]:
    """The query terms ranking uses: of the ``found`` (id, term, df) with df > 0, drop those in more
    than ``MAX_DF_FRACTION`` of the N documents (once N ≥ ``PRUNE_MIN_DOCS``), keep the
    ``MAX_QUERY_TERMS`` with the highest w·idf (ties: the term's text), in that order."""
    kept = [QueryTerm(term_id, term, df, query_weight(qtf[term]), idf(n, df))
            for term_id, term, df in found if df > 0 and not (n >= PRUNE_MIN_DOCS and df > MAX_DF_FRACTION * n)]
    kept.sort(key=lambda q: (-q.weight * q.idf, q.term))
    return kept[:MAX_QUERY_TERMS]


def _like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _scope_sql(kind: str, prefixes: list[str]) -> tuple[str, list[Any]]:
    """Ids of the kind's documents under these org path prefixes. On SQLite (binary collation) a range
    on org_path beside each LIKE lets the (kind, org_path) index serve it; on PostgreSQL, whose
    collation may not order paths bytewise, LIKE alone."""
    if connection.vendor == "sqlite":
        clause = "(org_path >= %s AND org_path < %s AND org_path LIKE %s ESCAPE '\\')"
        params = [v for p in prefixes for v in (p, p + "\U0010ffff", _like_prefix(p))]
    else:
        clause = "org_path LIKE %s ESCAPE '\\'"
        params = [_like_prefix(p) for p in prefixes]
    likes = " OR ".join([clause] * len(prefixes))
    return f"SELECT id FROM {DOC} WHERE kind = %s AND ({likes})", [kind, *params]  # noqa: S608 (table names are ours)


def _score_sql(terms: list[QueryTerm], n: int, avgdl: float, k: int, where: str, where_params: list[Any],
               *, by_document: bool) -> tuple[str, list[Any]]:
    """The exact BM25 statement over the postings of ``terms`` (restricted by ``where``), top k.

    ``by_document`` (a short list of document ids in ``where``): read each document's postings through
    the (document, term) index and keep the query's terms (``+term_id`` keeps SQLite off the term
    index); otherwise read each term's postings through the (term, impact, document, tf, dl) index."""
    weight_case = " ".join(f"WHEN %s THEN {_DOUBLE}" for _ in terms)
    sql = (
        f"WITH q AS MATERIALIZED (SELECT t.id AS term_id, (CASE t.id {weight_case} END) "  # noqa: S608 (table names are ours)
        f"* LN(1 + ({_DOUBLE} - t.df + 0.5) / (t.df + 0.5)) AS w "
        f"FROM {TERM} t WHERE t.id IN ({_marks(len(terms))})) "
        f"SELECT d.key, s.score FROM ("
        f"SELECT p.document_id AS doc_id, ROUND(CAST(SUM(q.w * p.tf * {_DOUBLE} / (p.tf + {_DOUBLE} + {_DOUBLE} * p.dl))"
        f" AS NUMERIC), {SCORE_DECIMALS}) AS score "
        + (f"FROM q JOIN {POSTING} p ON +p.term_id = q.term_id WHERE +p.term_id IN ({_marks(len(terms))}) AND "
           if by_document else f"FROM q JOIN {POSTING} p ON p.term_id = q.term_id WHERE ")
        + (where or "1 = 1") + " "
        + "GROUP BY p.document_id ORDER BY score DESC, doc_id LIMIT %s"
        f") s JOIN {DOC} d ON d.id = s.doc_id ORDER BY s.score DESC, s.doc_id"
    )
    params: list[Any] = [v for t in terms for v in (t.id, t.weight)]
    params += [float(n), *(t.id for t in terms)]
    params += [K1 + 1, K1 * (1 - B), K1 * B / avgdl]
    if by_document:
        params += [t.id for t in terms]
    return sql, [*params, *where_params, int(k)]


def _candidate_ids(terms: list[QueryTerm], scope: tuple[str, list[Any]] | None, depth: int,
                   candidates: int) -> list[int]:
    """Stage 1 for large kinds: each term's ``depth`` postings of highest impact (then only those in
    scope), summed as w·idf·impact per document; the ``candidates`` best document ids."""
    branches: list[str] = []
    params: list[Any] = []
    for t in terms[:STAGE1_TERMS]:
        branches.append(f"SELECT doc_id, w FROM (SELECT document_id AS doc_id, impact * {_DOUBLE} AS w FROM {POSTING} "  # noqa: S608 (table names are ours)
                        f"WHERE term_id = %s ORDER BY impact DESC, document_id LIMIT %s) b{len(branches)}")
        params += [t.weight * t.idf, t.id, depth]
    sql = (f"WITH {'scope AS MATERIALIZED (' + scope[0] + '), ' if scope else ''}c AS ({' UNION ALL '.join(branches)}) "  # noqa: S608 (table names are ours)
           f"SELECT doc_id FROM c {'WHERE doc_id IN (SELECT id FROM scope) ' if scope else ''}"
           f"GROUP BY doc_id ORDER BY SUM(w) DESC, doc_id LIMIT %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*(scope[1] if scope else []), *params, candidates])
        return [row[0] for row in cursor.fetchall()]


def rank(kind: str, query_text: str, *, k: int = 30, candidates: Iterable[str] | None = None,
         org_path_prefixes: Iterable[str] | None = None, exhaustive: bool = False) -> list[tuple[str, float]]:
    """The ``k`` documents of ``kind`` most similar to ``query_text`` by BM25, best first: (key, score).

    ``candidates``: rank only these keys. ``org_path_prefixes``: only documents whose org path starts
    with one of these (the caller's scope; documents indexed without an org path are then left out).
    Documents sharing no (kept) term with the query are not returned. A kind of more than
    ``EXHAUSTIVE_MAX_DOCS`` documents is ranked in two stages (candidate selection by impact, then
    exact BM25 of the candidates) unless ``candidates`` are given or ``exhaustive`` is set.
    """
    qtf = Counter(terms_of(query_text))
    if not qtf or k <= 0:
        return []
    stats = SearchKindStats.objects.filter(kind=kind).values_list("n", "total_length").first()
    if not stats or stats[0] <= 0 or stats[1] <= 0:
        return []
    n, total_length = int(stats[0]), int(stats[1])
    found: list[tuple[int, str, int]] = []
    for chunk in _chunks(sorted(qtf), _CHUNK):
        found += SearchTerm.objects.filter(kind=kind, term__in=chunk, df__gt=0).values_list("id", "term", "df")
    terms = select_query_terms(qtf, found, n)
    if not terms:
        return []

    filters: list[str] = []
    filter_params: list[Any] = []
    doc_ids: list[int] | None = None
    if candidates is not None:
        keys = sorted({str(c) for c in candidates})
        doc_ids = []
        for chunk in _chunks(keys, _CHUNK):
            doc_ids += SearchDocument.objects.filter(kind=kind, key__in=chunk).values_list("id", flat=True)
    scope = None
    if org_path_prefixes is not None:
        prefixes = sorted(set(org_path_prefixes))
        if not prefixes:
            return []
        scope = _scope_sql(kind, prefixes)
    if doc_ids is None and n > EXHAUSTIVE_MAX_DOCS and not exhaustive:
        depth, pool = POSTINGS_PER_TERM, CANDIDATES
        if scope is not None:  # read deeper into each list, so that about max(share · R, R_min) are in scope
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM ({scope[0]}) s", scope[1])  # noqa: S608 (table names are ours)
                in_scope = int(cursor.fetchone()[0])
            if not in_scope:
                return []
            in_scope_per_term = max(MIN_POSTINGS_PER_TERM, math.ceil(POSTINGS_PER_TERM * in_scope / n))
            depth = min(n, math.ceil(in_scope_per_term * n / in_scope))
            pool = max(MIN_CANDIDATES, math.ceil(CANDIDATES * in_scope / n))
        doc_ids = _candidate_ids(terms, scope, depth, pool)  # already in scope
        scope = None
    if doc_ids is not None:
        if not doc_ids:
            return []
        filters.append(f"p.document_id IN ({_marks(len(doc_ids))})")
        filter_params += sorted(doc_ids)
    if scope is not None:
        filters.append(f"p.document_id IN ({scope[0]})")
        filter_params += scope[1]
    sql, params = _score_sql(terms, n, total_length / n, k, " AND ".join(filters), filter_params,
                             by_document=doc_ids is not None)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(key, float(score)) for key, score in cursor.fetchall()]

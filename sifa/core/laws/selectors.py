"""Reads of the law library. Laws are not org data: every signed-in user reads the whole library."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from sifa.core.laws import search_index
from sifa.core.laws.citations import normalise_title
from sifa.core.laws.models import Article, Law, LawHeading, LawVersion

SNIPPET_CHARS = 90


def laws_listed(*, q: str = "", kind: str = "", status: str = "") -> QuerySet[Law]:
    """The library's laws, filtered by words of the title, kind and status, with their article counts."""
    laws = Law.objects.select_related("current_version").annotate(
        articles_total=Count("current_version__articles", distinct=True))
    for word in (q or "").split():
        laws = laws.filter(Q(title__icontains=word) | Q(short_title__icontains=word) | Q(part__icontains=word))
    if kind:
        laws = laws.filter(kind=kind)
    if status:
        laws = laws.filter(status=status)
    return laws.order_by("kind", "key")


def law_by_key(key: str) -> Law | None:
    """A law by its key; also by its title, cite key or short title (《中华人民共和国行政处罚法》 → 行政处罚法)."""
    norm = normalise_title(key)
    law = Law.objects.select_related("current_version").filter(key=norm).first()
    if law is None:
        law = Law.objects.select_related("current_version").filter(
            Q(cite_key=norm) | Q(short_title=norm), part="").first()
    return law


def parse_ref(ref: str) -> tuple[int, int] | None:
    """``60`` → (60, 0), ``120-1`` → (120, 1); anything else → None."""
    match = re.fullmatch(r"(\d{1,5})(?:-(\d{1,3}))?", ref or "")
    if not match:
        return None
    return int(match[1]), int(match[2] or 0)


def version_articles(version: LawVersion) -> QuerySet[Article]:
    return version.articles.select_related("heading").order_by("order")


def version_headings(version: LawVersion) -> list[LawHeading]:
    return list(version.headings.order_by("order"))


def article_in_version(version: LawVersion, number: int, sub: int = 0) -> Article | None:
    return version.articles.filter(number=number, sub=sub).select_related("version__law", "heading").first()


def article_history(law: Law, number: int, sub: int = 0) -> list[Article]:
    """The same article in every version of the law, newest first."""
    return list(Article.objects.filter(version__law=law, number=number, sub=sub)
                .select_related("version").order_by("-version_id"))


def current_articles_for(titles: Iterable[str]) -> dict[str, dict[tuple[int, int], Article]]:
    """For normalised law titles: the articles of the CURRENT version of laws cited by that name
    (key, cite key — across the parts of a split code — or short title). One query for all titles."""
    names = sorted({normalise_title(t) for t in titles if t})
    if not names:
        return {}
    laws = list(Law.objects.filter(Q(key__in=names) | Q(cite_key__in=names) | Q(short_title__in=names))
                .exclude(current_version=None).values("key", "cite_key", "short_title", "current_version_id"))
    if not laws:
        return {}
    articles: dict[int, dict[tuple[int, int], Article]] = {}
    for art in (Article.objects.filter(version_id__in=[law["current_version_id"] for law in laws])
                .select_related("version__law").only("id", "number", "sub", "label", "version__law__key",
                                                     "version__law__cite_key", "version_id")):
        articles.setdefault(art.version_id, {})[(art.number, art.sub)] = art
    out: dict[str, dict[tuple[int, int], Article]] = {}
    for law in laws:
        for name in (law["key"], law["cite_key"], law["short_title"]):
            if name in names:
                out.setdefault(name, {}).update(articles.get(law["current_version_id"], {}))
    return out


def resolve_article(law_title: str, number: int, sub: int = 0) -> Article | None:
    """The article (number, sub) of the CURRENT version of the law named ``law_title``, or None."""
    found = current_articles_for([law_title]).get(normalise_title(law_title), {})
    return found.get((number, sub))


@dataclass
class ArticleHit:
    article: Article
    score: float
    snippet: str  # HTML: escaped text with the matched terms in <mark>


def search_articles(query: str, *, law: Law | None = None, current_only: bool = True,
                    limit: int = 50) -> tuple[list[str], list[ArticleHit]]:
    """Full-text search (jieba terms AND-combined) in current versions, best first, with snippets."""
    terms = search_index.query_terms(query)
    ranked = search_index.search_article_ids(terms, law_id=law.pk if law else None, current_only=current_only,
                                             limit=limit)
    by_id = Article.objects.select_related("version__law").in_bulk([pk for pk, _ in ranked])
    hits = [ArticleHit(by_id[pk], score, highlight(by_id[pk].text, terms)) for pk, score in ranked if pk in by_id]
    return terms, hits


def highlight(text: str, terms: Sequence[str], *, width: int = SNIPPET_CHARS) -> str:
    """An escaped snippet of ``text`` around the first matched term, every term wrapped in <mark>."""
    text = text.replace("\n", " ")
    lowered = text.lower()
    spans: list[tuple[int, int]] = []
    for term in sorted(set(terms), key=len, reverse=True):
        start = lowered.find(term)
        while start >= 0:
            end = start + len(term)
            if not any(s < end and start < e for s, e in spans):
                spans.append((start, end))
            start = lowered.find(term, end)
    spans.sort()
    first = spans[0][0] if spans else 0
    lo = max(0, first - width // 3)
    hi = min(len(text), lo + width)
    out = ["…" if lo else ""]
    pos = lo
    for s, e in spans:
        if s < lo or e > hi:
            continue
        out.append(html.escape(text[pos:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        pos = e
    out.append(html.escape(text[pos:hi]))
    out.append("…" if hi < len(text) else "")
    return "".join(out)

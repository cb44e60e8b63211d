"""/api/v1/laws: the law library — list, a law with its headings, an article (current or by version),
full-text search. Read-only; any signed-in caller may read (laws are not org data)."""

import datetime

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema

from sifa.core.errors import NotFound, ValidationFailed
from sifa.core.laws import selectors
from sifa.core.laws.models import Article, Law, LawHeading, LawVersion

router = Router(tags=["法规库"])


class LawSummaryOut(Schema):
    key: str
    title: str
    part: str
    cite_key: str = Field(..., description="引用名：《引用名》第X条")
    short_title: str
    kind: str = Field(..., description="law/administrative_regulation/local_regulation/judicial_interpretation/"
                                       "department_rule/other")
    kind_label: str
    status: str = Field(..., description="in_force（现行有效）/ amended（已修订）/ repealed（已废止）")
    status_label: str
    repealed_on: datetime.date | None
    version_id: int | None
    version_date: datetime.date | None
    article_count: int
    url: str


class LawHeadingOut(Schema):
    id: int
    parent_id: int | None
    level: str = Field(..., description="part（编）/ chapter（章）/ section（节）/ other")
    label: str
    title: str
    order: int


class LawVersionOut(Schema):
    id: int
    version_date: datetime.date | None
    status: str
    source_name: str
    imported_at: datetime.datetime
    article_count: int


class LawDetailOut(LawSummaryOut):
    date_lines: list[str]
    headings: list[LawHeadingOut]
    versions: list[LawVersionOut]


class LawArticleOut(Schema):
    law_key: str
    law_title: str
    version_id: int
    version_date: datetime.date | None
    current: bool
    number: int
    sub: int
    label: str
    heading: str
    text: str
    change: str = Field(..., description="较上一版本：new（新增）/ changed（修改）/ unchanged（未变）")
    url: str


class LawSearchHitOut(Schema):
    article: LawArticleOut
    score: float
    snippet: str = Field(..., description="HTML：已转义的片段，命中词以 <mark> 标出")


class LawSearchOut(Schema):
    query: str
    terms: list[str]
    hits: list[LawSearchHitOut]


def _summary(law: Law) -> dict[str, object]:
    version = law.current_version
    return {"key": law.key, "title": law.title, "part": law.part, "cite_key": law.cite_key,
            "short_title": law.short_title, "kind": law.kind, "kind_label": law.get_kind_display(),
            "status": law.status, "status_label": law.get_status_display(), "repealed_on": law.repealed_on,
            "version_id": version.pk if version else None, "version_date": version.version_date if version else None,
            "article_count": version.article_count if version else 0,
            "url": reverse("laws:detail", args=[law.key])}


def _article(article: Article) -> dict[str, object]:
    version: LawVersion = article.version
    law = version.law
    heading: LawHeading | None = article.heading
    return {"law_key": law.key, "law_title": law.display_title, "version_id": version.pk,
            "version_date": version.version_date, "current": law.current_version_id == version.pk,
            "number": article.number, "sub": article.sub, "label": article.label,
            "heading": str(heading) if heading else "", "text": article.text, "change": article.change,
            "url": reverse("laws:article", args=[law.key, article.ref])}


@router.get("", response=list[LawSummaryOut], summary="法规列表（q 标题关键词，kind 类别，status 效力状态）")
def list_laws(request: HttpRequest, q: str = "", kind: str = "", status: str = "") -> list[dict[str, object]]:
    return [_summary(law) for law in selectors.laws_listed(q=q[:100], kind=kind, status=status)[:1000]]


@router.get("/search", response=LawSearchOut, summary="条文全文检索（默认检索现行版本，law 限定法规）")
def search_laws(request: HttpRequest, q: str, law: str = "", limit: int = 20) -> dict[str, object]:
    if not q.strip():
        raise ValidationFailed("请输入检索词", field="q")
    if not 1 <= limit <= 100:
        raise ValidationFailed("limit 应在 1 至 100 之间", field="limit")
    scope = selectors.law_by_key(law) if law else None
    if law and scope is None:
        raise NotFound("法规不存在")
    terms, hits = selectors.search_articles(q[:200], law=scope, limit=limit)
    return {"query": q, "terms": terms,
            "hits": [{"article": _article(h.article), "score": h.score, "snippet": h.snippet} for h in hits]}


@router.get("/articles", response=LawArticleOut,
            summary="一条条文（law 法规标识或法名，number 条号，sub 之几；version 指定版本，缺省为现行版本）")
def get_article(request: HttpRequest, law: str, number: int, sub: int = 0,
                version: int | None = None) -> dict[str, object]:
    found = selectors.law_by_key(law)
    if found is None or found.current_version is None:
        raise NotFound("法规不存在")
    target = found.current_version if version is None else found.versions.filter(pk=version).first()
    if target is None:
        raise NotFound("版本不存在")
    article = selectors.article_in_version(target, number, sub)
    if article is None:
        raise NotFound("该版本中没有该条")
    return _article(article)


@router.get("/{key}", response=LawDetailOut, summary="法规详情（章节目录与版本）")
def get_law(request: HttpRequest, key: str) -> dict[str, object]:
    law = selectors.law_by_key(key)
    if law is None or law.current_version is None:
        raise NotFound("法规不存在")
    version = law.current_version
    return {**_summary(law), "date_lines": [x for x in version.date_lines.split("\n") if x],
            "headings": [{"id": h.pk, "parent_id": h.parent_id, "level": h.level, "label": h.label,
                          "title": h.title, "order": h.order} for h in selectors.version_headings(version)],
            "versions": list(law.versions.order_by("-id"))}

"""A generic BM25 index in the database: documents keyed by (kind, key), terms with their df, postings.

Every module indexes its texts under its own ``kind`` (e.g. ``enforcement.case``); terms, statistics
and postings are per kind, so kinds never influence each other's scores. See ``index.py`` and
docs/engines/search.md.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class SearchKindStats(models.Model):
    """Per-kind collection statistics: number of documents N and their total length (in tokens)."""

    kind = models.CharField("索引类别", max_length=64, unique=True)
    n = models.BigIntegerField("文档数", default=0)
    total_length = models.BigIntegerField("总词数", default=0)

    class Meta:
        verbose_name = "索引统计"
        verbose_name_plural = "索引统计"

    def __str__(self) -> str:
        return f"{self.kind}（{self.n} 篇）"


class SearchDocument(models.Model):
    """One indexed text: its key in the owning module, the org path for scope filtering, its length."""

    kind = models.CharField("索引类别", max_length=64)
    key = models.CharField("文档键", max_length=128)
    org_path = models.CharField("机构路径", max_length=255, blank=True, default="")
    length = models.IntegerField("词数", default=0)
    created_at = models.DateTimeField("索引时间", default=timezone.now)

    class Meta:
        verbose_name = "检索文档"
        verbose_name_plural = "检索文档"
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="search_document_kind_key")]
        indexes = [models.Index(fields=["kind", "org_path"], name="search_document_kind_org")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class SearchTerm(models.Model):
    """A term of one kind's vocabulary with its document frequency df."""

    kind = models.CharField("索引类别", max_length=64)
    term = models.CharField("词", max_length=64)
    df = models.IntegerField("文档频率", default=0)

    class Meta:
        verbose_name = "检索词"
        verbose_name_plural = "检索词"
        constraints = [models.UniqueConstraint(fields=["kind", "term"], name="search_term_kind_term")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.term}（df={self.df}）"


class SearchPosting(models.Model):
    """A term in a document: term frequency ``tf``, the document's length ``dl`` (copied) and ``impact``.

    ``impact`` = tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl)) with the kind's avgdl when the posting was
    written: it only orders a term's postings for candidate selection in large kinds (scores are always
    computed exactly from tf, dl and the current avgdl). Two covering indexes: (term, impact, document,
    tf, dl) for candidate selection and exhaustive scoring, (document, term, tf, dl) for exact scoring and removal.
    """

    term = models.ForeignKey(SearchTerm, on_delete=models.CASCADE, db_index=False, verbose_name="检索词")
    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, db_index=False, verbose_name="检索文档")
    tf = models.IntegerField("词频")
    dl = models.IntegerField("文档词数")
    impact = models.FloatField("词项得分")

    class Meta:
        verbose_name = "倒排项"
        verbose_name_plural = "倒排项"
        indexes = [
            models.Index(fields=["term", "-impact", "document", "tf", "dl"], name="search_posting_impact"),
            models.Index(fields=["document", "term", "tf", "dl"], name="search_posting_document"),
        ]

    def __str__(self) -> str:
        return f"{self.term_id}→{self.document_id}×{self.tf}"

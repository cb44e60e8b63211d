"""Writes of the law library. One public service = one durable transaction = one audit event.

Importing a text (``import_law_text``) is all-or-nothing per file: a parse error names the line and
writes nothing. Identical content (same SHA-256 of the normalised text) adds no version. A changed
text adds a version: the previous one becomes 已修订, every article is compared with the previous
version by (number, sub) (新增/修改/未变, and removed articles listed), and the objects citing a
changed or removed article are flagged (rule LAW-CHANGED, one alert per owning org). Repealing a
law (``repeal_law``) flags every object citing any of its articles. Only ``laws.manage`` may do either.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction

from sifa.core.accounts.actor import Actor
from sifa.core.audit.recorder import diff, record
from sifa.core.errors import Conflict, ValidationFailed
from sifa.core.laws import search_index
from sifa.core.laws.choices import ArticleChange, LawKind, LawStatus
from sifa.core.laws.citations import clear_link_cache, normalise_title
from sifa.core.laws.flagging import flag_citers
from sifa.core.laws.models import Article, Law, LawHeading, LawVersion
from sifa.core.laws.parser import ParsedLaw, parse_law
from sifa.core.search.tokens import token_string
from sifa.core.services import service

MAX_TEXT_CHARS = 2_000_000
_LOCAL = re.compile(r"^(.{2,3}(省|自治区|市)|.{2,8}(自治州|自治县))")


@dataclass
class LawImportResult:
    """What one imported file did: 导入 (a new law), 未变化, or 新版本 with the articles that differ."""

    law: Law
    version: LawVersion
    outcome: str  # created / unchanged / new_version
    changed: list[tuple[int, int]] = field(default_factory=list)
    added: list[tuple[int, int]] = field(default_factory=list)
    removed: list[tuple[int, int]] = field(default_factory=list)
    alerts: int = 0

    @property
    def summary(self) -> str:
        if self.outcome == "created":
            return f"导入：{self.law.display_title}，{self.version.article_count} 条"
        if self.outcome == "unchanged":
            return f"未变化：{self.law.display_title}"
        return (f"新版本：{self.law.display_title}，改动 {len(self.changed)} 条，新增 {len(self.added)} 条，"
                f"删除 {len(self.removed)} 条" + (f"，发出预警 {self.alerts} 条" if self.alerts else ""))


def guess_kind(title: str) -> str:
    """法律/行政法规/地方性法规/司法解释/部门规章/其他, guessed from the title (editable afterwards)."""
    if title.startswith("最高人民法院") or title.startswith("最高人民检察院") or title.endswith("解释"):
        return LawKind.JUDICIAL_INTERPRETATION
    if _LOCAL.match(title) and not title.startswith("中华人民共和国"):
        return LawKind.LOCAL_REGULATION
    if title.endswith("法") or title.endswith("法典"):
        return LawKind.LAW
    if title.startswith("国务院") or re.search(r"(条例|办法|规定)$", title):
        return LawKind.ADMINISTRATIVE_REGULATION
    return LawKind.OTHER


def law_key(parsed: ParsedLaw) -> str:
    base = normalise_title(parsed.title)
    return f"{base}·{parsed.part}" if parsed.part else base


# --- private helpers (no transaction of their own) ------------------------------------------------


def _write_version(*, actor: Actor, law: Law, parsed: ParsedLaw, source_name: str,
                   previous: dict[tuple[int, int], str]) -> LawVersion:
    version = LawVersion.objects.create(
        law=law, version_date=parsed.version_date, date_lines="\n".join(parsed.date_lines),
        preamble="\n".join(parsed.preamble), source_name=source_name[:255], content_hash=parsed.content_hash,
        imported_by=actor.name[:150], status=LawStatus.IN_FORCE, article_count=len(parsed.articles),
    )
    headings: list[LawHeading] = []
    for h in parsed.headings:
        headings.append(LawHeading.objects.create(
            version=version, parent=headings[h.parent] if h.parent is not None else None, level=h.level,
            depth=h.depth, label=h.label[:50], title=h.title[:200], text="\n".join(h.text), order=h.order))
    articles = []
    for a in parsed.articles:
        old = previous.get((a.number, a.sub))
        change = ArticleChange.NEW if old is None else (
            ArticleChange.UNCHANGED if old == a.text else ArticleChange.CHANGED)
        articles.append(Article(version=version, heading=headings[a.heading] if a.heading is not None else None,
                                number=a.number, sub=a.sub, label=a.label, text=a.text, order=a.order,
                                tokens=token_string(a.text), change=change))
    created = Article.objects.bulk_create(articles)
    search_index.index_articles([(art.pk, art.tokens) for art in created])
    return version


def _forget_links() -> None:
    """Citations resolve against the current versions: forget cached resolutions now and after commit."""
    clear_link_cache()
    transaction.on_commit(clear_link_cache)


# --- public services ---------------------------------------------------------------------------


@service("laws.law.imported")
def import_law_text(*, actor: Actor, text: str, source_name: str) -> LawImportResult:
    """Import one Markdown law text (format: docs/engines/laws.md) as a law or a new version of it."""
    actor.require("laws.manage")
    if len(text) > MAX_TEXT_CHARS:
        raise ValidationFailed(f"{source_name}：文件过大", field="file")
    parsed = parse_law(text, source_name)
    key = law_key(parsed)
    law = Law.objects.select_for_update().filter(key=key).first()
    previous_version = law.current_version if law else None
    if law and previous_version and previous_version.content_hash == parsed.content_hash:
        record(actor=actor, action="laws.law.imported", obj=law,
               changes={"source_name": source_name, "result": "unchanged"})
        return LawImportResult(law=law, version=previous_version, outcome="unchanged")
    if law is None:
        base = normalise_title(parsed.title)
        law = Law.objects.create(title=parsed.title[:200], key=key, cite_key=base, part=parsed.part[:50],
                                 short_title=base[:100], kind=guess_kind(base))
    previous: dict[tuple[int, int], str] = {}
    if previous_version:
        previous = {(a.number, a.sub): a.text for a in previous_version.articles.only("number", "sub", "text")}
        previous_version.status = LawStatus.AMENDED
        previous_version.save(update_fields=["status"])
    version = _write_version(actor=actor, law=law, parsed=parsed, source_name=source_name, previous=previous)
    before = {"status": law.status, "current_version": law.current_version_id}
    law.current_version = version
    law.status = LawStatus.IN_FORCE
    law.repealed_on = None
    law.repeal_reason = ""
    law.save(update_fields=["current_version", "status", "repealed_on", "repeal_reason"])
    _forget_links()
    result = LawImportResult(law=law, version=version, outcome="new_version" if previous_version else "created")
    if previous_version:
        new = {(a.number, a.sub): a.text for a in parsed.articles}
        result.changed = sorted(k for k in new if k in previous and previous[k] != new[k])
        result.added = sorted(k for k in new if k not in previous)
        result.removed = sorted(k for k in previous if k not in new)
        result.alerts = flag_citers(actor=actor, law=law, version=version, changed=set(result.changed),
                                    removed=set(result.removed), repealed=False)
    record(actor=actor, action="laws.law.imported", obj=law, changes={
        "source_name": source_name, "result": result.outcome, "version": version.pk,
        "changed": len(result.changed), "added": len(result.added), "removed": len(result.removed),
        "alerts": result.alerts, **diff(before, {"status": law.status, "current_version": version.pk}),
    })
    return result


@service("laws.law.repealed")
def repeal_law(*, actor: Actor, law: Law, repealed_on: datetime.date | None, reason: str) -> Law:
    """Mark a law repealed (已废止) and flag every object citing any of its articles (rule LAW-CHANGED)."""
    actor.require("laws.manage")
    if repealed_on is None:
        raise ValidationFailed("废止日期不能为空", field="repealed_on")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("废止说明不能为空", field="reason")
    if len(reason) > 500:
        raise ValidationFailed("废止说明不能超过 500 个字符", field="reason")
    law = Law.objects.select_for_update().get(pk=law.pk)
    if law.status == LawStatus.REPEALED:
        raise Conflict(f"《{law.cite_key}》已于 {law.repealed_on} 废止")
    before = {"status": law.status, "repealed_on": None}
    law.status = LawStatus.REPEALED
    law.repealed_on = repealed_on
    law.repeal_reason = reason
    law.save(update_fields=["status", "repealed_on", "repeal_reason"])
    if law.current_version_id:
        LawVersion.objects.filter(pk=law.current_version_id).update(status=LawStatus.REPEALED)
    alerts = flag_citers(actor=actor, law=law, version=law.current_version, changed=set(), removed=set(),
                         repealed=True)
    record(actor=actor, action="laws.law.repealed", obj=law, changes={
        **diff(before, {"status": law.status, "repealed_on": repealed_on}), "reason": reason, "alerts": alerts})
    return law


@service("laws.law.updated")
def update_law(*, actor: Actor, law: Law, kind: str, short_title: str) -> Law:
    """Correct a law's kind (类别, guessed at import) and short title (简称, also resolved in citations)."""
    actor.require("laws.manage")
    if kind not in LawKind.values:
        raise ValidationFailed("类别不正确", field="kind")
    short_title = normalise_title(short_title or "")
    if len(short_title) > 100:
        raise ValidationFailed("简称不能超过 100 个字符", field="short_title")
    law = Law.objects.select_for_update().get(pk=law.pk)
    before = {"kind": law.kind, "short_title": law.short_title}
    law.kind = kind
    law.short_title = short_title or law.cite_key
    law.save(update_fields=["kind", "short_title"])
    _forget_links()
    record(actor=actor, action="laws.law.updated", obj=law,
           changes=diff(before, {"kind": law.kind, "short_title": law.short_title}))
    return law

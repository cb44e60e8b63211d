"""Test helpers of the law library: small law texts, a test citer, matrix objects and audit recipes."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sifa.core.accounts.actor import Actor
from sifa.core.laws import citations
from sifa.core.laws.citations import Citer, CitingObject
from sifa.core.laws.models import Law
from sifa.core.laws.parser import parse_law
from sifa.core.laws.services import (
    LawImportResult,
    _write_version,
    guess_kind,
    import_law_text,
    law_key,
    repeal_law,
    update_law,
)
from sifa.core.orgs.models import Org

LAWS_DIR = Path("/work/shared/laws")  # shared statute texts (data; the repo ships none)


def law_file(name: str) -> str:
    return (LAWS_DIR / name).read_text(encoding="utf-8")


def small_law(title: str = "测试管理法", *, date: str = "2020年1月1日", articles: dict[str, str] | None = None) -> str:
    """A tiny law text in the shared layout: two chapters, an article 之一, 本法 cross-references."""
    articles = articles or {
        "第一条": "为了测试法规库，制定本法。",
        "第二条": "违反本法第一条规定的，处以罚款。\n情节严重的，依照本法第二条之一处理。",
        "第二条之一": "逾期不缴纳罚款的，每日按罚款数额的百分之三加处罚款。",
        "第三条": "本法自公布之日起施行。",
    }
    body = [f"# 中华人民共和国{title}", "", f"{date} 测试会议通过", "", "<!-- INFO END -->", "", "## 第一章 总则", ""]
    for n, (label, text) in enumerate(articles.items()):
        if n == 2:
            body += ["## 第二章 附则", ""]
        first, *rest = text.split("\n")
        body += [f"{label} {first}", ""] + [p + "\n" for p in rest]
    return "\n".join(body) + "\n"


def import_text(actor: Actor, text: str, source_name: str = "测试.md") -> LawImportResult:
    return import_law_text(actor=actor, text=text, source_name=source_name)


def make_law(title: str = "测试管理法") -> Law:
    """A small law written directly (no service, no audit event): for setting up other tests."""
    parsed = parse_law(small_law(title), f"{title}.md")
    key = law_key(parsed)
    law = Law.objects.create(title=parsed.title, key=key, cite_key=key, short_title=key, kind=guess_kind(key))
    law.current_version = _write_version(actor=Actor.system("tests"), law=law, parsed=parsed,
                                         source_name=f"{title}.md", previous={})
    law.save(update_fields=["current_version"])
    return law


def ensure_small_law(title: str = "矩阵测试法") -> Law:
    return Law.objects.filter(key=title).first() or make_law(title)


@contextmanager
def citer_registered(objects: Callable[[str, set[tuple[int, int]], set[tuple[int, int]], bool], Iterable[CitingObject]],
               key: str = "tests.citer") -> Iterator[list[tuple[str, set[tuple[int, int]], set[tuple[int, int]], bool]]]:
    """Register a test-only citer for the block (the citers registry is not frozen); yields its calls."""
    calls: list[tuple[str, set[tuple[int, int]], set[tuple[int, int]], bool]] = []

    def find(title: str, changed: set[tuple[int, int]], removed: set[tuple[int, int]],
             repealed: bool) -> Iterable[CitingObject]:
        calls.append((title, changed, removed, repealed))
        return list(objects(title, changed, removed, repealed))

    citations.citers.register(key, Citer(key=key, label="测试引用", find=find))
    try:
        yield calls
    finally:
        citations.citers._items.pop(key, None)


# --- the authorization matrix's objects (tests/test_authz_matrix.py) ----------------------------


def matrix_objects(kind: str, actor_org: Org, orgs: list[Org]) -> tuple[list[Any], list[Any]]:
    """Laws are not org data: every account sees the same law (inside), nothing is outside. Kinds:
    "law" (its key), "law_article" ((key, "2-1")), "law_version" ((key, version id))."""
    law = ensure_small_law()
    if kind == "law":
        return [law.key], []
    if kind == "law_article":
        return [(law.key, "2-1")], []
    if kind == "law_version":
        return [(law.key, law.current_version_id)], []
    raise KeyError(kind)


# --- audit recipes (tests/test_audit_coverage.py) ------------------------------------------------


def cover_import(actor: Actor) -> Any:
    return import_text(actor, small_law("审计测试导入法"))


def cover_repeal(actor: Actor) -> Any:
    law = make_law("审计测试废止法")
    return repeal_law(actor=actor, law=law, repealed_on=datetime.date(2024, 1, 1), reason="测试废止")


def cover_update(actor: Actor) -> Any:
    law = make_law("审计测试修改法")
    return update_law(actor=actor, law=law, kind="law", short_title="审计法")


RECIPES: dict[str, tuple[str, Callable[[Actor], Any]]] = {
    "sifa.core.laws.services.import_law_text": ("admin", cover_import),
    "sifa.core.laws.services.repeal_law": ("admin", cover_repeal),
    "sifa.core.laws.services.update_law": ("admin", cover_update),
}

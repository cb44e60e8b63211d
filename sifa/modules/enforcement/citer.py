"""The 执法事项 citer (``sifa.core.laws.citations.citers`` key ``enforcement.power_item``).

When the law library imports a new version of a law or repeals one, it asks every citer which of its
objects cite the changed or removed articles. Power items are found through their parsed
``PowerItemArticle`` rows; 裁量基准 through the citations in their ``basis_text`` (parsed here). One
``CitingObject`` per item or rule, owned by the body's org.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse

from sifa.core.laws.citations import Citer, CitingObject, parse_citations
from sifa.modules.enforcement.models import DiscretionRule, PowerItem, PowerItemArticle


def find_citing(law_title: str, changed: set[tuple[int, int]], removed: set[tuple[int, int]],
                repealed: bool) -> Iterator[CitingObject]:
    """Active power items and discretion rules citing an article of ``law_title`` (normalised) in
    ``changed`` or ``removed`` — or any article of it when ``repealed``."""
    wanted = changed | removed
    cited: dict[int, list[tuple[int, int]]] = {}
    rows = PowerItemArticle.objects.filter(law_title=law_title, item__active=True).values_list("item_id", "number", "sub")
    for item_id, number, sub in rows:
        if repealed or (number, sub) in wanted:
            pairs = cited.setdefault(item_id, [])
            if (number, sub) not in pairs:
                pairs.append((number, sub))
    items = PowerItem.objects.filter(pk__in=list(cited)).select_related("body", "body__org").order_by("pk")
    for item in items:
        yield CitingObject(org=item.body.org, label=f"执法事项 {item.code} {item.name}（{item.body.name}）",
                           url=reverse("enforcement:item_detail", args=[item.pk]), articles=sorted(cited[item.pk]))
    rules = (DiscretionRule.objects.filter(active=True, item__active=True, basis_text__contains=law_title)
             .select_related("item", "item__body", "item__body__org").order_by("pk"))
    for rule in rules:
        pairs = sorted({(a.number, a.sub) for a in parse_citations(rule.basis_text)
                        if a.law_title == law_title and (repealed or (a.number, a.sub) in wanted)})
        if pairs:
            yield CitingObject(org=rule.item.body.org,
                               label=f"裁量基准「{rule.get_circumstance_display()}」· 执法事项 {rule.item.code} {rule.item.name}",
                               url=reverse("enforcement:item_detail", args=[rule.item_id]), articles=pairs)


CITER = Citer(key="enforcement.power_item", label="执法事项", find=find_citing)


def register() -> None:
    from sifa.core.laws.citations import citers

    citers.register(CITER.key, CITER)

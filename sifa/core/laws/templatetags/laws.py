"""``{{ text|law_links }}``: citations 《行政处罚法》第六十条 rendered as links to the law library;
``{{ article.text|law_links:law.cite_key }}`` also links 本法第X条 within that law."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from sifa.core.laws.citations import link_citations

register = template.Library()


@register.filter
def law_links(text: str | None, own_law: str = "") -> SafeString:
    return SafeString(link_citations(text, own_law=own_law or ""))


@register.filter
def law_status_badge(status: str) -> str:
    from sifa.core.laws.choices import STATUS_BADGES

    return STATUS_BADGES.get(status, "bg-secondary-lt")


@register.filter
def law_change_badge(change: str) -> str:
    from sifa.core.laws.choices import CHANGE_BADGES

    return CHANGE_BADGES.get(change, "bg-secondary-lt")


@register.filter
def law_paragraphs(text: str | None, own_law: str = "") -> SafeString:
    """An article's paragraphs as <p>, citations linked (本法第X条 within ``own_law``)."""
    return SafeString("".join(f"<p>{link_citations(p, own_law=own_law)}</p>" for p in (text or "").split("\n")))

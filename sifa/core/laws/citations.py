"""Citations of law articles: parsing ``《行政处罚法》第六十条``, and the registry of objects that cite articles.

A module whose objects rest on law articles (power items, discretion rules, open cases) registers a
``Citer`` in ``citers`` from its ``AppConfig.ready``. When a law is imported in a new version, or
repealed, the law library calls every citer with the articles that changed and opens one alert per
owning org listing the affected objects and articles.

Articles are named by (law title, article number): ``CitedArticle("行政处罚法", 60)``. The title is
normalised by ``normalise_title`` (no 《》, no leading 中华人民共和国), so 《中华人民共和国行政处罚法》 and
《行政处罚法》 name the same law.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sifa.core.registry import Registry

if TYPE_CHECKING:
    from sifa.core.orgs.models import Org

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}

NUMERAL = "[零〇一二两三四五六七八九十百千0-9]+"
# 《…》第…条 with optional 第…款/第…项, and further 第…条 after 、 or 和 (《行政处罚法》第五十一条、第五十二条).
CITATION = re.compile(
    rf"《(?P<title>[^》]{{2,60}})》(?P<refs>第{NUMERAL}条(?:之{NUMERAL})?(?:第{NUMERAL}款)?(?:第{NUMERAL}项)?"
    rf"(?:(?:、|和|及|至)第{NUMERAL}条(?:之{NUMERAL})?(?:第{NUMERAL}款)?(?:第{NUMERAL}项)?)*)"
)
ARTICLE_REF = re.compile(rf"第(?P<num>{NUMERAL})条(?:之(?P<sub>{NUMERAL}))?")


def chinese_number(text: str) -> int:
    """Parse a Chinese (or Arabic) numeral as used in article numbers: 六十 → 60, 一百零一 → 101, 十 → 10."""
    text = text.strip()
    if not text:
        raise ValueError("空的数字")
    if text.isdigit():
        return int(text)
    total = 0
    current = 0
    for char in text:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char in _UNITS:
            total += (current or 1) * _UNITS[char]
            current = 0
        else:
            raise ValueError(f"无法识别的数字：{text}")
    return total + current


def normalise_title(title: str) -> str:
    """The library's key for a law title: without 《》, spaces and a leading 中华人民共和国."""
    title = title.strip().strip("《》").replace(" ", "").replace("\u3000", "")
    return title.removeprefix("中华人民共和国")


@dataclass(frozen=True)
class CitedArticle:
    law_title: str  # normalised (normalise_title)
    number: int
    sub: int = 0  # 第一百二十条之一 → number 120, sub 1

    @property
    def label(self) -> str:
        return f"《{self.law_title}》第{self.number}条" + (f"之{self.sub}" if self.sub else "")


def parse_citations(text: str) -> list[CitedArticle]:
    """Every article cited in ``text`` as 《法名》第X条 (and 、第Y条 following it), in order, without repeats."""
    seen: dict[CitedArticle, None] = {}
    for match in CITATION.finditer(text or ""):
        title = normalise_title(match["title"])
        for ref in ARTICLE_REF.finditer(match["refs"]):
            sub = chinese_number(ref["sub"]) if ref["sub"] else 0
            seen.setdefault(CitedArticle(title, chinese_number(ref["num"]), sub), None)
    return list(seen)


@dataclass
class CitingObject:
    """One object that cites changed articles: who owns it, how to name and open it, which articles."""

    org: Org
    label: str
    url: str
    articles: list[tuple[int, int]] = field(default_factory=list)  # (number, sub)


@dataclass(frozen=True)
class Citer:
    """A kind of object that cites law articles (registered by a module).

    ``find(law_title, changed, removed, repealed)`` yields the objects citing any of the articles
    in ``changed`` or ``removed`` (sets of (number, sub) pairs) of the law ``law_title`` (normalised),
    or any article of it when ``repealed`` is true.
    """

    key: str
    label: str
    find: Callable[[str, set[tuple[int, int]], set[tuple[int, int]], bool], Iterable[CitingObject]]


citers: Registry[Citer] = Registry("law_citers")


# --- rendering citations as links ----------------------------------------------------------------

# 本法第X条 (本条例/本规定/本办法/本解释/本决定) inside an article: the same law.
OWN_CITATION = re.compile(
    rf"本(?:法|条例|规定|办法|解释|决定|细则)(?P<refs>第{NUMERAL}条(?:之{NUMERAL})?"
    rf"(?:(?:、|和|及|至)第{NUMERAL}条(?:之{NUMERAL})?)*)"
)
NOT_IN_LIBRARY = "法规库未收录"
_CACHE_SECONDS = 60.0
# normalised title → (when fetched, {(number, sub): article URL}); short-lived, cleared on every import.
_link_cache: dict[str, tuple[float, dict[tuple[int, int], str]]] = {}


def clear_link_cache() -> None:
    """Forget resolved citations (called by the import and repeal services, and on commit)."""
    _link_cache.clear()


def _article_urls(titles: Iterable[str]) -> dict[str, dict[tuple[int, int], str]]:
    """URLs of the current-version articles of the named laws: at most two queries for all titles, none
    for titles resolved within the last minute."""
    import time

    from django.urls import reverse

    from sifa.core.laws.selectors import current_articles_for

    now = time.monotonic()
    wanted = {normalise_title(t) for t in titles}
    missing = [t for t in wanted if t not in _link_cache or now - _link_cache[t][0] > _CACHE_SECONDS]
    if missing:
        found = current_articles_for(missing)
        for title in missing:
            urls = {key: reverse("laws:article", args=[art.version.law.key, art.ref])
                    for key, art in found.get(title, {}).items()}
            _link_cache[title] = (now, urls)
    return {t: _link_cache[t][1] for t in wanted if t in _link_cache}


def link_citations(text: str | None, *, own_law: str = "") -> str:
    """``text`` escaped, with every 《X》第Y条 that resolves to an article of the CURRENT version of a known
    law wrapped in a link to it; unknown laws or articles stay text marked title="法规库未收录".
    With ``own_law`` (the law an article belongs to), 本法第X条 links within that law. Returns a SafeString."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    text = text or ""
    matches: list[tuple[re.Match[str], str]] = [(m, normalise_title(m["title"])) for m in CITATION.finditer(text)]
    if own_law:
        matches += [(m, normalise_title(own_law)) for m in OWN_CITATION.finditer(text)]
        matches.sort(key=lambda pair: pair[0].start())
    if not matches:
        return mark_safe(escape(text))  # noqa: S308 - escaped just above
    urls = _article_urls({title for _, title in matches})
    out: list[str] = []
    pos = 0
    for match, title in matches:
        if match.start() < pos:
            continue  # overlapping (本法 inside a 《》 title): the first wins
        out.append(escape(text[pos:match.start()]))
        law_urls = urls.get(title, {})
        refs_start = match.start("refs")
        cursor = match.start()
        for index, ref in enumerate(ARTICLE_REF.finditer(match["refs"])):
            start = match.start() if index == 0 else refs_start + ref.start()
            end = refs_start + ref.end()
            out.append(escape(text[cursor:start]))
            sub = chinese_number(ref["sub"]) if ref["sub"] else 0
            url = law_urls.get((chinese_number(ref["num"]), sub))
            label = escape(text[start:end])
            if url:
                out.append(f'<a class="law-citation" href="{escape(url)}">{label}</a>')
            else:
                out.append(f'<span class="law-citation-unknown" title="{NOT_IN_LIBRARY}">{label}</span>')
            cursor = end
        out.append(escape(text[cursor:match.end()]))
        pos = match.end()
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped above

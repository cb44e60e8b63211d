"""Chinese tokenization with jieba, the one tokenizer every index and query in sifa uses.

``tokenize`` gives the tokens of a text in search mode (a long word and its shorter words, so a
query for 罚款 finds 罚款数额), lower-cased, without punctuation and stop words. Indexes store
these tokens joined by spaces (SQLite FTS5 with the ``unicode61`` tokenizer on the stored text,
PostgreSQL ``to_tsvector('simple', …)``), so both engines see exactly the same terms.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache

import jieba

jieba.setLogLevel(logging.WARNING)

_lock = threading.Lock()
_ready = False

# Tokens made only of punctuation, symbols or spaces are dropped.
_WORDLIKE = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")

STOP_WORDS = frozenset(
    "的 了 和 与 及 或 在 是 为 对 于 由 将 把 被 等 其 之 也 而 并 但 就 都 以 从 向 所 有 无 该 此 这 那 "
    "个 中 上 下 时 后 前 内 外 已 未 不 没 又 再 各 每 本 其他 以及 或者 并且 应当 可以 依照 按照 "
    "the of and or to in a an is".split()
)


def _ensure_ready() -> None:
    global _ready
    if _ready:
        return
    with _lock:
        if not _ready:
            jieba.initialize()
            _ready = True


@lru_cache(maxsize=4096)
def _cut(text: str) -> tuple[str, ...]:
    return tuple(jieba.cut_for_search(text))


def tokenize(text: str | None) -> list[str]:
    """Return the search tokens of ``text`` in order (duplicates kept, for term frequencies)."""
    if not text:
        return []
    _ensure_ready()
    out: list[str] = []
    for token in _cut(text) if len(text) < 512 else tuple(jieba.cut_for_search(text)):
        token = token.strip().lower()
        if token and token not in STOP_WORDS and _WORDLIKE.search(token):
            out.append(token)
    return out


def token_string(text: str | None) -> str:
    """The tokens of ``text`` joined by single spaces: the form stored in a full-text index."""
    return " ".join(tokenize(text))

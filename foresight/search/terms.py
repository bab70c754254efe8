"""Search terms: ``foresight.text.tokenize`` words, compounds also split, light English stemming.

Keyword matching must survive the small differences between how a query and a document say the same
thing: "silyl protecting agent" should find "silyl-protecting agents", "水运工程项目管理" should find
"水运工程施工项目". So, for the BM25 index and for queries alike:

- every Latin token is normalised by the S-stemmer (Harman, 1991; plural endings only);
- a hyphenated Latin token contributes its parts as well as the whole;
- a Chinese word of three or more characters contributes the two- and three-character words of jieba's
  dictionary inside it, as jieba's search mode (``cut_for_search``) does: "项目管理" → 项目, 管理.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from foresight.text import STOPWORDS, has_han, tokenize

__all__ = ["query_terms", "search_terms", "stem"]

_LATIN = re.compile(r"^[a-z][a-z'-]*$")


def stem(word: str) -> str:
    """The S-stemmer: strip an English plural ending from a lower-case Latin word of 4+ letters.

    Examples
    --------
    >>> [stem(w) for w in ("agents", "studies", "vehicles", "analysis", "focus", "bus")]
    ['agent', 'study', 'vehicle', 'analysis', 'focus', 'bus']
    """
    if len(word) < 4 or not _LATIN.match(word):
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if word.endswith("s") and not word.endswith(("us", "ss", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=1)
def _dictionary() -> Any:
    import jieba

    jieba.initialize()  # quick when tokenize() already loaded it
    return jieba.dt.FREQ


def _parts(token: str) -> Iterator[str]:
    """Sub-words of a compound token (see the module docstring), not the token itself."""
    if "-" in token and _LATIN.match(token):
        yield from (stem(part) for part in token.split("-") if len(part) >= 2)
    elif len(token) >= 3 and has_han(token):
        freq = _dictionary()
        for size in (2, 3):
            for start in range(len(token) - size + 1):
                gram = token[start : start + size]
                if gram != token and freq.get(gram) and gram not in STOPWORDS:
                    yield gram


def search_terms(text: str, language: str) -> list[str]:
    """Normalised terms of a document's text, in order, duplicates kept (for BM25 term frequencies).

    Parameters
    ----------
    text : str
        Title and abstract (or a theme's labels and keywords).
    language : str
        ``"zh"``, ``"en"`` or ``"other"``; text with Han characters is segmented with jieba anyway.

    Returns
    -------
    list of str
        Stemmed tokens, each compound followed by its parts.
    """
    out: list[str] = []
    for token in tokenize(text, language):
        out.append(stem(token))
        out.extend(_parts(token))
    return out


def query_terms(query: str, language: str) -> dict[str, str]:
    """Distinct normalised terms of a query, each with the query word it came from (for explanations).

    Returns
    -------
    dict of str to str
        ``{normalised term: word as tokenised from the query}``, in query order.
    """
    out: dict[str, str] = {}
    for token in tokenize(query, language):
        out.setdefault(stem(token), token)
        for part in _parts(token):
            out.setdefault(part, part)
    return out

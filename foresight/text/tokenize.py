"""Word tokenisation for keywords and lexical representations: jieba for Chinese, a regex otherwise.

``tokenize(text, language)`` returns lower-cased content words: stop words (``foresight.text.stopwords``),
punctuation, pure numbers and one-character tokens are dropped. Chinese text (``language="zh"``, or any
text containing Han characters) is segmented with jieba; the English terms inside Chinese abstracts
("Lyapunov", "SOS") come out as words too. jieba loads its dictionary once, on first use (about a second).
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from typing import Any

from foresight.text.stopwords import STOPWORDS, STOPWORDS_EN

__all__ = ["has_han", "tokenize", "tokenize_many"]

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
#: Latin/other-script words, keeping inner hyphens and apostrophes ("state-of-the-art", "3d", "covid-19").
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
_CONTENT = re.compile(r"[^\W_]")
_NUMBER = re.compile(r"^[\d.,\-+%]+$")
_MIN_LENGTH = 2

_jieba_lock = threading.Lock()


@lru_cache(maxsize=1)
def _jieba() -> Any:
    """Import jieba once, silence its start-up log, and build its dictionary."""
    with _jieba_lock:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        return jieba


def has_han(text: str) -> bool:
    """Return whether ``text`` contains at least one Han (Chinese) character.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    bool
        True when a CJK unified ideograph occurs in ``text``.
    """
    return _HAN.search(text) is not None


def _keep(token: str, stopwords: frozenset[str]) -> bool:
    return (
        len(token) >= _MIN_LENGTH
        and token not in stopwords
        and _CONTENT.search(token) is not None
        and _NUMBER.match(token) is None
    )


def tokenize(text: str, language: str) -> list[str]:
    """Split ``text`` into lower-cased content words.

    Parameters
    ----------
    text : str
        A title, abstract or any other text.
    language : str
        ``"zh"``, ``"en"`` or ``"other"`` (the store's language classes). Chinese uses jieba with both
        stop-word lists; other languages use a Unicode word regex and the English stop words. A text
        that contains Han characters is segmented with jieba whatever ``language`` says.

    Returns
    -------
    list of str
        The words in text order, duplicates kept.

    Examples
    --------
    >>> tokenize("Graph neural networks for the prediction of traffic", "en")
    ['graph', 'neural', 'networks', 'prediction', 'traffic']
    """
    if not text:
        return []
    if language == "zh" or has_han(text):
        words = (w.strip().lower() for w in _jieba().lcut(text))
        return [w for w in words if _keep(w, STOPWORDS)]
    return [w for w in _WORD.findall(text.lower()) if _keep(w, STOPWORDS_EN)]


def tokenize_many(texts: list[str], languages: list[str] | str) -> list[list[str]]:
    """Tokenise several texts; ``languages`` is one language per text or one for all.

    Parameters
    ----------
    texts : list of str
        The texts.
    languages : list of str or str
        A language per text, or a single language applied to every text.

    Returns
    -------
    list of list of str
        ``tokenize(text, language)`` for each text, in order.
    """
    if isinstance(languages, str):
        return [tokenize(t, languages) for t in texts]
    if len(languages) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(languages)} languages")
    return [tokenize(t, lang) for t, lang in zip(texts, languages, strict=True)]

"""Terms of a document for keyword extraction: words and n-grams of adjacent words, in both languages.

Words come from ``foresight.text.tokenize`` (jieba for Chinese, bilingual stop words removed); n-grams join
words that stand next to each other in the text, never across punctuation or, in English, a stop word, so
that keywords read like "graph neural networks". Chinese words are joined without spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from itertools import groupby

from foresight.text import has_han, tokenize
from foresight.text.tokenize import is_content_word, segment

#: A word as ``foresight.text.tokenize`` reads it, or one punctuation character.
_RAW = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*|[^\w\s]")


def _join_han(words: Sequence[str]) -> str:
    """Join words, with no space between two Han characters ("神经" + "网络" → "神经网络")."""
    out = words[0]
    for word in words[1:]:
        out = out + word if has_han(out[-1:]) and has_han(word[:1]) else f"{out} {word}"
    return out


def phrases(text: str, language: str) -> Iterator[list[str]]:
    """Split a text into runs of adjacent content words.

    Parameters
    ----------
    text : str
        A document.
    language : str
        Its language (``"zh"``, ``"en"``, ...); text with Han characters is segmented with jieba whatever
        it says.

    Yields
    ------
    list of str
        Words of one run: content words (as ``foresight.text.tokenize`` keeps them) with no punctuation
        and no dropped word (stop word, number ...) between them.
    """
    if language == "zh" or has_han(text):
        yield from _han_runs(text)
        return
    # The raw word stream (the tokenizer's word pattern, plus punctuation), cut wherever it holds
    # something the tokenizer drops (stop word, number, punctuation ...).
    for kept, run in groupby(_RAW.findall(text.lower()), key=_kept_latin):
        if kept:
            yield list(run)


@lru_cache(maxsize=1 << 18)
def _kept_latin(token: str) -> bool:
    """Whether ``foresight.text.tokenize`` keeps this word (memoised: a corpus repeats its words)."""
    return tokenize(token, "en") == [token]


def _han_runs(text: str) -> Iterator[list[str]]:
    """Runs of adjacent jieba words that ``tokenize`` would keep (same rules: stop words, length, digits).

    Punctuation and every dropped word end a run. The segmentation is ``foresight.text.segment``'s, so
    texts the lexical embedding already segmented are not cut again.
    """
    run: list[str] = []
    for word in segment(text):
        if is_content_word(word):
            run.append(word)
        elif run:
            yield run
            run = []
    if run:
        yield run


def document_terms(text: str, language: str, ngram_range: tuple[int, int] = (1, 2)) -> list[str]:
    """Terms of one document: words and n-grams of adjacent words.

    Parameters
    ----------
    text : str
        The document.
    language : str
        Its language.
    ngram_range : tuple of int, default=(1, 2)
        Smallest and largest n-gram length.

    Returns
    -------
    list of str
        All terms with repetitions; Chinese n-grams are joined without a space.

    Examples
    --------
    >>> document_terms("Message passing in graph neural networks.", "en", (1, 2))[:3]
    ['message', 'passing', 'message passing']
    """
    low, high = ngram_range
    han = language == "zh" or has_han(text)
    terms: list[str] = []
    for words in phrases(text, language):
        if low <= 1:
            terms.extend(words)
        for n in range(max(low, 2), min(high, len(words)) + 1):
            shifted = zip(*(words[k:] for k in range(n)), strict=False)
            if han:
                terms.extend(_join_han(gram) for gram in shifted)
            else:
                terms.extend(map(" ".join, shifted))
    return terms

"""Explaining a match: the query words a theme's keywords contain, and a snippet around a matched word."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from foresight.search.terms import search_terms
from foresight.text import has_han

__all__ = ["matching_keywords", "snippet"]

SNIPPET_CHARS = 180


def matching_keywords(keywords: Sequence[Sequence[Any]], terms: Sequence[str]) -> list[list[Any]]:
    """The ``[term, weight]`` keywords that contain a query term.

    A keyword matches when one of its words is a query term, when it is a query term itself, or — for
    Chinese, where segmentation of a short query and of a keyword can differ — when a Chinese query term
    of two or more characters occurs inside it.

    Parameters
    ----------
    keywords : sequence of [term, weight]
        A theme's keywords.
    terms : sequence of str
        The query's normalised terms (``foresight.search.terms.query_terms``).

    Returns
    -------
    list of [term, weight]
        The matching keywords, in the theme's order.
    """
    wanted = set(terms)
    chinese = [t for t in wanted if has_han(t) and len(t) >= 2]
    out: list[list[Any]] = []
    for keyword in keywords:
        text = str(keyword[0]).lower()
        words = set(search_terms(text, "zh" if has_han(text) else "en")) | {text}
        if words & wanted or any(t in text for t in chinese):
            out.append(list(keyword))
    return out


def snippet(title: str, abstract: str | None, terms: Sequence[str], width: int = SNIPPET_CHARS) -> str | None:
    """About ``width`` characters of the abstract around the first matched query term.

    ``terms`` are normalised (stemmed) terms: a Latin-script term matches a word that starts with it
    ("agent" finds "agents"), a Chinese one any occurrence. Returns ``None`` when no term occurs in the
    abstract (the title alone is shown then).
    """
    text = " ".join((abstract or "").split())
    if not text or not terms:
        return None
    first: re.Match[str] | None = None
    for term in terms:
        stem = term[:-1] if len(term) > 4 and term.endswith(("y", "e")) else term  # study → studies
        pattern = re.escape(term) if has_han(term) else rf"(?<!\w){re.escape(stem)}"
        found = re.search(pattern, text, flags=re.IGNORECASE)
        if found and (first is None or found.start() < first.start()):
            first = found
    if first is None:
        return None
    start = max(0, first.start() - width // 3)
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    return ("…" if start > 0 else "") + text[start:end].strip() + ("…" if end < len(text) else "")

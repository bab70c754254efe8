"""Text utilities shared by the analysis layer: bilingual stop words and tokenisation."""

from foresight.text.stopwords import STOPWORDS, STOPWORDS_EN, STOPWORDS_ZH, stopwords_for
from foresight.text.tokenize import has_han, tokenize, tokenize_many

__all__ = [
    "STOPWORDS",
    "STOPWORDS_EN",
    "STOPWORDS_ZH",
    "has_han",
    "stopwords_for",
    "tokenize",
    "tokenize_many",
]

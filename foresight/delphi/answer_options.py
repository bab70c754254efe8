"""Building blocks of Delphi questions: bilingual wording, answer options (scale points, familiarity
levels, multi-choice options, countries, realisation-year bins) and the special answer codes.

Import them from :mod:`foresight.delphi.questions`, which re-exports everything here.
"""

from __future__ import annotations

import pycountry
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "CODE_PATTERN",
    "DONT_KNOW",
    "NEVER",
    "ChoiceOption",
    "CountryOption",
    "FamiliarityLevel",
    "Label",
    "Option",
    "ScaleOption",
    "ScalePoint",
    "YearBin",
]

DONT_KNOW = "dont_know"
"""Code of the "don't know" answer (不清楚 / 无法预见); excluded from every statistic's denominator."""
NEVER = "never"
"""Code of the "will never be realised" answer (不会实现) of the realisation-year questions."""

CODE_PATTERN = r"^[a-z0-9][a-z0-9_\-]*$"
_EXCEPTIONAL_COUNTRY_CODES = frozenset({"EU"})  # ISO 3166-1 "exceptionally reserved": European Union


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Label(_Frozen):
    """Bilingual wording: Chinese (``zh``) and English (``en``)."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def text(self, lang: str = "zh") -> str:
        """The wording in ``lang`` (``zh*`` → Chinese, anything else → English)."""
        return self.zh if lang.lower().startswith("zh") else self.en


class Option(_Frozen):
    """A selectable answer with a stable machine code, bilingual label and accepted short forms."""

    code: str = Field(pattern=CODE_PATTERN)
    label: Label
    aliases: tuple[str, ...] = ()


class ScaleOption(Option):
    """A point of an ordinal scale; ``score`` is the number statistics are computed on."""

    score: float


class FamiliarityLevel(ScaleOption):
    """A self-rated familiarity level with its expertise weight ``e_i`` (delphi.md §4.5).

    ``high`` marks the levels that form the high-expertise subset (NISTEP reports all respondents and the
    high-expertise subset, delphi.md §3.1).
    """

    weight: float = Field(ge=0.0, le=1.0)
    high: bool = False


class ChoiceOption(Option):
    """An option of a multi-choice question.

    ``exclusive`` options (e.g. "no major constraint") cannot be combined with others; ``weight`` is the
    option's severity when constraints are turned into a feasibility index (aggregation module).
    """

    exclusive: bool = False
    weight: float = Field(default=1.0, ge=0.0)


class CountryOption(_Frozen):
    """A listed leading country or region, by ISO 3166-1 alpha-2 code (``EU`` allowed)."""

    code: str = Field(pattern=r"^[A-Z]{2}$")
    label: Label

    @field_validator("code")
    @classmethod
    def _iso(cls, code: str) -> str:
        if code not in _EXCEPTIONAL_COUNTRY_CODES and pycountry.countries.get(alpha_2=code) is None:
            raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 code")
        return code


class YearBin(_Frozen):
    """A bin of realisation years, ``start``–``end`` inclusive; ``end=None`` means "``start`` or later"."""

    code: str = Field(pattern=CODE_PATTERN)
    label: Label
    start: int
    end: int | None = None

    @model_validator(mode="after")
    def _ordered(self) -> YearBin:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"year bin {self.code}: end {self.end} precedes start {self.start}")
        return self

    def contains(self, year: int) -> bool:
        return self.start <= year and (self.end is None or year <= self.end)


class ScalePoint(_Frozen):
    """One point of an ordinal question's scale, as statistics see it (ascending by score)."""

    code: str
    score: float
    label: Label
    aliases: tuple[str, ...] = ()

"""Helpers shared by the bibliographic parsers (RIS, BibTeX, OpenAlex).

They read the loosely structured parts of bibliographic exports: affiliation strings (organization and
country), stated languages, citation counts hidden in notes, ISSN/ISBN fields and OpenAlex-style
identifiers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from foresight.ingest.normalize import clean_text, normalize_country

__all__ = [
    "citation_count_in",
    "join_lines",
    "map_language",
    "parse_affiliation",
    "read_affiliations",
    "split_isbn_issn",
]

_ZH = frozenset(
    [
        "zh",
        "zho",
        "chi",
        "chinese",
        "中文",
        "汉语",
        "漢語",
        "简体中文",
        "繁體中文",
        "chinese(simplified)",
        "chinese(traditional)",
        "zh-cn",
        "zh-hans",
        "zh-hant",
        "zh-tw",
        "mandarin",
    ]
)
_EN = frozenset(["en", "eng", "english", "英文", "英语", "英語", "en-us", "en-gb", "en_us", "en_gb"])

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
#: Words that name an institution; the first segment holding one is the organization.
_ORG_STRONG = re.compile(
    r"\b(?:univ\w*|inst(?:itut\w*)?|acad\w*|college|hospital|corp\w*|inc|ltd|llc|gmbh|company|plc|"
    r"foundation|agency|ministry|council|observatory|polytechnic)\b",
    re.IGNORECASE,
)
_ORG_WEAK = re.compile(r"\b(?:lab\w*|cent(?:er|re|ro)|school|faculty|dept|department)\b", re.IGNORECASE)
#: Chinese institution suffixes: the organization is cut right after the first one.
_ZH_ORG = re.compile(r"^.*?(?:大学|学院|研究院|研究所|科学院|医院|有限公司|公司|集团|实验室|中心)")
#: WoS-style author prefix of an affiliation: ``Zhang, Y (Corresponding Author),`` or ``[Zhang, Y.]``.
_AUTHOR_PREFIX = re.compile(
    r"^\s*(?:\[[^\]]*\]\s*|[^,()]+,[^,()]+\((?:corresponding|reprint) author\),\s*)", re.I
)
_SEGMENT_SPLIT = re.compile(r"[,，]")
_POSTCODE = re.compile(r"[\d-]{3,}|\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b")
_SHORT_COUNTRY_OK = frozenset(
    {"USA", "UK", "UAE", "PRC", "中国", "美国", "英国", "日本", "德国", "法国", "韩国"}
)
_ZH_COUNTRY = {
    "中国": "CN",
    "美国": "US",
    "英国": "GB",
    "日本": "JP",
    "德国": "DE",
    "法国": "FR",
    "韩国": "KR",
}
_CITED = re.compile(
    r"(?:cited\s+by|times\s+cited|被引(?:频次|次数)?)[^:：\d;]{0,60}[:：]?\s*(\d+)", re.IGNORECASE
)
_ISSN = re.compile(r"\b\d{4}-?\d{3}[\dXx]\b")
_ISBN_CANDIDATE = re.compile(r"\b(?:97[89][-\s]?)?\d[\d\s-]{7,15}[\dXx]\b")


_CJK_END = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]$")
_CJK_START = re.compile(r"^[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def join_lines(parts: Iterable[str]) -> str:
    """Join the lines or words of a wrapped value: with a space, except between two CJK characters."""
    out: list[str] = []
    for part in parts:
        text = part.strip()
        if not text:
            continue
        if out and not (_CJK_END.search(out[-1]) and _CJK_START.search(text)):
            out.append(" ")
        out.append(text)
    return "".join(out)


def map_language(value: object) -> str | None:
    """Map a stated language (name, ISO 639-1/-2 code, Chinese name) to ``zh``, ``en`` or ``other``.

    Parameters
    ----------
    value
        The language as the export states it, e.g. ``"English"``, ``"eng"``, ``"zh"`` or ``"中文"``.

    Returns
    -------
    str or None
        ``"zh"``, ``"en"``, ``"other"``; ``None`` when no language is stated.
    """
    text = clean_text(value)
    if not text:
        return None
    first = re.split(r"[;,/|]", text)[0].strip().casefold().replace(" ", "")
    if not first:
        return None
    if first in _ZH or first.startswith("chinese") or first.startswith("zh-"):
        return "zh"
    if first in _EN or first.startswith("english") or first.startswith("en-"):
        return "en"
    return "other"


def _country_of(segment: str) -> str | None:
    """The ISO code of a country named at the end of an address segment, if any."""
    text = _POSTCODE.sub(" ", segment).strip(" .;()")
    if not text:
        return None
    if _HAN.search(text):
        for name, code in _ZH_COUNTRY.items():
            if text.endswith(name) or text.startswith(name):
                return code
        return None
    words = text.split()
    for n in (3, 2, 1):
        if len(words) < n:
            continue
        candidate = " ".join(words[-n:])
        candidate = re.sub(r"^the\s+", "", candidate, flags=re.IGNORECASE)
        if len(candidate) < 4 and candidate.upper() not in _SHORT_COUNTRY_OK:
            continue
        code = normalize_country(candidate)
        if len(code) == 2 and code.isupper():
            return code
    return None


def parse_affiliation(text: str) -> tuple[str | None, str | None]:
    """Read one affiliation string into ``(organization, country code)``.

    The organization is the first comma-separated segment naming an institution (university,
    institute, company…), else one naming a laboratory or department, else the first segment. For
    Chinese text it is cut after the first institution suffix (``清华大学计算机系`` → ``清华大学``). The
    country is looked for at the end of the last segments.

    Parameters
    ----------
    text
        e.g. ``"Dept Comp Sci, Tsinghua Univ, Beijing 100084, Peoples R China"``.

    Returns
    -------
    tuple
        Organization (or ``None``) and ISO 3166-1 alpha-2 country code (or ``None``).
    """
    cleaned = clean_text(_AUTHOR_PREFIX.sub("", text or ""))
    if not cleaned:
        return None, None
    cleaned = cleaned.rstrip(".;")
    segments = [s.strip() for s in _SEGMENT_SPLIT.split(cleaned) if s.strip()]
    if not segments:
        return None, None
    country = None
    for segment in reversed(segments[-2:]):
        country = _country_of(segment)
        if country:
            break
    org: str | None = None
    for pattern in (_ORG_STRONG, _ORG_WEAK):
        org = next((s for s in segments if pattern.search(s)), None)
        if org:
            break
    if org is None:
        zh = next((s for s in segments if _ZH_ORG.match(s)), None)
        org = zh or segments[0]
    zh_match = _ZH_ORG.match(org) if _HAN.search(org) else None
    if zh_match:
        org = zh_match.group(0)
    if country and _country_of(org) == country and len(segments) == 1:
        org = None  # the whole string is only a country name
    return org, country


def read_affiliations(texts: Iterable[str]) -> tuple[list[str], list[str]]:
    """Organizations and country codes of several affiliation strings, de-duplicated in order.

    Parameters
    ----------
    texts
        Affiliation strings; each may hold several affiliations separated by ``;`` or newlines.

    Returns
    -------
    tuple
        ``(organizations, countries)``.
    """
    orgs: dict[str, None] = {}
    countries: dict[str, None] = {}
    for text in texts:
        for part in re.split(r"[;；\n]", text or ""):
            org, country = parse_affiliation(part)
            if org:
                orgs.setdefault(org)
            if country:
                countries.setdefault(country)
    return list(orgs), list(countries)


def citation_count_in(text: object) -> int | None:
    """A citation count stated in a note, e.g. Scopus' ``Cited By: 12`` or CNKI's ``被引频次: 3``."""
    if text is None:
        return None
    match = _CITED.search(str(text))
    return int(match.group(1)) if match else None


def split_isbn_issn(values: Iterable[str]) -> tuple[list[str], list[str]]:
    """Sort the numbers of RIS ``SN``/BibTeX ``issn``/``isbn`` values into ``(issns, isbns)``."""
    issns: dict[str, None] = {}
    isbns: dict[str, None] = {}
    for value in values:
        rest = value
        for match in _ISBN_CANDIDATE.finditer(value):
            digits = re.sub(r"[\s-]", "", match.group(0))
            if len(digits) in (10, 13):
                isbns.setdefault(digits.upper())
                rest = rest.replace(match.group(0), " ")
        for match in _ISSN.finditer(rest):
            number = match.group(0).upper()
            if "-" not in number:
                number = f"{number[:4]}-{number[4:]}"
            issns.setdefault(number)
    return list(issns), list(isbns)

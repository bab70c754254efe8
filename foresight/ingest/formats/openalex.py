"""OpenAlex works: API responses (``{"meta": …, "results": [...]}`` or a JSON array) and JSON Lines.

JSON files are streamed with :mod:`ijson` (one work in memory at a time); JSON Lines (the OpenAlex
snapshot, ``works/updated_date=…/part_000.gz``) line by line. Abstracts are rebuilt from
``abstract_inverted_index``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import IO, Any

from foresight.ingest.errors import FileFormatError, RecordError
from foresight.ingest.formats.base import Parser
from foresight.ingest.formats.biblio import join_lines, map_language, read_affiliations
from foresight.ingest.formats.jsonlines import first_json_object, iter_json_lines
from foresight.ingest.normalize import normalize_arxiv_id, normalize_country, parse_date
from foresight.ingest.record import DocumentRecord, ParsedItem
from foresight.ingest.textio import open_text

try:  # streaming JSON; without it a JSON response is read whole
    import ijson

    _HAVE_IJSON = True
except ImportError:  # pragma: no cover - ijson is a dependency
    _HAVE_IJSON = False

_WORK_ID = re.compile(r"^https://openalex\.org/(W\d+)$")
#: A JSON Lines work: the line's object has a work id as its own ``id`` (snapshot lines start so).
_LINE_WORK = re.compile(r'^\s*\{\s*"id"\s*:\s*"https://openalex\.org/W\d+"')
_WORK_KEYS = frozenset({"abstract_inverted_index", "authorships", "publication_year", "cited_by_count"})
_PAPER_TYPES = frozenset(
    [
        "article",
        "preprint",
        "review",
        "letter",
        "editorial",
        "book",
        "book-chapter",
        "dissertation",
        "reference-entry",
        "proceedings-article",
        "journal-article",
        "posted-content",
        "book-section",
        "monograph",
    ]
)
_ID_PREFIXES = {
    "pmid": "https://pubmed.ncbi.nlm.nih.gov/",
    "pmcid": "https://www.ncbi.nlm.nih.gov/pmc/articles/",
    "wikidata": "https://www.wikidata.org/wiki/",
    "arxiv": "https://arxiv.org/abs/",
}


def _is_work(obj: dict[str, Any]) -> bool:
    work_id = obj.get("id")
    return (isinstance(work_id, str) and bool(_WORK_ID.match(work_id))) or len(_WORK_KEYS & obj.keys()) >= 2


def _first_line(sample: str) -> str:
    return next((line for line in sample.lstrip("\ufeff").splitlines() if line.strip()), "")


def rebuild_abstract(index: object) -> str | None:
    """Rebuild an abstract from OpenAlex's inverted index (``word -> [positions]``).

    Words are joined with spaces, except between two CJK characters (Chinese text has none).

    Raises
    ------
    ValueError
        When the index is not an object of word → list of non-negative integer positions.
    """
    if index is None:
        return None
    if not isinstance(index, dict):
        raise ValueError(f"abstract_inverted_index: expected an object, got {type(index).__name__}")
    slots: dict[int, str] = {}
    for word, positions in index.items():
        if not isinstance(positions, list) or not all(
            isinstance(p, int) and not isinstance(p, bool) and p >= 0 for p in positions
        ):
            raise ValueError(f"abstract_inverted_index: positions of {word!r} are not a list of integers")
        for position in positions:
            slots[position] = word
    if not slots:
        return None
    return join_lines(slots[position] for position in sorted(slots)) or None


def _names(items: object, key: str = "display_name") -> list[str]:
    if not isinstance(items, list):
        return []
    return [str(i[key]) for i in items if isinstance(i, dict) and isinstance(i.get(key), str) and i[key]]


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def work_to_record(work: dict[str, Any]) -> DocumentRecord:
    """Map one OpenAlex work object to a :class:`DocumentRecord`.

    Raises
    ------
    ValueError
        When a field has the wrong shape (the message names the field).
    """
    identifiers: dict[str, str] = {}
    ids = _dict(work.get("ids"))
    arxiv_id = normalize_arxiv_id(ids.get("arxiv"))
    work_id = work.get("id")
    match = _WORK_ID.match(work_id) if isinstance(work_id, str) else None
    if work_id is not None and match is None:
        raise ValueError(f"id: {work_id!r} is not an OpenAlex work id (https://openalex.org/W…)")
    if match:
        identifiers["openalex"] = match.group(1)
    for key, value in ids.items():
        if key in {"openalex", "doi"} or value in (None, ""):
            continue
        text = str(value)
        prefix = _ID_PREFIXES.get(key)
        identifiers[key] = text[len(prefix) :] if prefix and text.startswith(prefix) else text
    published, year = parse_date(work.get("publication_date"))
    pub_year = work.get("publication_year")
    if pub_year is not None:
        if not isinstance(pub_year, int) or isinstance(pub_year, bool):
            raise ValueError(f"publication_year: expected an integer, got {pub_year!r}")
        year = pub_year
    authors: list[str] = []
    organizations: dict[str, None] = {}
    countries: dict[str, None] = {}
    authorships = work.get("authorships") or []
    if not isinstance(authorships, list):
        raise ValueError("authorships: expected a list")
    for authorship in authorships:
        if not isinstance(authorship, dict):
            raise ValueError("authorships: every item must be an object")
        name = _dict(authorship.get("author")).get("display_name") or authorship.get("raw_author_name")
        if name:
            authors.append(str(name))
        institutions = [i for i in authorship.get("institutions") or [] if isinstance(i, dict)]
        for institution in institutions:
            if institution.get("display_name"):
                organizations.setdefault(str(institution["display_name"]))
            if institution.get("country_code"):
                countries.setdefault(normalize_country(str(institution["country_code"])))
        for code in authorship.get("countries") or []:
            countries.setdefault(normalize_country(str(code)))
        if not institutions:
            strings = authorship.get("raw_affiliation_strings") or [authorship.get("raw_affiliation_string")]
            orgs, found = read_affiliations(str(s) for s in strings if s)
            organizations.update(dict.fromkeys(orgs))
            countries.update(dict.fromkeys(found))
    location = _dict(work.get("primary_location")) or _dict(work.get("host_venue"))
    source = _dict(location.get("source")) or location
    if source.get("issn_l"):
        identifiers["issn"] = str(source["issn_l"])
    biblio = _dict(work.get("biblio"))
    for key, name in (("volume", "volume"), ("issue", "issue")):
        if biblio.get(key):
            identifiers[name] = str(biblio[key])
    pages = "-".join(str(biblio[k]) for k in ("first_page", "last_page") if biblio.get(k))
    if pages:
        identifiers["pages"] = pages
    citations = work.get("cited_by_count")
    if citations is not None and (not isinstance(citations, int) or isinstance(citations, bool)):
        raise ValueError(f"cited_by_count: expected an integer, got {citations!r}")
    return DocumentRecord(
        kind=_kind(work.get("type"), work.get("type_crossref")),
        title=str(work.get("title") or work.get("display_name") or ""),
        abstract=rebuild_abstract(work.get("abstract_inverted_index")),
        language=map_language(work.get("language")),
        publication_date=published if published is None or published.year == year else None,
        year=year,
        doi=work.get("doi") or ids.get("doi"),
        arxiv_id=arxiv_id or normalize_arxiv_id(location.get("landing_page_url") or location.get("url")),
        source_id=match.group(1) if match else None,
        identifiers=identifiers,
        authors=authors,
        organizations=list(organizations),
        countries=list(countries),
        keywords=_keywords(work),
        categories=_categories(work),
        venue=str(source["display_name"]) if source.get("display_name") else None,
        citation_count=citations,
        url=location.get("landing_page_url")
        or location.get("url")
        or _dict(work.get("open_access")).get("oa_url")
        or (work.get("doi") if isinstance(work.get("doi"), str) else None),
    )


def _kind(work_type: object, crossref_type: object) -> str:
    for value in (work_type, crossref_type):
        if isinstance(value, str) and value.lower() in _PAPER_TYPES:
            return "paper"
    return "other"  # dataset, report, standard, paratext, erratum, peer-review, other…


def _keywords(work: dict[str, Any]) -> list[str]:
    keywords = _names(work.get("keywords")) or _names(work.get("keywords"), "keyword")
    if not keywords:
        concepts = _list(work.get("concepts"))
        keywords = [
            str(c["display_name"])
            for c in concepts
            if isinstance(c, dict)
            and c.get("display_name")
            and (c.get("level") or 0) >= 2
            and c.get("score", 1)
        ]
    return keywords + _names(work.get("mesh"), "descriptor_name")


def _categories(work: dict[str, Any]) -> list[str]:
    topics = _list(work.get("topics"))
    if not topics and isinstance(work.get("primary_topic"), dict):
        topics = [work["primary_topic"]]
    categories: list[str] = []
    for topic in topics:
        if isinstance(topic, dict):
            for level in ("field", "subfield"):
                name = _dict(topic.get(level)).get("display_name")
                if name and name not in categories:
                    categories.append(str(name))
    if not categories:
        concepts = _list(work.get("concepts"))
        categories = [
            str(c["display_name"])
            for c in concepts
            if isinstance(c, dict)
            and c.get("display_name")
            and (c.get("level") or 0) <= 1
            and c.get("score", 1)
        ]
    return categories


class _OpenAlexParser(Parser):
    def _finish(self, path: Path, location: str, obj: object) -> ParsedItem:
        if not isinstance(obj, dict):
            return RecordError(path, location, f"expected a work object, got {type(obj).__name__}")
        if not _is_work(obj):
            return RecordError(path, location, "not an OpenAlex work (no https://openalex.org/W… id)")
        try:
            record = work_to_record(obj)
        except Exception as exc:  # any oddly shaped field: report the work, go on
            return RecordError(path, location, str(exc) or type(exc).__name__)
        record.location = location
        record.raw = obj
        if self.options.kind:
            record.kind = self.options.kind
        record.access_level = self.options.access_level
        return record


class OpenAlexJsonl(_OpenAlexParser):
    """One OpenAlex work per line (the snapshot's ``part_*.gz`` files, API results saved as lines)."""

    name = "openalex-jsonl"
    label = "OpenAlex works, one JSON object per line (snapshot part files)"

    @classmethod
    def sniff(cls, sample: str, path: Path) -> int:
        """High when the first line is a JSON object that is an OpenAlex work (whole or cut by the sample)."""
        obj = first_json_object(sample)
        if obj is not None:
            return 92 if _is_work(obj) else 0
        line = _first_line(sample)
        return 85 if len(line) >= 1000 and _LINE_WORK.match(line) else 0

    def parse(self, path: Path) -> Iterator[ParsedItem]:
        """Yield one record (or :class:`RecordError`) per line."""
        for location, obj in iter_json_lines(path):
            yield obj if isinstance(obj, RecordError) else self._finish(path, location, obj)


class _Utf8Bytes:
    """A binary reader over a text handle, for ijson (which parses UTF-8 bytes)."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle

    def read(self, size: int = -1) -> bytes:
        return self.handle.read(size).encode("utf-8")


class OpenAlexJson(_OpenAlexParser):
    """An OpenAlex API response (``{"meta": …, "results": [...]}``), a JSON array of works, or one work."""

    name = "openalex-json"
    label = "OpenAlex works API response JSON ({meta, results}) or a JSON array of works"

    @classmethod
    def sniff(cls, sample: str, path: Path) -> int:
        """High for a JSON document (not one object per line) holding OpenAlex work ids."""
        head = sample.lstrip("\ufeff \t\r\n")
        if not head.startswith(("{", "[")) or '"https://openalex.org/W' not in sample:
            return 0
        obj = first_json_object(sample)
        if obj is not None:  # a whole object on the first line: a one-line response, or JSON Lines
            return 90 if "results" in obj else 0
        if head.startswith("["):
            return 90
        line = _first_line(sample).strip()
        if line == "{":  # pretty-printed response or single work
            return (
                90 if re.search(r'"(?:results|meta|abstract_inverted_index|authorships)"\s*:', sample) else 40
            )
        return 0 if _LINE_WORK.match(line) else (90 if '"results"' in line else 30)

    def parse(self, path: Path) -> Iterator[ParsedItem]:
        """Yield one record (or :class:`RecordError`) per work, streaming the JSON document."""
        try:
            with open_text(path) as handle:
                head = handle.read(1)
                while head and head in "\ufeff \t\r\n":
                    head = handle.read(1)
            if head not in ("{", "["):
                raise FileFormatError(path, "not a JSON object or array")
            prefix = "item" if head == "[" else "results.item"
            count = yield from self._stream(path, prefix)
            if count == 0 and head == "{":
                yield from self._stream(path, "")  # a single work object, as /works/W… returns
        except UnicodeDecodeError as exc:
            raise FileFormatError(path, f"not valid text in the detected encoding ({exc.reason})") from exc
        except (OSError, EOFError) as exc:
            raise FileFormatError(path, f"cannot read file: {exc}") from exc

    def _stream(self, path: Path, prefix: str) -> Generator[ParsedItem, None, int]:
        where = "results" if prefix.startswith("results") else "array"
        count = 0
        with open_text(path) as handle:
            items = _items(handle, prefix)
            while True:
                location = f"record {count + 1} ({where}[{count}])" if prefix else "record 1"
                try:
                    obj = next(items)
                except StopIteration:
                    return count
                except Exception as exc:  # ijson/json raise several error types on malformed input
                    if isinstance(exc, UnicodeDecodeError | OSError | EOFError):
                        raise
                    detail = " ".join(str(exc).split())[:200]
                    message = f"invalid JSON ({detail}); the rest of the file is unreadable"
                    if count == 0:
                        raise FileFormatError(path, message) from exc
                    yield RecordError(path, location, message)
                    return count
                count += 1
                if prefix == "" and isinstance(obj, dict) and "results" in obj:
                    return count  # an empty response: {"meta": …, "results": []}
                yield self._finish(path, location, obj)


def _items(handle: IO[str], prefix: str) -> Iterator[Any]:
    if _HAVE_IJSON:
        yield from ijson.items(_Utf8Bytes(handle), prefix, use_float=True)
        return
    document = json.load(handle)  # pragma: no cover - fallback without ijson
    if prefix == "":
        yield document
    elif prefix == "item":
        yield from document if isinstance(document, list) else []
    else:
        yield from (document.get("results") or []) if isinstance(document, dict) else []

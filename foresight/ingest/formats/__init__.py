"""Registry of export-format parsers and detection of a file's format from its content."""

from __future__ import annotations

from pathlib import Path

from foresight.ingest.errors import UnknownFormatError
from foresight.ingest.formats.base import ParseOptions, Parser
from foresight.ingest.formats.bibtex import BibtexParser
from foresight.ingest.formats.cnki import CnkiEndNote, CnkiRefWorks
from foresight.ingest.formats.generic import GenericCsv, GenericJsonl
from foresight.ingest.formats.lens import LensPatentCsv
from foresight.ingest.formats.openalex import OpenAlexJson, OpenAlexJsonl
from foresight.ingest.formats.patentsview import PatentsViewTsv
from foresight.ingest.formats.ris import RisParser
from foresight.ingest.formats.scopus import ScopusCsv
from foresight.ingest.formats.shared_corpora import ArxivJsonl, CslJsonl, UsptoIpcJsonl
from foresight.ingest.formats.wos import WosPlainText, WosTabDelimited
from foresight.ingest.textio import read_sample

__all__ = ["PARSERS", "ParseOptions", "Parser", "detect_format", "get_parser"]

#: Every parser, in no particular order; detection asks each for its confidence.
PARSERS: tuple[type[Parser], ...] = (
    ArxivJsonl,
    UsptoIpcJsonl,
    CslJsonl,
    RisParser,
    BibtexParser,
    OpenAlexJson,
    OpenAlexJsonl,
    WosPlainText,
    WosTabDelimited,
    CnkiRefWorks,
    CnkiEndNote,
    ScopusCsv,
    LensPatentCsv,
    PatentsViewTsv,
    GenericCsv,
    GenericJsonl,
)

#: Parsers that only run when named with ``--format`` (they accept almost anything).
EXPLICIT_ONLY: frozenset[str] = frozenset()


def get_parser(name: str) -> type[Parser]:
    """The parser registered as ``name``; a clear error listing the known names otherwise."""
    for parser in PARSERS:
        if parser.name == name:
            return parser
    known = ", ".join(sorted(p.name for p in PARSERS))
    raise ValueError(f"unknown format {name!r}; known formats: {known}")


def detect_format(path: Path) -> type[Parser]:
    """Pick the parser most confident about the file's first characters (ties: first registered)."""
    sample = read_sample(path)
    if not sample.strip():
        raise UnknownFormatError(path, "the file is empty")
    scored = [(p.sniff(sample, path), i, p) for i, p in enumerate(PARSERS) if p.name not in EXPLICIT_ONLY]
    best_score, _, best = max(scored, key=lambda t: (t[0], -t[1]))
    if best_score < 30:
        raise UnknownFormatError(path)
    return best

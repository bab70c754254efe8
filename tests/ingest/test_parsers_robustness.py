"""Property-based tests: every parser, fed arbitrary or truncated input, raises only our own errors.

For each registered parser the samples are its fixture files (``tests/fixtures/formats/<name>/``, or the
corpora fixtures for the shared-data layouts); hypothesis cuts them at arbitrary points, splices in
arbitrary text or bytes, and the parser must either yield records / ``RecordError`` items or raise an
``IngestError`` subclass — never anything else.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foresight.ingest.errors import IngestError, RecordError
from foresight.ingest.formats import PARSERS, Parser, detect_format
from foresight.ingest.normalize import finalize
from foresight.ingest.record import DocumentRecord
from tests.conftest import FIXTURES

SHARED = {"arxiv-jsonl": "arxiv.jsonl", "uspto-jsonl": "uspto.jsonl", "csl-jsonl": "csl.jsonl"}


def samples(parser: type[Parser]) -> list[bytes]:
    folder = FIXTURES / "formats" / parser.name
    files = sorted(p for p in folder.glob("*") if p.is_file()) if folder.is_dir() else []
    if parser.name in SHARED:
        files.append(FIXTURES / "corpora" / SHARED[parser.name])
    return [p.read_bytes()[:20_000] for p in files]


def exercise(parser: type[Parser], data: bytes) -> list[str]:
    """Parse ``data``; return the messages of every refusal (record errors and a file-level error).

    Every yielded item must be a record or a :class:`RecordError`, and only :class:`IngestError` may
    escape; the callers check that each refusal says where (the file, and for records the location).
    """
    messages: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.dat"
        path.write_bytes(data)
        try:
            for item in parser().parse(path):
                assert isinstance(item, DocumentRecord | RecordError)
                if isinstance(item, RecordError):
                    messages.append(str(item))
                    continue
                try:
                    finalize(item, str(path))
                except RecordError as exc:
                    messages.append(str(exc))
        except IngestError as exc:
            messages.append(str(exc))
        try:
            detect_format(path)
        except IngestError as exc:
            messages.append(str(exc))
    return messages


def assert_refusals_say_where(messages: list[str]) -> None:
    for message in messages:
        assert "input.dat" in message, f"an error that does not name the file: {message!r}"


def test_every_parser_has_samples() -> None:
    missing = [p.name for p in PARSERS if not samples(p)]
    assert not missing, f"parsers without fixture samples: {missing}"


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.name)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_truncated_and_spliced_samples(parser: type[Parser], data: st.DataObject) -> None:
    sample = data.draw(st.sampled_from(samples(parser)))
    cut = data.draw(st.integers(min_value=0, max_value=len(sample)))
    junk = data.draw(st.one_of(st.binary(max_size=64), st.text(max_size=64).map(lambda t: t.encode("utf-8"))))
    where = data.draw(st.integers(min_value=0, max_value=cut))
    assert_refusals_say_where(exercise(parser, sample[:where] + junk + sample[where:cut]))


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.name)
@settings(max_examples=30, deadline=None)
@given(text=st.text(max_size=400))
def test_arbitrary_text(parser: type[Parser], text: str) -> None:
    assert_refusals_say_where(exercise(parser, text.encode("utf-8")))

"""The ingest layer's own errors: each names the file and the line or record at fault."""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """Base class of every error the importers raise on bad input."""


class UnknownFormatError(IngestError):
    def __init__(self, path: Path | str, detail: str = "") -> None:
        self.path = str(path)
        msg = f"{self.path}: cannot tell the export format from the content"
        if detail:
            msg += f" ({detail})"
        super().__init__(msg + "; name it with --format")


class RecordError(IngestError):
    """A malformed record: where it is (``file:line 12``) and what is wrong."""

    def __init__(self, path: Path | str, location: str, message: str) -> None:
        self.path = str(path)
        self.location = location
        self.message = message
        super().__init__(f"{self.path}, {location}: {message}")


class FileFormatError(IngestError):
    """The file as a whole cannot be read in the stated format (wrong encoding, missing header…)."""

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = str(path)
        self.message = message
        super().__init__(f"{self.path}: {message}")


class ImportAborted(IngestError):
    """An atomic import stopped at its first bad record; nothing of the file was stored."""

    def __init__(self, cause: RecordError) -> None:
        self.cause = cause
        super().__init__(
            f"{cause}. Nothing from this file was imported; fix the record or rerun with --skip-bad-rows."
        )

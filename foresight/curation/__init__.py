"""Human curation of a run's themes and graph: operations on the store, undo / redo, carry-over.

Modules
-------
service      relabel, hide, delete, link, unlink, annotate, flag
restructure  merge, split (and ``preview_split``), move documents
history      undo, redo, the curation log
carry_over   carrying a run's curation onto the next run's matching themes
state        row snapshots (before / after) and restoring them
describe     c-TF-IDF keywords, labels and centroids of re-grouped documents
errors       ``ConflictError`` (HTTP 409), ``UnknownIdError`` (404), ``CrossRunError``
"""

from foresight.curation.carry_over import CarryOverReport, carry_over
from foresight.curation.core import OpResult, Provenance
from foresight.curation.errors import (
    ConflictError,
    CrossRunError,
    CurationError,
    NothingToDoError,
    UnknownIdError,
)
from foresight.curation.history import log, redo, undo
from foresight.curation.restructure import SplitPreview, merge, move_documents, preview_split, split
from foresight.curation.service import annotate, delete, flag, hide, link, relabel, unlink

__all__ = [
    "CarryOverReport",
    "ConflictError",
    "CrossRunError",
    "CurationError",
    "NothingToDoError",
    "OpResult",
    "Provenance",
    "SplitPreview",
    "UnknownIdError",
    "annotate",
    "carry_over",
    "delete",
    "flag",
    "hide",
    "link",
    "log",
    "merge",
    "move_documents",
    "preview_split",
    "redo",
    "relabel",
    "split",
    "undo",
    "unlink",
]

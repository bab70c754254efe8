"""Human curation of a run's themes and graph: operations on the store, undo / redo, carry-over.

Modules
-------
service      relabel, hide, delete
edges        link, unlink, annotate, flag (nodes and edges of the run's graph)
restructure  merge, split, move documents
splitting    choosing a split's parts (hand-assigned or KMeans by silhouette), ``preview_split``
history      undo, redo, the curation log
carry_over   carrying a run's curation onto the next run's matching themes
matching     successors of curated themes (lineage matching per component of the candidate graph)
replay       re-applying one operation on the successors, or listing it for review
state        row snapshots (before / after) and restoring them
describe     c-TF-IDF keywords, labels and centroids of re-grouped documents
errors       ``ConflictError`` (HTTP 409), ``UnknownIdError`` (404), ``CrossRunError``
"""

from foresight.curation.carry_over import CarryOverReport, carry_over
from foresight.curation.core import OpResult, Provenance
from foresight.curation.edges import annotate, flag, link, unlink
from foresight.curation.errors import (
    ConflictError,
    CrossRunError,
    CurationError,
    NothingToDoError,
    UnknownIdError,
)
from foresight.curation.history import log, redo, undo
from foresight.curation.restructure import merge, move_documents, split
from foresight.curation.service import delete, hide, relabel
from foresight.curation.splitting import SplitPreview, preview_split

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

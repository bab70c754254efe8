"""Exceptions raised when a curation request is refused.

All derive from :class:`CurationError` (a ``ValueError``), so a web layer can map the whole family to
one "unprocessable request" response while tests and callers can catch the precise reason.
"""

from __future__ import annotations

__all__ = [
    "CurationError",
    "DocumentNotFoundError",
    "ForbiddenEdgeError",
    "IdConflictError",
    "InvalidRequestError",
    "NodeTypeMismatchError",
    "NotAPartitionError",
    "RecordConflictError",
    "SelfMergeError",
    "SplitError",
    "TooFewDocumentsError",
    "TooFewNodesError",
    "TooFewPartsError",
    "UnknownEdgeError",
    "UnknownNodeError",
]


class CurationError(ValueError):
    """A curation request was refused; subclasses say why."""


class RecordConflictError(CurationError):
    """The graph is not in the state a record starts from (it was changed since)."""


class UnknownNodeError(CurationError):
    """A node id is not in the graph."""


class UnknownEdgeError(CurationError):
    """No edge of the named type joins the two nodes."""


class InvalidRequestError(CurationError):
    """A request is malformed (missing actor, empty label or note, nothing to change)."""


class SelfMergeError(CurationError):
    """A node was asked to merge with itself."""


class TooFewNodesError(CurationError):
    """A merge names fewer than two nodes."""


class NodeTypeMismatchError(CurationError):
    """Nodes of different types cannot take part in the same operation."""


class IdConflictError(CurationError):
    """A new node id is already used by another node."""


class SplitError(CurationError):
    """A split request is invalid."""


class TooFewPartsError(SplitError):
    """A split into fewer than two parts."""


class TooFewDocumentsError(SplitError):
    """The theme has fewer than two documents, so it cannot be split."""


class NotAPartitionError(SplitError):
    """The parts do not partition the theme's documents."""


class DocumentNotFoundError(CurationError):
    """Documents to move are not in the source theme."""


class ForbiddenEdgeError(CurationError):
    """The ontology does not allow this edge type between these nodes."""

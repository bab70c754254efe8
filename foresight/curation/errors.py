"""Why a curation request is refused.

The graph library's refusals (:mod:`knowledge_graph.errors`: self-merge, too few nodes or parts, not a
partition, forbidden edge …) are raised unchanged; this module adds the ones only the store knows
about. Every class derives from :class:`knowledge_graph.CurationError` (a ``ValueError``), so a web
layer maps the family to 422 and :class:`ConflictError` to 409, :class:`UnknownIdError` to 404.
"""

from __future__ import annotations

from typing import Any

from knowledge_graph.errors import CurationError, InvalidRequestError, UnknownNodeError

__all__ = ["ConflictError", "CrossRunError", "CurationError", "NothingToDoError", "UnknownIdError"]


class UnknownIdError(UnknownNodeError, LookupError):
    """A theme, run, operation, document or link id that does not exist (or is retired)."""


class CrossRunError(InvalidRequestError):
    """The themes of one operation belong to different analysis runs."""


class NothingToDoError(InvalidRequestError):
    """Undo or redo found no operation to act on."""


class ConflictError(CurationError):
    """The request is based on a state that has changed since (stale version, later edits).

    Parameters
    ----------
    message : str
        What conflicts.
    current : dict
        The current state of what the request named (for themes ``{theme_id: theme row}`` with their
        ``version``), so a client can refresh and retry; the API returns it with HTTP 409.
    """

    def __init__(self, message: str, current: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.current: dict[str, Any] = current or {}

"""Errors raised by the Delphi services; the web layer maps each class to one HTTP status."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field (``field`` is a dotted path, e.g. ``rd_position.position``)."""

    field: str
    message: str


class DelphiError(Exception):
    """Base class of the service errors."""


class NotFoundError(DelphiError, LookupError):
    """The id names nothing (→ 404)."""


class ConflictError(DelphiError):
    """The request is valid but the current state forbids it, e.g. a closed round (→ 409)."""


class InvalidInput(DelphiError, ValueError):
    """Input that fails validation, with one message per field (→ 422)."""

    def __init__(self, errors: Iterable[FieldError], detail: str = "The input is not valid.") -> None:
        self.errors = tuple(errors)
        self.detail = detail
        super().__init__(detail + " " + "; ".join(f"{e.field}: {e.message}" for e in self.errors))


class InvitationInvalid(DelphiError):
    """An invitation token that is unknown, expired or revoked; one message for all three (→ 401)."""

    MESSAGE = "This invitation link is not valid. Please ask the survey team for a new link."

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)

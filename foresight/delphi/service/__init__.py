"""Delphi services over the store: expert pool, surveys and items, invitations, rounds, answers, results,
reminders, exports and the audit log. Each function takes a :class:`~sqlalchemy.orm.Session`, flushes but
never commits — the caller (API request, CLI command) commits at its boundary.
"""

from foresight.delphi.service.errors import (
    ConflictError,
    DelphiError,
    FieldError,
    InvalidInput,
    InvitationInvalid,
    NotFoundError,
)

__all__ = ["ConflictError", "DelphiError", "FieldError", "InvalidInput", "InvitationInvalid", "NotFoundError"]

"""API keys of staff roles (analyst, planner, admin): create (shown once), list, revoke, resolve."""

from foresight.apikeys.service import (
    KEY_PREFIX,
    ApiKeyError,
    create_key,
    hash_key,
    key_row,
    list_keys,
    resolve_key,
    revoke_key,
)

__all__ = [
    "KEY_PREFIX",
    "ApiKeyError",
    "create_key",
    "hash_key",
    "key_row",
    "list_keys",
    "resolve_key",
    "revoke_key",
]

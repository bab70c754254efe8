"""Round-scoped pseudonyms for experts, shown with their comments to other experts (delphi.md §5).

``pseudonym = "E-" + base32(HMAC-SHA256(secret, "foresight.delphi.pseudonym.v1" ‖ round ‖ scope ‖ expert))``
(RFC 2104 HMAC; every field length-prefixed so that no two different inputs share a message). The same
expert keeps one pseudonym within a round (and scope, e.g. an item for item-scoped pseudonyms); across rounds
the pseudonyms are unlinkable for anyone without the server secret, while an administrator holding it can
recompute them for an audit (:func:`resolve_pseudonym`).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

_DOMAIN = b"foresight.delphi.pseudonym.v1"
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
MIN_SECRET_BYTES = 16
DEFAULT_LENGTH = 8  # 40 bits; collisions within a round are resolved by assign_pseudonyms


def _field(value: str) -> bytes:
    raw = value.encode("utf-8")
    return len(raw).to_bytes(4, "big") + raw


def _digest(expert_id: str, round_id: str, secret: bytes, scope: str) -> bytes:
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"the pseudonym secret must be at least {MIN_SECRET_BYTES} bytes")
    message = _field(_DOMAIN.decode()) + _field(round_id) + _field(scope) + _field(expert_id)
    return hmac.new(secret, message, hashlib.sha256).digest()


def _base32(digest: bytes, length: int) -> str:
    number = int.from_bytes(digest, "big")
    chars = []
    for _ in range(length):
        number, rem = divmod(number, 32)
        chars.append(_ALPHABET[rem])
    return "".join(chars)


def pseudonym(
    expert_id: str, round_id: str, secret: bytes, *, scope: str = "", length: int = DEFAULT_LENGTH
) -> str:
    """The expert's pseudonym in ``round_id`` (and ``scope``), e.g. ``"E-7KQ2M9XD"``.

    Parameters
    ----------
    expert_id, round_id
        Stable identifiers of the expert and of the round.
    secret
        Server secret of at least 16 bytes; keep it out of the database that holds the answers.
    scope
        Optional narrower scope (e.g. an item id) for item-scoped pseudonyms.
    length
        Number of base32 characters (5 bits each), 4 to 51.
    """
    if not 4 <= length <= 51:
        raise ValueError("length must be between 4 and 51 characters")
    return "E-" + _base32(_digest(expert_id, round_id, secret, scope), length)


def assign_pseudonyms(
    expert_ids: Iterable[str], round_id: str, secret: bytes, *, scope: str = "", length: int = DEFAULT_LENGTH
) -> dict[str, str]:
    """Pseudonyms for a whole round, lengthened for everyone until they are all distinct.

    The result depends only on the set of experts, not on their order.
    """
    experts = sorted(set(expert_ids))
    for size in range(length, 52):
        names = {e: pseudonym(e, round_id, secret, scope=scope, length=size) for e in experts}
        if len(set(names.values())) == len(names):
            return names
    raise RuntimeError("could not make distinct pseudonyms")  # pragma: no cover - 255 bits collide


def resolve_pseudonym(
    alias: str, candidates: Iterable[str], round_id: str, secret: bytes, *, scope: str = ""
) -> str | None:
    """Audit helper: the expert among ``candidates`` whose pseudonym in the round is ``alias``."""
    length = len(alias) - 2
    if not alias.startswith("E-") or not 4 <= length <= 51:
        return None
    for expert in candidates:
        if hmac.compare_digest(pseudonym(expert, round_id, secret, scope=scope, length=length), alias):
            return expert
    return None

"""Who may edit in the dashboard: analyst sign-in against configured password hashes (no Streamlit here).

Configuration, read from the environment when asked for:

- ``FORESIGHT_UI_ANALYSTS``: analysts allowed to sign in, as ``name:hash`` entries separated by commas,
  semicolons or new lines, or ``@/path/to/file`` naming a file with one ``name:hash`` per line (``#``
  starts a comment). A hash is ``pbkdf2_sha256$<iterations>$<salt>$<digest>``; make one with
  ``python -m ui.auth`` (it asks for the password without echoing it). Plain-text passwords are refused.
- ``FORESIGHT_UI_OPEN=1``: no sign-in; everyone may edit and types the name that edits record. Only for a
  single-user laptop or a closed workshop network.
- neither: a read-only viewer.

Passwords are checked with PBKDF2-HMAC-SHA256 and :func:`hmac.compare_digest`; an unknown name costs the
same work as a known one, and repeated failures lock the sign-in form for a while.
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import os
import re
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

ANALYSTS_ENV = "FORESIGHT_UI_ANALYSTS"
OPEN_ENV = "FORESIGHT_UI_OPEN"
ALGORITHM = "pbkdf2_sha256"
DEFAULT_ITERATIONS = 600_000
MIN_ITERATIONS = 1_000
MAX_FAILURES = 5
LOCK_SECONDS = 60.0
_NAME = re.compile(r"^[^\s:][^:]{0,99}$")

Mode = Literal["sign_in", "open", "viewer"]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, *, salt: bytes | None = None, iterations: int = DEFAULT_ITERATIONS) -> str:
    """Encoded PBKDF2-HMAC-SHA256 hash of ``password`` with a random 16-byte salt."""
    if iterations < MIN_ITERATIONS:
        raise ValueError(f"iterations must be at least {MIN_ITERATIONS}")
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    return f"{ALGORITHM}${iterations}${_b64(salt)}${_b64(digest)}"


def parse_hash(encoded: str) -> tuple[int, bytes, bytes] | None:
    """``(iterations, salt, digest)`` of an encoded hash, or ``None`` when it is not one."""
    parts = encoded.strip().split("$")
    if len(parts) != 4 or parts[0] != ALGORITHM or not parts[1].isdigit():
        return None
    try:
        salt, digest = _unb64(parts[2]), _unb64(parts[3])
    except (ValueError, TypeError):
        return None
    iterations = int(parts[1])
    if iterations < MIN_ITERATIONS or len(salt) < 8 or len(digest) != 32:
        return None
    return iterations, salt, digest


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches ``encoded`` (constant-time comparison of the digests)."""
    parsed = parse_hash(encoded)
    if parsed is None:
        return False
    iterations, salt, expected = parsed
    actual = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    return hmac.compare_digest(actual, expected)


@dataclass(frozen=True)
class AccessPolicy:
    """The configured way of signing in: analysts with hashes, open mode, or viewer only."""

    analysts: Mapping[str, str] = field(default_factory=dict)
    open: bool = False
    problems: tuple[str, ...] = ()

    @property
    def mode(self) -> Mode:
        if self.analysts:
            return "sign_in"
        return "open" if self.open else "viewer"


def parse_analysts(text: str) -> tuple[dict[str, str], list[str]]:
    """``name → hash`` from configuration text, and a note for every entry that was refused."""
    analysts: dict[str, str] = {}
    problems: list[str] = []
    for raw in re.split(r"[,;\n]", text):
        entry = raw.split("#", 1)[0].strip()
        if not entry:
            continue
        name, sep, encoded = entry.partition(":")
        name = name.strip()
        if not sep or not _NAME.match(name):
            problems.append(f"entry {name or entry[:20]!r}: expected name:hash")
        elif parse_hash(encoded) is None:
            problems.append(f"analyst {name!r}: not a {ALGORITHM} hash (make one with python -m ui.auth)")
        else:
            analysts[name] = encoded.strip()
    return analysts, problems


def load_policy(environ: Mapping[str, str] | None = None) -> AccessPolicy:
    """The access policy configured in ``environ`` (default: the process environment)."""
    env = os.environ if environ is None else environ
    configured = env.get(ANALYSTS_ENV, "").strip()
    problems: list[str] = []
    if configured.startswith("@"):
        path = Path(configured[1:]).expanduser()
        try:
            configured = path.read_text(encoding="utf-8")
        except OSError as exc:
            configured = ""
            problems.append(f"{ANALYSTS_ENV}: cannot read {path}: {exc.strerror}")
    analysts, refused = parse_analysts(configured)
    open_mode = env.get(OPEN_ENV, "").strip().lower() in {"1", "true", "yes", "on"}
    return AccessPolicy(analysts=analysts, open=open_mode, problems=(*problems, *refused))


def authenticate(policy: AccessPolicy, name: str, password: str) -> str | None:
    """The analyst's configured name when ``name`` and ``password`` match, otherwise ``None``."""
    if not policy.analysts:
        return None
    name = name.strip()
    encoded = policy.analysts.get(name)
    # An unknown name is checked against another analyst's hash: same work, so timing tells nothing.
    ok = verify_password(password, encoded if encoded is not None else next(iter(policy.analysts.values())))
    return name if ok and encoded is not None else None


def locked_for(failures: int, last_failure: float | None, now: float) -> float:
    """Seconds the sign-in form stays locked after ``failures`` consecutive failed attempts."""
    if failures < MAX_FAILURES or last_failure is None:
        return 0.0
    return max(0.0, last_failure + LOCK_SECONDS - now)


def main(argv: list[str] | None = None) -> int:
    """Print a ``name:hash`` line for ``FORESIGHT_UI_ANALYSTS`` (the password is read without echo)."""
    args = sys.argv[1:] if argv is None else argv
    name = args[0] if args else input("analyst name: ").strip()
    if not _NAME.match(name):
        print("a name has 1–100 characters, no colon, and does not start with a space", file=sys.stderr)
        return 2
    password = getpass.getpass("password: ")
    if len(password) < 8 or password != getpass.getpass("again: "):
        print("passwords differ or are shorter than 8 characters", file=sys.stderr)
        return 2
    print(f"{name}:{hash_password(password)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What the test run requires of its machine.

Under CI (``CI=true``; ``.ci/run`` sets it after installing PostgreSQL and Chromium) every test must run:
a missing service or browser is a failure there, not a skip, and ``tests/conftest.py`` fails a CI run that
skipped anything at all. Outside CI the same tests skip with a reason, so that a laptop without
PostgreSQL or Chromium can still run the rest.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"

#: Debian's Chromium, driven by Playwright with ``executable_path`` (nothing is downloaded).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require(available: bool, what: str, *, strict: bool = IN_CI) -> None:
    """Skip the calling test when ``what`` is missing, or fail it when ``strict`` (under CI)."""
    if available:
        return
    if strict:
        pytest.fail(f"{what} is required here (CI=true) but missing")
    pytest.skip(f"{what} is missing; set CI=true to make this fail")


def require_chromium() -> None:
    """Skip (or, under CI, fail) when Debian's Chromium is not installed."""
    require(CHROMIUM.exists(), f"Debian's chromium at {CHROMIUM} (bash scripts/ensure-chromium.sh)")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])

"""The dashboard's session state, read by every page: language, selected run, and who may edit.

The sidebar (``ui/sidebar.py``) writes these keys; pages read them through these functions, which fall
back to defaults so that a page also renders on its own.
"""

from __future__ import annotations

import os
from typing import Any

import streamlit as st

LANG_KEY = "lang"
RUN_KEY = "run_id"
ANALYST_KEY = "analyst"  # the signed-in analyst's name (sign-in mode)
OPEN_NAME_KEY = "open_name"  # the name typed in open mode
MODE_KEY = "access_mode"  # "sign_in", "open" or "viewer", set by the sidebar from the policy
LANGUAGES = ("en", "zh")
LANGUAGE_ENV = "FORESIGHT_UI_LANGUAGE"


def _get(key: str, default: Any = None) -> Any:
    try:
        return st.session_state.get(key, default)
    except Exception:  # no script run context (plain import, unit tests)
        return default


def default_language() -> str:
    """``FORESIGHT_UI_LANGUAGE`` (``en`` or ``zh``), English otherwise."""
    lang = os.environ.get(LANGUAGE_ENV, "en").strip().lower()
    return lang if lang in LANGUAGES else "en"


def language() -> str:
    """The chosen interface language, ``en`` or ``zh``."""
    lang = _get(LANG_KEY)
    return lang if lang in LANGUAGES else default_language()


def run_id() -> int | None:
    """The analysis run the analyst is looking at (``None``: no completed run yet)."""
    value = _get(RUN_KEY)
    return int(value) if isinstance(value, int) else None


def analyst() -> str | None:
    """The name that edits record: the signed-in analyst, or the name typed in open mode."""
    mode = _get(MODE_KEY, "viewer")
    if mode == "sign_in":
        name = _get(ANALYST_KEY)
    elif mode == "open":
        name = (_get(OPEN_NAME_KEY) or "").strip()
    else:
        name = None
    return name or None


def can_edit() -> bool:
    """Whether this session may change anything (curation, votes on behalf of analysts…)."""
    return analyst() is not None

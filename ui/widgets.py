"""Select widgets that survive language switches and changing options.

A keyed Streamlit widget keeps the option labels it was first drawn with when only ``format_func``
changes (after a language switch it would still show English names), and its stored value may fall
outside new options (another run, other filters). These helpers key the widget by language and by its
options (``<name>.<lang>.<signature>``) and keep the chosen value under ``<name>`` in the session state,
so the choice survives wherever it still makes sense and the labels are redrawn.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import streamlit as st

from ui import state

T = TypeVar("T")


def widget_key(name: str, options: Sequence[Any], lang: str | None = None) -> str:
    """The key of the widget behind ``name`` for these ``options`` in ``lang`` (default: the session's)."""
    signature = zlib.crc32(repr(list(options)).encode()) & 0xFFFFFFFF
    return f"{name}.{lang or state.language()}.{signature:08x}"


def select(
    label: str,
    options: Sequence[T],
    *,
    name: str,
    format_func: Callable[[T], str] = str,
    **kwargs: Any,
) -> T | None:
    """A selectbox whose value is kept in ``st.session_state[name]``; the first option by default."""
    if not options:
        st.session_state[name] = None
        return None
    current = st.session_state.get(name)
    index = next((i for i, option in enumerate(options) if option == current), 0)
    key = widget_key(name, options)
    value = st.selectbox(label, options, index=index, format_func=format_func, key=key, **kwargs)
    st.session_state[name] = value
    return value


def multiselect(
    label: str,
    options: Sequence[T],
    *,
    name: str,
    format_func: Callable[[T], str] = str,
    **kwargs: Any,
) -> list[T]:
    """A multiselect whose choices (those still among ``options``) are kept in ``st.session_state[name]``."""
    key = widget_key(name, options)
    if key in st.session_state:  # drawn in the previous run: the widget's own state wins
        chosen = st.multiselect(label, options, format_func=format_func, key=key, **kwargs)
    else:
        kept = [value for value in st.session_state.get(name, []) if value in options]
        chosen = st.multiselect(label, options, default=kept, format_func=format_func, key=key, **kwargs)
    st.session_state[name] = list(chosen)
    return list(chosen)


def year_range(label: str, bounds: tuple[int, int], *, name: str) -> tuple[int, int]:
    """A range slider over ``bounds`` keeping the chosen window (clipped to the bounds) under ``name``."""
    low, high = bounds
    kept = st.session_state.get(name) or bounds
    value = (min(max(int(kept[0]), low), high), max(min(int(kept[1]), high), low))
    chosen = st.slider(label, min_value=low, max_value=high, value=value, key=f"{name}.{low}-{high}", step=1)
    window = (int(chosen[0]), int(chosen[1]))
    st.session_state[name] = window
    return window

"""Foresight analyst dashboard — start it from the repository root with ``streamlit run ui/app.py``.

This file only sets up the navigation and the shared sidebar; each page lives in ``ui/app_pages/``
(not ``pages/``: next to the entry script Streamlit would treat that folder as a legacy multipage app).
The store is the one the settings name (``FORESIGHT_DATABASE_URL``, or the embedded SQLite file under
``data/``); access is described in :mod:`ui.auth`.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import sidebar
from ui.i18n import t

st.set_page_config(page_title="Foresight", page_icon=":material/insights:", layout="wide")

PAGES = {
    "nav.section.analysis": [
        ("app_pages/overview.py", "nav.overview", ":material/dashboard:"),
        ("app_pages/themes.py", "nav.themes", ":material/bubble_chart:"),
        ("app_pages/graph.py", "nav.graph", ":material/hub:"),
        ("app_pages/emergence.py", "nav.emergence", ":material/trending_up:"),
    ],
    "nav.section.people": [
        ("app_pages/delphi.py", "nav.delphi", ":material/how_to_vote:"),
        ("app_pages/priorities.py", "nav.priorities", ":material/format_list_numbered:"),
    ],
}

navigation = st.navigation(
    {
        t(section): [
            st.Page(path, title=t(title), icon=icon, url_path=Path(path).stem) for path, title, icon in pages
        ]
        for section, pages in PAGES.items()
    }
)
sidebar.render()
navigation.run()

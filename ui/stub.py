"""The placeholder of a page whose part is not built yet: its title and a "coming with …" box."""

from __future__ import annotations

import streamlit as st

from ui.i18n import t


def render_stub(page: str, title_key: str) -> None:
    """Title ``title_key`` and an info box naming the part that will fill page ``page``."""
    st.title(t(title_key))
    st.info(t("stub.coming", part=t(f"stub.{page}.part")), icon=":material/construction:")
    st.markdown(t(f"stub.{page}.body"))

"""The knowledge-graph page on its own copy of the fixture store: renders, and its curation actions
(relabel, merge, split with a preview first, undo) change the store."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from foresight.db.models import CurationOp, Theme, ThemeMembership
from foresight.db.session import make_engine, session_scope
from ui import datasource as ds
from ui import state

EditApp = Callable[[str], AppTest]


def _db(url: str) -> Any:
    return session_scope(make_engine(url))


def _select(at: AppTest, ids: list[int]) -> None:
    (widget,) = [w for w in at.multiselect if w.key and w.key.startswith("g_selected.")]
    widget.set_value(ids).run()
    assert not at.exception, [e.value for e in at.exception]


def _frame(at: AppTest, column: str) -> Any:
    """The dataframe on the page with this column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _ops(url: str) -> list[tuple[str, str, str]]:
    with _db(url) as session:
        return [
            (o.op, o.actor, o.reason) for o in session.scalars(select(CurationOp).order_by(CurationOp.id))
        ]


def test_graph_page_renders_read_only(open_app: Callable[..., AppTest]) -> None:
    at = open_app("graph")
    assert not at.exception
    assert [t.value for t in at.title] == ["Knowledge graph"]
    assert at.get("plotly_chart")
    assert any("sign in as an analyst" in i.value for i in at.info)
    assert not [b for b in at.button if b.key == "g_do_relabel"]


def test_relabel_then_undo(edit_app: EditApp, edit_store: dict[str, Any]) -> None:
    at = edit_app("graph")
    theme = edit_store["theme_ids"][0]
    _select(at, [theme])
    at.text_input(key=f"g_label_en_{theme}").input("large language models")
    at.button(key="g_do_relabel").click().run()
    assert any("Give a reason" in w.value for w in at.warning)  # no reason, no edit
    assert _ops(edit_store["url"]) == []
    at.text_input(key="g_reason_relabel").input("clearer name")
    at.button(key="g_do_relabel").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with _db(edit_store["url"]) as session:
        assert session.get(Theme, theme).label_en == "large language models"
    assert _ops(edit_store["url"]) == [("relabel", "Li Wei", "clearer name")]
    ds.clear_caches()
    history = ds.curation_history(theme)  # what the theme page's detail shows
    assert [(h["op"], h["actor"], h["reason"]) for h in history] == [("relabel", "Li Wei", "clearer name")]
    assert any("recorded" in s.value for s in at.success)
    at.text_input(key="g_reason_history").input("changed my mind")
    at.button(key="g_undo").click().run()
    with _db(edit_store["url"]) as session:
        assert session.get(Theme, theme).label_en == "language models"
    log = _frame(at, "actor")
    assert set(log["op"]) == {"relabel", "undo"}


def test_merge_two_themes(edit_app: EditApp, edit_store: dict[str, Any]) -> None:
    at = edit_app("graph")
    a, b = edit_store["theme_ids"][0], edit_store["theme_ids"][1]
    _select(at, [a, b])
    at.text_input(key="g_merge_label").input("learning and language")
    at.text_input(key="g_reason_merge").input("same topic")
    at.button(key="g_do_merge").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with _db(edit_store["url"]) as session:
        merged = session.scalar(select(Theme).where(Theme.label_en == "learning and language"))
        assert merged is not None and merged.origin == "merge"
        members = session.scalars(
            select(ThemeMembership.document_id).where(ThemeMembership.theme_id == merged.id)
        ).all()
        assert len(members) == 16 + 20
    assert _ops(edit_store["url"])[0] == ("merge", "Li Wei", "same topic")


def test_split_shows_a_preview_before_confirming(edit_app: EditApp, edit_store: dict[str, Any]) -> None:
    at = edit_app("graph")
    theme = edit_store["theme_ids"][1]
    _select(at, [theme])
    assert not [b for b in at.button if b.key == "g_do_split"]
    docs = at.multiselect(key=f"g_split_docs_{theme}")
    moved = list(docs.options)[:5]
    docs.set_value([int(o.split(" ")[0].lstrip("#")) for o in moved]).run()
    at.button(key="g_do_preview").click().run()
    assert not at.exception, [e.value for e in at.exception]
    preview = _frame(at, "keywords")
    assert sorted(preview["size"]) == [5, 15]
    assert all(preview["keywords"].str.len() > 0)
    assert _ops(edit_store["url"]) == []  # a preview writes nothing
    at.text_input(key="g_reason_split").input("two topics")
    at.button(key="g_do_split").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with _db(edit_store["url"]) as session:
        parts = session.scalars(select(Theme).where(Theme.origin == "split")).all()
        assert sorted(p.size for p in parts) == [5, 15]
    assert _ops(edit_store["url"])[0] == ("split", "Li Wei", "two topics")


def test_move_documents_then_hide(edit_app: EditApp, edit_store: dict[str, Any]) -> None:
    at = edit_app("graph")
    source, target = edit_store["theme_ids"][0], edit_store["theme_ids"][1]
    _select(at, [source])
    docs = at.multiselect(key=f"g_move_docs_{source}")
    moved = [int(d) for d in list(docs.options)[:2]]
    docs.set_value(moved)
    at.selectbox(key="g_move_to").set_value(target)
    at.text_input(key="g_reason_move").input("belong to learning")
    at.button(key="g_do_move").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with _db(edit_store["url"]) as session:
        themes = session.scalars(
            select(ThemeMembership.theme_id).where(
                ThemeMembership.run_id == edit_store["latest_run"], ThemeMembership.document_id.in_(moved)
            )
        ).all()
        assert set(themes) == {target}
    _select(at, [target])
    at.text_input(key="g_reason_hide").input("not a technology")
    at.button(key="g_do_hide").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with _db(edit_store["url"]) as session:
        assert session.get(Theme, target).hidden
    assert [op for op, _, _ in _ops(edit_store["url"])] == ["move_documents", "hide"]


@pytest.mark.parametrize("page", ["graph", "emergence", "delphi", "priorities"])
def test_pages_speak_chinese(edit_app: EditApp, page: str) -> None:
    at = edit_app(page)
    at.sidebar.radio(key=state.LANG_KEY).set_value("zh").run()
    assert not at.exception, [e.value for e in at.exception]
    titles = {
        "graph": "知识图谱",
        "emergence": "涌现与监测预警",
        "delphi": "德尔菲调查",
        "priorities": "关键技术清单",
    }
    assert [t.value for t in at.title] == [titles[page]]

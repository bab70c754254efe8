"""Undo and redo restore exactly; conflicts are refused; the log tells who did what."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import foresight.curation as cur
from foresight.db.models import CurationOp, Theme
from tests.curation.conftest import op_row, snapshot
from tests.curation.factory import SyntheticRun

OPS: dict[str, Callable[[Session, SyntheticRun], Any]] = {
    "relabel": lambda s, r: cur.relabel(s, r.themes["drone"], label_en="Drones", actor="a"),
    "hide": lambda s, r: cur.hide(s, [r.themes["drone"], r.themes["quantum"]], actor="a"),
    "delete": lambda s, r: cur.delete(s, r.themes["robot"], actor="a"),
    "merge": lambda s, r: cur.merge(s, [r.themes["battery"], r.themes["robot"]], actor="a"),
    "split": lambda s, r: cur.split(s, r.themes["drone"], n_parts=2, actor="a"),
    "move": lambda s, r: cur.move_documents(
        s, r.documents["drone"][:3], r.themes["drone"], r.themes["robot"], actor="a"
    ),
    "link": lambda s, r: cur.link(s, r.themes["drone"], r.themes["robot"], "similar_to", actor="a"),
    "unlink": lambda s, r: cur.unlink(s, r.themes["drone"], "kw:drone", "has_keyword", actor="a"),
    "annotate": lambda s, r: cur.annotate(s, r.themes["drone"], "note", actor="a"),
    "flag": lambda s, r: cur.flag(s, r.themes["drone"], reason="wrong", actor="a"),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_undo_then_redo_restore_exactly(session: Session, syn: SyntheticRun, name: str) -> None:
    before = snapshot(session, syn.run_id)
    done = OPS[name](session, syn)
    after = snapshot(session, syn.run_id)
    assert after != before
    undone = cur.undo(session, actor="b", reason="mistake")
    assert snapshot(session, syn.run_id) == before
    target = op_row(session, done.op_id)
    assert target.status == "undone" and target.undone_at is not None
    assert op_row(session, undone.op_id).undoes_op_id == done.op_id
    redone = cur.redo(session, actor="b")
    assert snapshot(session, syn.run_id) == after
    assert op_row(session, done.op_id).status == "applied" and op_row(session, done.op_id).undone_at is None
    assert op_row(session, redone.op_id).redoes_op_id == done.op_id
    assert op_row(session, redone.op_id).record.get("op") in (None, "redo")


def test_versions_keep_increasing_through_undo_and_redo(session: Session, syn: SyntheticRun) -> None:
    theme_id = syn.themes["drone"]
    cur.relabel(session, theme_id, label_en="Drones", actor="a")
    cur.undo(session, actor="a")
    cur.redo(session, actor="a")
    assert session.get(Theme, theme_id).version == 4  # type: ignore[union-attr]


def test_undo_refuses_when_later_edits_touch_the_same_rows(session: Session, syn: SyntheticRun) -> None:
    first = cur.relabel(session, syn.themes["drone"], label_en="Drones", actor="a")
    second = cur.relabel(session, syn.themes["drone"], label_en="UAVs", actor="b")
    with pytest.raises(cur.ConflictError, match=f"undo operation\\(s\\) {second.op_id} first") as info:
        cur.undo(session, first.op_id, actor="a")
    assert info.value.current["later_ops"] == [second.op_id]
    cur.undo(session, second.op_id, actor="b")
    cur.undo(session, first.op_id, actor="a")
    assert session.get(Theme, syn.themes["drone"]).label_en == "drone / parcel delivery"  # type: ignore[union-attr]


def test_undoing_a_merge_after_editing_the_merged_theme_is_refused(
    session: Session, syn: SyntheticRun
) -> None:
    merged = cur.merge(session, [syn.themes["battery"], syn.themes["robot"]], actor="a")
    cur.relabel(session, merged.created[0], label_en="Energy and robots", actor="a")
    with pytest.raises(cur.ConflictError):
        cur.undo(session, merged.op_id, actor="a")


def test_nothing_to_undo_or_redo(session: Session, syn: SyntheticRun) -> None:
    with pytest.raises(cur.NothingToDoError, match="nothing to undo"):
        cur.undo(session, run_id=syn.run_id, actor="a")
    with pytest.raises(cur.NothingToDoError, match="nothing to redo"):
        cur.redo(session, run_id=syn.run_id, actor="a")
    done = cur.hide(session, syn.themes["drone"], actor="a")
    cur.undo(session, actor="a")
    with pytest.raises(cur.CurationError, match="only applied operations"):
        cur.undo(session, done.op_id, actor="a")
    with pytest.raises(cur.UnknownIdError):
        cur.undo(session, 999, actor="a")


def test_log_lists_every_operation_append_only(session: Session, syn: SyntheticRun) -> None:
    cur.relabel(session, syn.themes["drone"], label_en="Drones", actor="ana", reason="clearer")
    cur.hide(session, syn.themes["robot"], actor="bo", reason="noise")
    cur.undo(session, actor="bo", reason="oops")
    rows = cur.log(session, syn.run_id)
    assert [(r["op"], r["status"], r["actor"]) for r in rows] == [
        ("relabel", "applied", "ana"),
        ("hide", "undone", "bo"),
        ("undo", "applied", "bo"),
    ]
    assert rows[0]["reason"] == "clearer" and rows[2]["undoes_op_id"] == rows[1]["id"]
    assert len(session.scalars(select(CurationOp)).all()) == 3

"""Bad requests are refused clearly, before anything is written; a failure midway leaves nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

import foresight.curation as cur
import knowledge_graph as kg
from foresight.curation import restructure
from foresight.db.models import CurationOp, RetiredTheme, Theme
from foresight.db.session import session_scope
from tests.curation.conftest import snapshot
from tests.curation.factory import SyntheticRun, make_run


def test_merge_refusals(session: Session, syn: SyntheticRun) -> None:
    d = syn.themes["drone"]
    with pytest.raises(kg.SelfMergeError, match="with itself"):
        cur.merge(session, [d, d], actor="a")
    with pytest.raises(kg.TooFewNodesError, match="at least 2"):
        cur.merge(session, [d], actor="a")
    with pytest.raises(cur.UnknownIdError, match="unknown theme id\\(s\\): 9999"):
        cur.merge(session, [d, 9999], actor="a")
    with pytest.raises(kg.InvalidRequestError, match="actor"):
        cur.merge(session, [d, syn.themes["robot"]], actor=" ")
    with pytest.raises(kg.InvalidRequestError, match="label_en must not be empty"):
        cur.merge(session, [d, syn.themes["robot"]], label_en=" ", actor="a")


def test_themes_of_different_runs_are_refused(session: Session, syn: SyntheticRun) -> None:
    other = make_run(session, {"drone": 4}, noise=0, seed=1)
    with pytest.raises(cur.CrossRunError, match="different analysis runs"):
        cur.merge(session, [syn.themes["drone"], other.themes["drone"]], actor="a")
    with pytest.raises(cur.CrossRunError):
        cur.move_documents(
            session, other.documents["drone"][:1], other.themes["drone"], syn.themes["drone"], actor="a"
        )


def test_split_refusals(session: Session, syn: SyntheticRun) -> None:
    small = make_run(session, {"robot": 2}, noise=0, seed=2)
    with pytest.raises(kg.TooFewDocumentsError, match="at least 3"):
        cur.split(session, small.themes["robot"], actor="a")
    drone = syn.themes["drone"]
    docs = syn.documents["drone"]
    with pytest.raises(kg.TooFewPartsError):
        cur.split(session, drone, n_parts=1, actor="a")
    with pytest.raises(kg.TooFewPartsError):
        cur.split(session, drone, [docs], actor="a")
    with pytest.raises(kg.NotAPartitionError, match="in no part"):
        cur.split(session, drone, [docs[:2], docs[2:4]], actor="a")
    with pytest.raises(kg.NotAPartitionError, match="not in the theme"):
        cur.split(session, drone, [docs[:4], [*docs[4:], syn.noise[0]]], actor="a")
    with pytest.raises(kg.TooFewDocumentsError, match="at most 7 parts"):
        cur.split(session, drone, n_parts=9, actor="a")


def test_other_refusals(session: Session, syn: SyntheticRun) -> None:
    d, r = syn.themes["drone"], syn.themes["robot"]
    with pytest.raises(kg.InvalidRequestError, match="needs label_en and/or label_zh"):
        cur.relabel(session, d, actor="a")
    with pytest.raises(kg.DocumentNotFoundError, match=f"not in theme {d}"):
        cur.move_documents(session, syn.documents["robot"][:1], d, r, actor="a")
    with pytest.raises(kg.InvalidRequestError, match="same theme"):
        cur.move_documents(session, syn.documents["drone"][:1], d, d, actor="a")
    with pytest.raises(kg.InvalidRequestError, match="reason"):
        cur.flag(session, d, reason=" ", actor="a")
    with pytest.raises(kg.ForbiddenEdgeError, match="does not allow"):
        cur.link(session, d, r, "relevant_to", actor="a")
    with pytest.raises(cur.UnknownIdError, match="unknown scenario"):
        cur.link(session, d, "scenario:nowhere", "relevant_to", actor="a")
    merged = cur.merge(session, [d, r], actor="a")
    with pytest.raises(cur.UnknownIdError, match="merged, split or deleted"):
        cur.hide(session, d, actor="a")
    assert session.get(Theme, merged.created[0]) is not None
    assert session.scalar(select(func.count()).select_from(CurationOp)) == 1  # refusals logged nothing


def test_stale_version_is_a_conflict_carrying_the_current_state(session: Session, syn: SyntheticRun) -> None:
    d = syn.themes["drone"]
    cur.relabel(session, d, label_en="Drones", actor="ana", expected_version=1)
    with pytest.raises(cur.ConflictError, match="version 2, not 1") as info:
        cur.relabel(session, d, label_en="UAV", actor="bo", expected_version=1)
    current = info.value.current[str(d)]
    assert current["version"] == 2 and current["label_en"] == "Drones"
    with pytest.raises(cur.ConflictError):
        cur.merge(
            session, [d, syn.themes["robot"]], actor="bo", expected_version={d: 1, syn.themes["robot"]: 1}
        )
    assert session.get(Theme, d).label_en == "Drones"  # type: ignore[union-attr]


def test_a_failure_midway_leaves_the_store_unchanged(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    with session_scope(engine) as s:
        syn = make_run(s)
    with session_scope(engine) as s:
        before = snapshot(s, syn.run_id)

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(restructure, "refresh_themes", boom)  # after the memberships moved and the op row
    with pytest.raises(RuntimeError, match="disk full"), session_scope(engine) as s:
        cur.merge(s, [syn.themes["battery"], syn.themes["robot"]], actor="a")
    with session_scope(engine) as s:
        assert snapshot(s, syn.run_id) == before
        assert s.scalar(select(func.count()).select_from(CurationOp)) == 0
        assert s.scalar(select(func.count()).select_from(RetiredTheme)) == 0

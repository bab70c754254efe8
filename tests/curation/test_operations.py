"""Each curation operation: its effect on the store and its append-only log row."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import foresight.curation as cur
from foresight.curation.describe import document_texts, member_vectors, unit_mean
from foresight.db.models import Annotation, GraphLink, RetiredTheme, RunTermStats, Theme, ThemeMembership
from foresight.graph import build_run_graph
from foresight.themes.persist import decode_centroid
from foresight.themes.represent import CTfidfRepresentation
from tests.curation.conftest import op_row, snapshot
from tests.curation.factory import MODEL_ID, SyntheticRun


def members(session: Session, theme_id: int) -> list[int]:
    rows = session.scalars(
        select(ThemeMembership.document_id)
        .where(ThemeMembership.theme_id == theme_id)
        .order_by(ThemeMembership.document_id)
    )
    return list(rows)


def expected_keywords(session: Session, run_id: int, theme_id: int) -> list[tuple[str, float]]:
    """What the pipeline's c-TF-IDF gives the theme for the run's current grouping, from scratch."""
    rows = session.execute(
        select(ThemeMembership.document_id, ThemeMembership.theme_id)
        .where(ThemeMembership.run_id == run_id)
        .order_by(ThemeMembership.document_id)
    ).all()
    texts = document_texts(session, [d for d, _ in rows])
    labels = np.array([t if t is not None else -1 for _, t in rows])
    rep = CTfidfRepresentation().fit([texts[d][0] for d, _ in rows], labels, [texts[d][1] for d, _ in rows])
    return rep.keywords_[theme_id]


def test_relabel_changes_labels_bumps_version_and_logs(session: Session, syn: SyntheticRun) -> None:
    theme_id = syn.themes["drone"]
    result = cur.relabel(
        session,
        theme_id,
        label_en="Drone logistics",
        label_zh="无人机物流",
        actor="ana",
        reason="clearer",
        expected_version=1,
    )
    theme = session.get(Theme, theme_id)
    assert theme is not None and (theme.label_en, theme.label_zh, theme.version) == (
        "Drone logistics",
        "无人机物流",
        2,
    )
    row = op_row(session, result.op_id)
    assert (row.op, row.status, row.actor, row.reason, row.run_id) == (
        "relabel",
        "applied",
        "ana",
        "clearer",
        syn.run_id,
    )
    assert row.payload == {"theme_id": theme_id, "label_en": "Drone logistics", "label_zh": "无人机物流"}
    assert row.before["themes"][str(theme_id)]["label_en"] == "drone / parcel delivery"
    assert row.after["themes"][str(theme_id)]["label_zh"] == "无人机物流"
    assert row.record["op"] == "relabel" and row.record["after"]["nodes"][0][0] == f"theme:{theme_id}"


def test_hide_and_show(session: Session, syn: SyntheticRun) -> None:
    ids = [syn.themes["quantum"], syn.themes["robot"]]
    cur.hide(session, ids, actor="ana", reason="out of scope")
    assert [session.get(Theme, i).hidden for i in ids] == [True, True]  # type: ignore[union-attr]
    cur.hide(session, ids[0], hidden=False, actor="ana")
    assert session.get(Theme, ids[0]).hidden is False  # type: ignore[union-attr]
    assert session.get(Theme, ids[0]).version == 3  # type: ignore[union-attr]


def test_delete_retires_theme_and_unassigns_documents(session: Session, syn: SyntheticRun) -> None:
    theme_id = syn.themes["robot"]
    docs = members(session, theme_id)
    result = cur.delete(session, theme_id, actor="ana", reason="noise cluster")
    theme = session.get(Theme, theme_id)
    assert theme is not None and theme.hidden and theme.size == 0
    retired = session.get(RetiredTheme, theme_id)
    assert retired is not None and retired.reason == "deleted" and retired.documents == docs
    assert retired.op_id == result.op_id
    assert members(session, theme_id) == []
    nulls = session.scalars(
        select(ThemeMembership.document_id).where(ThemeMembership.theme_id.is_(None))
    ).all()
    assert set(docs) <= set(nulls)
    with pytest.raises(cur.UnknownIdError, match="merged, split or deleted"):
        cur.relabel(session, theme_id, label_en="x", actor="ana")


def test_merge_creates_theme_with_recomputed_keywords_and_centroid(
    session: Session, syn: SyntheticRun
) -> None:
    a, b = syn.themes["battery"], syn.themes["robot"]
    docs = sorted(members(session, a) + members(session, b))
    result = cur.merge(session, [a, b], actor="bo", reason="one topic", expected_version={a: 1, b: 1})
    (new_id,) = result.created
    new = session.get(Theme, new_id)
    assert new is not None and new.origin == "merge" and new.size == len(docs) == 10
    assert members(session, new_id) == docs
    assert new.lineage_id == session.get(Theme, a).lineage_id  # type: ignore[union-attr]  # largest member
    for old in (a, b):
        retired = session.get(RetiredTheme, old)
        assert retired is not None and retired.reason == "merged" and retired.successor_ids == [new_id]
        assert session.get(Theme, old).hidden and session.get(Theme, old).version == 2  # type: ignore[union-attr]
    # keywords are exactly the pipeline's c-TF-IDF of the new grouping
    want = expected_keywords(session, syn.run_id, new_id)
    assert [t for t, _ in new.keywords] == [t for t, _ in want]
    assert np.allclose([w for _, w in new.keywords], [w for _, w in want], atol=1e-6)
    assert new.label_en and new.label_en.split(" / ")[0] in [t for t, _ in want]
    vectors = member_vectors(session, MODEL_ID, docs)
    assert vectors is not None
    mean = unit_mean(list(vectors.values()))
    assert mean is not None and np.allclose(decode_centroid(new.centroid), mean, atol=1e-6)
    assert len(new.representative_doc_ids) == 3 and set(new.representative_doc_ids) <= set(docs)
    row = op_row(session, result.op_id)
    assert row.payload["new_theme_id"] == new_id and row.before["themes"][str(new_id)] is None
    assert row.record["op"] == "merge" and row.record["payload"]["new_id"] == f"theme:{new_id}"
    assert session.get(RunTermStats, syn.run_id) is not None


def test_merge_keeps_given_labels(session: Session, syn: SyntheticRun) -> None:
    result = cur.merge(
        session,
        [syn.themes["battery"], syn.themes["robot"]],
        label_en="Energy robots",
        label_zh="能源机器人",
        actor="bo",
    )
    new = session.get(Theme, result.created[0])
    assert new is not None and (new.label_en, new.label_zh) == ("Energy robots", "能源机器人")


def test_automatic_split_recovers_the_subtopics(session: Session, syn: SyntheticRun) -> None:
    theme_id = syn.themes["drone"]
    result = cur.split(session, theme_id, actor="bo", reason="two applications", seed=3)
    assert len(result.created) == 2
    parts = [members(session, t) for t in result.created]
    assert sorted(parts) == sorted(
        [[d for d in syn.documents["drone"] if syn.subtopic[d] == k] for k in (0, 1)]
    )
    labels = {session.get(Theme, t).label_en for t in result.created}  # type: ignore[union-attr]
    assert any("parcel delivery" in x for x in labels) and any("inspection" in x for x in labels)
    original = session.get(Theme, theme_id)
    assert original is not None and original.hidden and session.get(RetiredTheme, theme_id) is not None
    first = session.get(Theme, result.created[0])
    assert first is not None and first.lineage_id == original.lineage_id and first.origin == "split"
    row = op_row(session, result.op_id)
    assert row.payload["method"] == "kmeans" and row.payload["silhouettes"]["2"] > 0.5
    assert row.payload["new_theme_ids"] == result.created


def test_split_by_hand_assigned_parts_with_labels(session: Session, syn: SyntheticRun) -> None:
    docs = syn.documents["quantum"]
    parts = [docs[:2], docs[2:]]
    result = cur.split(
        session, syn.themes["quantum"], parts, labels=["QEC", {"label_zh": "量子通信"}], actor="bo"
    )
    assert [members(session, t) for t in result.created] == [sorted(p) for p in parts]
    labels = [(session.get(Theme, t).label_en, session.get(Theme, t).label_zh) for t in result.created]  # type: ignore[union-attr]
    assert labels[0] == ("QEC", "") and labels[1][1] == "量子通信"


def test_preview_split_changes_nothing(session: Session, syn: SyntheticRun) -> None:
    before = snapshot(session, syn.run_id)
    preview = cur.preview_split(session, syn.themes["drone"], seed=3)
    assert preview.n_parts == 2 and preview.method == "kmeans(seed=3)"
    assert sorted(p["size"] for p in preview.parts) == [4, 4]
    assert all(p["keywords"] and p["label_en"] for p in preview.parts)
    assert snapshot(session, syn.run_id) == before
    assert session.scalar(select(func.count()).select_from(RunTermStats)) == 0


def test_move_documents_updates_both_themes(session: Session, syn: SyntheticRun) -> None:
    src, tgt = syn.themes["drone"], syn.themes["robot"]
    moving = syn.documents["drone"][:2]
    result = cur.move_documents(session, moving, src, tgt, actor="ana", reason="about robots")
    assert set(moving) <= set(members(session, tgt)) and not set(moving) & set(members(session, src))
    source, target = session.get(Theme, src), session.get(Theme, tgt)
    assert source is not None and target is not None and (source.size, target.size) == (6, 6)
    assert [t for t, _ in target.keywords] == [t for t, _ in expected_keywords(session, syn.run_id, tgt)]
    assert (source.version, target.version) == (2, 2)
    assert op_row(session, result.op_id).after["members"] == {str(d): tgt for d in moving}


def test_link_unlink_and_suppress(session: Session, syn: SyntheticRun) -> None:
    a, b = syn.themes["drone"], syn.themes["robot"]
    cur.link(session, a, b, "similar_to", weight=0.8, actor="ana", reason="both autonomy")
    link = session.scalar(select(GraphLink))
    assert link is not None and (link.kind, link.weight, link.edge_type) == ("added", 0.8, "similar_to")
    G = build_run_graph(session, syn.run_id)
    assert G.edges[f"theme:{a}", f"theme:{b}", "similar_to"]["curated"] is True
    cur.unlink(session, a, b, "similar_to", actor="ana")
    assert session.scalar(select(func.count()).select_from(GraphLink)) == 0
    # a machine-made edge is suppressed, not deleted
    cur.unlink(session, a, "kw:drone", "has_keyword", actor="ana", reason="too generic")
    row = session.scalar(select(GraphLink))
    assert row is not None and row.kind == "suppressed" and row.weight == pytest.approx(0.3)
    assert not build_run_graph(session, syn.run_id).has_edge(f"theme:{a}", "kw:drone", "has_keyword")
    with pytest.raises(cur.CurationError, match="no 'has_keyword' edge"):
        cur.unlink(session, a, "kw:drone", "has_keyword", actor="ana")


def test_annotate_and_flag_nodes_and_edges(session: Session, syn: SyntheticRun) -> None:
    q = syn.themes["quantum"]
    cur.annotate(session, q, "check QKD papers", actor="ana", reason="review")
    cur.flag(session, q, reason="mixes computing and communication", actor="bo")
    cur.flag(session, (q, "kw:quantum", "has_keyword"), reason="generic term", actor="bo")
    notes = session.scalars(select(Annotation).order_by(Annotation.id)).all()
    assert [(n.target, n.kind, n.flagged) for n in notes] == [
        (f"theme:{q}", "note", None),
        (f"theme:{q}", "flag", True),
        (f"theme:{q}|kw:quantum|has_keyword", "flag", True),
    ]
    assert session.get(Theme, q).version == 3  # type: ignore[union-attr]
    G = build_run_graph(session, syn.run_id)
    node = G.nodes[f"theme:{q}"]
    assert node["notes"][0]["text"] == "check QKD papers" and node["flagged"] is True
    assert G.edges[f"theme:{q}", "kw:quantum", "has_keyword"]["flags"][0]["reason"] == "generic term"

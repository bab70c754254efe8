"""Curation survives re-analysis: on synthetic runs (every rule, fast), and end to end with the real
``run_analysis`` on the fixture corpora plus more documents (the issue's acceptance test)."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import foresight.curation as cur
from foresight.db.migrate import upgrade
from foresight.db.models import (
    Annotation,
    CurationOp,
    Document,
    GraphLink,
    RetiredTheme,
    Theme,
    ThemeMembership,
)
from foresight.db.session import make_engine, session_scope
from foresight.graph import build_run_graph
from foresight.ingest.service import import_file
from foresight.settings import Settings
from foresight.themes.runs import AnalysisOptions, CorpusFilter, run_analysis
from tests.conftest import FIXTURES
from tests.curation.factory import TOPICS, SyntheticRun, embed, make_documents, make_run


def next_run(session: Session, syn: SyntheticRun, extra: int = 2, drop: tuple[str, ...] = ()) -> SyntheticRun:
    """The same topics (minus ``drop``) with ``extra`` new documents each, as a later run."""
    docs: dict[str, list[Document]] = {}
    for topic in TOPICS:
        if topic in drop or topic not in syn.documents:
            continue
        old = [session.get(Document, d) for d in syn.documents[topic]]
        new = make_documents(session, topic, extra, start=500)
        embed(session, new, topic)
        docs[topic] = [d for d in old if d is not None] + new
    return make_run(
        session, {t: len(v) for t, v in docs.items()}, noise=0, previous_run_id=syn.run_id, documents=docs
    )


def members(session: Session, theme_id: int) -> set[int]:
    return set(
        session.scalars(select(ThemeMembership.document_id).where(ThemeMembership.theme_id == theme_id))
    )


def test_every_kind_of_edit_is_carried_to_the_successors(session: Session, syn: SyntheticRun) -> None:
    t = syn.themes
    relabel = cur.relabel(
        session, t["drone"], label_en="Drones", label_zh="无人机", actor="ana", reason="clearer"
    )
    split = cur.split(session, t["drone"], n_parts=2, actor="bo", reason="two uses", seed=3)
    part = next(p for p in split.created if "parcel" in session.get(Theme, p).label_en)  # type: ignore[union-attr]
    cur.relabel(session, part, label_en="Drone delivery", actor="bo")
    merge = cur.merge(
        session, [t["battery"], t["robot"]], label_en="Energy robotics", actor="cy", reason="overlap"
    )
    cur.hide(session, t["quantum"], actor="ana", reason="out of scope")
    cur.annotate(session, t["quantum"], "check QKD", actor="ana")
    cur.flag(session, merge.created[0], reason="too broad", actor="dan")
    cur.link(session, t["quantum"], part, "similar_to", weight=0.7, actor="ana")
    cur.unlink(session, t["quantum"], "kw:quantum", "has_keyword", actor="ana")
    undone = cur.relabel(session, t["quantum"], label_en="temp", actor="ana")
    cur.undo(session, undone.op_id, actor="ana")

    later = next_run(session, syn)
    report = cur.carry_over(session, syn.run_id, later.run_id)

    assert report.accounted and report.needs_review == []
    assert [o.op_id for o in report.skipped] == [undone.op_id]
    assert report.successors == {syn.themes[k]: later.themes[k] for k in TOPICS}
    n = later.themes
    # relabel, then split by nearest part centroid, the part's own relabel
    retired = session.get(RetiredTheme, n["drone"])
    old_drone = session.get(Theme, n["drone"])
    assert retired is not None and retired.reason == "split"
    assert old_drone is not None and old_drone.label_en == "Drones"
    parts = [session.get(Theme, i) for i in retired.successor_ids]
    by_label = {p.label_en: p for p in parts if p is not None}
    delivery = by_label["Drone delivery"]
    want = {d for d in members(session, delivery.id) if "parcel" in session.get(Document, d).title.lower()}  # type: ignore[union-attr]
    assert members(session, delivery.id) == want and len(want) == 5  # 4 old + 1 new parcel-delivery document
    # merge with its labels, hide, notes, flags, links, suppression
    merged = session.scalar(select(Theme).where(Theme.run_id == later.run_id, Theme.origin == "merge"))
    assert merged is not None and merged.label_en == "Energy robotics"
    assert members(session, merged.id) == set(later.documents["battery"]) | set(later.documents["robot"])
    assert session.get(Theme, n["quantum"]).hidden is True  # type: ignore[union-attr]
    notes = {
        (a.target, a.kind, a.text)
        for a in session.scalars(select(Annotation).where(Annotation.run_id == later.run_id))
    }
    assert notes == {
        (f"theme:{n['quantum']}", "note", "check QKD"),
        (f"theme:{merged.id}", "flag", "too broad"),
    }
    rows = session.scalars(select(GraphLink).where(GraphLink.run_id == later.run_id)).all()
    links = {(frozenset((lk.source, lk.target)), lk.kind) for lk in rows}
    quantum = f"theme:{n['quantum']}"
    assert links == {
        (frozenset((quantum, f"theme:{delivery.id}")), "added"),
        (frozenset((quantum, "kw:quantum")), "suppressed"),
    }
    # provenance: one carried row per operation, by the original actor
    ops = session.scalars(
        select(CurationOp).where(CurationOp.run_id == later.run_id).order_by(CurationOp.id)
    ).all()
    assert [r.carried_from_op_id for r in ops] == [o.op_id for o in report.carried]
    assert all(r.status == "carried" for r in ops)
    assert ops[0].actor == "ana" and ops[0].reason == "clearer" and ops[0].carried_from_op_id == relabel.op_id
    G = build_run_graph(session, later.run_id)
    assert G.nodes[f"theme:{merged.id}"]["flagged"] is True


def test_edits_without_successors_are_listed_for_review(session: Session, syn: SyntheticRun) -> None:
    t = syn.themes
    relabel = cur.relabel(session, t["robot"], label_en="Robots", actor="ana")
    merge = cur.merge(session, [t["battery"], t["robot"]], actor="cy")
    cur.relabel(session, merge.created[0], label_en="Energy robotics", actor="cy")
    moved = cur.move_documents(session, syn.documents["quantum"][:1], t["quantum"], t["drone"], actor="bo")
    later = next_run(session, syn, drop=("robot",))
    report = cur.carry_over(session, syn.run_id, later.run_id)
    assert report.accounted
    review = {o.op_id: o.reason or "" for o in report.needs_review}
    assert "has no successor" in review[relabel.op_id]
    assert "no successor" in review[merge.op_id]
    assert len(review) == 3  # the merged theme's relabel follows its merge into review
    assert [o.op_id for o in report.carried] == [moved.op_id]
    rows = session.scalars(select(CurationOp).where(CurationOp.status == "needs_review")).all()
    assert {r.carried_from_op_id for r in rows} == set(review) and all(r.review_reason for r in rows)
    assert all(r.run_id == later.run_id and r.payload["original"] for r in rows)


def test_carry_over_is_idempotent(session: Session, syn: SyntheticRun) -> None:
    cur.relabel(session, syn.themes["drone"], label_en="Drones", actor="ana")
    later = next_run(session, syn)
    first = cur.carry_over(session, syn.run_id, later.run_id)
    second = cur.carry_over(session, syn.run_id, later.run_id)
    assert [o.status for o in second.outcomes] == ["carried"] and second.outcomes[
        0
    ].reason == "carried earlier"
    assert second.outcomes[0].new_op_id == first.outcomes[0].new_op_id
    assert len(session.scalars(select(CurationOp).where(CurationOp.run_id == later.run_id)).all()) == 1


# --- end to end -------------------------------------------------------------------------------------

CORPORA = FIXTURES / "corpora"
OPTIONS = AnalysisOptions(
    stability_runs=0, seed=7, representation="neural", map_2d=False, filters=CorpusFilter(languages=("en",))
)


def more_documents(folder: Path, n: int = 10, seed: int = 3) -> list[Path]:
    """New papers and patents derived from the fixtures: new ids, revisited titles, rotated abstracts."""
    rnd = random.Random(seed)
    files = []
    for name, key in (("arxiv.jsonl", "id"), ("uspto.jsonl", "patent_number")):
        rows = [
            json.loads(line)
            for line in (CORPORA / name).read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        out = []
        for i, row in enumerate(rnd.sample(rows, n)):
            new = dict(row)
            new[key] = (
                f"2612.{90000 + i:05d}" if key == "id" else f"9,{900 + i:03d},{rnd.randint(100, 999):03d}"
            )
            new["title"] = f"{row['title']} revisited"
            sentences = row["abstract"].split(". ")
            new["abstract"] = ". ".join(sentences[1:] + sentences[:1])
            out.append(json.dumps(new, ensure_ascii=False))
        path = folder / f"more_{name}"
        path.write_text("\n".join(out) + "\n", encoding="utf-8")
        files.append(path)
    return files


@pytest.fixture(scope="module")
def analysed(module_db_url: str) -> Iterator[tuple[Engine, Settings, int]]:
    engine = make_engine(module_db_url)
    upgrade(engine)
    for name in ("arxiv.jsonl", "uspto.jsonl"):
        with session_scope(engine) as s:
            import_file(s, CORPORA / name)
    settings = Settings(database_url=module_db_url)
    yield engine, settings, run_analysis(engine, settings, OPTIONS).run_id
    engine.dispose()


@pytest.mark.slow
def test_curation_survives_new_documents_and_a_new_analysis(
    analysed: tuple[Engine, Settings, int], tmp_path: Path
) -> None:
    engine, settings, first = analysed
    with session_scope(engine) as s:
        themes = s.scalars(select(Theme).where(Theme.run_id == first).order_by(Theme.size.desc())).all()
        assert len(themes) >= 2
        papers, patents = themes[0].id, themes[1].id
        cur.relabel(
            s,
            patents,
            label_en="Drug and device patents",
            label_zh="药物与器械专利",
            actor="ana",
            reason="clearer",
        )
        cur.annotate(s, patents, "mixes pharmaceuticals and devices", actor="ana")
        split = cur.split(s, papers, n_parts=3, seed=1, actor="bo", reason="too broad")
        merged = cur.merge(s, split.created[1:], label_en="LLM evaluation", actor="bo", reason="same topic")
        cur.hide(s, split.created[0], actor="ana", reason="out of scope")
        cur.flag(s, merged.created[0], reason="check agent papers", actor="cy")
        undone = cur.relabel(s, patents, label_en="temporary", actor="ana")
        cur.undo(s, undone.op_id, actor="ana")
        edits = [
            o.id
            for o in s.scalars(
                select(CurationOp).where(
                    CurationOp.run_id == first, CurationOp.status == "applied", CurationOp.op != "undo"
                )
            )
        ]
    assert len(edits) == 6
    for path in more_documents(tmp_path):
        with session_scope(engine) as s:
            import_file(s, path)

    second = run_analysis(engine, settings, OPTIONS)
    assert any("curation of run" in w for w in second.warnings)

    with session_scope(engine) as s:
        rows = s.scalars(select(CurationOp).where(CurationOp.run_id == second.run_id)).all()
        by_origin = {r.carried_from_op_id: r for r in rows}
        for op_id in edits:  # every edit is either carried or listed for review
            row = by_origin[op_id]
            assert row.status in ("carried", "needs_review")
            assert row.status == "carried" or row.review_reason
        assert undone.op_id not in by_origin
        assert by_origin[edits[0]].status == "carried"  # the patent theme continues
        theme = s.scalar(
            select(Theme).where(Theme.run_id == second.run_id, Theme.label_en == "Drug and device patents")
        )
        assert theme is not None and theme.label_zh == "药物与器械专利" and not theme.hidden
        assert theme.size > 30  # the new patents joined it
        notes = s.scalars(select(Annotation.text).where(Annotation.target == f"theme:{theme.id}")).all()
        assert notes == ["mixes pharmaceuticals and devices"]
        if by_origin[edits[3]].status == "carried":
            new_merge = s.scalar(select(Theme).where(Theme.run_id == second.run_id, Theme.origin == "merge"))
            assert new_merge is not None and new_merge.label_en == "LLM evaluation" and new_merge.size > 0
        if by_origin[edits[4]].status == "carried":
            hidden = s.scalars(
                select(Theme).where(Theme.run_id == second.run_id, Theme.hidden.is_(True))
            ).all()
            assert any(t.origin == "split" for t in hidden)

"""Small synthetic stores for curation, graph and scenario tests: documents, one run, themes, memberships
and cached embeddings, inserted directly (no model, no clustering).

Every theme is a topic with two sub-topics, so an automatic split has a right answer: documents of one
sub-topic share words and lie near one direction of the embedding space.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.curation.describe import unit_mean
from foresight.db.models import (
    AnalysisRun,
    Document,
    Embedding,
    ImportBatch,
    Theme,
    ThemeField,
    ThemeMembership,
)
from foresight.embeddings import document_text
from foresight.embeddings.cache import encode_vector, text_hash
from foresight.themes.persist import encode_centroid, new_lineage_id

MODEL_ID = "test/synthetic-16d"
DIM = 16
#: topic -> (sub-topic words, sub-topic words), organizations
TOPICS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "drone": (
        ("parcel delivery", "logistics network"),
        ("power line inspection", "crack detection"),
        ("SkyWorks", "Beihang University"),
    ),
    "quantum": (
        ("qubit error correction", "surface code"),
        ("quantum key distribution", "secure link"),
        ("QuantumCo", "USTC"),
    ),
    "battery": (
        ("solid electrolyte", "lithium anode"),
        ("battery recycling", "cathode recovery"),
        ("CATL", "Tsinghua University"),
    ),
    "robot": (
        ("humanoid locomotion", "balance control"),
        ("robotic grasping", "dexterous hand"),
        ("UBTech", "Tsinghua University"),
    ),
}


@dataclass
class SyntheticRun:
    """Ids of what :func:`make_run` inserted."""

    run_id: int
    themes: dict[str, int]
    documents: dict[str, list[int]]
    subtopic: dict[int, int] = field(default_factory=dict)
    noise: list[int] = field(default_factory=list)
    field_id: int | None = None


def _directions(seed: int) -> dict[tuple[str, int], np.ndarray]:
    rng = np.random.default_rng(seed)
    out = {}
    for topic in TOPICS:
        base = rng.normal(size=DIM)
        for sub in (0, 1):
            out[(topic, sub)] = base + 0.9 * rng.normal(size=DIM)
    return out


def make_documents(session: Session, topic: str, n: int, *, start: int = 0, seed: int = 0) -> list[Document]:
    """``n`` documents of a topic, alternating its two sub-topics (not yet in any run)."""
    rnd = random.Random(f"{seed}-{topic}-{start}")
    batch = ImportBatch(filename=f"{topic}.jsonl", file_sha256="0" * 64, source_format="jsonl")
    session.add(batch)
    session.flush()
    docs = []
    first, second, orgs = TOPICS[topic]
    for i in range(start, start + n):
        sub = i % 2
        words = first if sub == 0 else second
        title = f"{words[0].title()} for {topic} systems {seed}.{i}"
        abstract = (
            f"We study {words[0]} and {words[1]} in {topic} platforms. "
            f"The {words[0]} method improves {words[1]} by {rnd.randint(5, 40)} percent."
        )
        doc = Document(
            kind="paper",
            title=title,
            abstract=abstract,
            language="en",
            title_key=f"{topic}-{i}",
            source_format="jsonl",
            import_batch_id=batch.id,
            year=2020 + i % 5,
            organizations=[orgs[sub]],
            source_id=f"{topic}-{i}",
        )
        docs.append(doc)
    session.add_all(docs)
    session.flush()
    return docs


def embed(session: Session, docs: list[Document], topic: str, seed: int = 0) -> dict[int, np.ndarray]:
    """Cache a vector per document near its sub-topic direction; returns them."""
    dirs = _directions(seed)
    rng = np.random.default_rng([seed, *(d.id for d in docs[:1])])
    out = {}
    seen = set(session.scalars(select(Embedding.text_hash).where(Embedding.model_id == MODEL_ID)))
    for d in docs:
        sub = 0 if TOPICS[topic][0][0] in d.title.lower() else 1
        v = dirs[(topic, sub)] + 0.2 * rng.normal(size=DIM)
        out[d.id] = v / np.linalg.norm(v)
        key = text_hash(document_text(d))
        if key not in seen:
            seen.add(key)
            session.add(Embedding(model_id=MODEL_ID, text_hash=key, dim=DIM, vector=encode_vector(out[d.id])))
    session.flush()
    return out


def make_run(
    session: Session,
    sizes: dict[str, int] | None = None,
    *,
    noise: int = 2,
    seed: int = 0,
    previous_run_id: int | None = None,
    documents: dict[str, list[Document]] | None = None,
) -> SyntheticRun:
    """A completed run with one theme per topic (``sizes``: documents per topic) and some noise."""
    sizes = sizes or {"drone": 8, "quantum": 6, "battery": 6, "robot": 4}
    run = AnalysisRun(
        seed=seed,
        model_id=MODEL_ID,
        representation="neural",
        corpus_fingerprint="f" * 64,
        status="completed",
        previous_run_id=previous_run_id,
        parameters={"model": {"n_representative_docs": 3}},
    )
    session.add(run)
    session.flush()
    fld = ThemeField(run_id=run.id, number=0, label_en="Frontier technology", size=sum(sizes.values()))
    session.add(fld)
    session.flush()
    result = SyntheticRun(run.id, {}, {}, field_id=fld.id)
    for number, (topic, n) in enumerate(sizes.items()):
        docs = (documents or {}).get(topic) or make_documents(session, topic, n, seed=seed)
        vectors = embed(session, docs, topic, seed) if not documents else _cached(session, docs)
        centroid = unit_mean(list(vectors.values()))
        assert centroid is not None
        first, second, _ = TOPICS[topic]
        theme = Theme(
            run_id=run.id,
            number=number,
            field_id=fld.id,
            label_en=f"{topic} / {first[0]}",
            keywords=[[topic, 0.3], [first[0], 0.2], [second[0], 0.1]],
            size=len(docs),
            centroid=encode_centroid(centroid),
            representative_doc_ids=[d.id for d in docs[:3]],
            quality={"silhouette": 0.5},
            lineage_id=new_lineage_id(),
        )
        session.add(theme)
        session.flush()
        result.themes[topic] = theme.id
        result.documents[topic] = [d.id for d in docs]
        for d in docs:
            result.subtopic[d.id] = 0 if first[0] in d.title.lower() else 1
            session.add(ThemeMembership(run_id=run.id, document_id=d.id, theme_id=theme.id, probability=0.9))
    strays = make_documents(session, "robot", noise, start=1000 + seed, seed=seed) if noise else []
    embed(session, strays, "robot", seed)
    for d in strays:
        session.add(ThemeMembership(run_id=run.id, document_id=d.id, theme_id=None, probability=0.0))
        result.noise.append(d.id)
    run.n_documents = sum(len(v) for v in result.documents.values()) + len(strays)
    run.n_themes = len(result.themes)
    session.flush()
    return result


def _cached(session: Session, docs: list[Document]) -> dict[int, np.ndarray]:
    from foresight.curation.describe import member_vectors

    found = member_vectors(session, MODEL_ID, [d.id for d in docs])
    assert found is not None
    return found

"""Choosing the parts of a split: hand-assigned document lists (checked to partition the theme) or
KMeans of the members' cached embeddings with k given or chosen by silhouette (seeded), and a preview of
the parts with their c-TF-IDF keywords and machine labels that changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from foresight.curation.core import active_themes, get_run, members_of
from foresight.curation.describe import describe_groups, member_vectors
from foresight.db.models import Theme
from knowledge_graph.errors import NotAPartitionError, SplitError, TooFewDocumentsError, TooFewPartsError

__all__ = ["MAX_AUTO_PARTS", "SAMPLE", "SplitPreview", "check_parts", "preview_split", "split_request"]

MAX_AUTO_PARTS = 8
SAMPLE = 1000


def check_parts(docs: Sequence[int], parts: Sequence[Sequence[int]]) -> list[list[int]]:
    """The parts as sorted lists, after checking they partition ``docs`` (at least 2, none empty)."""
    part_lists = [[int(d) for d in p] for p in parts]
    if len(part_lists) < 2:
        raise TooFewPartsError(f"a split needs at least 2 parts, got {len(part_lists)}")
    problems = []
    if any(not p for p in part_lists):
        problems.append("empty part(s): " + ", ".join(str(i + 1) for i, p in enumerate(part_lists) if not p))
    flat = [d for p in part_lists for d in p]
    repeated = sorted(d for d, c in Counter(flat).items() if c > 1)
    if repeated:
        problems.append(f"documents in more than one part: {repeated[:10]}")
    foreign = sorted(set(flat) - set(docs))
    if foreign:
        problems.append(f"documents not in the theme: {foreign[:10]}")
    missing = sorted(set(docs) - set(flat))
    if missing:
        problems.append(f"documents of the theme in no part: {missing[:10]}")
    if problems:
        raise NotAPartitionError("the parts do not partition the theme's documents: " + "; ".join(problems))
    return [sorted(p) for p in part_lists]


@dataclass
class SplitPreview:
    """Proposed parts of a theme: documents, keywords and machine labels, and how they were chosen."""

    theme_id: int
    n_parts: int
    parts: list[dict[str, Any]]
    silhouettes: dict[int, float]
    method: str


def _auto_parts(
    session: Session, model_id: str, docs: Sequence[int], n_parts: int | None, seed: int
) -> tuple[list[list[int]], dict[int, float]]:
    """KMeans of the members' cached embeddings (unit length); ``n_parts`` None picks k in 2..8 by
    cosine silhouette. Large themes are clustered on a seeded sample of ``SAMPLE`` documents and every
    document then goes to its nearest centre, which keeps a split interactive for any theme size."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    vectors = member_vectors(session, model_id, docs)
    if vectors is None:
        raise SplitError(
            f"the documents' embeddings for {model_id!r} are not in the cache; split by hand-assigned parts"
        )
    order = sorted(vectors)
    X = np.asarray([vectors[d] for d in order], dtype=np.float64)
    X /= np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)
    rng = np.random.default_rng(seed)
    sample = X[np.sort(rng.choice(len(X), SAMPLE, replace=False))] if len(X) > SAMPLE else X
    candidates = (
        [n_parts] if n_parts is not None else list(range(2, min(MAX_AUTO_PARTS, len(sample) - 1) + 1))
    )
    best: tuple[float, int, np.ndarray] | None = None
    scores: dict[int, float] = {}
    for k in candidates:
        model = KMeans(n_clusters=k, n_init=3, random_state=seed).fit(sample)
        if len(set(model.labels_.tolist())) < 2:
            continue
        score = float(silhouette_score(sample, model.labels_, metric="cosine")) if len(sample) > k else 0.0
        scores[k] = round(score, 4)
        if best is None or score > best[0]:
            best = (score, k, model.cluster_centers_)
    if best is None:
        raise SplitError("the theme's documents do not separate into parts (identical embeddings)")
    centres = best[2] / np.maximum(np.linalg.norm(best[2], axis=1, keepdims=True), 1e-12)
    labels = np.argmax(X @ centres.T, axis=1)
    parts = [[order[i] for i in np.flatnonzero(labels == c)] for c in sorted(set(labels.tolist()))]
    if len(parts) < 2:
        raise SplitError("the theme's documents do not separate into parts")
    return sorted(parts, key=lambda p: (-len(p), p[0])), scores


def split_request(
    session: Session, theme_id: int, parts: Sequence[Sequence[int]] | None, n_parts: int | None, seed: int
) -> tuple[Theme, list[int], list[list[int]], dict[int, float]]:
    """The theme, its documents and the parts (given or found) with the silhouette of each k tried."""
    theme = active_themes(session, [theme_id])[int(theme_id)]
    docs = members_of(session, theme.run_id, [theme.id])[theme.id]
    if len(docs) < 3:
        raise TooFewDocumentsError(f"theme {theme.id} has {len(docs)} document(s); a split needs at least 3")
    if parts is not None:
        return theme, docs, check_parts(docs, parts), {}
    if n_parts is not None and n_parts < 2:
        raise TooFewPartsError(f"a split needs at least 2 parts, got {n_parts}")
    if n_parts is not None and n_parts > len(docs) - 1:
        raise TooFewDocumentsError(
            f"theme {theme.id} has {len(docs)} documents: at most {len(docs) - 1} parts"
        )
    run = get_run(session, theme.run_id)
    found, scores = _auto_parts(session, run.model_id, docs, n_parts, seed)
    return theme, docs, found, scores


def preview_split(
    session: Session,
    theme_id: int,
    *,
    n_parts: int | None = None,
    parts: Sequence[Sequence[int]] | None = None,
    seed: int = 0,
) -> SplitPreview:
    """Proposed parts of a theme with their keywords and machine labels; writes nothing."""
    theme, _, found, scores = split_request(session, theme_id, parts, n_parts, seed)
    run = get_run(session, theme.run_id)
    described = describe_groups(session, run, dict(enumerate(found)), store=False)
    out = [
        {
            "documents": p,
            "size": len(p),
            "keywords": described[i].keywords,
            "label_en": described[i].label_en,
            "label_zh": described[i].label_zh,
        }
        for i, p in enumerate(found)
    ]
    method = "hand-assigned" if parts is not None else f"kmeans(seed={seed})"
    return SplitPreview(theme.id, len(found), out, scores, method)

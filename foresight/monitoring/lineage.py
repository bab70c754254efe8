"""Theme lineage across analysis runs: which themes continue, are born, die, merge or split.

Each theme of a run is compared with each theme of the run before it (``AnalysisRun.previous_run_id``)
by a combined similarity (analysis.md §4.6)::

    s = w_c·cos(centroids) + w_d·Jaccard(member documents) + w_k·Σ_t min(a_t, b_t) / Σ_t max(a_t, b_t)

with keyword weights ``a``, ``b`` normalised to sum 1 (a weighted Jaccard); a component that cannot be
computed (centroids of different models) is left out and the weights renormalised. A one-to-one
assignment (Hungarian, ``scipy.optimize.linear_sum_assignment``) keeps the pairs with ``s ≥``
``continue_threshold``: those *continue* and the new theme inherits the old lineage id. An old theme
left over whose best new match (``s ≥ link_threshold``) continues another old theme has *merged* into
it; a new theme left over whose best old match continues into another new theme has *split* from it.
Other old themes *die*, other new themes are *born*.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from foresight.db.models import LineageEvent, Theme, ThemeMembership
from foresight.db.session import session_scope
from foresight.themes.persist import decode_centroid, new_lineage_id
from foresight.themes.queries import get_run

DEFAULT_WEIGHTS = {"centroid": 0.4, "documents": 0.4, "keywords": 0.2}
CONTINUE_THRESHOLD = 0.3
LINK_THRESHOLD = 0.15


@dataclass(frozen=True)
class ThemeSignature:
    """What lineage compares: centroid, member documents and keyword weights of one theme."""

    id: int
    lineage_id: str
    centroid: np.ndarray | None
    documents: frozenset[int]
    keywords: dict[str, float]


@dataclass
class LineageMatch:
    """One event of the matching (theme ids of the old and the new run)."""

    event: str
    from_ids: list[int]
    to_ids: list[int]
    pairs: list[dict[str, Any]] = field(default_factory=list)


def _cosine(a: np.ndarray | None, b: np.ndarray | None) -> float | None:
    if a is None or b is None or a.shape != b.shape or a.size == 0:
        return None
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    if na == 0.0 or nb == 0.0:
        return None
    return float(np.dot(a, b) / (na * nb))


def _weighted_jaccard(a: dict[str, float], b: dict[str, float]) -> float | None:
    if not a or not b:
        return None

    def norm(d: dict[str, float]) -> dict[str, float]:
        total = sum(max(w, 0.0) for w in d.values())
        return {t: (max(w, 0.0) / total if total > 0 else 1.0 / len(d)) for t, w in d.items()}

    na, nb = norm(a), norm(b)
    terms = set(na) | set(nb)
    top = sum(min(na.get(t, 0.0), nb.get(t, 0.0)) for t in terms)
    bottom = sum(max(na.get(t, 0.0), nb.get(t, 0.0)) for t in terms)
    return top / bottom if bottom > 0 else None


def similarity(
    old: ThemeSignature, new: ThemeSignature, weights: dict[str, float] | None = None
) -> dict[str, float | None]:
    """Components and combined similarity of two themes (see the module docstring)."""
    w = weights or DEFAULT_WEIGHTS
    union = old.documents | new.documents
    parts: dict[str, float | None] = {
        "centroid": _cosine(old.centroid, new.centroid),
        "documents": len(old.documents & new.documents) / len(union) if union else None,
        "keywords": _weighted_jaccard(old.keywords, new.keywords),
    }
    num = den = 0.0
    for name, value in parts.items():
        if value is not None and w.get(name, 0.0) > 0:
            num += w[name] * max(value, 0.0)
            den += w[name]
    parts["combined"] = num / den if den > 0 else 0.0
    return parts


def match_themes(
    old: list[ThemeSignature],
    new: list[ThemeSignature],
    continue_threshold: float = CONTINUE_THRESHOLD,
    link_threshold: float = LINK_THRESHOLD,
    weights: dict[str, float] | None = None,
) -> list[LineageMatch]:
    """Lineage events between the themes of two runs (pure; see the module docstring).

    Returns
    -------
    list of LineageMatch
        ``continue``, ``merge`` and ``split`` events (whose first ``from``/``to`` ids are the assigned
        pair that carries the lineage on), then ``death`` and ``birth`` events.
    """
    if not 0 <= link_threshold <= continue_threshold:
        raise ValueError("need 0 ≤ link_threshold ≤ continue_threshold")
    comps = [[similarity(o, n, weights) for n in new] for o in old]
    s = np.array([[float(c["combined"] or 0.0) for c in row] for row in comps]).reshape(len(old), len(new))

    def pair(i: int, j: int) -> dict[str, Any]:
        return {"from": old[i].id, "to": new[j].id, **{k: _round(v) for k, v in comps[i][j].items()}}

    assigned: dict[int, int] = {}
    if s.size:
        rows, cols = linear_sum_assignment(-s)
        assigned = {int(i): int(j) for i, j in zip(rows, cols, strict=True) if s[i, j] >= continue_threshold}
    new_taken = {j: i for i, j in assigned.items()}
    merges: dict[int, list[int]] = defaultdict(list)
    splits: dict[int, list[int]] = defaultdict(list)
    for i in range(len(old)):
        if i not in assigned and len(new):
            j = int(np.argmax(s[i]))
            if s[i, j] >= link_threshold and j in new_taken:
                merges[j].append(i)
    for j in range(len(new)):
        if j not in new_taken and len(old):
            i = int(np.argmax(s[:, j]))
            if s[i, j] >= link_threshold and i in assigned:
                splits[i].append(j)
    events: list[LineageMatch] = []
    for i, j in sorted(assigned.items(), key=lambda ij: new[ij[1]].id):
        if merges.get(j):
            extra = merges[j]
            events.append(
                LineageMatch(
                    "merge", [old[k].id for k in [i, *extra]], [new[j].id], [pair(k, j) for k in [i, *extra]]
                )
            )
        if splits.get(i):
            extra = splits[i]
            events.append(
                LineageMatch(
                    "split", [old[i].id], [new[k].id for k in [j, *extra]], [pair(i, k) for k in [j, *extra]]
                )
            )
        if not merges.get(j) and not splits.get(i):
            events.append(LineageMatch("continue", [old[i].id], [new[j].id], [pair(i, j)]))
    merged = {i for group in merges.values() for i in group}
    split_new = {j for group in splits.values() for j in group}
    for i in range(len(old)):
        if i not in assigned and i not in merged:
            best = [pair(i, int(np.argmax(s[i])))] if len(new) else []
            events.append(LineageMatch("death", [old[i].id], [], best))
    for j in range(len(new)):
        if j not in new_taken and j not in split_new:
            best = [pair(int(np.argmax(s[:, j])), j)] if len(old) else []
            events.append(LineageMatch("birth", [], [new[j].id], best))
    return events


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def load_signatures(session: Session, run_id: int) -> list[ThemeSignature]:
    """Signatures of the visible themes of a run, in theme-number order."""
    members: dict[int, set[int]] = defaultdict(set)
    for theme_id, doc_id in session.execute(
        select(ThemeMembership.theme_id, ThemeMembership.document_id).where(
            ThemeMembership.run_id == run_id, ThemeMembership.theme_id.is_not(None)
        )
    ):
        if theme_id is not None:
            members[theme_id].add(doc_id)
    themes = session.scalars(
        select(Theme).where(Theme.run_id == run_id, Theme.hidden.is_(False)).order_by(Theme.number)
    )
    return [
        ThemeSignature(
            id=t.id,
            lineage_id=t.lineage_id,
            centroid=decode_centroid(t.centroid) if t.centroid else None,
            documents=frozenset(members.get(t.id, ())),
            keywords={str(term): float(w) for term, w in t.keywords or []},
        )
        for t in themes
    ]


@dataclass
class LineageSummary:
    """What :func:`link_run` did."""

    run_id: int
    previous_run_id: int | None
    counts: dict[str, int]
    inherited: int


def link_run(
    engine: Engine,
    run_id: int | None = None,
    continue_threshold: float = CONTINUE_THRESHOLD,
    link_threshold: float = LINK_THRESHOLD,
) -> LineageSummary:
    """Match a run's themes to its previous run's, store the events and pass lineage ids on.

    Re-linking a run replaces its events. A run without a previous run gets no events.
    """
    with session_scope(engine) as session:
        run = get_run(session, run_id)
        counts = dict.fromkeys(("continue", "birth", "death", "merge", "split"), 0)
        previous = run.previous_run_id
        if previous is None:
            return LineageSummary(run.id, None, counts, 0)
        session.execute(delete(LineageEvent).where(LineageEvent.to_run_id == run.id))
        old, new = load_signatures(session, previous), load_signatures(session, run.id)
        events = match_themes(old, new, continue_threshold, link_threshold)
        old_lineage = {o.id: o.lineage_id for o in old}
        themes = {t.id: t for t in session.scalars(select(Theme).where(Theme.run_id == run.id))}
        inherited = 0
        carried: set[int] = set()
        for event in events:
            counts[event.event] += 1
            session.add(
                LineageEvent(
                    from_run_id=previous,
                    to_run_id=run.id,
                    event=event.event,
                    from_theme_ids=event.from_ids,
                    to_theme_ids=event.to_ids,
                    similarity={"pairs": event.pairs},
                )
            )
            if event.event in ("continue", "merge", "split"):
                theme = themes[event.to_ids[0]]
                carried.add(theme.id)
                if theme.lineage_id != old_lineage[event.from_ids[0]]:
                    theme.lineage_id = old_lineage[event.from_ids[0]]
                    inherited += 1
        taken = set(old_lineage.values())
        for theme in themes.values():
            if theme.id not in carried and theme.lineage_id in taken:
                theme.lineage_id = new_lineage_id()  # an earlier link passed it on; this one does not
        return LineageSummary(run.id, previous, counts, inherited)


def run_events(session: Session, run_id: int) -> list[dict[str, Any]]:
    """The lineage events into a run, with the labels of the themes involved."""
    rows = session.scalars(
        select(LineageEvent).where(LineageEvent.to_run_id == run_id).order_by(LineageEvent.id)
    ).all()
    ids = {i for e in rows for i in (*e.from_theme_ids, *e.to_theme_ids)}
    labels = {
        t.id: (t.label_en or t.label_zh or f"theme {t.number}")
        for t in session.scalars(select(Theme).where(Theme.id.in_(ids)))
    }
    return [
        {
            "id": e.id,
            "event": e.event,
            "from_run_id": e.from_run_id,
            "to_run_id": e.to_run_id,
            "from_themes": [{"id": i, "label": labels.get(i, "")} for i in e.from_theme_ids],
            "to_themes": [{"id": i, "label": labels.get(i, "")} for i in e.to_theme_ids],
            "similarity": e.similarity,
        }
        for e in rows
    ]


def predecessor_similarity(session: Session, run_id: int) -> dict[int, float]:
    """Theme → combined similarity with the old theme whose lineage it carries (continue/merge/split)."""
    out: dict[int, float] = {}
    for event in session.scalars(
        select(LineageEvent).where(
            LineageEvent.to_run_id == run_id, LineageEvent.event.in_(("continue", "merge", "split"))
        )
    ):
        pairs = event.similarity.get("pairs", [])
        if pairs and pairs[0].get("combined") is not None:
            out[int(pairs[0]["to"])] = float(pairs[0]["combined"])
    return out


def predecessor_theme(session: Session, run_id: int) -> dict[int, int]:
    """Theme → the theme of the previous run whose lineage it carries on."""
    out: dict[int, int] = {}
    for event in session.scalars(
        select(LineageEvent).where(
            LineageEvent.to_run_id == run_id, LineageEvent.event.in_(("continue", "merge", "split"))
        )
    ):
        out[int(event.to_theme_ids[0])] = int(event.from_theme_ids[0])
    return out

"""The machinery every curation operation shares: loading and checking themes, version checks, the
operation's transaction record (before / after state, the graph-level record) and re-describing themes.

An operation (see :mod:`foresight.curation.service` and :mod:`foresight.curation.restructure`) checks
the request first, then opens an :class:`OpTransaction`, which inserts the ``curation_ops`` row and
captures the *before* state, makes its changes in the session and calls :meth:`OpTransaction.finish`,
which captures the *after* state. Nothing is committed here: the caller's ``session_scope`` commits the
change and its log row together, or rolls both back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

import knowledge_graph as kg
from foresight.curation.describe import describe_groups, member_vectors, unit_mean
from foresight.curation.errors import ConflictError, CrossRunError, UnknownIdError
from foresight.curation.state import Touched, capture, chunks, locked_themes
from foresight.db.models import AnalysisRun, Annotation, CurationOp, RetiredTheme, Theme, ThemeMembership
from foresight.themes.persist import decode_centroid, encode_centroid
from foresight.themes.queries import theme_row
from knowledge_graph.errors import InvalidRequestError
from knowledge_graph.graph import add_typed_node, new_graph

__all__ = [
    "OpResult",
    "OpTransaction",
    "Provenance",
    "active_themes",
    "check_versions",
    "members_of",
    "refresh_themes",
    "theme_node",
    "theme_subgraph",
]

Versions = int | Mapping[int, int] | None


def theme_node(theme_id: int) -> str:
    """Graph node id of a theme."""
    return f"theme:{int(theme_id)}"


@dataclass(frozen=True)
class Provenance:
    """Where an operation comes from: an analyst (``applied``) or carried over from an earlier run."""

    status: str = "applied"
    carried_from_op_id: int | None = None
    review_reason: str | None = None

    @classmethod
    def carried(cls, op_id: int) -> Provenance:
        return cls("carried", op_id)


@dataclass
class OpResult:
    """What an operation did: its log row and the themes it created or changed."""

    op_id: int
    op: str
    run_id: int
    status: str
    themes: list[int] = field(default_factory=list)
    created: list[int] = field(default_factory=list)
    payload: dict[str, Any] = field(default_factory=dict)


def active_themes(session: Session, ids: Iterable[int], *, allow_retired: bool = False) -> dict[int, Theme]:
    """The themes with these ids (locked on PostgreSQL), all of one run and not retired.

    Raises
    ------
    UnknownIdError
        An id with no theme, or of a theme a merge, split or delete retired.
    CrossRunError
        Themes of different runs.
    """
    wanted = [int(i) for i in ids]
    themes = locked_themes(session, wanted)
    missing = [i for i in wanted if i not in themes]
    if missing:
        raise UnknownIdError(f"unknown theme id(s): {', '.join(map(str, missing))}")
    if not allow_retired:
        retired = set(session.scalars(select(RetiredTheme.theme_id).where(RetiredTheme.theme_id.in_(wanted))))
        if retired:
            raise UnknownIdError(
                f"theme(s) {', '.join(map(str, sorted(retired)))} were merged, split or deleted; "
                "act on their successors or undo that operation"
            )
    runs = {t.run_id for t in themes.values()}
    if len(runs) > 1:
        by_run = {r: sorted(i for i, t in themes.items() if t.run_id == r) for r in sorted(runs)}
        raise CrossRunError(f"themes of different analysis runs cannot be curated together: {by_run}")
    return themes


def check_versions(themes: Mapping[int, Theme], expected: Versions) -> None:
    """Refuse with :class:`ConflictError` when a theme's version is not the one the client saw.

    ``expected`` is one version (for one-theme operations) or ``{theme id: version}``.
    """
    if expected is None:
        return
    if isinstance(expected, int) and len(themes) != 1:
        raise InvalidRequestError(
            "give expected_version as {theme id: version} for operations on several themes"
        )
    wanted = {next(iter(themes)): int(expected)} if isinstance(expected, int) else dict(expected)
    stale = {i: v for i, v in wanted.items() if i in themes and themes[i].version != v}
    if stale:
        detail = ", ".join(f"theme {i} is at version {themes[i].version}, not {v}" for i, v in stale.items())
        raise ConflictError(
            f"the theme changed since you read it ({detail}); reload and retry",
            current={str(i): theme_row(themes[i]) for i in stale},
        )


def members_of(session: Session, run_id: int, theme_ids: Iterable[int]) -> dict[int, list[int]]:
    """Member document ids of each theme, ascending."""
    out: dict[int, list[int]] = {int(i): [] for i in theme_ids}
    for part in chunks(sorted(out)):
        rows = session.execute(
            select(ThemeMembership.theme_id, ThemeMembership.document_id)
            .where(ThemeMembership.run_id == run_id, ThemeMembership.theme_id.in_(part))
            .order_by(ThemeMembership.document_id)
        )
        for theme_id, doc_id in rows:
            if theme_id is not None:
                out[theme_id].append(doc_id)
    return out


def theme_subgraph(
    session: Session, themes: Sequence[Theme], members: Mapping[int, Sequence[int]] | None = None
) -> nx.MultiDiGraph:
    """The touched themes as knowledge-graph nodes (labels, size, documents, hidden, notes, flags), for
    the graph-level record of an operation."""
    G = new_graph()
    ids = [t.id for t in themes]
    docs = members if members is not None else members_of(session, themes[0].run_id, ids) if ids else {}
    notes: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: {"notes": [], "flags": []})
    targets = [theme_node(i) for i in ids]
    for part in chunks(targets):
        for a in session.scalars(
            select(Annotation).where(Annotation.target.in_(part)).order_by(Annotation.id)
        ):
            entry: dict[str, Any] = (
                {"text": a.text} if a.kind == "note" else {"flagged": a.flagged, "reason": a.text}
            )
            entry.update(actor=a.actor, timestamp=a.created_at.isoformat())
            notes[a.target]["notes" if a.kind == "note" else "flags"].append(entry)
    for t in themes:
        node = theme_node(t.id)
        extra = {k: v for k, v in notes.get(node, {}).items() if v}
        add_typed_node(
            G,
            node,
            "theme",
            label_en=t.label_en,
            label_zh=t.label_zh,
            size=t.size,
            documents=list(docs.get(t.id, [])),
            hidden=bool(t.hidden),
            run=t.run_id,
            **extra,
        )
    return G


class OpTransaction:
    """One operation being applied: its ``curation_ops`` row and the before/after state it touched.

    Parameters
    ----------
    session : Session
    run_id : int
    op : str
        Operation name (``foresight.db.models.curation.OPS``).
    actor, reason : str
    payload : dict
        The request, as it can be re-applied (carried over) later.
    touched : Touched
        Rows read and changed; add rows created later with :meth:`created`.
    provenance : Provenance, optional
    """

    def __init__(
        self,
        session: Session,
        run_id: int,
        op: str,
        *,
        actor: str,
        reason: str,
        payload: dict[str, Any],
        touched: Touched,
        provenance: Provenance | None = None,
    ) -> None:
        prov = provenance or Provenance()
        self.session = session
        self.run_id = run_id
        self.touched = touched
        self.before = capture(session, run_id, touched)
        self.row = CurationOp(
            run_id=run_id,
            op=op,
            status=prov.status,
            actor=actor,
            reason=reason or "",
            payload=payload,
            before={},
            after={},
            record={},
            carried_from_op_id=prov.carried_from_op_id,
            review_reason=prov.review_reason,
        )
        session.add(self.row)
        session.flush()

    @property
    def op_id(self) -> int:
        return self.row.id

    def created(
        self, *, themes: Iterable[int] = (), links: Iterable[int] = (), annotations: Iterable[int] = ()
    ) -> None:
        """Rows the operation created (absent before)."""
        for section, key, ids in (
            ("themes", "themes", themes),
            ("links", "links", links),
            ("annotations", "annotations", annotations),
        ):
            for i in ids:
                getattr(self.touched, key).add(int(i))
                self.before[section][str(int(i))] = None
                if section == "themes":
                    self.before["retired"][str(int(i))] = None

    def finish(
        self, record: kg.CurationRecord | None, themes: Iterable[int] = (), created: Iterable[int] = ()
    ) -> OpResult:
        """Capture the after state and complete the log row."""
        self.row.before = self.before
        self.row.after = capture(self.session, self.run_id, self.touched)
        self.row.record = record.to_dict() if record is not None else {}
        self.session.flush()
        return OpResult(
            op_id=self.row.id,
            op=self.row.op,
            run_id=self.run_id,
            status=self.row.status,
            themes=sorted(set(themes)),
            created=list(created),
            payload=dict(self.row.payload),
        )


def _representatives(vectors: Mapping[int, np.ndarray], centroid: np.ndarray, k: int) -> list[int]:
    docs = sorted(vectors)
    X = np.asarray([vectors[d] for d in docs], dtype=np.float64)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    X = np.divide(X, norms, out=np.zeros_like(X), where=norms > 0)
    order = np.argsort(-(X @ centroid), kind="stable")[:k]
    return [docs[i] for i in order]


def refresh_themes(
    session: Session,
    run: AnalysisRun,
    themes: Sequence[Theme],
    members: Mapping[int, Sequence[int]],
    *,
    machine_labels: Iterable[int] = (),
    fallback_centroids: Mapping[int, np.ndarray | None] | None = None,
) -> None:
    """Recompute size, c-TF-IDF keywords, centroid and representative documents of changed themes.

    Parameters
    ----------
    session : Session
    run : AnalysisRun
    themes : sequence of Theme
        Themes whose memberships changed (memberships already updated).
    members : mapping
        ``{theme id: member document ids}`` after the change.
    machine_labels : iterable of int
        Themes that also get the machine label of their new keywords (new themes without a given label).
    fallback_centroids : mapping, optional
        Centroids to use when the run's vectors are not in the embedding cache (else left unchanged).
    """
    for t in themes:
        t.size = len(members.get(t.id, ()))
    session.flush()
    descriptions = describe_groups(session, run, {t.id: members.get(t.id, ()) for t in themes})
    relabel = set(machine_labels)
    k = int(((run.parameters or {}).get("model") or {}).get("n_representative_docs", 5))
    for t in themes:
        d = descriptions[t.id]
        t.keywords = d.keywords
        if t.id in relabel:
            t.label_en, t.label_zh = d.label_en, d.label_zh
        docs = list(members.get(t.id, ()))
        vectors = member_vectors(session, run.model_id, docs) if docs else None
        if vectors:
            centroid = unit_mean(list(vectors.values()))
            assert centroid is not None
            t.centroid = encode_centroid(centroid)
            t.representative_doc_ids = _representatives(vectors, centroid, k)
        else:
            fallback = (fallback_centroids or {}).get(t.id)
            if fallback is not None:
                t.centroid = encode_centroid(fallback)
            t.representative_doc_ids = [d for d in t.representative_doc_ids or [] if d in set(docs)][
                :k
            ] or docs[:k]


def weighted_centroid(themes: Sequence[Theme]) -> np.ndarray | None:
    """Size-weighted unit mean of theme centroids (the fallback for merges without cached vectors)."""
    vecs = [(decode_centroid(t.centroid), max(t.size, 1)) for t in themes if t.centroid]
    if not vecs or len({v.shape for v, _ in vecs}) > 1:
        return None
    mean = np.sum([v * w for v, w in vecs], axis=0) / float(sum(w for _, w in vecs))
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm > 0 else mean


def get_run(session: Session, run_id: int) -> AnalysisRun:
    run = session.get(AnalysisRun, run_id)
    if run is None:
        raise UnknownIdError(f"analysis run {run_id} does not exist")
    return run

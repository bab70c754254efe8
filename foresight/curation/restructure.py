"""Curation operations that change memberships: merge, split (with a preview) and moving documents.

Merged and split themes are retired, not deleted: they keep their id, labels and history, are hidden,
and list their successors; the new themes (``origin`` ``merge`` / ``split``) get the documents, a size,
c-TF-IDF keywords recomputed from the new memberships, the centroid (mean of the members' cached
embeddings) and representative documents. The largest part of a split and the merged theme carry the
lineage id of the (largest) original on, so indicators keep their history.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

import knowledge_graph as kg
from foresight.curation.core import (
    OpResult,
    OpTransaction,
    Provenance,
    Versions,
    active_themes,
    check_versions,
    get_run,
    members_of,
    refresh_themes,
    theme_node,
    theme_subgraph,
    weighted_centroid,
)
from foresight.curation.splitting import SplitPreview, preview_split, split_request
from foresight.curation.state import Touched, next_theme_number
from foresight.db.models import RetiredTheme, Theme, ThemeMembership
from foresight.themes.persist import decode_centroid, new_lineage_id
from knowledge_graph.errors import (
    DocumentNotFoundError,
    InvalidRequestError,
    SelfMergeError,
    TooFewNodesError,
)

__all__ = ["SplitPreview", "merge", "move_documents", "preview_split", "split"]

Label = str | Mapping[str, str]


def _move(session: Session, run_id: int, docs: Sequence[int], theme_id: int) -> None:
    for start in range(0, len(docs), 500):
        session.execute(
            update(ThemeMembership)
            .where(
                ThemeMembership.run_id == run_id, ThemeMembership.document_id.in_(docs[start : start + 500])
            )
            .values(theme_id=theme_id),
            execution_options={"synchronize_session": False},
        )


def _new_theme(session: Session, like: Theme, origin: str, lineage_id: str) -> Theme:
    theme = Theme(
        run_id=like.run_id,
        number=next_theme_number(session, like.run_id),
        field_id=like.field_id,
        label_en="",
        label_zh="",
        keywords=[],
        size=0,
        centroid=None,
        representative_doc_ids=[],
        quality={},
        lineage_id=lineage_id,
        version=1,
        hidden=False,
        origin=origin,
    )
    session.add(theme)
    session.flush()
    return theme


def _labels(label: Label | None) -> tuple[str | None, str | None]:
    if label is None:
        return None, None
    if isinstance(label, str):
        return (label.strip() or None), None
    unknown = set(label) - {"label_en", "label_zh"}
    if unknown:
        raise InvalidRequestError(f"labels may only have label_en and label_zh, got {sorted(unknown)}")
    en, zh = label.get("label_en"), label.get("label_zh")
    return (en.strip() or None) if en else None, (zh.strip() or None) if zh else None


def merge(
    session: Session,
    theme_ids: Sequence[int],
    *,
    label_en: str | None = None,
    label_zh: str | None = None,
    actor: str,
    reason: str = "",
    expected_version: Versions = None,
    provenance: Provenance | None = None,
) -> OpResult:
    """Merge two or more themes of one run into a new theme.

    Without labels the merged theme gets the machine label of its recomputed keywords.

    Raises
    ------
    SelfMergeError, TooFewNodesError, UnknownIdError, CrossRunError, ConflictError
    """
    ids = [int(i) for i in theme_ids]
    repeated = sorted({i for i, c in Counter(ids).items() if c > 1})
    if repeated:
        raise SelfMergeError(
            f"cannot merge a theme with itself: {', '.join(map(str, repeated))} listed twice"
        )
    if len(ids) < 2:
        raise TooFewNodesError(f"a merge needs at least 2 themes, got {len(ids)}")
    themes = active_themes(session, ids)
    check_versions(themes, expected_version)
    if not (actor or "").strip():
        raise InvalidRequestError("every curation operation needs a non-empty actor")
    ordered = [themes[i] for i in ids]
    run = get_run(session, ordered[0].run_id)
    members = members_of(session, run.id, ids)
    G = theme_subgraph(session, ordered, members)
    docs = sorted(d for m in members.values() for d in m)
    largest = max(ordered, key=lambda t: (t.size, -ids.index(t.id)))
    nodes = [theme_node(i) for i in ids]
    kg.merge(
        G, nodes, new_id="theme:pending", label_en=label_en, label_zh=label_zh, actor=actor, reason=reason
    )
    payload = {"theme_ids": ids, "label_en": label_en, "label_zh": label_zh}
    tx = OpTransaction(
        session,
        run.id,
        "merge",
        actor=actor,
        reason=reason,
        payload=payload,
        touched=Touched(themes=set(ids), documents=set(docs)),
        provenance=provenance,
    )
    new = _new_theme(session, largest, "merge", largest.lineage_id)
    tx.created(themes=[new.id])
    _, record = kg.merge(
        G,
        nodes,
        new_id=theme_node(new.id),
        label_en=label_en,
        label_zh=label_zh,
        actor=actor,
        reason=reason,
        copy=False,
    )
    _move(session, run.id, docs, new.id)
    for t in ordered:
        session.add(
            RetiredTheme(
                theme_id=t.id,
                run_id=run.id,
                reason="merged",
                op_id=tx.op_id,
                successor_ids=[new.id],
                documents=members[t.id],
            )
        )
        t.hidden, t.size = True, 0
        t.version += 1
    refresh_themes(
        session,
        run,
        [new],
        {new.id: docs},
        machine_labels=[] if (label_en or label_zh) else [new.id],
        fallback_centroids={new.id: weighted_centroid(ordered)},
    )
    if label_en or label_zh:
        new.label_en, new.label_zh = label_en or "", label_zh or ""
    tx.row.payload = {**payload, "new_theme_id": new.id}
    return tx.finish(record, themes=[new.id, *ids], created=[new.id])


def split(
    session: Session,
    theme_id: int,
    parts: Sequence[Sequence[int]] | None = None,
    *,
    n_parts: int | None = None,
    labels: Sequence[Label | None] | None = None,
    seed: int = 0,
    actor: str,
    reason: str = "",
    expected_version: Versions = None,
    provenance: Provenance | None = None,
) -> OpResult:
    """Split a theme into parts: hand-assigned document lists, or re-clustering of its documents'
    cached embeddings (KMeans, ``n_parts`` or chosen by silhouette, seeded).

    Raises
    ------
    UnknownIdError, TooFewDocumentsError (fewer than 3 documents), TooFewPartsError, NotAPartitionError,
    SplitError (no cached embeddings for an automatic split), ConflictError
    """
    if not (actor or "").strip():
        raise InvalidRequestError("every curation operation needs a non-empty actor")
    theme, docs, found, scores = split_request(session, theme_id, parts, n_parts, seed)
    check_versions({theme.id: theme}, expected_version)
    if labels is not None and len(labels) != len(found):
        raise InvalidRequestError(f"{len(labels)} labels for {len(found)} parts")
    given = [_labels(x) for x in labels] if labels is not None else [(None, None)] * len(found)
    run = get_run(session, theme.run_id)
    G = theme_subgraph(session, [theme], {theme.id: docs})
    graph_labels = [{"label_en": en or "", "label_zh": zh or ""} for en, zh in given]
    pending = [f"theme:pending-{i}" for i in range(len(found))]
    kg.split(G, theme_node(theme.id), found, labels=graph_labels, new_ids=pending, actor=actor, reason=reason)
    payload: dict[str, Any] = {
        "theme_id": theme.id,
        "parts": found,
        "labels": [list(g) for g in given],
        "method": "hand-assigned" if parts is not None else "kmeans",
        "seed": seed,
        "silhouettes": {str(k): v for k, v in scores.items()},
    }
    tx = OpTransaction(
        session,
        run.id,
        "split",
        actor=actor,
        reason=reason,
        payload=payload,
        touched=Touched(themes={theme.id}, documents=set(docs)),
        provenance=provenance,
    )
    new = [
        _new_theme(session, theme, "split", theme.lineage_id if i == 0 else new_lineage_id())
        for i in range(len(found))
    ]
    tx.created(themes=[t.id for t in new])
    _, record = kg.split(
        G,
        theme_node(theme.id),
        found,
        labels=graph_labels,
        new_ids=[theme_node(t.id) for t in new],
        actor=actor,
        reason=reason,
        copy=False,
    )
    for t, part in zip(new, found, strict=True):
        _move(session, run.id, part, t.id)
    session.add(
        RetiredTheme(
            theme_id=theme.id,
            run_id=run.id,
            reason="split",
            op_id=tx.op_id,
            successor_ids=[t.id for t in new],
            documents=docs,
        )
    )
    theme.hidden, theme.size = True, 0
    theme.version += 1
    fallback = decode_centroid(theme.centroid) if theme.centroid else None
    refresh_themes(
        session,
        run,
        new,
        {t.id: p for t, p in zip(new, found, strict=True)},
        machine_labels=[t.id for t, g in zip(new, given, strict=True) if g == (None, None)],
        fallback_centroids=dict.fromkeys((t.id for t in new), fallback),
    )
    for t, (en, zh) in zip(new, given, strict=True):
        if en or zh:
            t.label_en, t.label_zh = en or "", zh or ""
    tx.row.payload = {**payload, "new_theme_ids": [t.id for t in new]}
    return tx.finish(record, themes=[theme.id, *(t.id for t in new)], created=[t.id for t in new])


def move_documents(
    session: Session,
    documents: Sequence[int],
    source_id: int,
    target_id: int,
    *,
    actor: str,
    reason: str = "",
    expected_version: Versions = None,
    provenance: Provenance | None = None,
) -> OpResult:
    """Move documents from one theme to another of the same run; both are re-described.

    Raises
    ------
    InvalidRequestError (no documents, same theme), UnknownIdError, CrossRunError, DocumentNotFoundError,
    ConflictError
    """
    moving = [int(d) for d in dict.fromkeys(documents)]
    if not moving:
        raise InvalidRequestError("no documents to move")
    if int(source_id) == int(target_id):
        raise InvalidRequestError(f"source and target are the same theme {source_id}")
    themes = active_themes(session, [source_id, target_id])
    check_versions(themes, expected_version)
    source, target = themes[int(source_id)], themes[int(target_id)]
    run = get_run(session, source.run_id)
    members = members_of(session, run.id, [source.id, target.id])
    absent = sorted(set(moving) - set(members[source.id]))
    if absent:
        raise DocumentNotFoundError(f"not in theme {source.id}: {', '.join(map(str, absent[:10]))}")
    G = theme_subgraph(session, [source, target], members)
    _, record = kg.move_documents(
        G, moving, theme_node(source.id), theme_node(target.id), actor=actor, reason=reason, copy=False
    )
    payload = {"documents": moving, "source_id": source.id, "target_id": target.id}
    tx = OpTransaction(
        session,
        run.id,
        "move_documents",
        actor=actor,
        reason=reason,
        payload=payload,
        touched=Touched(themes={source.id, target.id}, documents=set(moving)),
        provenance=provenance,
    )
    _move(session, run.id, moving, target.id)
    gone = set(moving)
    after = {
        source.id: [d for d in members[source.id] if d not in gone],
        target.id: sorted(set(members[target.id]) | gone),
    }
    refresh_themes(session, run, [source, target], after)
    source.version += 1
    target.version += 1
    return tx.finish(record, themes=[source.id, target.id])

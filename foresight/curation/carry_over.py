"""Carrying a run's curation onto the next run: human decisions survive re-analysis.

The themes of the earlier run as the machine made them (hidden and retired ones included, with the
documents they had when retired) are matched to the later run's themes with the lineage matching of
:func:`foresight.monitoring.lineage.match_themes` (centroid cosine, document Jaccard, keyword overlap;
one-to-one assignment, then merge and split links). Every operation still in effect in the earlier run
is then replayed, in order, on the successors:

* relabel, hide, delete, annotate, flag: on the successor theme (or node, or edge);
* merge: re-applied when each merged theme has a successor and they are distinct;
* split: re-applied when the split theme continues, by giving each of the successor's documents to the
  part whose centroid is nearest (cached embeddings of the run's model);
* move documents: the documents still in the source's successor move to the target's successor;
* link / unlink: between the successors (field nodes are recomputed per run, so they need review).

Each operation ends up either ``carried`` (a new operation with ``carried_from_op_id``) or
``needs_review`` (a log row with ``review_reason``); undone operations are listed as skipped. None is
dropped silently: :attr:`CarryOverReport.accounted` covers every operation of the earlier run.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from foresight.curation import restructure, service
from foresight.curation.core import OpResult, Provenance, get_run, members_of
from foresight.curation.describe import member_vectors
from foresight.curation.errors import CurationError
from foresight.curation.history import PRIMARY
from foresight.db.models import CurationOp, RetiredTheme, Theme
from foresight.db.session import session_scope
from foresight.monitoring.lineage import ThemeSignature, match_themes
from foresight.themes.persist import decode_centroid
from knowledge_graph.errors import UnknownEdgeError

__all__ = ["CarryOutcome", "CarryOverReport", "carry_over", "carry_over_after_run", "successors"]


@dataclass
class CarryOutcome:
    """What became of one operation of the earlier run."""

    op_id: int
    op: str
    status: str  # carried | needs_review | skipped
    new_op_id: int | None = None
    reason: str | None = None


@dataclass
class CarryOverReport:
    """Result of :func:`carry_over`."""

    from_run_id: int
    to_run_id: int
    successors: dict[int, int] = field(default_factory=dict)
    outcomes: list[CarryOutcome] = field(default_factory=list)
    operations: list[int] = field(default_factory=list)

    def _by(self, status: str) -> list[CarryOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def carried(self) -> list[CarryOutcome]:
        return self._by("carried")

    @property
    def needs_review(self) -> list[CarryOutcome]:
        return self._by("needs_review")

    @property
    def skipped(self) -> list[CarryOutcome]:
        return self._by("skipped")

    @property
    def accounted(self) -> bool:
        """Whether every operation of the earlier run is carried, listed for review or skipped."""
        return set(self.operations) <= {o.op_id for o in self.outcomes}

    def summary(self) -> str:
        carried = len({o.op_id for o in self.carried})
        review = len({o.op_id for o in self.needs_review})
        return (
            f"curation of run {self.from_run_id} → run {self.to_run_id}: {carried} "
            f"operation(s) carried, {review} need review, "
            f"{len(self.skipped)} undone (skipped)"
        )


def _signatures(session: Session, run_id: int, machine_only: bool) -> list[ThemeSignature]:
    """Signatures of a run's themes, hidden and retired ones included (retired: documents when retired)."""
    stmt = select(Theme).where(Theme.run_id == run_id).order_by(Theme.number)
    if machine_only:
        stmt = stmt.where(Theme.origin == "machine")
    themes = list(session.scalars(stmt))
    retired = {
        r.theme_id: r for r in session.scalars(select(RetiredTheme).where(RetiredTheme.run_id == run_id))
    }
    members = members_of(session, run_id, [t.id for t in themes if t.id not in retired])
    return [
        ThemeSignature(
            id=t.id,
            lineage_id=t.lineage_id,
            centroid=decode_centroid(t.centroid) if t.centroid else None,
            documents=frozenset(retired[t.id].documents if t.id in retired else members.get(t.id, [])),
            keywords={str(term): float(w) for term, w in t.keywords or []},
        )
        for t in themes
        if not (t.id in retired and not machine_only)
    ]


def successors(session: Session, from_run_id: int, to_run_id: int) -> dict[int, int]:
    """Machine theme of the earlier run → its successor in the later run (continue, merge, split)."""
    events = match_themes(_signatures(session, from_run_id, True), _signatures(session, to_run_id, False))
    out: dict[int, int] = {}
    for e in events:
        if e.event in ("continue", "split"):
            out[e.from_ids[0]] = e.to_ids[0]
        elif e.event == "merge":
            out.update(dict.fromkeys(e.from_ids, e.to_ids[0]))
    return out


class _Replay:
    """Replays the earlier run's operations on the later run, keeping the successor map up to date."""

    def __init__(self, session: Session, from_run: int, to_run: int, succ: dict[int, int]) -> None:
        self.session, self.from_run, self.to_run, self.succ = session, from_run, to_run, succ
        self.outcomes: list[CarryOutcome] = []

    def review(self, op: CurationOp, reason: str, payload: dict[str, Any] | None = None) -> None:
        row = CurationOp(
            run_id=self.to_run,
            op=op.op,
            status="needs_review",
            actor=op.actor,
            reason=op.reason,
            payload={**(payload or {}), "original": op.payload, "from_run_id": self.from_run},
            before={},
            after={},
            record={},
            carried_from_op_id=op.id,
            review_reason=reason,
        )
        self.session.add(row)
        self.session.flush()
        self.outcomes.append(CarryOutcome(op.id, op.op, "needs_review", row.id, reason))

    def carried(self, op: CurationOp, result: OpResult | None, note: str | None = None) -> None:
        if result is None:  # already true of the new run: log it as carried without changes
            row = CurationOp(
                run_id=self.to_run,
                op=op.op,
                status="carried",
                actor=op.actor,
                reason=op.reason,
                payload={"original": op.payload, "note": note},
                before={},
                after={},
                record={},
                carried_from_op_id=op.id,
            )
            self.session.add(row)
            self.session.flush()
            self.outcomes.append(CarryOutcome(op.id, op.op, "carried", row.id, note))
        else:
            self.outcomes.append(CarryOutcome(op.id, op.op, "carried", result.op_id, note))

    def theme(self, old: Any) -> int | None:
        return self.succ.get(int(old))

    def node(self, node: str) -> str | None:
        head, _, key = node.partition(":")
        if head == "theme":
            new = self.theme(int(key))
            return None if new is None else f"theme:{new}"
        return None if head == "field" else node

    def run(self, op: CurationOp) -> None:
        handler: Callable[[CurationOp, Provenance], None] = getattr(self, f"_{op.op}")
        try:
            handler(op, Provenance.carried(op.id))
        except CurationError as exc:
            self.review(op, f"could not re-apply: {exc}")

    def _themes_or_review(self, op: CurationOp, ids: list[int]) -> tuple[list[int], list[int]]:
        mapped = [self.theme(i) for i in ids]
        return [m for m in mapped if m is not None], [
            i for i, m in zip(ids, mapped, strict=True) if m is None
        ]

    def _relabel(self, op: CurationOp, prov: Provenance) -> None:
        new = self.theme(op.payload["theme_id"])
        if new is None:
            return self.review(op, f"theme {op.payload['theme_id']} has no successor in run {self.to_run}")
        p = op.payload
        self.carried(
            op,
            service.relabel(
                self.session,
                new,
                label_en=p.get("label_en"),
                label_zh=p.get("label_zh"),
                actor=op.actor,
                reason=op.reason,
                provenance=prov,
            ),
        )

    def _set_flags(self, op: CurationOp, prov: Provenance, apply: Callable[..., OpResult], **kw: Any) -> None:
        mapped, missing = self._themes_or_review(op, [int(i) for i in op.payload["theme_ids"]])
        if mapped:
            self.carried(
                op,
                apply(
                    self.session, sorted(set(mapped)), actor=op.actor, reason=op.reason, provenance=prov, **kw
                ),
            )
        if missing:
            self.review(
                op, f"theme(s) {missing} have no successor in run {self.to_run}", {"theme_ids": missing}
            )

    def _hide(self, op: CurationOp, prov: Provenance) -> None:
        self._set_flags(op, prov, service.hide, hidden=bool(op.payload.get("hidden", True)))

    def _delete(self, op: CurationOp, prov: Provenance) -> None:
        self._set_flags(op, prov, service.delete)

    def _merge(self, op: CurationOp, prov: Provenance) -> None:
        ids = [int(i) for i in op.payload["theme_ids"]]
        mapped, missing = self._themes_or_review(op, ids)
        merged_id = op.payload.get("new_theme_id")
        if missing:
            return self.review(op, f"merged theme(s) {missing} have no successor in run {self.to_run}")
        if len(set(mapped)) < len(mapped):
            if len(set(mapped)) == 1 and merged_id is not None:
                self.succ[int(merged_id)] = mapped[0]
            return self.review(
                op,
                f"the merged themes' successors coincide in run {self.to_run} ({mapped}): "
                "the new run already joins some of them",
            )
        result = restructure.merge(
            self.session,
            mapped,
            label_en=op.payload.get("label_en"),
            label_zh=op.payload.get("label_zh"),
            actor=op.actor,
            reason=op.reason,
            provenance=prov,
        )
        if merged_id is not None:
            self.succ[int(merged_id)] = result.created[0]
        self.carried(op, result)

    def _split(self, op: CurationOp, prov: Provenance) -> None:
        old_id, part_ids = int(op.payload["theme_id"]), [int(i) for i in op.payload.get("new_theme_ids", [])]
        new = self.theme(old_id)
        if new is None:
            return self.review(op, f"split theme {old_id} has no successor in run {self.to_run}")
        old_run, run = get_run(self.session, self.from_run), get_run(self.session, self.to_run)
        if old_run.model_id != run.model_id:
            return self.review(op, f"runs use different models ({old_run.model_id} / {run.model_id})")
        centroids = [op.after["themes"][str(i)]["centroid"] for i in part_ids]
        if not part_ids or any(c is None for c in centroids):
            return self.review(op, "the parts of the split have no centroids")
        C = np.vstack([np.frombuffer(base64.b64decode(c), dtype="<f4").astype(np.float64) for c in centroids])
        docs = members_of(self.session, self.to_run, [new])[new]
        vectors = member_vectors(self.session, run.model_id, docs)
        if vectors is None:
            return self.review(
                op, f"the documents of theme {new} have no cached embeddings for {run.model_id}"
            )
        order = sorted(vectors)
        X = np.asarray([vectors[d] for d in order], dtype=np.float64)
        nearest = np.argmax(X @ C.T, axis=1)
        parts = {k: [order[i] for i in np.flatnonzero(nearest == k)] for k in range(len(part_ids))}
        kept = [k for k in range(len(part_ids)) if parts[k]]
        if len(kept) < 2 or len(docs) < 3:
            return self.review(
                op,
                f"the documents of theme {new} no longer separate into the {len(part_ids)} "
                f"earlier parts (non-empty parts: {len(kept)})",
            )
        labels = op.payload.get("labels") or [[None, None]] * len(part_ids)
        result = restructure.split(
            self.session,
            new,
            [parts[k] for k in kept],
            actor=op.actor,
            reason=op.reason,
            provenance=prov,
            labels=[
                {"label_en": labels[k][0] or "", "label_zh": labels[k][1] or ""} if any(labels[k]) else None
                for k in kept
            ],
        )
        for k, created in zip(kept, result.created, strict=True):
            self.succ[part_ids[k]] = created
        note = (
            None
            if len(kept) == len(part_ids)
            else f"parts {[k + 1 for k in range(len(part_ids)) if k not in kept]} got no documents"
        )
        self.carried(op, result, note)

    def _move_documents(self, op: CurationOp, prov: Provenance) -> None:
        src, tgt = self.theme(op.payload["source_id"]), self.theme(op.payload["target_id"])
        if src is None or tgt is None or src == tgt:
            why = "have no distinct successors" if src is not None and tgt is not None else "lack successors"
            return self.review(
                op, f"source {op.payload['source_id']} and target {op.payload['target_id']} {why}"
            )
        members = members_of(self.session, self.to_run, [src, tgt])
        wanted = [int(d) for d in op.payload["documents"]]
        movable = [d for d in wanted if d in set(members[src])]
        elsewhere = [d for d in wanted if d not in set(members[src]) and d not in set(members[tgt])]
        if movable:
            self.carried(
                op,
                restructure.move_documents(
                    self.session, movable, src, tgt, actor=op.actor, reason=op.reason, provenance=prov
                ),
            )
        elif not elsewhere:
            self.carried(op, None, f"documents already in theme {tgt}")
        if elsewhere:
            self.review(
                op, f"documents {elsewhere[:10]} are in neither successor theme", {"documents": elsewhere}
            )

    def _link(self, op: CurationOp, prov: Provenance) -> None:
        u, v = self.node(op.payload["source"]), self.node(op.payload["target"])
        if u is None or v is None:
            return self.review(
                op, f"an end of {op.payload['source']} → {op.payload['target']} has no successor"
            )
        self.carried(
            op,
            service.link(
                self.session,
                u,
                v,
                op.payload["edge_type"],
                weight=op.payload.get("weight", 1.0),
                attrs=op.payload.get("attrs"),
                actor=op.actor,
                reason=op.reason,
                run_id=self.to_run,
                provenance=prov,
            ),
        )

    def _unlink(self, op: CurationOp, prov: Provenance) -> None:
        u, v = self.node(op.payload["source"]), self.node(op.payload["target"])
        if u is None or v is None:
            return self.review(
                op, f"an end of {op.payload['source']} → {op.payload['target']} has no successor"
            )
        try:
            result = service.unlink(
                self.session,
                u,
                v,
                op.payload["edge_type"],
                actor=op.actor,
                reason=op.reason,
                run_id=self.to_run,
                provenance=prov,
            )
        except UnknownEdgeError:
            return self.carried(
                op, None, f"run {self.to_run} has no {op.payload['edge_type']} edge {u} – {v}"
            )
        self.carried(op, result)

    def _target(self, stored: str) -> Any:
        if "|" in stored:
            u, v, edge_type = stored.split("|")
            mu, mv = self.node(u), self.node(v)
            return None if mu is None or mv is None else (mu, mv, edge_type)
        return self.node(stored)

    def _annotate(self, op: CurationOp, prov: Provenance) -> None:
        target = self._target(op.payload["target"])
        if target is None:
            return self.review(op, f"{op.payload['target']} has no successor in run {self.to_run}")
        self.carried(
            op,
            service.annotate(
                self.session,
                target,
                op.payload["text"],
                actor=op.actor,
                reason=op.reason,
                run_id=self.to_run,
                provenance=prov,
            ),
        )

    def _flag(self, op: CurationOp, prov: Provenance) -> None:
        target = self._target(op.payload["target"])
        if target is None:
            return self.review(op, f"{op.payload['target']} has no successor in run {self.to_run}")
        self.carried(
            op,
            service.flag(
                self.session,
                target,
                reason=op.payload["text"],
                actor=op.actor,
                flagged=bool(op.payload.get("flagged", True)),
                run_id=self.to_run,
                provenance=prov,
            ),
        )


def carry_over(session: Session, from_run_id: int, to_run_id: int) -> CarryOverReport:
    """Carry the curation of ``from_run_id`` onto the matching themes of ``to_run_id``.

    Idempotent: operations already carried into ``to_run_id`` are reported, not repeated.

    Returns
    -------
    CarryOverReport
        Successor map and, for every operation of the earlier run, what became of it.
    """
    get_run(session, from_run_id)
    get_run(session, to_run_id)
    ops = list(
        session.scalars(
            select(CurationOp)
            .where(CurationOp.run_id == from_run_id, CurationOp.op.in_(PRIMARY))
            .order_by(CurationOp.id)
        )
    )
    report = CarryOverReport(from_run_id, to_run_id, operations=[o.id for o in ops])
    done = {
        row.carried_from_op_id: row
        for row in session.scalars(
            select(CurationOp).where(
                CurationOp.run_id == to_run_id, CurationOp.carried_from_op_id.is_not(None)
            )
        )
    }
    replay = _Replay(session, from_run_id, to_run_id, successors(session, from_run_id, to_run_id))
    report.successors = dict(replay.succ)
    for op in ops:
        if op.id in done:
            previous = done[op.id]
            status = "needs_review" if previous.status == "needs_review" else "carried"
            replay.outcomes.append(CarryOutcome(op.id, op.op, status, previous.id, "carried earlier"))
        elif op.status == "undone":
            replay.outcomes.append(
                CarryOutcome(op.id, op.op, "skipped", None, f"undone in run {from_run_id}")
            )
        elif op.status == "needs_review":
            replay.review(op, f"still unresolved from run {from_run_id}: {op.review_reason}")
        else:
            replay.run(op)
    report.outcomes = replay.outcomes
    return report


def carry_over_after_run(engine: Engine, run_id: int) -> list[str]:
    """After an analysis: carry the previous run's curation, if it has any; returns warning lines."""
    with session_scope(engine) as session:
        run = get_run(session, run_id)
        previous = run.previous_run_id
        if (
            previous is None
            or session.scalar(
                select(CurationOp.id)
                .where(CurationOp.run_id == previous, CurationOp.op.in_(PRIMARY))
                .limit(1)
            )
            is None
        ):
            return []
        report = carry_over(session, previous, run_id)
        lines = [report.summary()]
        if report.needs_review:
            lines.append(
                f"{len(report.needs_review)} curation edit(s) need review: "
                f"foresight curate log --run {run_id}"
            )
        run.warnings = [*(run.warnings or []), *lines]
        return lines

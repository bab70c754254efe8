"""Replaying one run's curation operations on the next run's successor themes (see
:mod:`foresight.curation.carry_over` for the rules). Each operation is re-applied through the ordinary
operation functions with ``Provenance.carried`` or logged as ``needs_review`` with the reason.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from foresight.curation import edges, restructure, service
from foresight.curation.core import OpResult, Provenance, get_run, members_of
from foresight.curation.describe import member_vectors
from foresight.curation.errors import CurationError
from foresight.db.models import CurationOp
from knowledge_graph.errors import UnknownEdgeError

__all__ = ["CarryOutcome", "Replay"]


@dataclass
class CarryOutcome:
    """What became of one operation of the earlier run."""

    op_id: int
    op: str
    status: str  # carried | needs_review | skipped
    new_op_id: int | None = None
    reason: str | None = None


class Replay:
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
            edges.link(
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
            result = edges.unlink(
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
            edges.annotate(
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
            edges.flag(
                self.session,
                target,
                reason=op.payload["text"],
                actor=op.actor,
                flagged=bool(op.payload.get("flagged", True)),
                run_id=self.to_run,
                provenance=prov,
            ),
        )

"""Carrying a run's curation onto the next run: human decisions survive re-analysis.

The themes of the earlier run as the machine made them (hidden and retired ones included, with the
documents they had when retired) are matched to the later run's themes with the lineage matching of
:func:`foresight.monitoring.lineage.match_themes` (centroid cosine, document Jaccard, keyword overlap;
one-to-one assignment, then merge and split links), run per connected group of candidate themes
(:mod:`foresight.curation.matching`). Every operation still in effect in the earlier run is then
replayed, in order, on the successors (:mod:`foresight.curation.replay`):

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

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from foresight.curation.core import get_run
from foresight.curation.describe import store_representation_stats
from foresight.curation.history import PRIMARY
from foresight.curation.matching import successors
from foresight.curation.replay import CarryOutcome, Replay
from foresight.db.models import CurationOp
from foresight.db.session import session_scope

__all__ = ["CarryOutcome", "CarryOverReport", "carry_over", "carry_over_after_run", "successors"]


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


def _referenced_themes(ops: list[CurationOp]) -> set[int]:
    """Every theme id the operations touched or name (payload ids, ``theme:<id>`` nodes and edges)."""
    out: set[int] = set()
    for op in ops:
        for state in (op.before or {}, op.after or {}):
            out.update(int(k) for k in state.get("themes", {}))
        p = op.payload or {}
        for key in ("theme_id", "source_id", "target_id", "new_theme_id"):
            if isinstance(p.get(key), int):
                out.add(p[key])
        out.update(int(i) for i in [*p.get("theme_ids", []), *p.get("new_theme_ids", [])])
        for key in ("source", "target"):
            for node in str(p.get(key, "")).split("|"):
                head, _, tail = node.partition(":")
                if head == "theme" and tail.isdigit():
                    out.add(int(tail))
    return out


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
    succ = successors(session, from_run_id, to_run_id, _referenced_themes(ops))
    replay = Replay(session, from_run_id, to_run_id, succ)
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


def carry_over_after_run(engine: Engine, run_id: int, representation: Any = None) -> list[str]:
    """After an analysis: store the run's term statistics from the fitted c-TF-IDF ``representation``
    (when given) and carry the previous run's curation over, if it has any; returns warning lines."""
    with session_scope(engine) as session:
        run = get_run(session, run_id)
        if representation is not None:
            store_representation_stats(session, run_id, representation)
        previous = run.previous_run_id
        if previous is None:
            return []
        curated = select(CurationOp.id).where(CurationOp.run_id == previous, CurationOp.op.in_(PRIMARY))
        if session.scalar(curated.limit(1)) is None:
            return []
        report = carry_over(session, previous, run_id)
        lines = [report.summary()]
        if report.needs_review:
            n = len({o.op_id for o in report.needs_review})
            lines.append(f"{n} curation edit(s) need review: foresight curate log --run {run_id}")
        run.warnings = [*(run.warnings or []), *lines]
        return lines

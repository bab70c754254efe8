"""Undo, redo and the curation log of a run.

Undo restores the *before* state an operation recorded and redo its *after* state; each is itself an
operation, appended to the log (``undoes_op_id`` / ``redoes_op_id``), and flips the target's ``status``
(``undone`` ↔ ``applied`` or ``carried``). Both refuse with :class:`ConflictError` when later edits
changed the same rows (undo those first), so restoring never overwrites someone else's work.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import knowledge_graph as kg
from foresight.curation.core import OpResult, OpTransaction
from foresight.curation.errors import ConflictError, NothingToDoError, UnknownIdError
from foresight.curation.state import Touched, capture, differences, restore
from foresight.db.base import utcnow
from foresight.db.models import CurationOp
from foresight.themes.queries import latest_run_id

__all__ = ["EFFECTIVE", "PRIMARY", "log", "op_row", "redo", "undo"]

EFFECTIVE = ("applied", "carried")
PRIMARY = (
    "relabel",
    "merge",
    "split",
    "hide",
    "delete",
    "move_documents",
    "link",
    "unlink",
    "annotate",
    "flag",
)


def _touched(op: CurationOp) -> Touched:
    a, b = Touched.of_state(op.before), Touched.of_state(op.after)
    return Touched(
        a.themes | b.themes, a.documents | b.documents, a.links | b.links, a.annotations | b.annotations
    )


def _later_ops(session: Session, op: CurationOp) -> list[int]:
    """Effective operations after ``op`` in its run that touched some of the same rows."""
    mine = _touched(op)
    later = session.scalars(
        select(CurationOp).where(
            CurationOp.run_id == op.run_id,
            CurationOp.id > op.id,
            CurationOp.status.in_(EFFECTIVE),
            CurationOp.op.in_(PRIMARY),
        )
    )
    out = []
    for other in later:
        t = _touched(other)
        if mine.themes & t.themes or mine.documents & t.documents or mine.links & t.links:
            out.append(other.id)
    return out


def _target(session: Session, op_id: int | None, run_id: int | None, statuses: tuple[str, ...]) -> CurationOp:
    if op_id is not None:
        op = session.get(CurationOp, int(op_id))
        if op is None:
            raise UnknownIdError(f"curation operation {op_id} does not exist")
        return op
    run = run_id if run_id is not None else latest_run_id(session)
    op = session.scalar(
        select(CurationOp)
        .where(CurationOp.run_id == run, CurationOp.status.in_(statuses), CurationOp.op.in_(PRIMARY))
        .order_by(CurationOp.id.desc())
        .limit(1)
    )
    if op is None:
        what = "undo" if "applied" in statuses else "redo"
        raise NothingToDoError(f"nothing to {what} in run {run}")
    return op


def _check(session: Session, op: CurationOp, expected: dict[str, Any], action: str) -> None:
    current = capture(session, op.run_id, _touched(op))
    problems = differences(expected, current)
    if problems:
        later = _later_ops(session, op)
        hint = f"; {action} operation(s) {', '.join(map(str, later))} first" if later else ""
        raise ConflictError(
            f"cannot {action} operation {op.id} ({op.op}): the rows it changed have changed since "
            f"({', '.join(problems[:8])}){hint}",
            current={"op_id": op.id, "differences": problems, "later_ops": later, "state": current},
        )


def undo(
    session: Session, op_id: int | None = None, *, run_id: int | None = None, actor: str, reason: str = ""
) -> OpResult:
    """Undo an operation (default: the run's latest one still in effect) by restoring its before state.

    Raises
    ------
    UnknownIdError, NothingToDoError, InvalidRequestError (already undone, or never applied),
    ConflictError (later edits touched the same rows)
    """
    if not (actor or "").strip():
        raise kg.InvalidRequestError("every curation operation needs a non-empty actor")
    op = _target(session, op_id, run_id, EFFECTIVE)
    if op.op not in PRIMARY:
        raise kg.InvalidRequestError(f"operation {op.id} is an {op.op}; redo or undo its target instead")
    if op.status not in EFFECTIVE:
        raise kg.InvalidRequestError(
            f"operation {op.id} is {op.status}; only applied operations can be undone"
        )
    _check(session, op, op.after, "undo")
    tx = OpTransaction(
        session,
        op.run_id,
        "undo",
        actor=actor,
        reason=reason or f"undo {op.op} {op.id}",
        payload={"op_id": op.id, "op": op.op, "previous_status": op.status},
        touched=_touched(op),
    )
    tx.row.undoes_op_id = op.id
    restore(session, op.run_id, op.before)
    op.status, op.undone_at = "undone", utcnow()
    record = (
        kg.invert_record(kg.CurationRecord.from_dict(op.record), actor=actor, reason=reason)
        if op.record
        else None
    )
    return tx.finish(record, themes=sorted(_touched(op).themes))


def redo(
    session: Session, op_id: int | None = None, *, run_id: int | None = None, actor: str, reason: str = ""
) -> OpResult:
    """Re-apply an undone operation (default: the run's most recently undone one) by restoring its after
    state.

    Raises
    ------
    UnknownIdError, NothingToDoError, InvalidRequestError (not undone), ConflictError
    """
    if not (actor or "").strip():
        raise kg.InvalidRequestError("every curation operation needs a non-empty actor")
    op = _latest_undone(session, run_id) if op_id is None else _target(session, op_id, run_id, ("undone",))
    if op.status != "undone":
        raise kg.InvalidRequestError(
            f"operation {op.id} is {op.status}; only undone operations can be redone"
        )
    _check(session, op, op.before, "redo")
    previous = session.scalar(
        select(CurationOp.payload)
        .where(CurationOp.undoes_op_id == op.id)
        .order_by(CurationOp.id.desc())
        .limit(1)
    )
    tx = OpTransaction(
        session,
        op.run_id,
        "redo",
        actor=actor,
        reason=reason or f"redo {op.op} {op.id}",
        payload={"op_id": op.id, "op": op.op},
        touched=_touched(op),
    )
    tx.row.redoes_op_id = op.id
    restore(session, op.run_id, op.after)
    op.status = (previous or {}).get("previous_status", "applied")
    op.undone_at = None
    record = None
    if op.record:
        original = kg.CurationRecord.from_dict(op.record)
        record = kg.invert_record(kg.invert_record(original), actor=actor, reason=reason)
    return tx.finish(record, themes=sorted(_touched(op).themes))


def _latest_undone(session: Session, run_id: int | None) -> CurationOp:
    """The target of the run's most recent undo that is still undone."""
    run = run_id if run_id is not None else latest_run_id(session)
    undos = session.scalars(
        select(CurationOp)
        .where(CurationOp.run_id == run, CurationOp.op == "undo")
        .order_by(CurationOp.id.desc())
    )
    for u in undos:
        target = session.get(CurationOp, u.undoes_op_id) if u.undoes_op_id else None
        if target is not None and target.status == "undone":
            return target
    raise NothingToDoError(f"nothing to redo in run {run}")


def op_row(op: CurationOp) -> dict[str, Any]:
    """One log entry as plain values."""
    return {
        "id": op.id,
        "run_id": op.run_id,
        "op": op.op,
        "status": op.status,
        "actor": op.actor,
        "reason": op.reason,
        "payload": op.payload,
        "created_at": op.created_at.isoformat(),
        "undone_at": op.undone_at.isoformat() if op.undone_at else None,
        "undoes_op_id": op.undoes_op_id,
        "redoes_op_id": op.redoes_op_id,
        "carried_from_op_id": op.carried_from_op_id,
        "review_reason": op.review_reason,
    }


def log(session: Session, run_id: int | None = None, *, limit: int | None = None) -> list[dict[str, Any]]:
    """The run's curation log, oldest first (the last ``limit`` entries when given)."""
    run = run_id if run_id is not None else latest_run_id(session)
    stmt = select(CurationOp).where(CurationOp.run_id == run).order_by(CurationOp.id.desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    return [op_row(op) for op in reversed(list(session.scalars(stmt)))]

"""Row-level snapshots of what a curation operation touches, and restoring them (undo / redo).

A *state* is plain JSON, stored in ``curation_ops.before`` / ``after``::

    {"themes":      {"<theme id>": {<Theme columns>} | null},      # null: the row does not exist
     "retired":     {"<theme id>": {reason, op_id, successor_ids, documents} | null},
     "members":     {"<document id>": <theme id> | null},           # memberships in the op's run
     "links":       {"<graph link id>": {<GraphLink columns>} | null},
     "annotations": {"<annotation id>": {<Annotation columns>} | null}}

:func:`capture` reads a state from the store, :func:`restore` writes one back, :func:`differences`
compares two while ignoring ``version`` (every restore is itself a change and bumps it). Helpers take
a session and never commit.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from foresight.db.models import Annotation, GraphLink, RetiredTheme, Theme, ThemeMembership

__all__ = ["Touched", "capture", "chunks", "differences", "locked_themes", "restore"]

CHUNK = 500
_THEME_COLUMNS = (
    "run_id",
    "number",
    "field_id",
    "label_en",
    "label_zh",
    "keywords",
    "size",
    "representative_doc_ids",
    "quality",
    "lineage_id",
    "hidden",
    "origin",
)
_LINK_COLUMNS = ("run_id", "source", "target", "edge_type", "kind", "weight", "attrs", "actor", "op_id")
_ANNOTATION_COLUMNS = ("run_id", "target", "kind", "text", "flagged", "actor", "op_id")
_RETIRED_COLUMNS = ("run_id", "reason", "op_id", "successor_ids", "documents")


@dataclass
class Touched:
    """Ids of the rows an operation reads and changes."""

    themes: set[int] = field(default_factory=set)
    documents: set[int] = field(default_factory=set)
    links: set[int] = field(default_factory=set)
    annotations: set[int] = field(default_factory=set)

    @classmethod
    def of_state(cls, state: dict[str, Any]) -> Touched:
        """The ids a stored state names."""
        return cls(
            themes={int(k) for k in state.get("themes", {})},
            documents={int(k) for k in state.get("members", {})},
            links={int(k) for k in state.get("links", {})},
            annotations={int(k) for k in state.get("annotations", {})},
        )


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    """``items`` in slices of at most ``size`` (bounded ``IN (...)`` lists)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC (SQLite hands back naive datetimes, which are UTC here)."""
    if value is None:
        return None
    return (value if value.tzinfo is not None else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def theme_state(theme: Theme) -> dict[str, Any]:
    """The JSON state of one theme row (``centroid`` base64, ``created_at`` ISO 8601)."""
    out = {name: getattr(theme, name) for name in _THEME_COLUMNS}
    out["keywords"] = [list(kw) for kw in theme.keywords or []]
    out["centroid"] = base64.b64encode(theme.centroid).decode() if theme.centroid is not None else None
    out["created_at"] = _iso(theme.created_at)
    out["version"] = theme.version
    return out


def locked_themes(session: Session, ids: Iterable[int]) -> dict[int, Theme]:
    """The themes with these ids, locked for update on PostgreSQL (no lost updates between analysts)."""
    wanted = sorted(set(ids))
    found: dict[int, Theme] = {}
    lock = session.get_bind().dialect.name == "postgresql"
    for part in chunks(wanted):
        stmt = select(Theme).where(Theme.id.in_(part))
        if lock:
            stmt = stmt.with_for_update()
        found.update({t.id: t for t in session.scalars(stmt)})
    return found


def capture(session: Session, run_id: int, touched: Touched) -> dict[str, Any]:
    """Read the current state of the touched rows (see the module docstring).

    Parameters
    ----------
    session : Session
    run_id : int
        The run whose memberships are read.
    touched : Touched
        Ids to read; ids without a row give ``null``.

    Returns
    -------
    dict
        The state.
    """
    session.flush()
    themes = locked_themes(session, touched.themes)
    retired: dict[int, RetiredTheme] = {}
    for part in chunks(sorted(touched.themes)):
        retired.update(
            {
                r.theme_id: r
                for r in session.scalars(select(RetiredTheme).where(RetiredTheme.theme_id.in_(part)))
            }
        )
    members: dict[str, int | None] = {}
    for part in chunks(sorted(touched.documents)):
        rows = session.execute(
            select(ThemeMembership.document_id, ThemeMembership.theme_id).where(
                ThemeMembership.run_id == run_id, ThemeMembership.document_id.in_(part)
            )
        )
        members.update({str(d): t for d, t in rows})
    links = {lk.id: lk for lk in _rows(session, GraphLink, touched.links)}
    notes = {a.id: a for a in _rows(session, Annotation, touched.annotations)}
    return {
        "themes": {str(i): theme_state(themes[i]) if i in themes else None for i in sorted(touched.themes)},
        "retired": {
            str(i): _columns(retired[i], _RETIRED_COLUMNS) if i in retired else None
            for i in sorted(touched.themes)
        },
        "members": members,
        "links": {
            str(i): _columns(links[i], _LINK_COLUMNS, created=True) if i in links else None
            for i in sorted(touched.links)
        },
        "annotations": {
            str(i): _columns(notes[i], _ANNOTATION_COLUMNS, created=True) if i in notes else None
            for i in sorted(touched.annotations)
        },
    }


def _rows(session: Session, model: type[Any], ids: set[int]) -> list[Any]:
    out: list[Any] = []
    for part in chunks(sorted(ids)):
        out.extend(session.scalars(select(model).where(model.id.in_(part))))
    return out


def _columns(row: Any, names: Sequence[str], created: bool = False) -> dict[str, Any]:
    out = {name: getattr(row, name) for name in names}
    if created:
        out["created_at"] = _iso(row.created_at)
    return out


def _strip_versions(state: dict[str, Any]) -> dict[str, Any]:
    themes = {
        k: ({n: v for n, v in t.items() if n != "version"} if t is not None else None)
        for k, t in state.get("themes", {}).items()
    }
    return {**state, "themes": themes}


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """What differs between two states of the same rows, ``version`` aside (empty: they agree)."""
    a, b = _strip_versions(expected), _strip_versions(actual)
    problems: list[str] = []
    for section in ("themes", "retired", "members", "links", "annotations"):
        left, right = a.get(section, {}), b.get(section, {})
        for key in sorted(set(left) | set(right), key=lambda k: (len(k), k)):
            if left.get(key) != right.get(key):
                problems.append(f"{section} {key}")
    return problems


def restore(session: Session, run_id: int, state: dict[str, Any]) -> None:
    """Bring the rows named by ``state`` to it: insert, update or delete themes, memberships, links,
    annotations and retirements. Every theme row that exists afterwards gets ``version + 1``."""
    wanted = {int(k): v for k, v in state.get("themes", {}).items()}
    themes = locked_themes(session, wanted)
    for theme_id, data in wanted.items():
        if data is None:
            continue
        row = themes.get(theme_id)
        if row is None:
            row = Theme(id=theme_id, version=int(data.get("version", 0)), created_at=_dt(data["created_at"]))
            if session.scalar(
                select(Theme.id).where(Theme.run_id == data["run_id"], Theme.number == data["number"])
            ):
                data = {**data, "number": next_theme_number(session, int(data["run_id"]))}
            session.add(row)
        for name in _THEME_COLUMNS:
            setattr(row, name, data[name])
        row.centroid = base64.b64decode(data["centroid"]) if data.get("centroid") is not None else None
        row.version = (row.version or 0) + 1
    session.flush()
    by_theme: dict[int | None, list[int]] = defaultdict(list)
    for doc, theme_id in state.get("members", {}).items():
        by_theme[theme_id].append(int(doc))
    for target, docs in by_theme.items():
        for part in chunks(sorted(docs)):
            session.execute(
                update(ThemeMembership)
                .where(ThemeMembership.run_id == run_id, ThemeMembership.document_id.in_(part))
                .values(theme_id=target),
                execution_options={"synchronize_session": False},
            )
    _restore_rows(session, RetiredTheme, "theme_id", state.get("retired", {}), _RETIRED_COLUMNS)
    _restore_rows(session, GraphLink, "id", state.get("links", {}), _LINK_COLUMNS)
    _restore_rows(session, Annotation, "id", state.get("annotations", {}), _ANNOTATION_COLUMNS)
    session.flush()
    for theme_id, data in wanted.items():
        if data is None and theme_id in themes:
            session.delete(themes[theme_id])
    session.flush()


def _restore_rows(
    session: Session, model: type[Any], key: str, rows: dict[str, Any], names: Sequence[str]
) -> None:
    for raw_id, data in rows.items():
        row = session.get(model, int(raw_id))
        if data is None:
            if row is not None:
                session.delete(row)
            continue
        if row is None:
            row = model(**{key: int(raw_id)})
            session.add(row)
        for name in names:
            setattr(row, name, data[name])
        if "created_at" in data:
            row.created_at = _dt(data["created_at"])


def next_theme_number(session: Session, run_id: int) -> int:
    """A theme number not yet used in the run."""
    from sqlalchemy import func

    highest = session.scalar(select(func.max(Theme.number)).where(Theme.run_id == run_id))
    return 0 if highest is None else int(highest) + 1

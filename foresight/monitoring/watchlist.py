"""The watchlist: themes (by lineage id, so a watch follows the theme across runs), keywords and fields.

Services take a session and never commit; the caller commits at its boundary.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.db.models import Theme, Watch
from foresight.db.models.monitoring import WATCH_KINDS
from foresight.themes.queries import NotFoundError, theme_label

MAX_TARGET = 255


class WatchError(ValueError):
    """A watch that cannot be created as asked (unknown kind, empty or unknown target, duplicate)."""


def watch_row(watch: Watch) -> dict[str, Any]:
    return {
        "id": watch.id,
        "kind": watch.kind,
        "target": watch.target,
        "label": watch.label,
        "created_by": watch.created_by,
        "created_at": watch.created_at.isoformat() if watch.created_at else None,
        "active": watch.active,
    }


def _latest_theme(session: Session, lineage_id: str) -> Theme | None:
    return session.scalars(
        select(Theme).where(Theme.lineage_id == lineage_id).order_by(Theme.run_id.desc(), Theme.id.desc())
    ).first()


def create_watch(
    session: Session, kind: str, target: str, label: str = "", created_by: str = ""
) -> dict[str, Any]:
    """Add an active watch.

    Parameters
    ----------
    session
        An open session (the caller commits).
    kind
        ``theme`` (target: a lineage id, or a theme id whose lineage is then watched), ``keyword``
        (matched case-insensitively as a whole word in theme terms) or ``field`` (a field label).
    target
        What to watch; must not be empty.
    label
        A display name (default: the theme label, keyword or field).
    created_by
        Who asked for it.

    Raises
    ------
    WatchError
        For an unknown kind, an empty or too long target, a theme that does not exist, or an item
        already watched.
    """
    kind = (kind or "").strip().lower()
    if kind not in WATCH_KINDS:
        raise WatchError(f"unknown watch kind {kind!r}; use one of {', '.join(WATCH_KINDS)}")
    value = (target or "").strip()
    if not value:
        raise WatchError(f"a {kind} watch needs a non-empty target")
    if len(value) > MAX_TARGET:
        raise WatchError(f"the target is longer than {MAX_TARGET} characters")
    default_label = value
    if kind == "theme":
        theme = session.get(Theme, int(value)) if value.isdigit() else _latest_theme(session, value)
        if theme is None:
            raise WatchError(f"no theme with id or lineage id {value!r}")
        value, default_label = theme.lineage_id, theme_label(theme)
    elif kind == "keyword":
        value = " ".join(value.lower().split())
    duplicate = session.scalar(
        select(Watch.id).where(Watch.kind == kind, Watch.target == value, Watch.active.is_(True))
    )
    if duplicate is not None:
        raise WatchError(f"{kind} {value!r} is already watched (watch {duplicate})")
    watch = Watch(kind=kind, target=value, label=(label or default_label).strip(), created_by=created_by)
    session.add(watch)
    session.flush()
    return watch_row(watch)


def list_watches(session: Session, active_only: bool = True) -> list[dict[str, Any]]:
    """Watches, oldest first."""
    stmt = select(Watch).order_by(Watch.id)
    if active_only:
        stmt = stmt.where(Watch.active.is_(True))
    return [watch_row(w) for w in session.scalars(stmt)]


def delete_watch(session: Session, watch_id: int) -> None:
    """Remove a watch (its alerts stay, no longer linked to it).

    Raises
    ------
    NotFoundError
        When there is no such watch.
    """
    watch = session.get(Watch, watch_id)
    if watch is None:
        raise NotFoundError(f"watch {watch_id} does not exist")
    session.delete(watch)


def keyword_matches(keyword: str, terms: list[str]) -> list[str]:
    """Terms that contain ``keyword`` as whole words (case-insensitive)."""
    pattern = re.compile(rf"(?<!\w){re.escape(keyword.lower())}(?!\w)")
    return [t for t in terms if pattern.search(t.lower())]

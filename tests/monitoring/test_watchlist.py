"""Watchlist: creation with validation errors, listing, removal."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from foresight.monitoring.watchlist import (
    WatchError,
    create_watch,
    delete_watch,
    keyword_matches,
    list_watches,
)
from foresight.themes.queries import NotFoundError
from tests.monitoring.builders import StoreBuilder


def test_watch_validation_errors(session: Session) -> None:
    with pytest.raises(WatchError, match="unknown watch kind 'topic'"):
        create_watch(session, "topic", "quantum")
    with pytest.raises(WatchError, match="non-empty target"):
        create_watch(session, "keyword", "   ")
    with pytest.raises(WatchError, match="no theme with id or lineage id '999'"):
        create_watch(session, "theme", "999")
    with pytest.raises(WatchError, match="no theme with id or lineage id 'abc'"):
        create_watch(session, "theme", "abc")
    with pytest.raises(WatchError, match="longer than 255"):
        create_watch(session, "field", "x" * 256)
    create_watch(session, "keyword", "Solid  State Battery")
    with pytest.raises(WatchError, match="already watched"):
        create_watch(session, "keyword", "solid state battery")


def test_create_list_and_remove(session: Session) -> None:
    b = StoreBuilder(session)
    run = b.run()
    theme = b.theme(run, 0, "quantum error correction")
    by_id = create_watch(session, "theme", str(theme.id), created_by="analyst")
    assert by_id["target"] == theme.lineage_id and by_id["label"] == "quantum error correction"
    field = create_watch(session, "FIELD", "Energy storage", label="储能")
    assert (field["kind"], field["label"]) == ("field", "储能")
    assert [w["kind"] for w in list_watches(session)] == ["theme", "field"]
    delete_watch(session, by_id["id"])
    assert [w["id"] for w in list_watches(session)] == [field["id"]]
    with pytest.raises(NotFoundError, match="watch 12345 does not exist"):
        delete_watch(session, 12345)


def test_keyword_matches_whole_words() -> None:
    terms = ["solid state battery", "batteryless sensor", "battery", "lithium-battery pack"]
    assert keyword_matches("Battery", terms) == ["solid state battery", "battery", "lithium-battery pack"]
    assert keyword_matches("state battery", terms) == ["solid state battery"]

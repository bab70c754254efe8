"""Search indexes kept in memory per (store, scope, model), rebuilt when the store changes.

Every ``get`` reads the quick fingerprint (``foresight.search.fingerprint``: imports, merges, runs,
curation; a few milliseconds) and rebuilds on any change. The full fingerprint, which also sees deletions,
edits in place and access changes but scans the documents table (100-300 ms on 40,000 documents), is read in a
background thread once the index was last fully validated more than ``full_check_seconds`` ago (default
5 s), so no search waits for it: a change it finds makes the next search rebuild. With
``full_check_seconds=0`` it is read on every search, before answering. Restricted documents are hidden
from the rows read at answer time, so a stale index never reveals restricted text. At most
``max_entries`` indexes are kept (the least recently used go first).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import Engine

from foresight.db.session import session_scope
from foresight.search.build import build_index
from foresight.search.fingerprint import quick_fingerprint, store_fingerprint
from foresight.search.index import IndexScope, SearchIndex
from foresight.search.models import SearchOptions
from foresight.settings import Settings

__all__ = ["IndexCache", "default_cache"]

log = logging.getLogger(__name__)

_Key = tuple[str, IndexScope, str, str, float, float, int, int]


@dataclass
class _Entry:
    index: SearchIndex
    quick: str
    validated_at: float
    stale: bool = False
    checking: bool = False


class IndexCache:
    """A small LRU of ``SearchIndex`` objects, validated by fingerprint on use.

    Parameters
    ----------
    max_entries : int, default 4
        Indexes kept; a 40,000-document neural index takes about 60 MB of vectors plus its BM25 matrix.
    full_check_seconds : float, default 5.0
        Longest time an index is trusted on the quick fingerprint alone.
    """

    def __init__(self, max_entries: int = 4, full_check_seconds: float = 5.0) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        if full_check_seconds < 0:
            raise ValueError("full_check_seconds must not be negative")
        self.max_entries = max_entries
        self.full_check_seconds = full_check_seconds
        self._entries: OrderedDict[_Key, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[_Key, threading.Lock] = {}
        self.builds = 0

    @staticmethod
    def _key(engine: Engine, scope: IndexScope, settings: Settings, options: SearchOptions) -> _Key:
        url = engine.url.render_as_string(hide_password=True)
        return (
            url, scope, settings.embedding_model, settings.embedding_backend,
            options.k1, options.b, options.ann_threshold, options.embed_missing_limit,
        )  # fmt: skip

    def _valid(self, engine: Engine, scope: IndexScope, entry: _Entry | None, quick: str) -> bool:
        """Whether ``entry`` may answer now; starts the full check when it is due (see the module)."""
        if entry is None or entry.stale or entry.quick != quick:
            return False
        if self.full_check_seconds == 0:
            return self._full_check(engine, scope, entry)
        with self._lock:
            due = time.monotonic() - entry.validated_at >= self.full_check_seconds and not entry.checking
            entry.checking = entry.checking or due
        if due:
            threading.Thread(
                target=self._full_check, args=(engine, scope, entry), name="search-index-check", daemon=True
            ).start()
        return True

    @staticmethod
    def _full_check(engine: Engine, scope: IndexScope, entry: _Entry) -> bool:
        """Compare the full fingerprint with the index's; mark the entry stale when they differ."""
        try:
            with session_scope(engine) as session:
                current = store_fingerprint(session, scope) == entry.index.fingerprint
        except Exception:  # the next search meets the same problem and reports it
            log.warning("could not check the search index of %s", scope.describe(), exc_info=True)
            current = False
        if current:
            entry.validated_at = time.monotonic()
        else:
            entry.stale = True
        entry.checking = False
        return current

    def get(
        self,
        engine: Engine,
        scope: IndexScope,
        settings: Settings,
        options: SearchOptions | None = None,
    ) -> tuple[SearchIndex, bool]:
        """The up-to-date index of ``scope``; returns ``(index, reused)`` (``reused``: no rebuild).

        Concurrent callers for the same key wait for one build instead of building twice.
        """
        options = options or SearchOptions()
        key = self._key(engine, scope, settings, options)
        with session_scope(engine) as session:
            quick = quick_fingerprint(session, scope)
        with self._lock:
            entry = self._entries.get(key)
        if self._valid(engine, scope, entry, quick):
            assert entry is not None
            with self._lock:
                if key in self._entries:
                    self._entries.move_to_end(key)
            return entry.index, True
        stale = entry
        with self._lock:
            build_lock = self._building.setdefault(key, threading.Lock())
        with build_lock:
            with self._lock:  # another thread may have rebuilt it while this one waited
                entry = self._entries.get(key)
            if entry is not None and entry is not stale and entry.quick == quick:
                return entry.index, True
            index = build_index(engine, scope, settings, options)
            with self._lock:
                self._entries[key] = _Entry(index, quick, time.monotonic())
                self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
                self.builds += 1
        return index, False

    def clear(self) -> None:
        """Forget every index."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


_default = IndexCache()


def default_cache() -> IndexCache:
    """The process-wide cache ``foresight.search.search`` uses unless given another."""
    return _default

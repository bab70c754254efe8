"""Search indexes kept in memory per (store, scope, model), rebuilt when the store's fingerprint changes.

Every ``get`` reads the fingerprint (a few aggregate queries: about a millisecond on 40,000 documents,
see ``bench/search.py``) and rebuilds the index when the documents, the run's memberships or its
themes changed since it was built. At most ``max_entries`` indexes are kept (least recently used go).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy import Engine

from foresight.db.session import session_scope
from foresight.search.build import build_index, store_fingerprint
from foresight.search.index import IndexScope, SearchIndex
from foresight.search.models import SearchOptions
from foresight.settings import Settings

__all__ = ["IndexCache", "default_cache"]

_Key = tuple[str, IndexScope, str, str, float, float, int, int]


class IndexCache:
    """A small LRU of ``SearchIndex`` objects, validated by fingerprint on every use.

    Parameters
    ----------
    max_entries : int, default 4
        Indexes kept; a 40,000-document neural index takes about 60 MB (vectors) plus its BM25 matrix.
    """

    def __init__(self, max_entries: int = 4) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self._entries: OrderedDict[_Key, SearchIndex] = OrderedDict()
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
            fingerprint = store_fingerprint(session, scope)
        with self._lock:
            index = self._entries.get(key)
            if index is not None and index.fingerprint == fingerprint:
                self._entries.move_to_end(key)
                return index, True
            build_lock = self._building.setdefault(key, threading.Lock())
        with build_lock:
            with self._lock:  # another thread may have built it meanwhile
                index = self._entries.get(key)
                if index is not None and index.fingerprint == fingerprint:
                    return index, True
            index = build_index(engine, scope, settings, options)
            with self._lock:
                self._entries[key] = index
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

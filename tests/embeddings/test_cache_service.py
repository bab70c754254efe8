"""The embedding cache and the resumable embedding service, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import numpy as np
import pytest
from sqlalchemy import Engine

from foresight.db.session import session_scope
from foresight.embeddings import cache
from foresight.embeddings.service import document_text, embed_texts
from tests.embeddings.conftest import CHINESE, ENGLISH, CountingBackend

TEXTS = ENGLISH + CHINESE  # 24 short texts


def test_text_hash_is_the_sha256_of_the_exact_text() -> None:
    assert cache.text_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert cache.text_hash("abc ") != cache.text_hash("abc")


def test_put_and_get_many_round_trip_in_chunks(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "CHUNK", 3)
    rng = np.random.default_rng(1)
    items = {cache.text_hash(str(i)): rng.normal(size=5).astype(np.float32) for i in range(8)}
    with session_scope(engine) as session:
        assert cache.put_many(session, "m", items) == 8
    with session_scope(engine) as session:
        found = cache.get_many(session, "m", [*items, "missing", next(iter(items))])
        assert cache.count(session, "m") == 8 and cache.count(session, "other") == 0
    assert set(found) == set(items)
    for key, vector in items.items():
        np.testing.assert_array_equal(found[key], vector)
        assert found[key].dtype == np.float32


def test_put_many_keeps_what_another_writer_stored(engine: Engine) -> None:
    first = {"a" * 64: np.ones(3, np.float32), "b" * 64: np.ones(3, np.float32)}
    second = {"b" * 64: np.zeros(3, np.float32), "c" * 64: np.zeros(3, np.float32)}
    with session_scope(engine) as session:
        cache.put_many(session, "m", first)
    with session_scope(engine) as session:  # overlaps on "b": no unique violation
        cache.put_many(session, "m", second)
    with session_scope(engine) as session:
        found = cache.get_many(session, "m", ["a" * 64, "b" * 64, "c" * 64])
        assert cache.count(session) == 3
        rows = [
            cache._rows("m", {"c" * 64: np.ones(3)}, ["c" * 64])[0],
            *cache._rows("m", first, list(first)),
        ]
        assert cache._put_generic(session, "m", rows) == 0  # the portable path skips present keys
    np.testing.assert_array_equal(found["b" * 64], np.ones(3))


def test_concurrent_writers_of_the_same_keys_do_not_collide(engine: Engine) -> None:
    items = {cache.text_hash(str(i)): np.full(4, i, np.float32) for i in range(20)}
    inserted: list[int] = []
    errors: list[BaseException] = []
    first_wrote = threading.Event()

    def second_writer() -> None:
        try:
            first_wrote.wait(5)
            with session_scope(engine) as session:  # blocks until the first writer commits
                inserted.append(cache.put_many(session, "m", items))
        except BaseException as exc:  # reported below
            errors.append(exc)

    thread = threading.Thread(target=second_writer)
    thread.start()
    with session_scope(engine) as session:
        inserted.append(cache.put_many(session, "m", dict(list(items.items())[:12])))
        first_wrote.set()
        time.sleep(0.3)  # the second writer now waits on our uncommitted rows
    thread.join(30)
    assert not errors and not thread.is_alive()
    assert inserted == [12, 8]
    with session_scope(engine) as session:
        assert cache.count(session, "m") == 20


def test_decode_checks_the_dimension() -> None:
    with pytest.raises(ValueError):
        cache.decode_vector(cache.encode_vector(np.ones(4)), 3)


def test_second_run_encodes_nothing_and_keeps_order(engine: Engine, counting: CountingBackend) -> None:
    texts = [*TEXTS, TEXTS[0]]  # a duplicate is encoded once
    first = embed_texts(engine, texts, counting, batch_size=8)
    assert len(counting.encoded) == len(TEXTS)
    assert first.shape == (25, 384) and first.dtype == np.float32
    np.testing.assert_allclose(first, counting.encode(texts, batch_size=8), atol=1e-5)
    counting.encoded.clear()

    reordered = list(reversed(TEXTS))
    second = embed_texts(engine, reordered, counting, batch_size=8)
    assert counting.encoded == []
    np.testing.assert_array_equal(second, first[: len(TEXTS)][::-1])
    with session_scope(engine) as session:
        assert cache.count(session, counting.model_id) == len(TEXTS)


def test_an_interrupted_run_resumes_from_the_committed_batches(
    engine: Engine, counting: CountingBackend
) -> None:
    def stop_after_first_batch(done: int, total: int) -> None:
        raise KeyboardInterrupt(f"stopped at {done}/{total}")

    with pytest.raises(KeyboardInterrupt, match="stopped at 10/24"):
        embed_texts(engine, TEXTS, counting, batch_size=10, on_progress=stop_after_first_batch)
    assert len(counting.encoded) == 10
    with session_scope(engine) as session:
        assert cache.count(session, counting.model_id) == 10
    first_batch = list(counting.encoded)
    counting.encoded.clear()

    progress: list[tuple[int, int]] = []
    vectors = embed_texts(
        engine, TEXTS, counting, batch_size=10, on_progress=lambda d, t: progress.append((d, t))
    )
    assert len(counting.encoded) == 14 and not set(counting.encoded) & set(first_batch)
    assert progress == [(10, 14), (14, 14)]
    np.testing.assert_allclose(vectors, counting.encode(TEXTS), atol=1e-5)


def test_empty_input_and_document_text(engine: Engine, counting: CountingBackend) -> None:
    assert embed_texts(engine, [], counting).shape == (0, 384)
    assert document_text(SimpleNamespace(title="Graph networks", abstract="We study graphs.")) == (
        "Graph networks. We study graphs."
    )
    assert document_text(SimpleNamespace(title="Is it new?", abstract=" Yes. ")) == "Is it new? Yes."
    assert document_text(SimpleNamespace(title="量子计算。", abstract="摘要")) == "量子计算。 摘要"
    assert document_text(SimpleNamespace(title="Only a title", abstract=None)) == "Only a title"

"""Lexical and fused representations, and the automatic choice between representations."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from foresight.embeddings.chinese import (
    CHINESE_DEFAULT,
    FusedEmbedder,
    LexicalEmbedder,
    assess_representation,
    choose_representation,
    fuse,
)
from tests.embeddings.conftest import CHINESE, CHINESE_TOPICS, ENGLISH, CountingBackend


def _topic_margin(vectors: np.ndarray) -> float:
    """Mean similarity within topics minus mean similarity across topics."""
    sims = vectors @ vectors.T
    topics = np.array(CHINESE_TOPICS)
    same = topics[:, None] == topics[None, :]
    off_diagonal = ~np.eye(len(topics), dtype=bool)
    return float(sims[same & off_diagonal].mean() - sims[~same].mean())


def test_lexical_vectors_separate_chinese_topics() -> None:
    lexical = LexicalEmbedder(n_components=8, min_df=1)
    vectors = lexical.fit_transform(CHINESE)
    assert vectors.shape == (18, 8) and vectors.dtype == np.float32
    assert lexical.n_components_ == 8 and lexical.dim == 8
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert _topic_margin(vectors) > 0.3
    np.testing.assert_allclose(lexical.transform(CHINESE), vectors, atol=1e-5)
    assert lexical.encode(CHINESE[:3], batch_size=2).shape == (3, 8)


def test_lexical_fit_is_deterministic_and_fingerprinted() -> None:
    first = LexicalEmbedder(n_components=8, min_df=1, random_state=3).fit(CHINESE)
    second = LexicalEmbedder(n_components=8, min_df=1, random_state=3).fit(CHINESE)
    other = LexicalEmbedder(n_components=8, min_df=1, random_state=3).fit(CHINESE[:12])
    assert first.model_id == second.model_id and first.model_id.startswith("lexical-zh:")
    assert first.model_id != other.model_id
    np.testing.assert_allclose(first.transform(CHINESE), second.transform(CHINESE), atol=1e-6)


def test_lexical_edge_cases() -> None:
    lexical = LexicalEmbedder(n_components=256, min_df=1).fit(CHINESE[:4])
    assert lexical.n_components_ == 3  # at most documents - 1
    assert not lexical.transform(["completely unrelated english words"]).any()
    assert lexical.transform([]).shape == (0, 3)
    with pytest.raises(RuntimeError):
        LexicalEmbedder().transform(["x"])
    with pytest.raises(ValueError):
        LexicalEmbedder().fit(["only one"])


def test_fused_cosine_is_the_weighted_mean_of_both_cosines() -> None:
    rng = np.random.default_rng(0)
    neural = rng.normal(size=(5, 6))
    lexical = rng.normal(size=(5, 4))
    fused = fuse(neural, lexical, 0.3)
    assert fused.shape == (5, 10)
    n = neural / np.linalg.norm(neural, axis=1, keepdims=True)
    lx = lexical / np.linalg.norm(lexical, axis=1, keepdims=True)
    np.testing.assert_allclose(fused @ fused.T, 0.3 * n @ n.T + 0.7 * lx @ lx.T, atol=1e-5)
    with pytest.raises(ValueError):
        fuse(neural, lexical, 1.5)
    with pytest.raises(ValueError):
        fuse(neural, lexical[:3])


def test_fused_embedder_beats_the_english_model_on_chinese(minilm: CountingBackend) -> None:
    lexical = LexicalEmbedder(n_components=8, min_df=1).fit(CHINESE)
    fused = FusedEmbedder(minilm, lexical, neural_weight=0.3)
    assert fused.dim == 384 + 8
    assert fused.model_id == f"fused:{minilm.model_id}+{lexical.model_id}:w=0.300"
    vectors = fused.encode(CHINESE)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert _topic_margin(vectors) > _topic_margin(minilm.encode(CHINESE))


def test_choice_follows_what_the_model_can_read(
    minilm: CountingBackend, caplog: pytest.LogCaptureFixture
) -> None:
    english = assess_representation(ENGLISH, ["en"] * len(ENGLISH), minilm)
    assert (english.representation, english.unk_share, english.warning) == ("neural", 0.0, None)

    with caplog.at_level(logging.WARNING):
        assert choose_representation(CHINESE, ["zh"] * len(CHINESE), minilm) == CHINESE_DEFAULT
    assert "cannot read this corpus" in caplog.text

    chinese = assess_representation(CHINESE, ["zh"] * len(CHINESE), minilm)
    assert chinese.unk_share > 0.4 and chinese.chinese_share == 1.0 and chinese.warning

    texts = ENGLISH * 3 + CHINESE[:6]
    mixed = assess_representation(texts, ["en"] * 18 + ["zh"] * 6, minilm)
    assert mixed.representation == "fused" and mixed.chinese_share == 0.25

    assert assess_representation([], [], minilm).representation == "neural"
    with pytest.raises(ValueError):
        assess_representation(["a"], [], minilm)

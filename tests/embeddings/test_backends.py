"""The sentence-transformers backend, with the real bundled model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from foresight.embeddings.backends import (
    BUNDLED_MODEL_ID,
    SentenceTransformerBackend,
    bundled_model_path,
    l2_normalize,
    resolve_model,
)
from tests.embeddings.conftest import CHINESE, ENGLISH, CountingBackend


def test_the_default_model_resolves_to_the_bundled_files() -> None:
    folder = bundled_model_path()
    assert (folder / "model.safetensors").is_file()
    assert resolve_model("all-MiniLM-L6-v2") == (BUNDLED_MODEL_ID, str(folder), True)
    assert resolve_model("sentence-transformers/all-MiniLM-L6-v2")[0] == BUNDLED_MODEL_ID
    assert resolve_model("BAAI/bge-m3") == ("BAAI/bge-m3", "BAAI/bge-m3", False)


def test_a_local_folder_gets_a_content_fingerprint(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text('{"a": 1}')
    first = resolve_model(str(tmp_path))[0]
    (tmp_path / "config.json").write_text('{"a": 2}')
    second = resolve_model(str(tmp_path))[0]
    assert first.startswith(f"local:{tmp_path.name}:") and first != second


def test_encode_gives_unit_float32_rows_in_input_order(minilm: CountingBackend) -> None:
    progress: list[tuple[int, int]] = []
    vectors = minilm.encode(ENGLISH, batch_size=4, on_progress=lambda d, t: progress.append((d, t)))
    assert vectors.shape == (len(ENGLISH), 384) and minilm.dim == 384
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert progress == [(4, 6), (6, 6)]
    one_by_one = np.vstack([minilm.encode_batch([t]) for t in ENGLISH])
    np.testing.assert_allclose(vectors, one_by_one, atol=1e-4)


def test_similar_texts_are_closer_than_unrelated_ones(minilm: CountingBackend) -> None:
    a, b, c = minilm.encode(
        [
            "Graph neural networks forecast road traffic",
            "Predicting traffic flow with graph neural networks",
            "Wheat yield under drought stress",
        ]
    )
    assert float(a @ b) > 0.7 > 0.2 > float(a @ c)


def test_the_english_model_cannot_read_chinese(minilm: CountingBackend) -> None:
    assert minilm.unknown_token_share(ENGLISH) == 0.0
    assert minilm.unknown_token_share(CHINESE) > 0.4
    assert minilm.unknown_token_share([]) == 0.0


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        SentenceTransformerBackend(backend="tensorflow")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        SentenceTransformerBackend().encode(["x"], batch_size=0)
    zero = l2_normalize(np.zeros((1, 3)))
    assert not zero.any()


@pytest.mark.slow
def test_onnx_int8_export_agrees_with_torch(minilm: CountingBackend, tmp_path: Path) -> None:
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    onnx = SentenceTransformerBackend(backend="onnx", onnx_dir=tmp_path / "onnx")
    assert onnx.model_id == f"{BUNDLED_MODEL_ID}#onnx-int8"
    vectors = onnx.encode(ENGLISH, batch_size=4)
    assert (tmp_path / "onnx" / "model_int8.onnx").is_file()
    assert vectors.shape == (len(ENGLISH), 384) and vectors.dtype == np.float32
    cosine = np.sum(vectors * minilm.encode(ENGLISH), axis=1)
    assert cosine.min() > 0.95
    again = SentenceTransformerBackend(backend="onnx", onnx_dir=tmp_path / "onnx")
    # dynamic quantisation scales activations per batch: same batches, same vectors
    np.testing.assert_allclose(again.encode(ENGLISH, batch_size=4), vectors, atol=1e-6)
    assert again._st is None  # the export was reused: PyTorch model never loaded

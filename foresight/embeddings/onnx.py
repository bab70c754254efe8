"""An int8 ONNX path for sentence-transformers models, on ONNX Runtime (CPU).

``export_int8_onnx`` traces the whole sentence-transformers pipeline (transformer, pooling and, where the
model has it, normalisation) to ONNX with PyTorch, quantises its weights to int8 with ONNX Runtime's
dynamic quantisation, and writes the model, the tokenizer and a ``foresight-onnx.json`` description into
one folder. ``OnnxEncoder`` loads that folder and encodes texts without PyTorch in the loop.

The folder is written atomically (to a temporary sibling, then renamed), so an interrupted export never
leaves a half-written model behind. Requires the packages ``onnx`` and ``onnxruntime``.

Dynamic quantisation scales activations per batch, so a text's int8 vector varies slightly (cosine
above 0.98) with the other texts of its batch; the vectors agree with the float model's to about 0.99
cosine on average.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["META_FILE", "MODEL_FILE", "OnnxEncoder", "export_int8_onnx", "onnx_export_exists"]

log = logging.getLogger(__name__)

MODEL_FILE = "model_int8.onnx"
META_FILE = "foresight-onnx.json"
_OPSET = 17


def onnx_export_exists(folder: Path) -> bool:
    """Return whether ``folder`` holds a complete export (model and description).

    Parameters
    ----------
    folder : pathlib.Path
        The export folder.

    Returns
    -------
    bool
        True when both ``model_int8.onnx`` and ``foresight-onnx.json`` are there.
    """
    return (folder / MODEL_FILE).is_file() and (folder / META_FILE).is_file()


def _pipeline_module(st_model: Any, input_names: list[str]) -> Any:
    """Wrap a SentenceTransformer as a module taking positional tensors and returning the embedding."""
    import torch

    class _Pipeline(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.st = st_model

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            features = dict(zip(input_names, tensors, strict=True))
            return self.st(features)["sentence_embedding"]

    return _Pipeline().eval()


def export_int8_onnx(
    st_model: Any, folder: Path, *, source_model_id: str = "", per_channel: bool = True
) -> Path:
    """Export a SentenceTransformer to an int8 dynamically quantised ONNX model in ``folder``.

    Parameters
    ----------
    st_model : sentence_transformers.SentenceTransformer
        The loaded model (any device; it is exported from the CPU).
    folder : pathlib.Path
        Destination; replaced if it exists.
    source_model_id : str, optional
        Recorded in the description file.
    per_channel : bool, default True
        Quantise weights per output channel (more accurate than one scale per tensor).

    Returns
    -------
    pathlib.Path
        ``folder``.
    """
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tokenizer = st_model.tokenizer
    input_names = [
        n for n in tokenizer.model_input_names if n in ("input_ids", "attention_mask", "token_type_ids")
    ]
    sample = tokenizer(
        ["an example sentence to trace", "short"], padding=True, truncation=True, return_tensors="pt"
    )
    args = tuple(sample[n] for n in input_names)
    dynamic_axes: dict[str, dict[int, str]] = {n: {0: "batch", 1: "sequence"} for n in input_names}
    dynamic_axes["embedding"] = {0: "batch"}

    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        float_path = work / "model_float.onnx"
        module = _pipeline_module(st_model, input_names)
        device = next(module.parameters()).device
        module.to("cpu")
        try:
            with torch.no_grad(), warnings.catch_warnings():
                warnings.simplefilter("ignore")  # tracer notes on shape checks that hold for every input
                torch.onnx.export(
                    module,
                    args,
                    str(float_path),
                    input_names=input_names,
                    output_names=["embedding"],
                    dynamic_axes=dynamic_axes,
                    opset_version=_OPSET,
                    dynamo=False,
                )
        finally:
            module.to(device)
        quantize_dynamic(
            str(float_path), str(work / MODEL_FILE), weight_type=QuantType.QInt8, per_channel=per_channel
        )
        float_path.unlink()
        tokenizer.save_pretrained(str(work / "tokenizer"))
        meta = {
            "source_model_id": source_model_id,
            "input_names": input_names,
            "dim": int(st_model.get_embedding_dimension()),
            "max_seq_length": int(st_model.max_seq_length),
            "quantization": {"weights": "int8", "per_channel": per_channel, "mode": "dynamic"},
            "opset": _OPSET,
        }
        (work / META_FILE).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder)
        work.rename(folder)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    log.info("exported int8 ONNX model of %s to %s", source_model_id or "model", folder)
    return folder


class OnnxEncoder:
    """Encode texts with an export written by ``export_int8_onnx``.

    Parameters
    ----------
    folder : pathlib.Path
        The export folder.
    threads : int, optional
        Intra-op threads of ONNX Runtime (default: its own choice, all cores).
    """

    def __init__(self, folder: Path, threads: int | None = None) -> None:
        import onnxruntime as ort
        from transformers import AutoTokenizer

        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        self.folder = folder
        self.input_names: list[str] = list(meta["input_names"])
        self.dim: int = int(meta["dim"])
        self.max_seq_length: int = int(meta["max_seq_length"])
        self.source_model_id: str = str(meta.get("source_model_id", ""))
        self.tokenizer: Any = AutoTokenizer.from_pretrained(str(folder / "tokenizer"), local_files_only=True)
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        self._session = ort.InferenceSession(
            str(folder / MODEL_FILE), options, providers=["CPUExecutionProvider"]
        )

    def encode_batch(self, texts: list[str]) -> np.ndarray:
        """Embed one batch of texts.

        Parameters
        ----------
        texts : list of str
            The batch (padded to its longest text, truncated at ``max_seq_length`` tokens).

        Returns
        -------
        numpy.ndarray
            Shape ``(len(texts), dim)``, float32, as the model's pipeline produces it.
        """
        encoded = self.tokenizer(
            texts, padding=True, truncation=True, max_length=self.max_seq_length, return_tensors="np"
        )
        feeds = {name: np.asarray(encoded[name], dtype=np.int64) for name in self.input_names}
        (embedding,) = self._session.run(["embedding"], feeds)
        return np.asarray(embedding, dtype=np.float32)

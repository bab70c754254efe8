"""Embeddings: backends (sentence-transformers, int8 ONNX), Chinese-aware representations, the cache.

Importing this package loads no model; backends load theirs on first use.
"""

from foresight.embeddings.backends import (
    BUNDLED_MODEL_ID,
    DEFAULT_MODEL,
    EmbeddingBackend,
    SentenceTransformerBackend,
    bundled_model_path,
)
from foresight.embeddings.chinese import (
    FusedEmbedder,
    LexicalEmbedder,
    RepresentationChoice,
    assess_representation,
    choose_representation,
    fuse,
)
from foresight.embeddings.service import document_text, embed_texts

__all__ = [
    "BUNDLED_MODEL_ID",
    "DEFAULT_MODEL",
    "EmbeddingBackend",
    "FusedEmbedder",
    "LexicalEmbedder",
    "RepresentationChoice",
    "SentenceTransformerBackend",
    "assess_representation",
    "bundled_model_path",
    "choose_representation",
    "document_text",
    "embed_texts",
    "fuse",
]
